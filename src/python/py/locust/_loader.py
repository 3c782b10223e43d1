"""Loading a locustfile for cicada: runs the file, finds its User classes and load shape, and describes
them to the engine (src/python/python_loader.cpp)."""
import importlib.util
import inspect
import logging
import os
import sys
import time

from locust import _runtime
from locust.env import Environment
from locust.event import events
from locust.runners import LocalRunner
from locust.shape import LoadTestShape
from locust.user.task import TaskSet, filter_tasks_by_tags
from locust.user.users import User

_state = {}


def _setup_logging():
    if _state.get("logging"):
        return
    _state["logging"] = True
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[%(asctime)s] %(hostname)s/%(levelname)s/%(name)s: %(message)s"))
    hostname = os.uname().nodename

    class _Host(logging.Filter):
        def filter(self, record):
            record.hostname = hostname
            return True

    handler.addFilter(_Host())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _wait_spec(cls):
    spec = getattr(cls.__dict__.get("wait_time", None) or getattr(cls, "wait_time", None), "_cicada_wait", None)
    return spec  # None: a Python method, waited in the user's greenlet after each task


def _tags_of(t):
    if hasattr(t, "tasks"):
        found = set()
        for inner in t.tasks:
            found |= _tags_of(inner)
        return found
    return set(getattr(t, "locust_tag_set", ()))


def _describe_tasks(cls):
    order, counts = [], {}
    for t in cls.tasks:
        if t not in counts:
            order.append(t)
            counts[t] = 0
        counts[t] += 1
    return [(t, getattr(t, "__name__", repr(t)), float(counts[t]), sorted(_tags_of(t))) for t in order]


def _is_user_class(item):
    return inspect.isclass(item) and issubclass(item, User) and not item.__dict__.get("abstract", False) \
        and item.abstract is False


def _is_shape_class(item):
    return inspect.isclass(item) and issubclass(item, LoadTestShape) and item is not LoadTestShape \
        and not item.__dict__.get("abstract", False)


def load(path, tags=None, exclude_tags=None, host=None):
    """Runs the locustfile and returns (environment, [user class descriptions], shape instance or None)."""
    _setup_logging()
    time.sleep = _runtime.sleep
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)

    user_classes = [v for v in vars(module).values() if _is_user_class(v)]
    shapes = [v for v in vars(module).values() if _is_shape_class(v)]
    if len(shapes) > 1:
        raise ValueError(f"{path} defines more than one load shape ({', '.join(s.__name__ for s in shapes)})")
    shape = shapes[0]() if shapes else None

    tag_set = set(tags) if tags else None
    exclude_set = set(exclude_tags) if exclude_tags else None
    if tag_set is not None or exclude_set is not None:
        for cls in user_classes:
            filter_tasks_by_tags(cls, tag_set, exclude_set)

    env = Environment(user_classes=user_classes, shape_class=shape, events=events, host=host,
                      tags=tags, exclude_tags=exclude_tags)
    env.runner = LocalRunner(env)
    if shape is not None:
        shape.runner = env.runner
    _state["environment"] = env
    events.init.fire(environment=env, runner=env.runner, web_ui=None)

    described = []
    for cls in user_classes:
        described.append({
            "name": cls.__name__,
            "class": cls,
            "weight": float(getattr(cls, "weight", 1) or 0),
            "fixed_count": int(getattr(cls, "fixed_count", 0) or 0),
            "host": cls.host or "",
            "wait": _wait_spec(cls),
            "tasks": _describe_tasks(cls),
        })
    return env, described, shape


def environment():
    return _state.get("environment")
