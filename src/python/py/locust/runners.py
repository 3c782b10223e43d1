"""environment.runner: Locust's runner API over cicada's run (src/python/run_view.cpp), and the runner
classes locustfiles test against (`isinstance(environment.runner, MasterRunner)`)."""
import logging

from locust import _custom_messages, _runtime
from locust.rpc import Message

STATE_INIT, STATE_SPAWNING, STATE_RUNNING, STATE_CLEANUP, STATE_STOPPING, STATE_STOPPED, STATE_MISSING = [
    "ready", "spawning", "running", "cleanup", "stopping", "stopped", "missing"]

_SUPPORTED = ("quit(), stop(), state, user_count, target_user_count, stats, errors, exceptions, environment, "
              "register_message(), send_message(); a master's clients and worker_count; a worker's worker_index")


class Runner:
    def __init__(self, environment):
        self.environment = environment
        self._state = STATE_INIT
        self.custom_messages = {}

    def register_message(self, msg_type, listener, concurrent=False):
        """The listener called with (environment=, msg=) for each message of this type, as Locust's
        (concurrent=True: on a thread of its own, as Locust's on a greenlet of its own)."""
        self.custom_messages[msg_type] = (listener, concurrent)

    @property
    def state(self):
        """The test's state as Locust names it ("spawning", "running", "stopping", "stopped"...)."""
        engine = _runtime.engine_state()
        return engine if engine is not None else self._state

    @state.setter
    def state(self, value):
        self._state = value

    @property
    def user_count(self):
        """Users running now, as Locust's (a master: its workers' last reports); 0 once the test's users
        stopped; before any test, those of the latest statistics (0)."""
        live = _runtime.engine_user_count()
        if live is not None:
            return live
        snap = _runtime.engine_stats()
        return snap[0] if snap is not None else 0

    @property
    def target_user_count(self):
        """The users the test ramps to (its -u before it starts, a shape's latest target after), as Locust's."""
        target = _runtime.engine_target_users()
        if target is not None:
            return target
        return getattr(self.environment.parsed_options, "num_users", None)

    @property
    def stats(self):
        return self.environment.stats

    @property
    def errors(self):
        """Locust's runner.errors: the failures, as environment.stats.errors."""
        return self.environment.stats.errors

    @property
    def exceptions(self):
        """Locust's runner.exceptions: exceptions that escaped tasks, keyed by their traceback."""
        return self.environment.stats.exceptions

    def quit(self):
        """Stops the test and ends the run: every user stops (its on_stop runs), then test_stop and quitting
        fire and the process exits with its usual code, as Locust's runner.quit()."""
        _runtime.request_quit()

    def stop(self):
        # cicada ends the run on a stop from locustfile code, as a headless Locust run ends.
        self.quit()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"environment.runner.{name}: cicada's runner does not have '{name}' (it has "
                             f"{_SUPPORTED}; see docs/locustfiles.md)")


class LocalRunner(Runner):
    worker_index = 0

    def send_message(self, msg_type, data=None, client_id=None):
        """In a run of one process a message goes to this process's own listener, as Locust's LocalRunner
        delivers it."""
        entry = self.custom_messages.get(msg_type)
        if entry is None:
            logging.warning(f"Unknown message type received: {msg_type}")
            return
        listener, _concurrent = _custom_messages.listener_of(entry)
        listener(environment=self.environment, msg=Message(msg_type, data, "local"))


class WorkerNode:
    """One of a master's workers as Locust's runner.clients holds it."""

    def __init__(self, id, state, user_count, cpu_usage, memory_usage):
        self.id = id
        self.state = state
        self.user_count = user_count
        self.cpu_usage = cpu_usage
        self.memory_usage = memory_usage

    def __repr__(self):
        return f"<WorkerNode {self.id} {self.state} {self.user_count} users>"


class WorkerNodes(dict):
    """A master's runner.clients, as Locust's: iterating gives the workers' ids, the values are WorkerNodes,
    and ready/spawning/running/missing list them by state. A copy taken when read."""

    def _in(self, state):
        return [w for w in self.values() if w.state == state]

    @property
    def all(self):
        return list(self.values())

    ready = property(lambda self: self._in(STATE_INIT))
    spawning = property(lambda self: self._in(STATE_SPAWNING))
    running = property(lambda self: self._in(STATE_RUNNING))
    missing = property(lambda self: self._in(STATE_MISSING))


class DistributedRunner(Runner):
    """A master's or a worker's runner (Locust's base of both): custom messages go between processes."""

    def __init__(self, environment):
        super().__init__(environment)
        _custom_messages.start()


class MasterRunner(DistributedRunner):
    @property
    def clients(self):
        nodes = WorkerNodes()
        for row in _runtime.engine_workers() or []:
            nodes[row[0]] = WorkerNode(*row)
        return nodes

    @property
    def worker_count(self):
        """Workers ready, spawning or running (not missing), as Locust's."""
        nodes = self.clients
        return len(nodes.ready) + len(nodes.spawning) + len(nodes.running)

    def send_message(self, msg_type, data=None, client_id=None):
        """To the worker whose id is client_id, or to every worker, as Locust's. The data travels as JSON.
        Sent while no test runs (or before every worker has the test's start), it waits until they have:
        a worker loads the locustfile again for each test."""
        _custom_messages.send(msg_type, data, client_id)

    def _receive(self, msg_type, data, node_id):
        _custom_messages.run_listener(self, msg_type, data, node_id, f" from worker {node_id}")


class WorkerRunner(DistributedRunner):
    worker_index = 0  # the master's number for this worker (0, 1, 2...), as Locust's

    def send_message(self, msg_type, data=None, client_id=None):
        """To the master, as Locust's (client_id is not used). The data travels as JSON."""
        _custom_messages.send(msg_type, data, "")

    def _receive(self, msg_type, data, node_id):
        _custom_messages.run_listener(self, msg_type, data, node_id, "")
