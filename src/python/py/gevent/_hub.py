"""The greenlets a user spawns (gevent.spawn, Pool.spawn), run inside that user on cicada's engine.

A user's calls (on_start, a task, on_stop) run in the user's greenlet, whose parent is the event loop's main
greenlet where the engine (src/python/python_user.cpp) performs one operation at a time for it. A greenlet
spawned by the user gets the user's greenlet as its parent, so its operations (a request, a sleep: the
`parent.switch(op)` of locust._runtime) come to the user's greenlet, where this hub runs them:

- the hub runs when the user's own code waits (join, joinall, get, a Pool full, a sleep), and when its call
  returns (spawned greenlets still running are finished first, as they would go on running in Locust);
- a request of a spawned greenlet waits until the other greenlets ran up to their own wait, then is handed
  to the engine and the greenlet resumed with its answer: requests of one user's greenlets are made one
  after another, on the user's one connection, and measured like any other (Locust's gevent makes them at
  the same time, on a connection each);
- sleeps and waits with a timeout are timers of the hub: greenlets that sleep do so at the same time;
- when the engine stops the user where it waits (the end of a run: _Quit, a GreenletExit, thrown into the
  user's greenlet), the hub kills its spawned greenlets too (their `finally` blocks run), then the kill goes
  on up through the user's code as before.
"""
import heapq
import time as _time
from collections import deque

import greenlet as _greenlet

from gevent import _background, _blocking
from locust import _runtime

_getcurrent = _greenlet.getcurrent
_monotonic = _time.monotonic
GreenletExit = _greenlet.GreenletExit

# What a spawned greenlet hands its hub when it parks to wait (a join, a get) rather than for an operation.
_WAIT = ("wait",)
# The token of a spawned greenlet's first switch (its start).
_START = object()
# Spawned greenlets the hub could not end (killed again while dying): kept referenced for the process's
# life, as a dead user's greenlet is, so that no collector throws into them from elsewhere.
_abandoned = []


def owner_of(current):
    """The user's greenlet that `current` runs in (itself, or the parent of a spawned one); None outside users."""
    if current.parent is None:
        return None
    while current.parent.parent is not None:
        current = current.parent
    return current


def hub_of(current=None, create=True):
    owner = owner_of(current if current is not None else _getcurrent())
    if owner is None:
        return None
    hub = getattr(owner, "cicada_hub", None)
    if hub is None and create:
        hub = owner.cicada_hub = Hub(owner)
    return hub


class Hub:
    def __init__(self, owner):
        _runtime.spawned_any = True
        self.owner = owner
        self.ready = deque()  # (greenlet, token, value, exception to throw or None)
        self.timers = []  # heap of (when, seq, greenlet, token)
        self.waiters = []  # (greenlet, token): parked until some greenlet ends, then they check again
        self.requests = deque()  # (greenlet, token, op): requests waiting for the engine, one at a time
        self.live = set()  # started and not ended
        self.seq = 0

    # --- parking: a spawned greenlet waits; only the wake that matches its current token resumes it ---

    def _park(self, g):
        token = object()
        g.cicada_park = token
        return token

    def _timer(self, when, g, token):
        self.seq += 1
        heapq.heappush(self.timers, (when, self.seq, g, token))

    def start(self, g, delay=0.0):
        g.parent = self.owner
        self.live.add(g)
        g.cicada_park = _START
        if delay > 0:
            self._timer(_monotonic() + delay, g, _START)
        else:
            self.ready.append((g, _START, None, None))

    def interrupt(self, g, exception):
        """Raises `exception` in a parked spawned greenlet at its next turn (Greenlet.kill)."""
        self.ready.append((g, self._park(g), None, exception))

    def park_until(self, g, done, deadline):
        """A spawned greenlet waits for done() (a join inside it), until `deadline` (monotonic) if given."""
        while not done():
            if deadline is not None and _monotonic() >= deadline:
                return False
            token = self._park(g)
            self.waiters.append((g, token))
            wake = deadline
            if _background.alive():  # what it waits for may end on a background greenlet's thread
                look = _monotonic() + _blocking.LONGEST_LOOK_S
                wake = look if wake is None else min(wake, look)
            if wake is not None:
                self._timer(wake, g, token)
            self.owner.switch(_WAIT)
        return True

    # --- the loop, in the user's greenlet ---

    def run_until(self, done, deadline):
        """Runs the spawned greenlets until done() (None: never) or `deadline` (monotonic; None: none).
        Returns whether done() came true. Nothing left to run and no deadline: False (would block forever).
        Anything raised into the user's greenlet meanwhile (the run's kill) kills the spawned greenlets
        first, then goes on up."""
        try:
            return self._loop(done, deadline)
        except BaseException:
            self.kill_all()
            raise

    def _loop(self, done, deadline):
        engine = self.owner.parent
        look = _blocking.FIRST_LOOK_S
        while True:
            if done is not None and done():
                return True
            if self.ready:
                g, token, value, exception = self.ready.popleft()
                if g.cicada_park is token and g in self.live and not g.cicada_ended:
                    g.cicada_park = None
                    self._step(g, value, exception)
                continue
            now = _monotonic()
            if self.timers and self.timers[0][0] <= now:
                _, _, g, token = heapq.heappop(self.timers)
                self.ready.append((g, token, None, None))
                continue
            if deadline is not None and now >= deadline:
                return False
            if self.requests:
                # Every other greenlet has run up to its own wait first (a sleep starts with the requests).
                g, token, op = self.requests.popleft()
                if g.cicada_park is token and g in self.live:
                    self.ready.append((g, token, engine.switch(op), None))
                continue
            wake = self.timers[0][0] if self.timers else None
            if deadline is not None:
                wake = deadline if wake is None else min(wake, deadline)
            if done is not None and _background.alive():
                # What it waits for may end on a background greenlet's thread (gevent/_background.py),
                # which no greenlet here would wake it for: it looks again, as gevent/_blocking.py does.
                recheck = now + look
                look = min(look * 2, _blocking.LONGEST_LOOK_S)
                wake = recheck if wake is None else min(wake, recheck)
            if wake is None:
                return False
            engine.switch((_runtime.OP_SLEEP, max(0.0, wake - now)))

    def _step(self, g, value, exception):
        """Switches into `g` and serves it until it parks (a wait, a sleep) or ends: its engine operations
        are handed to the engine one by one, and it is resumed with each answer."""
        engine = self.owner.parent
        msg = g.throw(exception) if exception is not None else g.switch(value)
        while True:
            if g.cicada_ended:
                self._ended(g)
                return
            if msg is _WAIT:
                return
            if msg[0] == _runtime.OP_SLEEP:
                self._timer(_monotonic() + max(0.0, msg[1]), g, self._park(g))
                return
            if msg[0] == _runtime.OP_REQUEST:
                self.requests.append((g, self._park(g), msg))
                return
            msg = g.switch(engine.switch(msg))  # answered at once (a cookie, a settle): no waiting

    def _ended(self, g):
        self.live.discard(g)
        waiters, self.waiters = self.waiters, []
        for w, token in waiters:
            self.ready.append((w, token, None, None))

    def sleep(self, seconds):
        """time.sleep / gevent.sleep in the user's own code while it has spawned greenlets: they run
        meanwhile."""
        self.run_until(None, _monotonic() + max(0.0, float(seconds)))

    def finish(self):
        """The user's call returns: its spawned greenlets still running are run to their end (Locust would
        let them go on). A kill meanwhile kills them and goes on up."""
        if self.live and not self.run_until(lambda: not self.live, None):
            self.kill_all()  # the rest wait for each other: nothing will ever wake them

    def kill_all(self):
        """Kills every spawned greenlet of the user (the user itself is being killed, or stops)."""
        for g in list(self.live):
            if g.cicada_ended:  # ended by raising past its run (TaskDidNotYield): nothing to kill
                self.live.discard(g)
            elif g.cicada_park is _START:  # never ran: it never will
                self.live.discard(g)
                g.cicada_end(GreenletExit(), None)
            else:
                self.interrupt(g, GreenletExit())
        try:
            self._loop(lambda: not self.live, None)
        except BaseException:
            pass  # killed again meanwhile: the rest are left as they are
        if self.live:
            _abandoned.extend(self.live)
            self.live.clear()
        self.ready.clear()
        self.timers.clear()
        self.waiters.clear()
        self.requests.clear()


def wait(done, timeout=None):
    """Waits until done() in the current greenlet (a user's own code or one it spawned), running the user's
    other greenlets meanwhile; False when `timeout` (seconds) passed first."""
    if done():
        return True
    current = _getcurrent()
    hub = hub_of(current)
    if hub is None:  # a listener, or a background greenlet's thread: the thread sleeps and looks again
        return _blocking.block_until(done, timeout, "a greenlet's wait", outside_users=True)
    deadline = None if timeout is None else _monotonic() + max(0.0, float(timeout))
    if current is hub.owner:
        return hub.run_until(done, deadline)
    return hub.park_until(current, done, deadline)


def kill_spawned(current):
    hub = getattr(current, "cicada_hub", None)
    if hub is not None and hub.live:
        hub.kill_all()
