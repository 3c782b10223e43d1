"""gevent's Greenlet, spawn, joinall and killall on cicada's engine, inside a user (gevent/_hub.py says how
they run). Signatures and results as gevent's; an exception in a spawned greenlet is logged with its
traceback, as gevent's hub prints it, and kept for get() and .exception."""
import logging
import threading

import greenlet as _greenlet

from gevent import _background, _hub
from gevent.timeout import Timeout
from locust import _runtime

GreenletExit = _greenlet.GreenletExit
_ended_count = [0]  # completion order, for joinall's result


class Greenlet(_greenlet.greenlet):
    def __init__(self, run=None, *args, **kwargs):
        super().__init__()
        if run is not None:
            self._run = run
        self.args = args
        self.kwargs = kwargs
        self.value = None
        self._exc_info = None
        self._links = []
        self._started = False
        self.cicada_ended = False
        self.cicada_park = None
        self.cicada_order = 0
        self.cicada_thread = None  # spawned outside users: the thread it runs on (gevent/_background.py)

    def _run(self):  # a subclass may override it, as gevent's
        return None

    # --- state, as gevent's ---

    @property
    def started(self):
        return self._started

    @property
    def dead(self):
        return self.cicada_ended

    def ready(self):
        return self.cicada_ended

    def successful(self):
        return self.cicada_ended and self._exc_info is None

    @property
    def exception(self):
        return self._exc_info[1] if self._exc_info is not None else None

    @property
    def exc_info(self):
        return self._exc_info

    def __bool__(self):
        return self._started and not self.cicada_ended

    def __repr__(self):
        func = getattr(self._run, "__qualname__", None) or repr(self._run)
        args = [repr(a)[:50] for a in self.args] + [f"{k}={v!r}"[:50] for k, v in self.kwargs.items()]
        return f"<Greenlet at {hex(id(self))}: {func}({', '.join(args)})>"

    # --- running ---

    def start(self):
        self.start_later(0.0)

    def start_later(self, seconds):
        if self._started:
            return
        hub = _hub.hub_of()
        self._started = True
        if hub is None:  # a listener's background greenlet: on a thread of its own
            _background.start(self, float(seconds))
            return
        hub.start(self, delay=float(seconds))

    @classmethod
    def spawn(cls, *args, **kwargs):
        g = cls(*args, **kwargs)
        g.start()
        return g

    @classmethod
    def spawn_later(cls, seconds, *args, **kwargs):
        g = cls(*args, **kwargs)
        g.start_later(seconds)
        return g

    def run(self, *_start):  # the first switch in passes the hub's value: not an argument
        try:
            result = self._run(*self.args, **self.kwargs)
        except GreenletExit as e:  # killed: a successful end whose value is the GreenletExit, as gevent's
            self.cicada_end(e, None)
        except Exception as e:
            self.cicada_end(None, (type(e), e, e.__traceback__))
            _report(self, e)
        except BaseException as e:  # the run interrupts a greenlet that never yields: on up to the user
            self.cicada_end(None, (type(e), e, e.__traceback__))
            raise
        else:
            self.cicada_end(result, None)

    def cicada_end(self, value, exc_info):
        self.value = value
        self._exc_info = exc_info
        self.cicada_ended = True
        _ended_count[0] += 1
        self.cicada_order = _ended_count[0]
        links, self._links = self._links, []
        for callback in links:
            try:
                callback(self)
            except Exception as e:
                _report(callback, e)

    # --- waiting ---

    def get(self, block=True, timeout=None):
        if not self.cicada_ended:
            if not block or not _hub.wait(self.ready, timeout):
                raise Timeout(timeout)
        if self._exc_info is not None:
            raise self._exc_info[1]
        return self.value

    def join(self, timeout=None):
        _hub.wait(self.ready, timeout)

    def kill(self, exception=GreenletExit, block=True, timeout=None):
        if self.cicada_ended:
            return
        if isinstance(exception, type):
            exception = exception()
        if self.cicada_thread is not None:
            if self.cicada_thread is threading.current_thread():
                raise exception
            _background.kill(self, exception)
            if block:
                _hub.wait(self.ready, timeout)
            return
        hub = _hub.hub_of(self) if self._started else None
        if hub is None or self.cicada_park is _hub._START:
            if hub is not None:
                hub.live.discard(self)
            self.cicada_end(exception if isinstance(exception, GreenletExit) else None,
                            None if isinstance(exception, GreenletExit) else (type(exception), exception, None))
            return
        if self is _greenlet.getcurrent():
            raise exception
        hub.interrupt(self, exception)
        if block:
            _hub.wait(self.ready, timeout)

    # --- links ---

    def link(self, callback):
        if self.cicada_ended:
            callback(self)
        else:
            self._links.append(callback)

    rawlink = link

    def link_value(self, callback):
        self.link(lambda g: callback(g) if g.successful() else None)

    def link_exception(self, callback):
        self.link(lambda g: None if g.successful() else callback(g))

    def unlink(self, callback):
        if callback in self._links:
            self._links.remove(callback)


def _report(where, e):
    """gevent's hub prints a spawned greenlet's exception and goes on; so does cicada, in its log."""
    logging.error("%s\n%r failed with %s", _runtime.format_exception(e).rstrip(), where, type(e).__name__)


def spawn(run, *args, **kwargs):
    return Greenlet.spawn(run, *args, **kwargs)


def spawn_later(seconds, run, *args, **kwargs):
    return Greenlet.spawn_later(seconds, run, *args, **kwargs)


def joinall(greenlets, timeout=None, raise_error=False, count=None):
    """Waits for the greenlets (all, or `count` of them) or `timeout` seconds; returns those that finished,
    in the order they finished. raise_error: the first exception among them is raised."""
    greenlets = list(greenlets)
    target = len(greenlets) if count is None else min(count, len(greenlets))
    _hub.wait(lambda: sum(1 for g in greenlets if g.ready()) >= target, timeout)
    done = sorted((g for g in greenlets if g.ready()), key=lambda g: getattr(g, "cicada_order", 0))
    if raise_error:
        for g in done:
            if g.exception is not None:
                raise g.exception
    return done


def wait(objects=None, timeout=None, count=None):
    if objects is None:
        raise NotImplementedError("gevent.wait() without objects waits for the whole hub: cicada has no hub "
                                  "outside a user; pass the greenlets to wait for")
    return joinall(objects, timeout=timeout, count=count)


def iwait(objects, timeout=None, count=None):
    """The greenlets as they finish (gevent.iwait); stops at `timeout` seconds."""
    objects = list(objects)
    target = len(objects) if count is None else min(count, len(objects))
    given = []
    while len(given) < target:
        if not _hub.wait(lambda: any(g.ready() and g not in given for g in objects), timeout):
            return
        for g in sorted((g for g in objects if g.ready() and g not in given), key=lambda g: g.cicada_order):
            given.append(g)
            yield g
            if len(given) >= target:
                return


def kill(greenlet, exception=GreenletExit):
    greenlet.kill(exception, block=False)


def killall(greenlets, exception=GreenletExit, block=True, timeout=None):
    greenlets = list(greenlets)
    for g in greenlets:
        g.kill(exception, block=False)
    if block and not _hub.wait(lambda: all(g.ready() for g in greenlets), timeout):
        raise Timeout(timeout)
