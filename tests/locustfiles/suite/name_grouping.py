import random

from locust import HttpUser, constant, task


class Browser(HttpUser):
    wait_time = constant(0.002)

    @task(2)
    def item(self):
        self.client.get(f"/items/{random.randint(1, 1000)}", name="/items/[id]",
                        headers={"Authorization": "Bearer tok-x"})

    @task(1)
    def search(self):
        self.client.get("/search", params={"q": random.choice(["a", "b", "c"])}, name="/search?q=[q]")

    @task(1)
    def missing(self):
        self.client.get(f"/missing/{random.randint(1, 5)}", name="/missing/[n]")
