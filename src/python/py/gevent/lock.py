"""gevent.lock on cicada's engine: Semaphore, BoundedSemaphore, DummySemaphore and RLock, shared by every
user of the process (and its listeners), as gevent's are by every greenlet. A waiting user lets the others
run and sees a release within 50 ms (gevent/_blocking.py)."""
from greenlet import getcurrent

from gevent._blocking import block_until, guard

__all__ = ["Semaphore", "BoundedSemaphore", "DummySemaphore", "RLock"]


class Semaphore:
    def __init__(self, value=1, hub=None):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self.counter = value

    def __repr__(self):
        return f"<{type(self).__name__} counter={self.counter}>"

    def locked(self):
        return self.counter <= 0

    def ready(self):
        return self.counter > 0

    def _take(self):
        with guard:
            if self.counter > 0:
                self.counter -= 1
                return True
            return False

    def acquire(self, blocking=True, timeout=None):
        if not blocking:
            return self._take()
        return block_until(self._take, timeout, f"{type(self).__name__}.acquire()")

    def release(self):
        with guard:
            self.counter += 1
            return self.counter

    def wait(self, timeout=None):
        """Waits until the semaphore could be acquired, without acquiring it; returns the counter."""
        block_until(self.ready, timeout, f"{type(self).__name__}.wait()")
        return self.counter

    def __enter__(self):
        self.acquire()

    def __exit__(self, *exc):
        self.release()


class BoundedSemaphore(Semaphore):
    def __init__(self, value=1, hub=None):
        super().__init__(value, hub)
        self._initial_value = value

    def release(self):
        with guard:
            if self.counter >= self._initial_value:
                raise ValueError("Semaphore released too many times")
            self.counter += 1
            return self.counter


class DummySemaphore:
    def __init__(self, value=None):
        self.counter = 1

    def locked(self):
        return False

    def ready(self):
        return True

    def acquire(self, blocking=True, timeout=None):
        return True

    def release(self):
        pass

    def wait(self, timeout=None):
        return 1

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        pass


class RLock:
    """Re-entrant: the greenlet holding it may acquire it again (and must release it as often)."""

    def __init__(self, hub=None):
        self._owner = None
        self._count = 0

    def __repr__(self):
        return f"<RLock owner={self._owner!r} count={self._count}>"

    def _is_owned(self):
        return self._owner is getcurrent()

    def acquire(self, blocking=True, timeout=None):
        me = getcurrent()
        with guard:
            if self._owner is me:
                self._count += 1
                return 1  # as gevent's (True on the first acquire)

        def take():
            with guard:
                if self._owner is None:
                    self._owner, self._count = me, 1
                    return True
                return False

        if not blocking:
            return take()
        return block_until(take, timeout, "RLock.acquire()")

    def release(self):
        with guard:
            if self._owner is not getcurrent():
                raise RuntimeError(f"cannot release un-acquired lock. Owner: {self._owner!r} Current: "
                                   f"{getcurrent()!r}")
            self._count -= 1
            if self._count == 0:
                self._owner = None

    def locked(self):
        return self._owner is not None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
