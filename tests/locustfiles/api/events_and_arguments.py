"""A custom argument, lifecycle events, a request listener and a custom sample (a non-HTTP client)."""
import time

from locust import HttpUser, constant, events, task

counts = {"requests": 0, "failures": 0}


@events.init_command_line_parser.add_listener
def add_arguments(parser):
    parser.add_argument("--target-path", type=str, default="/nowhere", include_in_web_ui=True,
                        help="Path the user requests")
    parser.add_argument("--shout", action="store_true", default=False)


@events.test_start.add_listener
def on_test_start(environment, **kwargs):
    opts = environment.parsed_options
    print(f"test_start: path={opts.target_path} shout={opts.shout} users={opts.num_users}", flush=True)


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception, **kwargs):
    counts["requests"] += 1
    if exception is not None:
        counts["failures"] += 1


@events.test_stop.add_listener
def on_test_stop(environment, **kwargs):
    print(f"test_stop: listener saw {counts['requests']} requests, {counts['failures']} failed", flush=True)


class ApiUser(HttpUser):
    wait_time = constant(0.02)

    @task
    def call(self):
        self.client.get(self.environment.parsed_options.target_path)
        started = time.time()
        time.sleep(0.001)  # a "non-HTTP client" call
        events.request.fire(request_type="grpc", name="Fake/Call", response_time=(time.time() - started) * 1000,
                            response_length=0, exception=None, context={})
