# A task that blocks the event loop (a wait that does not yield to cicada): reported once, with its time.
import threading
from locust import HttpUser, task, constant


class Blocking(HttpUser):
    wait_time = constant(0.01)

    @task(1)
    def stall(self):
        threading.Event().wait(0.8)  # blocks the loop: no cooperative wait

    @task(5)
    def fine(self):
        self.client.get("/health")
