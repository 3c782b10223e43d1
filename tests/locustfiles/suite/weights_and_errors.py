# Two user types: their shares of the requests follow the weights as far as both loop at the same speed
# and start together. The wait (20 ms) is most of each loop, so neither tool's request speed moves the
# mix, and both start Reader, Breaker, Reader, Reader (Locust's dispatch order). With 2 ms, and cicada then
# starting the Breaker last, /health was 0.78-0.81 of Locust's requests and 0.82 of cicada's: near the
# test's 5 points.
import random

from locust import HttpUser, constant, task


class Reader(HttpUser):
    weight = 3
    wait_time = constant(0.02)

    @task
    def read(self):
        self.client.get("/health")


class Breaker(HttpUser):
    weight = 1
    wait_time = constant(0.02)

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
