"""cicada's gevent: what locustfiles use of gevent, on cicada's engine. sleep() yields to the other users;
spawn() runs a function in its own greenlet driven by the engine."""
from locust._runtime import GreenletExit, sleep  # noqa: F401
from greenlet import getcurrent  # noqa: F401


def idle(priority=0):
    sleep(0)
