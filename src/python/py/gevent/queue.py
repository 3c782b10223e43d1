"""gevent.queue on cicada's engine: Queue (SimpleQueue), LifoQueue, PriorityQueue and JoinableQueue, shared
by every user of the process (and its listeners), with the standard library's Empty and Full as gevent's.
A user waiting to get (or to put into a full queue) lets the others run and sees the change within 50 ms
(gevent/_blocking.py)."""
import collections
import heapq
from queue import Empty, Full

from gevent._blocking import block_until, guard

__all__ = ["SimpleQueue", "Queue", "PriorityQueue", "LifoQueue", "JoinableQueue", "Empty", "Full"]


class Queue:
    def __init__(self, maxsize=None, items=()):
        # gevent: None, or anything under 1, is no limit.
        self.maxsize = maxsize if maxsize is not None and maxsize > 0 else None
        self.queue = self._make(items)

    def __repr__(self):
        return f"<{type(self).__name__} maxsize={self.maxsize} queue={list(self.queue)!r}>"

    # --- the container (LifoQueue and PriorityQueue change these) ---

    def _make(self, items):
        return collections.deque(items)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.popleft()

    def _peek(self):
        return self.queue[0]

    # --- as gevent's ---

    def qsize(self):
        return len(self.queue)

    __len__ = qsize

    def __bool__(self):
        return True  # as gevent's: a queue is true even when empty

    def empty(self):
        return not self.queue

    def full(self):
        return self.maxsize is not None and len(self.queue) >= self.maxsize

    def copy(self):
        return type(self)(self.maxsize, list(self.queue))

    def put(self, item, block=True, timeout=None):
        def room():
            with guard:
                if self.full():
                    return False
                self._put(item)
                self._added()
                return True

        if not room() and (not block or not block_until(room, timeout, f"{type(self).__name__}.put()")):
            raise Full

    def put_nowait(self, item):
        self.put(item, False)

    def _take(self, block, timeout, take):
        got = []

        def item():
            with guard:
                if not self.queue:
                    return False
                got.append(take())
                return True

        if not item() and (not block or not block_until(item, timeout, f"{type(self).__name__}.get()")):
            raise Empty
        return got[0]

    def get(self, block=True, timeout=None):
        return self._take(block, timeout, self._get)

    def get_nowait(self):
        return self.get(False)

    def peek(self, block=True, timeout=None):
        return self._take(block, timeout, self._peek)

    def peek_nowait(self):
        return self.peek(False)

    def _added(self):
        pass

    # Iterating gets items until StopIteration is put, as gevent's.
    def __iter__(self):
        return self

    def __next__(self):
        item = self.get()
        if item is StopIteration:
            raise StopIteration
        return item

    next = __next__


SimpleQueue = Queue


class LifoQueue(Queue):
    def _make(self, items):
        return list(items)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.pop()

    def _peek(self):
        return self.queue[-1]


class PriorityQueue(Queue):
    def _make(self, items):
        q = list(items)
        heapq.heapify(q)
        return q

    def _put(self, item):
        heapq.heappush(self.queue, item)

    def _get(self):
        return heapq.heappop(self.queue)

    def _peek(self):
        return self.queue[0]


class JoinableQueue(Queue):
    def __init__(self, maxsize=None, items=(), unfinished_tasks=None):
        super().__init__(maxsize, items)
        self.unfinished_tasks = len(self.queue) if unfinished_tasks is None else unfinished_tasks

    def _added(self):
        self.unfinished_tasks += 1

    def task_done(self):
        with guard:
            if self.unfinished_tasks <= 0:
                raise ValueError("task_done() called too many times")
            self.unfinished_tasks -= 1

    def join(self, timeout=None):
        """Waits until every item put was marked done; returns whether that happened in time."""
        return block_until(lambda: self.unfinished_tasks == 0, timeout, "JoinableQueue.join()")
