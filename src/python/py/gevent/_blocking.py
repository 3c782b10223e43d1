"""How gevent.lock, gevent.event and gevent.queue wait on cicada's engine.

A user waits for what other users (or an event listener) change: a Semaphore released in a
spawning_complete listener, an item another user puts in a Queue. cicada's users are not gevent greenlets
that a release could switch to; a waiting user sleeps on the engine's timer (the other users run meanwhile)
and looks again, first after 1 ms, then at doubling intervals up to 50 ms: a wait ends at most 50 ms after
what it waits for happened, and 1,000 users waiting cost at most 20,000 looks a second. Inside a user's
spawned greenlets the sleeps are the hub's (gevent/_hub.py), so its other greenlets run meanwhile.

Outside users (an init or test_start listener) the thread itself sleeps between looks, which needs a
timeout: nothing else runs on a listener's thread for it.
"""
import threading
import time as _time

from locust import _runtime

_FIRST_LOOK_S = 0.001
_LONGEST_LOOK_S = 0.05

# Users run on the event loop's thread and listeners (spawning_complete, test_start) may run on another:
# each change of a primitive's state is made under this lock, never held across a wait.
guard = threading.Lock()


def block_until(done, timeout, what):
    """Waits until done() is true (it may take what it waited for, under `guard`), or until `timeout`
    seconds passed (None: no limit). Returns whether done() came true."""
    if done():
        return True
    if timeout is not None and timeout <= 0:
        return False
    if timeout is None and not _runtime.in_user():
        raise RuntimeError(f"{what} would wait forever outside a running user: only users run while it "
                           "waits here; call it from a task, on_start or on_stop, or give it a timeout")
    deadline = None if timeout is None else _time.monotonic() + float(timeout)
    look = _FIRST_LOOK_S
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
        look = min(look * 2, _LONGEST_LOOK_S)
