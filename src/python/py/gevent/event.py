"""gevent.event on cicada's engine: Event and AsyncResult, shared by every user of the process (and its
listeners). A waiting user lets the others run and sees a set() within 50 ms (gevent/_blocking.py)."""
from gevent._blocking import block_until, guard
from gevent.timeout import Timeout

__all__ = ["Event", "AsyncResult"]


class Event:
    def __init__(self):
        self._flag = False

    def __repr__(self):
        return f"<Event {'set' if self._flag else 'clear'}>"

    def is_set(self):
        return self._flag

    isSet = is_set
    ready = is_set

    def set(self):
        self._flag = True

    def clear(self):
        self._flag = False

    def wait(self, timeout=None):
        """Waits until the flag is set or `timeout` seconds passed; returns the flag."""
        return block_until(self.is_set, timeout, "Event.wait()")


_UNSET = object()


class AsyncResult:
    """A value (or an exception) one user sets and others wait for."""

    def __init__(self):
        self._value = _UNSET
        self._exc_info = None

    def __repr__(self):
        return f"<AsyncResult {'ready' if self.ready() else 'unset'}>"

    def ready(self):
        return self._value is not _UNSET or self._exc_info is not None

    done = ready

    def successful(self):
        return self._value is not _UNSET

    @property
    def value(self):
        return None if self._value is _UNSET else self._value

    @property
    def exception(self):
        return self._exc_info[1] if self._exc_info is not None else None

    @property
    def exc_info(self):
        return self._exc_info or ()

    def set(self, value=None):
        with guard:
            self._value, self._exc_info = value, None

    set_result = set

    def set_exception(self, exception, exc_info=None):
        with guard:
            if exc_info is None:
                exc_info = (type(exception), exception, exception.__traceback__)
            self._value, self._exc_info = _UNSET, exc_info

    def get(self, block=True, timeout=None):
        """The value (or raises the exception) once set; gevent.Timeout when not set in time (or at once
        with block=False)."""
        if not self.ready() and (not block or not block_until(self.ready, timeout, "AsyncResult.get()")):
            raise Timeout(timeout)
        if self._exc_info is not None:
            raise self._exc_info[1]
        return self._value

    def get_nowait(self):
        return self.get(block=False)

    def result(self, timeout=None):
        return self.get(timeout=timeout)

    def wait(self, timeout=None):
        """Waits until set or `timeout` seconds passed; returns the value (None when not set)."""
        block_until(self.ready, timeout, "AsyncResult.wait()")
        return self.value

    def cancel(self):
        return False

    def cancelled(self):
        return False
