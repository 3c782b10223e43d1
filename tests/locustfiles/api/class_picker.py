# For --class-picker (the web UI's start form picks the user classes and the shape class): two classes
# with a path each, and a shape that holds 3 users for a minute.
from locust import HttpUser, LoadTestShape, constant, task


class Healthy(HttpUser):
    wait_time = constant(0.05)

    @task
    def health(self):
        self.client.get("/health")


class Lost(HttpUser):
    wait_time = constant(0.05)

    @task
    def lost(self):
        self.client.get("/nowhere", name="/nowhere")


class Steps(LoadTestShape):
    def tick(self):
        return (3, 10) if self.get_run_time() < 60 else None
