"""Locust's wait_time functions. Each carries `_cicada_wait` so that cicada's engine computes the wait
natively (no Python call between tasks); called from Python they behave exactly as Locust's."""
import random
from time import time


def _mark(func, kind, a, b=0.0):
    func._cicada_wait = (kind, float(a), float(b))
    return func


def between(min_wait, max_wait):
    return _mark(lambda instance: min_wait + random.random() * (max_wait - min_wait), "between", min_wait, max_wait)


def constant(wait_time):
    return _mark(lambda instance: wait_time, "constant", wait_time)


def constant_pacing(wait_time):
    def wait_time_func(self):
        if not hasattr(self, "_cp_last_run"):
            self._cp_last_wait_time = wait_time
            self._cp_last_run = time()
            return wait_time
        run_time = time() - self._cp_last_run - self._cp_last_wait_time
        self._cp_last_wait_time = max(0, wait_time - run_time)
        self._cp_last_run = time()
        return self._cp_last_wait_time

    return _mark(wait_time_func, "constant_pacing", wait_time)


def constant_throughput(task_runs_per_second):
    func = constant_pacing(1 / task_runs_per_second)
    return _mark(func, "constant_throughput", task_runs_per_second)
