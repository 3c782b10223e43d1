# Locust's lifecycle events as a locustfile listens to them: spawning_complete (each time a ramp of the
# load shape reaches its target), reset_stats (--reset-stats, at each of those), test_stopping (before
# the users stop), test_stop, quitting (sets the exit code) and quit (after quitting, with the final
# code). Also listeners on events cicada never fires (one warning each) and the deprecated request_success.
# Every event prints one "EVENT ..." line on stdout, in the order they fire.
from locust import HttpUser, LoadTestShape, constant, events, task

seen = {"request_success": 0}


class Steps(LoadTestShape):
    def tick(self):
        t = self.get_run_time()
        if t < 2:
            return (2, 10)
        if t < 4:
            return (3, 10)
        return None


class Visitor(HttpUser):
    wait_time = constant(0.05)

    @task
    def health(self):
        self.client.get("/health")

    def on_stop(self):
        print("EVENT user on_stop", flush=True)


@events.spawning_complete.add_listener
def on_spawning_complete(user_count, **kwargs):
    print(f"EVENT spawning_complete user_count={user_count}", flush=True)


@events.reset_stats.add_listener
def on_reset_stats(**kwargs):
    print("EVENT reset_stats", flush=True)


@events.test_stopping.add_listener
def on_test_stopping(environment, **kwargs):
    print(f"EVENT test_stopping state={environment.runner.state}", flush=True)


@events.test_stop.add_listener
def on_test_stop(environment, **kwargs):
    print(f"EVENT test_stop state={environment.runner.state}", flush=True)


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    print("EVENT quitting", flush=True)
    environment.process_exit_code = 3


@events.quit.add_listener
def on_quit(exit_code, **kwargs):
    print(f"EVENT quit exit_code={exit_code} request_success={seen['request_success']}", flush=True)


@events.request_success.add_listener
def on_request_success(request_type, name, response_time, response_length, **kwargs):
    seen["request_success"] += 1


@events.cpu_warning.add_listener
def on_cpu_warning(environment, cpu_usage, **kwargs):
    print("never called", flush=True)


@events.cpu_warning.add_listener
def on_cpu_warning_again(environment, cpu_usage, **kwargs):
    print("never called", flush=True)


@events.report_to_master.add_listener
def on_report_to_master(client_id, data):
    data["extra"] = 1
