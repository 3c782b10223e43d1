"""Loading a locustfile for cicada: runs the file, finds its User classes and load shape, and describes
them to the engine (src/python/python_loader.cpp)."""
import argparse
import importlib.util
import inspect
import json
import logging
import os
import sys
import time

from locust import _custom_messages, _runtime
from locust.argument_parser import get_empty_argument_parser
from locust.env import Environment
from locust.event import events
from locust.log import setup_logging
from locust.runners import DistributedRunner, LocalRunner, MasterRunner, WorkerRunner
from locust.shape import LoadTestShape
from locust.stats import RequestStats
from locust.user.task import TaskSet, filter_tasks_by_tags
from locust.user.users import HttpUser, User

_state = {}


def _setup_logging_once(level):
    """Locust's log format for the locustfile's own loggers; a worker loads again for each test and only
    takes the level then (a locustfile may have set up its own logging)."""
    if _state.get("logging"):
        logging.getLogger().setLevel(level.upper())
        return
    _state["logging"] = True
    setup_logging(level)


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


def _counted(holder):
    """A task holder's distinct tasks in order, each with how many times it is listed (its weight)."""
    order, counts = [], {}
    for t in holder.tasks:
        if t not in counts:
            order.append(t)
            counts[t] = 0
        counts[t] += 1
    return [(t, getattr(t, "__name__", repr(t)), float(counts[t])) for t in order]


def _task_set_tree(t, depth=0):
    """A TaskSet's own tasks as [(name, count, nested)] for the task ratio table; [] for a plain task."""
    if not (inspect.isclass(t) and issubclass(t, TaskSet)) or depth > 20:
        return []
    return [(name, count, _task_set_tree(inner, depth + 1)) for inner, name, count in _counted(t)]


def _assign_equal_weights(user_classes):
    """Locust's Environment.assign_equal_weights: each class weighs 1, and its tasks are every function
    reachable through its task sets, each once."""
    for cls in user_classes:
        cls.weight = 1
        flat, frontier = [], list(cls.tasks)
        while frontier:
            t = frontier.pop()
            if hasattr(t, "tasks"):  # a TaskSet: its own tasks instead
                frontier.extend(t.tasks)
            elif callable(t):
                if t not in flat:
                    flat.append(t)
            else:
                raise ValueError("Unrecognized task type in user")
        cls.tasks = flat


def _describe_tasks(cls):
    return [(t, name, count, sorted(_tags_of(t)), _task_set_tree(t)) for t, name, count in _counted(cls)]


def _is_user_class(item):
    return inspect.isclass(item) and issubclass(item, User) and not item.__dict__.get("abstract", False) \
        and item.abstract is False


def _needs_host(cls):
    """An HttpUser (FastHttpUser too) requests its host; a plain User (its own client, or none) needs none."""
    return issubclass(cls, HttpUser)


def _is_shape_class(item):
    return inspect.isclass(item) and issubclass(item, LoadTestShape) and item is not LoadTestShape \
        and not item.__dict__.get("abstract", False)


def _read_conf(paths):
    """locust.conf / ~/.locust.conf: `name = value` lines (Locust's config file format, long names)."""
    values = {}
    for p in paths:
        p = os.path.expanduser(p)
        if not os.path.isfile(p):
            continue
        with open(p) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if not line or line.startswith("["):
                    continue
                key, sep, value = line.partition("=")
                if sep:
                    values[key.strip().lstrip("-")] = value.strip()
    return values


def _convert(action, text):
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
        truth = text.strip().lower() in ("1", "true", "yes", "on")
        return truth if isinstance(action, argparse._StoreTrueAction) else not truth
    return action.type(text) if callable(action.type) else text


def parse_options(extra_args, standard):
    """Locust's custom arguments: listeners of init_command_line_parser add them; values come from the
    command line, then LOCUST_* variables, then ./locust.conf and ~/.locust.conf. Returns (parsed_options,
    leftover words that are not options: user class names)."""
    parser = get_empty_argument_parser(add_help=False)
    events.init_command_line_parser.fire(parser=parser)
    conf = _read_conf(["~/.locust.conf", "locust.conf"])
    for action in parser._actions:
        for opt in action.option_strings:
            if not opt.startswith("--"):
                continue
            key = opt[2:]
            env = os.environ.get("LOCUST_" + key.upper().replace("-", "_"))
            if env is not None:
                action.default = _convert(action, env)
            elif key in conf:
                action.default = _convert(action, conf[key])
    options, rest = parser.parse_known_args(list(extra_args))
    unknown = [w for w in rest if w.startswith("-")]
    if unknown:
        raise ValueError("unrecognized arguments: " + " ".join(unknown) +
                         " (neither cicada's options nor added by an init_command_line_parser listener)")
    for key, value in standard.items():
        if not hasattr(options, key):
            setattr(options, key, value)
    return options, [w for w in rest if not w.startswith("-")]


def _take_sent_options(parsed_options, sent):
    """A worker: the master's parsed_options (read from their JSON) over this worker's own, as Locust's
    workers take them."""
    for key, value in sent.items():
        setattr(parsed_options, key, value)


def parsed_options_json():
    """The environment's parsed_options as a JSON object (values JSON cannot carry are left out): what a
    master sends its workers."""
    env = _state.get("environment")
    options = getattr(env, "parsed_options", None)
    if options is None:
        return ""
    sendable = {}
    for key, value in vars(options).items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        sendable[key] = value
    return json.dumps(sendable)


_RUNNERS = {"master": MasterRunner, "worker": WorkerRunner}


def load(path, tags=None, exclude_tags=None, host=None, extra_args=(), standard=None, sent_options=None,
         runner="local", worker_index=0):
    """Runs the locustfile and returns (environment, [user class descriptions], shape instance or None).
    sent_options: on a worker, the master's parsed_options (JSON); runner: "local", "master" or "worker";
    worker_index: a worker's number from its master (environment.runner.worker_index)."""
    # --skip-log-setup (Locust's): the locustfile's logging is its own (or Python's defaults); on a worker,
    # its own flag or the master's.
    sent = json.loads(sent_options) if sent_options else {}
    if not ((standard or {}).get("skip_log_setup") or sent.get("skip_log_setup")):
        _setup_logging_once(str((standard or {}).get("loglevel", "INFO")))
    time.sleep = _runtime.sleep
    given_path = path
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    events.__init__()  # a worker loads the locustfile again for each test: listeners of the last one go
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)

    parsed_options, chosen = parse_options(extra_args, dict(standard or {}, host=host, tags=tags,
                                                            exclude_tags=exclude_tags, locustfile=given_path))
    _take_sent_options(parsed_options, sent)
    # This process's own role, not the master's (which a worker's sent options carry).
    parsed_options.master = runner == "master"
    parsed_options.worker = runner == "worker"
    if sent_options:  # the master's tags apply inside task sets here too
        tags = getattr(parsed_options, "tags", tags)
        exclude_tags = getattr(parsed_options, "exclude_tags", exclude_tags)
        host = host or getattr(parsed_options, "host", None)
    user_classes = [v for v in vars(module).values() if _is_user_class(v)]
    if chosen:
        missing = [n for n in chosen if n not in [c.__name__ for c in user_classes]]
        if missing:
            raise ValueError("Unknown User(s): " + ", ".join(missing))
        user_classes = [c for c in user_classes if c.__name__ in chosen]
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
                      tags=tags, exclude_tags=exclude_tags, parsed_options=parsed_options)
    env.stats = RequestStats()
    env.runner = _RUNNERS.get(runner, LocalRunner)(env)
    if runner == "worker":
        env.runner.worker_index = worker_index
    if shape is not None:
        shape.runner = env.runner
    _state["environment"] = env
    events.init.fire(environment=env, runner=env.runner, web_ui=None)
    # --equal-weights: after the locustfile's own init listeners, as Locust's runs last (on a worker, its
    # own flag or the master's).
    if getattr(parsed_options, "equal_weights", False) or (standard or {}).get("equal_weights"):
        _assign_equal_weights(user_classes)

    described = []
    for cls in user_classes:
        described.append({
            "name": cls.__name__,
            "class": cls,
            "weight": float(getattr(cls, "weight", 1) or 0),
            "fixed_count": int(getattr(cls, "fixed_count", 0) or 0),
            "host": cls.host or "",
            "needs_host": _needs_host(cls),
            "wait": _wait_spec(cls),
            "tasks": _describe_tasks(cls),
        })
    return env, described, shape


def environment():
    return _state.get("environment")


def process_exit_code(run_code):
    """The process's exit code, as Locust's main decides it: environment.process_exit_code as the
    locustfile left it (a quitting listener sets it), else the run's own code, else 2 for a clean run in
    which a listener or the load shape raised."""
    from locust import log
    env = _state.get("environment")
    code = getattr(env, "process_exit_code", None)
    if code is not None:
        return code
    if run_code == 0 and log.unhandled_greenlet_exception:
        logging.error("An event listener or the load shape raised (see above): exit code 2")
        return 2
    return run_code


def shape_tick(shape):
    """shape.tick(), or None (the test ends) when it raises: an unhandled exception, as in Locust. A third
    item, the user classes the target's users are of, is kept (None: as the last tick said)."""
    try:
        r = shape.tick()
        if r is None:
            return None
        if len(r) > 2 and r[2] is not None:
            return (int(r[0]), float(r[1]), [c.__name__ for c in r[2]])
        return (int(r[0]), float(r[1]))
    except Exception:
        from locust import event
        event.note_unhandled_exception("LoadTestShape.tick() raised, stopping the test")
        return None


def fire(event_name, value=None):
    """The events around and inside the run, fired by the app on its control thread with Locust's arguments:
    test_start, test_stopping, test_stop, quitting (listeners in reverse order, as Locust's main), reset_stats
    (none), spawning_complete (value: user_count) and quit (value: exit_code)."""
    env = _state.get("environment")
    if env is None:
        return
    if event_name in ("test_start", "quitting") and isinstance(env.runner, DistributedRunner):
        _custom_messages.take_held()  # what came for this test (or before the end) runs first
    if event_name == "test_start" and env.runner is not None:
        env.runner.state = "running"
    if event_name == "test_stop" and env.runner is not None:
        env.runner.state = "stopped"
    hook = getattr(env.events, event_name)
    if event_name == "spawning_complete":
        hook.fire(user_count=value)
    elif event_name == "quit":
        hook.fire(exit_code=value)
    elif event_name == "reset_stats":
        hook.fire()
    else:
        hook.fire(environment=env, reverse=event_name == "quitting")
