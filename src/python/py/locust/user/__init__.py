from locust.user.task import SequentialTaskSet, TaskSet, tag, task  # noqa: F401
from locust.user.users import HttpUser, User  # noqa: F401
