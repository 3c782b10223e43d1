from locust import HttpUser, constant, events, task

failures = []


@events.request.add_listener
def record_failures(request_type, name, response_time, response_length, exception, **kwargs):
    if exception:
        failures.append(name)


@events.test_stop.add_listener
def report(environment, **kwargs):
    print(f"listener: {len(failures)} failures", flush=True)


class Listened(HttpUser):
    wait_time = constant(0.002)

    @task(3)
    def ok(self):
        self.client.get("/health")

    @task(1)
    def broken(self):
        self.client.get("/error")
