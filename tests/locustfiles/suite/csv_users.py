import csv
import itertools
import os

from locust import HttpUser, constant, task

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "users.csv")) as f:
    CREDENTIALS = itertools.cycle(list(csv.DictReader(f)))


class CsvUser(HttpUser):
    wait_time = constant(0.002)

    def on_start(self):
        row = next(CREDENTIALS)
        self.username = row["username"]
        with self.client.post("/login", json=row, catch_response=True) as response:
            if response.status_code == 200:
                self.client.headers["Authorization"] = "Bearer " + response.json()["token"]
            else:
                response.failure(f"login failed for {self.username}")

    @task
    def items(self):
        self.client.get("/items/1", name="/items/[id]")
