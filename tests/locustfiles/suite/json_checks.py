from locust import HttpUser, constant, task


class Checker(HttpUser):
    wait_time = constant(0.002)

    @task(2)
    def search_has_results(self):
        with self.client.get("/search?q=none", catch_response=True, name="/search (results)") as response:
            if not response.json()["results"]:
                response.failure("no results")

    @task(1)
    def item_price(self):
        with self.client.get("/items/3", catch_response=True, headers={"Authorization": "Bearer tok-a"}) as r:
            if r.json().get("price") != 10:
                r.failure("wrong price")
            else:
                r.success()

    @task(1)
    def error_is_expected(self):
        with self.client.get("/error", catch_response=True) as response:
            if response.status_code == 500:
                response.success()
