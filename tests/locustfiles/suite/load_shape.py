from locust import HttpUser, LoadTestShape, constant, task


class ShapedUser(HttpUser):
    wait_time = constant(0.002)

    @task(1)
    def health(self):
        self.client.get("/health")

    @task(1)
    def search(self):
        self.client.get("/search?q=x", name="/search")


class Steps(LoadTestShape):
    stages = [(1.5, 2, 10), (3.5, 4, 10)]

    def tick(self):
        run_time = self.get_run_time()
        for end, users, rate in self.stages:
            if run_time < end:
                return users, rate
        return None
