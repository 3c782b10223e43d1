# environment.runner as locustfiles use it: after QUIT_AFTER requests (all users together) the run is
# quit, from the task itself (QUIT_FROM=task) or from a request listener (QUIT_FROM=listener), as
# Locust's runner.quit() does; the runner's state and the statistics are read, and a quitting listener may
# set the exit code (EXIT_CODE).
import os
import time

from locust import HttpUser, events, task

QUIT_AFTER = int(os.environ.get("QUIT_AFTER", "20"))
QUIT_FROM = os.environ.get("QUIT_FROM", "task")
counted = {"started": 0, "requests": 0, "after_quit": 0, "on_stop": 0}


class Quitter(HttpUser):
    def on_start(self):
        # No request before every user runs, so that each one has one in flight when the run quits.
        counted["started"] += 1
        while counted["started"] < self.environment.parsed_options.num_users:
            time.sleep(0.01)

    @task
    def health(self):
        if counted["requests"] >= QUIT_AFTER:
            counted["after_quit"] += 1  # a task that started after the quit (its request is not made)
        self.client.get("/health")
        if QUIT_FROM == "task" and counted["requests"] == QUIT_AFTER:
            runner = self.environment.runner
            print(f"quit from the task: state={runner.state} users={runner.user_count}", flush=True)
            runner.quit()

    def on_stop(self):
        counted["on_stop"] += 1


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception, context, **kwargs):
    counted["requests"] += 1
    if QUIT_FROM == "listener" and counted["requests"] == QUIT_AFTER:
        print("quit from a request listener", flush=True)
        environment.runner.quit()


@events.init.add_listener
def on_init(environment, **kwargs):
    globals()["environment"] = environment


@events.test_stop.add_listener
def on_test_stop(environment, **kwargs):
    print(f"test_stop: {counted['requests']} requests, {counted['after_quit']} tasks after the quit, "
          f"on_stop ran {counted['on_stop']} times", flush=True)


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    total = environment.stats.total
    print(f"quitting: stats {total.num_requests} requests, {total.num_failures} failed, "
          f"fail_ratio={total.fail_ratio:.2f} p95={total.get_response_time_percentile(0.95):.3f} ms "
          f"avg={total.avg_response_time:.3f} ms state={environment.runner.state} "
          f"entry={environment.stats.get('/health', 'GET').num_requests}", flush=True)
    if os.environ.get("EXIT_CODE"):
        environment.process_exit_code = int(os.environ["EXIT_CODE"])
