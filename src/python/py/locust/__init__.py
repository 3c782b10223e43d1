"""cicada's `locust`: the Locust 2.x API for existing locustfiles, over cicada's native engine.

`import locust` inside a locustfile run by `cicada -f` resolves here, not to the Locust package: users,
tasks and wait times are Locust's; HTTP, statistics, the runner and the reports are cicada's (C++).
See docs/locustfiles.md.
"""
from locust import _runtime  # noqa: F401  (first: patches time.sleep for users)
from locust.event import events
from locust.user import wait_time
from locust.user.sequential_taskset import SequentialTaskSet
from locust.user.task import TaskSet, tag, task
from locust.user.users import HttpUser, User
from locust.user.wait_time import between, constant, constant_pacing, constant_throughput
from locust.contrib.fasthttp import FastHttpUser
from locust.shape import LoadTestShape
from locust.exception import InterruptTaskSet, RescheduleTask, RescheduleTaskImmediately, StopUser
from locust.debug import run_single_user

__version__ = "2.12.1 (cicada)"
version = __version__

__all__ = (
    "SequentialTaskSet", "wait_time", "TaskSet", "task", "tag", "HttpUser", "FastHttpUser", "User", "between",
    "constant", "constant_pacing", "constant_throughput", "events", "LoadTestShape", "InterruptTaskSet",
    "RescheduleTask", "RescheduleTaskImmediately", "StopUser", "run_single_user",
)
