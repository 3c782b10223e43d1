# gevent inside a task, the common ways a user sends requests "at once": a Pool, gevent.spawn with
# joinall, .get()/.value, an exception in a spawned greenlet, join/joinall/get with timeout=, and a
# greenlet still running when its task returns. What each saw is sent back as a request the target logs.
import gevent
from gevent.pool import Group, Pool

from locust import HttpUser, constant, task


class Fanout(HttpUser):
    wait_time = constant(0)
    done = False

    @task
    def fan_out(self):
        if self.done:
            gevent.sleep(0.2)
            return
        self.done = True
        pool = Pool(2)
        for i in range(4):
            pool.spawn(self.client.get, f"/pool/{i}")
        joined = pool.join()

        def status(path):
            return self.client.get(path).status_code

        def boom():
            raise ValueError("boom in a greenlet")

        greenlets = [gevent.spawn(status, "/spawned/a"), gevent.spawn(status, "/spawned/b"), gevent.spawn(boom)]
        finished = gevent.joinall(greenlets)
        values = [g.value for g in greenlets[:2]]
        error = type(greenlets[2].exception).__name__

        slow = gevent.spawn(status, "/slow")
        sleeper = gevent.spawn(gevent.sleep, 30)
        in_time = gevent.joinall([sleeper], timeout=0.2)
        try:
            sleeper.get(timeout=0.1)
            timed_out = False
        except gevent.Timeout:
            timed_out = True
        sleeper.kill()
        mapped = Group().map(status, ["/map/1", "/map/2"])
        gevent.spawn(self.client.get, "/left-running")  # finished when the task returns
        self.client.get(f"/report?joined={joined}&finished={len(finished)}&values={values[0]},{values[1]}"
                        f"&error={error}&slow={slow.get()}&in_time={len(in_time)}&timed_out={timed_out}"
                        f"&killed={sleeper.successful()}&mapped={mapped[0]},{mapped[1]}",
                        name="/report")
