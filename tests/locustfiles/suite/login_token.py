from locust import HttpUser, between, task


class ShopUser(HttpUser):
    wait_time = between(0.001, 0.005)

    def on_start(self):
        response = self.client.post("/login", json={"username": "alice", "password": "secret"})
        self.token = response.json()["token"]
        self.client.headers["Authorization"] = f"Bearer {self.token}"

    @task(3)
    def view_item(self):
        self.client.get("/items/7")

    @task(1)
    def health(self):
        self.client.get("/health")
