"""LoadTestShape: tick() is called by cicada's runner as Locust's shape worker calls it (again at once
after its answer changed, else once a second) and steers users and spawn rate, or ends the test with None."""
import time


class LoadTestShape:
    abstract = True
    runner = None

    def __init__(self):
        self.start_time = time.perf_counter()

    def reset_time(self):
        self.start_time = time.perf_counter()

    def get_run_time(self):
        return time.perf_counter() - self.start_time

    def get_current_user_count(self):
        return self.runner.user_count if self.runner is not None else 0

    def tick(self):
        raise NotImplementedError()
