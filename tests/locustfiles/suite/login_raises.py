import itertools

from locust import HttpUser, constant, task

# Every other user's login is refused; its on_start marks the failure and raises, as a locustfile that
# cannot go on without a session does. Locust's user then dies: it requests nothing more
# (a user that went on would send /items without a token: 401s).
NEXT_USER = itertools.count()


class Member(HttpUser):
    wait_time = constant(0.002)

    def on_start(self):
        password = "wrong" if next(NEXT_USER) % 2 == 0 else "secret"
        with self.client.post("/login", json={"username": "m", "password": password},
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure("login refused")
                raise RuntimeError("cannot go on without a session")
            self.client.headers["Authorization"] = "Bearer " + response.json()["token"]


    @task
    def items(self):
        self.client.get("/items/1", name="/items/[id]")
