from locust import HttpUser, TaskSet, constant, task


class Forum(TaskSet):
    @task(4)
    def read(self):
        self.client.get("/items/1", name="/items/[id]", headers={"Authorization": "Bearer tok-forum"})

    @task(1)
    class Thread(TaskSet):
        @task(2)
        def reply(self):
            self.client.post("/items", json={"name": "reply"})

        @task(1)
        def leave(self):
            self.interrupt()

    @task(1)
    def stop(self):
        self.interrupt()


class ForumUser(HttpUser):
    wait_time = constant(0.002)
    tasks = {Forum: 3}

    @task(1)
    def health(self):
        self.client.get("/health")
