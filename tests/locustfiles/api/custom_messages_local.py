# environment.runner.register_message and send_message in a run of one process, as Locust's LocalRunner
# has them: a message goes to this process's own listener (with node_id "local"); an unknown type is a
# warning. What the listener received is sent to the target as a request it logs.
from locust import HttpUser, constant, events, task
from locust.runners import MasterRunner

received = []


def on_test_users(environment, msg, **kwargs):
    received.append(f"{msg.type}:{msg.node_id}:{','.join(u['name'] for u in msg.data)}")


@events.init.add_listener
def on_init(environment, **kw):
    if not isinstance(environment.runner, MasterRunner):
        environment.runner.register_message("test_users", on_test_users)


@events.test_start.add_listener
def on_test_start(environment, **kw):
    environment.runner.send_message("test_users", [{"name": "User0"}, {"name": "User1"}])
    environment.runner.send_message("nobody_listens", 1)


class Reporter(HttpUser):
    wait_time = constant(0.1)

    @task
    def report(self):
        self.client.get(f"/received?{'&'.join(received)}&index={self.environment.runner.worker_index}",
                        name="/received")
