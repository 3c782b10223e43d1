"""@task, @tag, TaskSet and SequentialTaskSet with Locust 2.x semantics.

A User's own tasks are picked and waited for by cicada's engine (natively); a TaskSet used as a task runs
its loop here, in the user's greenlet, until it is interrupted, exactly as in Locust.
"""
import logging
import random
import traceback

from locust import _runtime
from locust.exception import (InterruptTaskSet, MissingWaitTimeError, RescheduleTask,
                              RescheduleTaskImmediately, StopUser)

logger = logging.getLogger(__name__)

LOCUST_STATE_RUNNING, LOCUST_STATE_WAITING, LOCUST_STATE_STOPPING = ["running", "waiting", "stopping"]


def task(weight=1):
    def decorator_func(func):
        if func.__name__ in ["on_stop", "on_start"]:
            logging.warning("You have tagged your on_stop/start function with @task. This will make the method "
                            "get called both as a task AND on stop/start.")
        if func.__name__ == "run":
            raise Exception("User.run() is a method used internally by Locust, and you must not override it "
                            "or register it as a task")
        func.locust_task_weight = weight
        return func

    if callable(weight):  # @task without parentheses
        func, weight = weight, 1
        return decorator_func(func)
    return decorator_func


def tag(*tags):
    def decorator_func(decorated):
        if hasattr(decorated, "tasks"):
            decorated.tasks = list(map(tag(*tags), decorated.tasks))
        else:
            if "locust_tag_set" not in decorated.__dict__:
                decorated.locust_tag_set = set()
            decorated.locust_tag_set |= set(tags)
        return decorated

    if len(tags) == 0 or callable(tags[0]):
        raise ValueError("No tag name was supplied")
    return decorator_func


def get_tasks_from_base_classes(bases, class_dict):
    """Every task of the class and its bases, each repeated by its weight (Locust's expansion)."""
    new_tasks = []
    for base in bases:
        if hasattr(base, "tasks") and base.tasks:
            new_tasks += base.tasks
    if "tasks" in class_dict and class_dict["tasks"] is not None:
        tasks = class_dict["tasks"]
        if isinstance(tasks, dict):
            tasks = tasks.items()
        for t in tasks:
            if isinstance(t, tuple):
                t, count = t
                new_tasks.extend([t] * count)
            else:
                new_tasks.append(t)
    for item in class_dict.values():
        if "locust_task_weight" in dir(item):
            new_tasks.extend([item] * item.locust_task_weight)
    return new_tasks


def filter_tasks_by_tags(task_holder, tags=None, exclude_tags=None, checked=None):
    """Removes tasks (recursively in TaskSets) that --tags / --exclude-tags leave out."""
    new_tasks = []
    if checked is None:
        checked = {}
    for t in task_holder.tasks:
        if t in checked:
            if checked[t]:
                new_tasks.append(t)
            continue
        passing = True
        if hasattr(t, "tasks"):
            filter_tasks_by_tags(t, tags, exclude_tags, checked)
            passing = len(t.tasks) > 0
        else:
            if tags is not None:
                passing &= "locust_tag_set" in dir(t) and len(t.locust_tag_set & tags) > 0
            if exclude_tags is not None:
                passing &= "locust_tag_set" not in dir(t) or len(t.locust_tag_set & exclude_tags) == 0
        if passing:
            new_tasks.append(t)
        checked[t] = passing
    task_holder.tasks = new_tasks


class TaskSetMeta(type):
    def __new__(mcs, classname, bases, class_dict):
        class_dict["tasks"] = get_tasks_from_base_classes(bases, class_dict)
        return type.__new__(mcs, classname, bases, class_dict)


class TaskSet(metaclass=TaskSetMeta):
    tasks = []
    min_wait = None
    max_wait = None
    wait_function = None

    def __init__(self, parent):
        self._task_queue = []
        self._user = parent.user if isinstance(parent, TaskSet) else parent
        self._parent = parent
        if not self.min_wait:
            self.min_wait = getattr(self.user, "min_wait", None)
        if not self.max_wait:
            self.max_wait = getattr(self.user, "max_wait", None)

    @property
    def user(self):
        return self._user

    @property
    def parent(self):
        return self._parent

    @property
    def client(self):
        return self.user.client

    def on_start(self):
        pass

    def on_stop(self):
        pass

    def run(self):
        try:
            self.on_start()
        except InterruptTaskSet as e:
            if e.reschedule:
                raise RescheduleTaskImmediately(e.reschedule).with_traceback(e.__traceback__)
            raise RescheduleTask(e.reschedule).with_traceback(e.__traceback__)
        while True:
            try:
                if not self._task_queue:
                    self.schedule_task(self.get_next_task())
                try:
                    if self.user._state == LOCUST_STATE_STOPPING:
                        raise StopUser()
                    self.execute_next_task()
                except RescheduleTaskImmediately:
                    pass
                except RescheduleTask:
                    self.wait()
                else:
                    self.wait()
            except InterruptTaskSet as e:
                self.on_stop()
                if e.reschedule:
                    raise RescheduleTaskImmediately(e.reschedule) from e
                raise RescheduleTask(e.reschedule) from e
            except (StopUser, _runtime.GreenletExit):
                self.on_stop()
                raise
            except Exception as e:
                _runtime.report_user_error(self, e)
                self.wait()

    def execute_next_task(self):
        self.execute_task(self._task_queue.pop(0))

    def execute_task(self, t):
        if hasattr(t, "__self__") and t.__self__ == self:
            t()
        elif hasattr(t, "tasks") and issubclass(t, TaskSet):
            t(self).run()
        else:
            t(self)

    def schedule_task(self, task_callable, first=False):
        if first:
            self._task_queue.insert(0, task_callable)
        else:
            self._task_queue.append(task_callable)

    def get_next_task(self):
        if not self.tasks:
            raise Exception(f"No tasks defined on {self.__class__.__name__}. use the @task decorator or set the "
                            "'tasks' attribute of the TaskSet")
        return random.choice(self.tasks)

    def wait_time(self):
        if self.user.wait_time:
            return self.user.wait_time()
        if self.min_wait is not None and self.max_wait is not None:
            return random.randint(self.min_wait, self.max_wait) / 1000.0
        raise MissingWaitTimeError("You must define a wait_time method on either the %s or %s class"
                                   % (type(self.user).__name__, type(self).__name__))

    def wait(self):
        if self.user._state == LOCUST_STATE_STOPPING:
            raise StopUser()
        self.user._state = LOCUST_STATE_WAITING
        self._sleep(self.wait_time())
        if self.user._state == LOCUST_STATE_STOPPING:
            raise StopUser()
        self.user._state = LOCUST_STATE_RUNNING

    def _sleep(self, seconds):
        _runtime.sleep(seconds)

    def interrupt(self, reschedule=True):
        raise InterruptTaskSet(reschedule)


class SequentialTaskSetMeta(TaskSetMeta):
    """The tasks in the order the class body declares them: a `tasks = [...]` list is expanded where it
    stands among the @task methods (not first, as TaskSetMeta puts it), after the base classes' tasks."""

    def __new__(mcs, classname, bases, class_dict):
        new_tasks = []
        for base in bases:
            if hasattr(base, "tasks") and base.tasks:
                new_tasks += base.tasks
        for key, value in class_dict.items():
            if key == "tasks":
                if not isinstance(value, list):
                    raise ValueError("On SequentialTaskSet the task attribute can only be set to a list")
                new_tasks.extend(value)
            if "locust_task_weight" in dir(value):
                new_tasks.extend([value] * value.locust_task_weight)
        class_dict["tasks"] = new_tasks
        return type.__new__(mcs, classname, bases, class_dict)


class SequentialTaskSet(TaskSet, metaclass=SequentialTaskSetMeta):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._task_index = 0

    def get_next_task(self):
        if not self.tasks:
            raise Exception(f"No tasks defined on {self.__class__.__name__}. use the @task decorator or set the "
                            "'tasks' attribute of the SequentialTaskSet")
        t = self.tasks[self._task_index % len(self.tasks)]
        self._task_index += 1
        return t


class DefaultTaskSet(TaskSet):
    """The root TaskSet of a user: only used for User.wait() and self.interrupt() at the top level."""

    def get_next_task(self):
        return random.choice(self.user.tasks)

    def execute_task(self, t):
        if hasattr(t, "tasks") and issubclass(t, TaskSet):
            t(self.user).run()
        else:
            t(self.user)
