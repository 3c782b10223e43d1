"""Where Locust defines SequentialTaskSet (locustfiles import it from here too)."""
from locust.user.task import SequentialTaskSet, SequentialTaskSetMeta  # noqa: F401
