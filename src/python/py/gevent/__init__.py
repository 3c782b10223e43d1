"""cicada's gevent: what locustfiles use of gevent, on cicada's engine. sleep() yields to the other users;
spawn(), joinall(), killall(), Greenlet and gevent.pool's Pool and Group run greenlets inside the user that
spawned them (gevent/_hub.py: their requests are measured like the user's own, made one at a time per user).
gevent.lock, gevent.event and gevent.queue are shared by users (gevent/_blocking.py says how they wait);
greenlets spawned outside users (a listener's background checker) run on threads (gevent/_background.py).
monkey.patch_all() is accepted and does nothing."""
from greenlet import getcurrent  # noqa: F401
from locust._runtime import GreenletExit, sleep  # noqa: F401
from gevent.timeout import Timeout  # noqa: F401
from gevent.greenlet import (  # noqa: F401
    Greenlet, iwait, joinall, kill, killall, spawn, spawn_later, wait,
)
from gevent import pool  # noqa: F401


def idle(priority=0):
    sleep(0)
