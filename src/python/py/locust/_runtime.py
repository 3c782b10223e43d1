"""The seam between cicada's engine (C++) and the Python users.

Each call the engine makes into a user (on_start, one task, on_stop) runs in a new greenlet whose parent
is the event loop thread's main greenlet, where the engine's C++ code runs. Blocking operations (HTTP
requests, sleeps) switch back to the engine with an operation tuple; the engine performs it natively and
switches back in with the result. A call ends with (OP_DONE, outcome).
"""
import os
import sys
import time as _time
import traceback

import greenlet as _greenlet

from locust.exception import InterruptTaskSet, RescheduleTask, RescheduleTaskImmediately, StopUser

GreenletExit = _greenlet.GreenletExit
_getcurrent = _greenlet.getcurrent
_real_sleep = _time.sleep

# Operation codes: keep in step with src/python/python_ops.hpp.
OP_REQUEST, OP_SLEEP, OP_SETTLE, OP_SAMPLE, OP_EXCEPTION, OP_COOKIES, OP_DONE = 0, 1, 2, 3, 4, 5, 9
COOKIE_ITEMS, COOKIE_SET, COOKIE_DELETE, COOKIE_CLEAR = 0, 1, 2, 3
DONE_OK, DONE_STOP_USER, DONE_DIED = 0, 1, 2

class TaskDidNotYield(BaseException):
    """Raised by cicada at the end of a run inside Python that has held its event loop without yielding
    since long before (src/python/loop_watch.hpp): the recorded traceback shows where it was. A
    BaseException, so that a task's `except Exception` does not keep it running."""

    def __str__(self):
        return "the task held the event loop without yielding until the end of the run and was stopped there"


class _Quit(GreenletExit):
    """Raised in a user where it waits when the run stops it mid-task (the engine throws it into the
    greenlet: the end of a run with --stop-timeout 0, or after the stop timeout), and at its next request
    or sleep once environment.runner.quit() was called: the user ends (its on_stop runs), as Locust kills
    every user's greenlet with a GreenletExit (so a task's `except Exception` does not keep it going, and
    its TaskSet's on_stop runs)."""


# A user spawned a greenlet (gevent.spawn, a Pool) in this process: its calls check for greenlets still
# running when they return (gevent/_hub.py). False: no check on the hot path.
spawned_any = False

# runner.quit() was called in this test: users stop at their next request or sleep (except in on_stop).
_quitting = False


def engine_quit():
    """Replaced by the engine (src/python/run_view.cpp) when a locustfile is loaded."""


def engine_state():
    return None


def engine_stats():
    return None


def engine_target_users():
    return None


def engine_workers():
    return None


def request_quit():
    """environment.runner.quit(): the engine stops the test (then test_stop, quitting, exit), and no user
    makes another request meanwhile."""
    global _quitting
    _quitting = True
    engine_quit()


def rearm_quit():
    """A new test: a quit of the last one is over."""
    global _quitting
    _quitting = False


def _check_quit():
    if _quitting and not getattr(_getcurrent(), "in_on_stop", False):
        raise _Quit()


# Frames of these files are cicada's own machinery: left out of recorded tracebacks.
_OWN_PREFIX = "<cicada>/"


def in_user():
    """Whether this code runs inside a user's greenlet (and may switch to the engine)."""
    return _getcurrent().parent is not None


def _to_engine(op):
    parent = _getcurrent().parent
    if parent is None:
        raise RuntimeError("this operation needs a running user: call it from a task, on_start or on_stop")
    return parent.switch(op)


def sleep(seconds=0):
    """time.sleep / gevent.sleep: inside a user, the user waits and the others go on (and the greenlets it
    spawned run meanwhile); elsewhere it blocks."""
    current = _getcurrent()
    if current.parent is None:
        _real_sleep(seconds)
        return
    if _quitting:
        _check_quit()
    if spawned_any:
        hub = getattr(current, "cicada_hub", None)
        if hub is not None and hub.live:
            hub.sleep(seconds)
            return
    _to_engine((OP_SLEEP, float(seconds)))


def request(method, url, name, headers, body, catch_response, allow_redirects, timeout_s=0.0):
    """A request made by the engine; returns its answer (see clients.Response). Per request: kept short."""
    if _quitting:
        _check_quit()
    parent = _getcurrent().parent
    if parent is None:
        raise RuntimeError("this operation needs a running user: call it from a task, on_start or on_stop")
    return parent.switch((OP_REQUEST, method, url, name, headers, body, catch_response, allow_redirects,
                          timeout_s))


def cookies(action, name=None, value=None):
    """The running user's cookie jar in the engine (the one its requests send): items, set, delete, clear."""
    return _to_engine((OP_COOKIES, action, name, value))


def settle(ticket, failed, message, raw=False):
    _to_engine((OP_SETTLE, ticket, failed, message, raw))


def settle_default(ticket):
    _to_engine((OP_SETTLE, ticket, None, "", False))


def record_sample(request_type, name, response_time, response_length, exception):
    """events.request.fire(...) from locustfile code: a custom sample in the native statistics."""
    if _getcurrent().parent is None:
        import logging
        logging.warning("events.request.fire() outside a running user (in %s) is not recorded: fire it from a "
                        "task, on_start or on_stop", request_type)
        return
    error = None if exception is None else (exception if isinstance(exception, str) else repr(exception))
    _to_engine((OP_SAMPLE, str(request_type), str(name), float(response_time or 0), int(response_length or 0),
                error))


def _user_frames(frames):
    return traceback.StackSummary.from_list([f for f in frames if not f.filename.startswith(_OWN_PREFIX)])


def format_traceback(tb):
    """The frames of tb, cicada's own left out: the exceptions table's traceback, as Locust's (frames only)."""
    return "".join(_user_frames(traceback.extract_tb(tb)).format())


def format_exception(exc):
    """What Locust's traceback.format_exc() logs below an exception's message: "Traceback (most recent call
    last):", the frames (cicada's own left out), "ValueError: the message", and the causes and contexts
    before it as Python prints them. Without the last line a log says "always" and not what was raised."""
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    seen, todo = set(), [te]
    while todo:  # every exception of the chain and of a group (a cycle of contexts: each one once)
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        t.stack = _user_frames(t.stack)
        todo += [c for c in (t.__cause__, t.__context__) if c is not None]
        todo += list(getattr(t, "exceptions", None) or [])
    return "".join(te.format())


def _message(exc):
    """str(exc), which user code may make raise: then what Python's own traceback says in its place."""
    try:
        return str(exc)
    except Exception:
        return "<exception str() failed>"


def exception_op(exc):
    """The engine's record of an exception that escaped user code: its table row and its log line."""
    return (OP_EXCEPTION, _message(exc), format_traceback(exc.__traceback__), format_exception(exc))


def report_user_error(where, exc):
    """An exception escaped a task: Locust's user_error event, the log line and the exceptions table."""
    from locust.event import events
    tb = exc.__traceback__
    user = getattr(where, "user", where)
    events.user_error.fire(user_instance=user, exception=exc, tb=tb)
    _to_engine(exception_op(exc))


# --- entry points the engine calls, each in a new greenlet ------------------------------------------


def _end_spawned(user, kill=False):
    """The call ends: the greenlets it spawned (gevent/_hub.py) are run to their end, or killed when the
    user stops. None, or the call's outcome when the user was killed (or stopped) meanwhile."""
    hub = getattr(_getcurrent(), "cicada_hub", None)
    if hub is None or not hub.live:
        return None
    if kill:
        hub.kill_all()
        return None
    try:
        hub.finish()
    except _Quit:
        return (OP_DONE, DONE_STOP_USER)
    except TaskDidNotYield as e:
        return _user_exception(user, e)
    return None


def run_on_start(user):
    try:
        user.on_start()
    except _Quit:
        if spawned_any:
            _end_spawned(user, kill=True)
        return (OP_DONE, DONE_STOP_USER)
    except (Exception, TaskDidNotYield) as e:
        if spawned_any:
            _end_spawned(user, kill=True)
        done = _user_exception(user, e)
        # Locust's user dies when its on_start raises (its greenlet ends: no task, no on_stop); StopUser
        # still runs on_stop.
        return done if done[1] == DONE_STOP_USER else (OP_DONE, DONE_DIED)
    return (spawned_any and _end_spawned(user)) or (OP_DONE, DONE_OK)


def run_on_stop(user):
    current = _getcurrent()
    current.in_on_stop = True  # a quit lets on_stop make its requests, as Locust's on_stop after a kill
    try:
        user.on_stop()
        if spawned_any:
            _end_spawned(user)
    except GreenletExit:
        pass  # the run killed the user inside on_stop (its time after the stop ran out): it ends there
    except (Exception, TaskDidNotYield) as e:
        return _user_exception(user, e)
    finally:
        if spawned_any:
            _end_spawned(user, kill=True)
        current.in_on_stop = False
    return (OP_DONE, DONE_OK)


def run_task(user, task, python_wait):
    """One top-level task of a user; python_wait: the user's wait_time is a Python method, waited here.
    Called for every task: kept short (no imports, no lookups that can be done once)."""
    skip_wait = False
    try:
        if isinstance(task, type):  # a TaskSet class (Locust takes no other class as a task)
            task(user).run()
        else:
            task(user)
    except RescheduleTaskImmediately:
        skip_wait = True
    except (RescheduleTask, InterruptTaskSet):
        pass
    except (StopUser, _Quit):
        if spawned_any:
            _end_spawned(user, kill=True)
        return (OP_DONE, DONE_STOP_USER)
    except TaskDidNotYield as e:
        if spawned_any:
            _end_spawned(user, kill=True)
        return _user_exception(user, e)  # the run is ending: no wait
    except Exception as e:
        _user_exception(user, e)
    if spawned_any:
        ended = _end_spawned(user)
        if ended is not None:
            return ended
    if python_wait and not skip_wait:
        try:
            sleep(user.wait_time())
        except (StopUser, _Quit):
            return (OP_DONE, DONE_STOP_USER)
        except (Exception, TaskDidNotYield) as e:
            return _user_exception(user, e)
    return (OP_DONE, DONE_OK)


def _user_exception(user, e):
    if isinstance(e, StopUser):
        return (OP_DONE, DONE_STOP_USER)
    report_user_error(user, e)
    return (OP_DONE, DONE_OK)


def _user_loop(command):
    # One greenlet per user for its whole life, taking one call after another: a new greenlet per call
    # would map and unmap a fresh interpreter data stack each time (munmap was half the CPU time).
    while True:
        entry, args = command
        command = _getcurrent().parent.switch(entry(*args))


def new_greenlet():
    return _greenlet.greenlet(_user_loop)


def new_user(cls, environment, host):
    """A user instance; the engine has chosen its host (--host or the class's)."""
    user = cls.__new__(cls)
    user.host = host
    user.__init__(environment)
    return user


def construct_user(holder, cls, environment, host):
    """The user class's __init__, run in the user's greenlet before its first call, as Locust's spawner
    runs it in a greenlet: a sleep there lets the other users run, a request there is made and measured.
    The instance is put in holder."""
    try:
        holder.append(new_user(cls, environment, host))
    except GreenletExit:  # the run stopped the user meanwhile (a _Quit is one)
        return (OP_DONE, DONE_STOP_USER)
    except (Exception, TaskDidNotYield) as e:
        _to_engine(exception_op(e))
    return (OP_DONE, DONE_OK)
