# A plain User (no HTTP client of its own): it times its own calls and records them with events.request,
# so it needs no --host, as in Locust.
import time

from locust import User, constant, events, task


class Worker(User):
    wait_time = constant(0.01)

    def on_start(self):
        print(f"host={self.host!r}", flush=True)

    @task
    def work(self):
        started = time.time()
        time.sleep(0.002)  # a "non-HTTP client" call
        events.request.fire(request_type="job", name="compute", response_time=(time.time() - started) * 1000,
                            response_length=0, exception=None, context={})
