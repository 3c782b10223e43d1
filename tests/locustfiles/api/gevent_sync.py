# gevent.lock, gevent.event and gevent.queue shared between users, as locustfiles use them: Locust's own
# example (examples/semaphore_wait.py: every user waits in on_start until spawning_complete releases a
# Semaphore), a queue of work filled at test_start and shared out, a bounded queue from a producer to
# consumers, an Event and an AsyncResult one user sets for the others, and each primitive's timeouts. What
# each user saw is sent to the target as a request it logs.
import gevent
from gevent.event import AsyncResult, Event
from gevent.lock import BoundedSemaphore, RLock, Semaphore
from gevent.queue import Empty, Full, JoinableQueue, LifoQueue, PriorityQueue, Queue

from locust import HttpUser, constant, events, task

all_users_spawned = Semaphore()
all_users_spawned.acquire()
entered = [0]
work = Queue()
handoff = Queue(maxsize=1)
opened = Event()
token = AsyncResult()
outside = []


@events.spawning_complete.add_listener
def on_spawning_complete(**kw):
    all_users_spawned.release()


@events.test_start.add_listener
def on_test_start(**kw):
    for item in "abcdef":
        work.put(item)
    # In a listener, a wait needs a timeout (nothing wakes it but time).
    outside.append(Semaphore(0).acquire(timeout=0.01))


class Base(HttpUser):
    abstract = True
    wait_time = constant(0)
    done = False

    def on_start(self):
        entered[0] += 1
        all_users_spawned.wait()
        self.client.get(f"/after-wait?entered={entered[0]}", name="/after-wait")

    def first_time(self):
        """True at this user's first task; at later ones it only waits (what they check happens once)."""
        if self.done:
            gevent.sleep(0.2)
            return False
        self.done = True
        return True


class Opener(Base):
    fixed_count = 1

    @task
    def open_and_check(self):
        if not self.first_time():
            return
        self.client.get("/open")
        token.set("t-123")
        opened.set()
        checks = {"outside": outside[0], "sem": Semaphore(0).acquire(timeout=0.05),
                  "sem_nowait": Semaphore(0).acquire(blocking=False), "event": Event().wait(0.05),
                  "async_wait": AsyncResult().wait(0.05), "counter": Semaphore(2).wait()}
        try:
            AsyncResult().get(timeout=0.05)
            checks["async_get"] = "value"
        except gevent.Timeout:
            checks["async_get"] = "Timeout"
        for name, call in [("get", lambda: Queue().get(timeout=0.05)), ("get_nowait", Queue().get_nowait),
                           ("put", lambda: Queue(1, [0]).put(1, timeout=0.05))]:
            try:
                call()
                checks[name] = "returned"
            except (Empty, Full) as e:
                checks[name] = type(e).__name__
        bounded = BoundedSemaphore(1)
        try:
            bounded.release()
        except ValueError:
            checks["bounded"] = "ValueError"
        lock = RLock()
        with lock:
            checks["reentrant"] = lock.acquire(timeout=0.05)
            lock.release()
        try:
            RLock().release()
        except RuntimeError:
            checks["unowned"] = "RuntimeError"
        lifo, prio = LifoQueue(), PriorityQueue()
        for x in (2, 3, 1):
            lifo.put(x)
            prio.put(x)
        checks["lifo"] = "".join(str(lifo.get()) for _ in range(3))
        checks["prio"] = "".join(str(prio.get()) for _ in range(3))
        jobs = JoinableQueue()
        jobs.put("x")
        checks["join_early"] = jobs.join(timeout=0.05)
        jobs.get()
        jobs.task_done()
        checks["join"] = jobs.join(timeout=0.05)
        self.client.get("/report?" + "&".join(f"{k}={v}" for k, v in checks.items()), name="/report")


class Producer(Base):
    fixed_count = 1

    @task
    def produce(self):
        if not self.first_time():
            return
        opened.wait()
        for i in range(4):
            handoff.put(i)  # waits while the last one was not taken
        self.client.get("/produced")


class Consumer(Base):
    fixed_count = 2
    seen_open = False

    @task
    def consume(self):
        if not self.seen_open:
            opened.wait()
            self.seen_open = True
            self.client.get(f"/after-open?token={token.get()}", name="/after-open")
        try:
            self.client.get(f"/work/{work.get_nowait()}")
        except Empty:
            # Four items come from the producer; then this waits until the run stops it.
            self.client.get(f"/consumed/{handoff.get()}")
