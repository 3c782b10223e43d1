from locust import HttpUser, constant, tag, task


class Tagged(HttpUser):
    wait_time = constant(0.002)

    @tag("read")
    @task(2)
    def read(self):
        self.client.get("/health")

    @tag("write")
    @task(1)
    def write(self):
        self.client.post("/items", json={"name": "x"})

    @tag("read", "search")
    @task(1)
    def search(self):
        self.client.get("/search?q=t", name="/search")
