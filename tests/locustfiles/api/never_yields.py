# Tasks that never give the event loop back: a pure-Python loop (stopped at the end of the run) and a wait
# inside a call that never returns (left behind). Each user makes three requests first, which must be kept.
# NEVER_YIELDS=init: the user's __init__ never returns.
import os
import threading

from locust import HttpUser, constant, task

HOW = os.environ.get("NEVER_YIELDS", "spin")


class Stuck(HttpUser):
    wait_time = constant(0)

    def __init__(self, environment):
        super().__init__(environment)
        while HOW == "init":  # a constructor that never returns: watched like the user's calls
            pass

    def on_start(self):
        for _ in range(3):
            self.client.get("/health")

    @task
    def forever(self):
        if HOW == "spin":
            while True:
                pass
        threading.Event().wait()  # blocks in C, without the interpreter lock, for good
