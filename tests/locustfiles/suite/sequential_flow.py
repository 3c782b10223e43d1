from locust import HttpUser, SequentialTaskSet, constant, task


class Checkout(SequentialTaskSet):
    @task
    def browse(self):
        self.client.get("/search?q=shoes", name="/search")

    @task(2)
    def add_to_cart(self):
        self.client.post("/cart", json={"item": 1})

    @task
    def pay(self):
        self.client.post("/checkout", json={"card": "4111"})


class Shopper(HttpUser):
    wait_time = constant(0.002)
    tasks = [Checkout]
