"""Greenlets spawned outside users: a background checker an init or test_start listener starts, as
Locust's docs show (`gevent.spawn(checker, environment)`: watch the statistics, quit past a threshold).

cicada has no gevent hub outside users, so each runs on a thread of its own (a daemon: it never holds the
process at its end). time.sleep and gevent.sleep there sleep the thread, releasing the interpreter lock
to the users; environment.runner and its statistics may be read from it (the engine's run view is read
under that lock). Greenlet.kill raises the exception in the thread at its next Python instruction, after
a sleep in progress returns (Python cannot interrupt a thread inside a C call)."""
import ctypes
import threading

import greenlet as _greenlet

from locust import _runtime

_live = set()
_lock = threading.Lock()
_here = threading.local()  # .greenlet: the background greenlet this thread runs


def alive():
    """Whether a background greenlet is running (a wait in a user may be ended by one of them)."""
    return bool(_live)


def in_background():
    """Whether this code runs on a background greenlet's thread (where a wait may block: nothing else runs
    on it)."""
    return getattr(_here, "greenlet", None) is not None


def start(g, delay):
    thread = threading.Thread(target=_run, args=(g, delay), name=f"cicada-greenlet-{id(g):x}", daemon=True)
    g.cicada_thread = thread
    with _lock:
        _live.add(g)
    thread.start()


def _run(g, delay):
    _here.greenlet = g
    try:
        try:
            if delay > 0:
                _runtime._real_sleep(delay)
        except BaseException as e:  # killed before it started (spawn_later)
            exit = isinstance(e, _greenlet.GreenletExit)
            g.cicada_end(e if exit else None, None if exit else (type(e), e, e.__traceback__))
        if not g.cicada_ended:
            g.run()
    except _greenlet.GreenletExit:
        pass  # a kill that came as it ended
    finally:
        with _lock:
            _live.discard(g)


def kill(g, exception):
    """Raises `exception` (its class: Python raises a new one) in g's thread at its next instruction."""
    thread = g.cicada_thread
    if not g.cicada_ended and thread is not None and thread.ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                   ctypes.py_object(type(exception)))
