# Locust's examples/custom_messages.py with a check of what each side got: on test_start the master
# shares target_user_count user names over runner.clients (worker_count of them), one message per worker;
# each worker's listener keeps its names and thanks the master, whose listener logs the thanks with the
# worker's id. Each user takes a name of its worker's and requests /user/<name>, so the target sees every
# name exactly once if every message arrived before the users started. The master's test_stop says goodbye
# to every worker, whose listener logs it before the worker quits; data that is not JSON is refused, and a
# message for a worker that is not there is dropped with a warning.
from locust import HttpUser, constant, events, task
from locust.runners import MasterRunner, WorkerRunner

usernames = []


def setup_test_users(environment, msg, **kwargs):
    usernames.extend(map(lambda u: u["name"], msg.data))
    print(f"worker {environment.runner.worker_index} got {len(msg.data)} users, node_id is own id: "
          f"{msg.node_id != 'master'}", flush=True)
    environment.runner.send_message("acknowledge_users", f"Thanks for the {len(msg.data)} users!")


def on_acknowledge(msg, **kwargs):
    print(f"master heard from {msg.node_id}: {msg.data}", flush=True)


def on_goodbye(environment, msg, **kwargs):
    print(f"worker {environment.runner.worker_index} heard goodbye: {msg.data}", flush=True)


@events.init.add_listener
def on_locust_init(environment, **_kwargs):
    if not isinstance(environment.runner, MasterRunner):
        environment.runner.register_message("test_users", setup_test_users)
        environment.runner.register_message("goodbye", on_goodbye)
    if not isinstance(environment.runner, WorkerRunner):
        environment.runner.register_message("acknowledge_users", on_acknowledge)


@events.test_start.add_listener
def on_test_start(environment, **_kwargs):
    if not isinstance(environment.runner, WorkerRunner):
        users = []
        for i in range(environment.runner.target_user_count):
            users.append({"name": f"User{i}"})

        worker_count = environment.runner.worker_count
        chunk_size = int(len(users) / worker_count)
        print(f"master shares {len(users)} users over {worker_count} workers", flush=True)

        for i, worker in enumerate(environment.runner.clients):
            start_index = i * chunk_size

            if i + 1 < worker_count:
                end_index = start_index + chunk_size
            else:
                end_index = len(users)

            data = users[start_index:end_index]
            environment.runner.send_message("test_users", data, worker)
        environment.runner.send_message("nobody_listens", None)
        environment.runner.send_message("test_users", [], "no-such-worker")
        try:
            environment.runner.send_message("test_users", object())
        except TypeError as e:
            print(f"refused: {e}", flush=True)


@events.test_stop.add_listener
def on_test_stop(environment, **_kwargs):
    if isinstance(environment.runner, MasterRunner):
        environment.runner.send_message("goodbye", {"served": True})


class NamedUser(HttpUser):
    wait_time = constant(0.1)

    def on_start(self):
        self.username = usernames.pop() if usernames else "nobody"

    @task
    def hello(self):
        self.client.get(f"/user/{self.username}", name="/user")
