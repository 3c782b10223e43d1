import random

from locust import HttpUser, constant, task


class Reader(HttpUser):
    weight = 3
    wait_time = constant(0.002)

    @task
    def read(self):
        self.client.get("/health")


class Breaker(HttpUser):
    weight = 1
    wait_time = constant(0.002)

    @task(2)
    def server_error(self):
        self.client.get("/error")

    @task(1)
    def not_found(self):
        self.client.get("/nothing-here")

    @task(1)
    def raises(self):
        if random.random() < 2:
            raise ValueError("always")
