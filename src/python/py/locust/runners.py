"""environment.runner: Locust's runner API over cicada's run (src/python/run_view.cpp), and the runner
classes locustfiles test against (`isinstance(environment.runner, MasterRunner)`)."""
import logging

from locust import _runtime
from locust.rpc import Message

STATE_INIT, STATE_SPAWNING, STATE_RUNNING, STATE_CLEANUP, STATE_STOPPING, STATE_STOPPED, STATE_MISSING = [
    "ready", "spawning", "running", "cleanup", "stopping", "stopped", "missing"]

_SUPPORTED = ("quit(), stop(), state, user_count, stats, errors, exceptions, environment, register_message(), "
              "send_message() (in a run of one process)")


class Runner:
    def __init__(self, environment):
        self.environment = environment
        self._state = STATE_INIT
        self.custom_messages = {}

    def register_message(self, msg_type, listener):
        """The listener called with (environment=, msg=) for each message of this type, as Locust's."""
        self.custom_messages[msg_type] = listener

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
        """Users running at the latest second of the statistics (Locust's is live: this is at most a second
        older)."""
        snap = _runtime.engine_stats()
        return snap[0] if snap is not None else 0

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

    def send_message(self, msg_type, data=None):
        """In a run of one process a message goes to this process's own listener, as Locust's LocalRunner
        delivers it."""
        listener = self.custom_messages.get(msg_type)
        if listener is None:
            logging.warning(f"Unknown message type received: {msg_type}")
            return
        listener(environment=self.environment, msg=Message(msg_type, data, "local"))


def _between_processes(*args, **kwargs):
    raise NotImplementedError(
        "environment.runner.send_message between a master and its workers: cicada does not carry custom "
        "messages between processes yet (docs/locustfiles.md); in a run of one process it works as Locust's")


class MasterRunner(Runner):
    send_message = _between_processes


class WorkerRunner(Runner):
    worker_index = 0  # the master's number for this worker (0, 1, 2...), as Locust's
    send_message = _between_processes
