"""gevent.pool's Group and Pool on cicada's engine, inside a user (gevent/_hub.py): spawn, join(timeout=,
raise_error=), kill, map, imap, imap_unordered, apply, apply_async, and a Pool's size (spawn waits for a
free slot, as gevent's)."""
from gevent import _hub
from gevent.greenlet import Greenlet, GreenletExit
from gevent.timeout import Timeout


class Group:
    greenlet_class = Greenlet

    def __init__(self, *args):
        self.greenlets = set()
        self._errors = []
        for g in (args[0] if len(args) == 1 and not isinstance(args[0], Greenlet) else args):
            self.add(g)

    def __len__(self):
        return len(self.greenlets)

    def __contains__(self, item):
        return item in self.greenlets

    def __iter__(self):
        return iter(list(self.greenlets))

    def __repr__(self):
        return f"<{type(self).__name__} at {hex(id(self))} {sorted(self.greenlets, key=id)}>"

    def add(self, greenlet):
        self.greenlets.add(greenlet)
        greenlet.link(self._ended)

    def _ended(self, greenlet):
        if greenlet.exception is not None:
            self._errors.append(greenlet)
        self.discard(greenlet)

    def discard(self, greenlet):
        self.greenlets.discard(greenlet)
        greenlet.unlink(self._ended)

    remove = discard

    def start(self, greenlet):
        self.add(greenlet)
        greenlet.start()

    def spawn(self, *args, **kwargs):
        greenlet = self.greenlet_class(*args, **kwargs)
        self.start(greenlet)
        return greenlet

    def join(self, timeout=None, raise_error=False):
        """Waits until every greenlet of the group ended (True), or `timeout` seconds (False). raise_error:
        an exception of a greenlet that ended meanwhile is raised."""
        self._errors = []
        ended = _hub.wait(lambda: not self.greenlets, timeout)
        if raise_error and self._errors:
            raise self._errors[0].exception
        return ended

    def kill(self, exception=GreenletExit, block=True, timeout=None):
        greenlets = list(self.greenlets)
        for g in greenlets:
            g.kill(exception, block=False)
        if block and not _hub.wait(lambda: all(g.ready() for g in greenlets), timeout):
            raise Timeout(timeout)

    def killone(self, greenlet, exception=GreenletExit, block=True, timeout=None):
        if greenlet in self.greenlets:
            greenlet.kill(exception, block=block, timeout=timeout)

    def full(self):
        return False

    def wait_available(self, timeout=None):
        pass

    def free_count(self):
        return 1

    def apply(self, func, args=None, kwds=None):
        return self.spawn(func, *(args or ()), **(kwds or {})).get()

    def apply_async(self, func, args=None, kwds=None, callback=None):
        greenlet = self.spawn(func, *(args or ()), **(kwds or {}))
        if callback is not None:
            greenlet.link_value(lambda g: callback(g.value))
        return greenlet

    def map(self, func, iterable):
        """func over the items, in greenlets of the group; the results in the items' order."""
        return [g.get() for g in [self.spawn(func, item) for item in iterable]]

    def imap(self, func, *iterables, maxsize=None):
        for g in [self.spawn(func, *items) for items in zip(*iterables)]:
            yield g.get()

    def imap_unordered(self, func, *iterables, maxsize=None):
        from gevent.greenlet import iwait
        for g in iwait([self.spawn(func, *items) for items in zip(*iterables)]):
            yield g.get()


class Pool(Group):
    def __init__(self, size=None, greenlet_class=None):
        if size is not None and size < 0:
            raise ValueError(f"size must not be negative: {size!r}")
        if size == 0:
            raise ValueError("size of a Pool must be at least 1 (None: no limit)")
        super().__init__()
        self.size = size
        if greenlet_class is not None:
            self.greenlet_class = greenlet_class

    def full(self):
        return self.size is not None and len(self.greenlets) >= self.size

    def free_count(self):
        return 1 if self.size is None else max(0, self.size - len(self.greenlets))

    def wait_available(self, timeout=None):
        """Waits for a free slot (spawn does, when the pool is full); returns the free count."""
        _hub.wait(lambda: not self.full(), timeout)
        return self.free_count()

    def add(self, greenlet, blocking=True, timeout=None):
        if self.full():
            if not blocking:
                raise Timeout(timeout)
            if not _hub.wait(lambda: not self.full(), timeout):
                raise Timeout(timeout)
        super().add(greenlet)
