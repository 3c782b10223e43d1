# A user waiting in pool.join() at the end of the run: the run kills it there, as Locust kills the user's
# greenlet, and its spawned greenlets with it (one waits for an answer that never comes, one sleeps): the
# rest of the task never runs, their `finally` blocks and the user's on_stop do.
import time

from gevent.pool import Pool

from locust import HttpUser, constant, task


class Waiter(HttpUser):
    wait_time = constant(0)

    @task
    def wait_in_join(self):
        def stalled():
            try:
                self.client.get("/stall")
                self.client.get("/after-stall")
            finally:
                print("SPAWNED finally", flush=True)

        def sleeper():
            try:
                time.sleep(600)
                self.client.get("/after-sleep")
            finally:
                print("SPAWNED finally", flush=True)

        pool = Pool()
        pool.spawn(stalled)
        pool.spawn(sleeper)
        pool.join()
        self.client.get("/after-join")

    def on_stop(self):
        self.client.get("/logout")
