"""How gevent.lock, gevent.event and gevent.queue wait on cicada's engine.

A user waits for what other users (or an event listener) change: a Semaphore released in a
spawning_complete listener, an item another user puts in a Queue. cicada's users are not gevent greenlets
that a release could switch to; a waiting user sleeps on the engine's timer (the other users run meanwhile)
and looks again, first after 1 ms, then at doubling intervals up to 50 ms: a wait ends at most 50 ms after
what it waits for happened, and 1,000 users waiting cost at most 20,000 looks a second. Inside a user's
spawned greenlets the sleeps are the hub's (gevent/_hub.py), so its other greenlets run meanwhile.

Outside users the thread itself sleeps between looks. On a listener's thread (init, test_start) that needs
a timeout, since the run waits for the listener; a background greenlet's thread (gevent/_background.py)
may wait without one.
"""
import threading
import time as _time

from gevent import _background
from locust import _runtime

FIRST_LOOK_S = 0.001
LONGEST_LOOK_S = 0.05

# Users run on the event loop's thread and listeners (spawning_complete, test_start) may run on another:
# each change of a primitive's state is made under this lock, never held across a wait.
guard = threading.Lock()


def block_until(done, timeout, what, outside_users=False):
    """Waits until done() is true (it may take what it waited for, under `guard`), or until `timeout`
    seconds passed (None: no limit). Returns whether done() came true. outside_users: a wait outside users
    without a timeout is allowed (what it waits for runs on a thread of its own)."""
    if done():
        return True
    if timeout is not None and timeout <= 0:
        return False
    if timeout is None and not outside_users and not _runtime.in_user() and not _background.in_background():
        raise RuntimeError(f"{what} would wait forever outside a running user: only users run while it "
                           "waits here; call it from a task, on_start or on_stop, or give it a timeout")
    deadline = None if timeout is None else _time.monotonic() + float(timeout)
    look = FIRST_LOOK_S
    while True:
        pause = look
        if deadline is not None:
            left = deadline - _time.monotonic()
            if left <= 0:
                return False
            pause = min(pause, left)
        _runtime.sleep(pause)
        if done():
            return True
        look = min(look * 2, LONGEST_LOOK_S)
