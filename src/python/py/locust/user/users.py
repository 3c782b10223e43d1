"""User and HttpUser: Locust's classes, run by cicada's engine (one greenlet per running call)."""
from locust.clients import HttpSession
from locust.exception import LocustError
from locust.user.task import LOCUST_STATE_RUNNING, DefaultTaskSet, TaskSetMeta, get_tasks_from_base_classes
from locust.user.wait_time import constant


class UserMeta(type):
    def __new__(mcs, classname, bases, class_dict):
        class_dict["tasks"] = get_tasks_from_base_classes(bases, class_dict)
        if not class_dict.get("abstract"):
            class_dict["abstract"] = False  # only a class that says so itself is abstract
        return type.__new__(mcs, classname, bases, class_dict)


class User(metaclass=UserMeta):
    host = None
    min_wait = None
    max_wait = None
    wait_time = constant(0)
    wait_function = None
    tasks = []
    weight = 1
    fixed_count = 0
    abstract = True

    def __init__(self, environment):
        super().__init__()
        self.environment = environment
        self._state = LOCUST_STATE_RUNNING
        self._taskset_instance = DefaultTaskSet(self)

    def on_start(self):
        pass

    def on_stop(self):
        pass

    def wait(self):
        self._taskset_instance.wait()

    def context(self):
        return {}

    @classmethod
    def fullname(cls):
        return ".".join(filter(lambda x: x != "<locals>", (cls.__module__ + "." + cls.__qualname__).split(".")))


class HttpUser(User):
    """A user with `self.client`, an HTTP session on cicada's native client."""

    abstract = True
    pool_manager = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.host is None:
            raise LocustError("You must specify the base host. Either in the host attribute in the User class, "
                              "or on the command line using the --host option.")
        self.client = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
