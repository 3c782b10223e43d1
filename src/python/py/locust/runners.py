"""Runner classes locustfiles test against (`isinstance(environment.runner, MasterRunner)`)."""
STATE_INIT, STATE_SPAWNING, STATE_RUNNING, STATE_CLEANUP, STATE_STOPPING, STATE_STOPPED, STATE_MISSING = [
    "ready", "spawning", "running", "cleanup", "stopping", "stopped", "missing"]


class Runner:
    def __init__(self, environment):
        self.environment = environment
        self.state = STATE_INIT
        self.user_count = 0
        self.stats = None

    def quit(self):
        from locust import _runtime
        _runtime.request_quit()

    def stop(self):
        self.quit()


class LocalRunner(Runner):
    pass


class MasterRunner(Runner):
    pass


class WorkerRunner(Runner):
    pass
