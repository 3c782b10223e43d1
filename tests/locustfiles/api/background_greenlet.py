# Greenlets spawned outside users, as Locust's docs show them: an init listener's background checker that
# quits the run once the fail ratio passes 20% (examples/stop_on_threshold.py), and greenlets whose values a
# user gets, one started later, one the user kills, one waiting on a queue for what the user puts, two a
# test_stop listener joins. What the user saw is sent to the target as a request it logs.
import time

import gevent
from gevent.queue import Queue
from locust import HttpUser, constant, events, task
from locust.runners import STATE_CLEANUP, STATE_STOPPED, STATE_STOPPING, WorkerRunner

background = {}
results = Queue()


def checker(environment):
    while environment.runner.state not in [STATE_STOPPING, STATE_STOPPED, STATE_CLEANUP]:
        time.sleep(0.2)
        if environment.runner.stats.total.fail_ratio > 0.2:
            print(f"fail ratio was {environment.runner.stats.total.fail_ratio:.2f}, quitting", flush=True)
            environment.runner.quit()
            return


def answer():
    gevent.sleep(0.05)
    return 42


def collector():
    return f"got-{results.get()}"  # waits on its own thread, no timeout, until a user puts


def forever():
    while True:
        time.sleep(0.05)


@events.init.add_listener
def on_init(environment, **kw):
    if not isinstance(environment.runner, WorkerRunner):
        gevent.spawn(checker, environment)
    background["answer"] = gevent.spawn(answer)
    background["later"] = gevent.spawn_later(0.05, answer)
    background["forever"] = gevent.spawn(forever)
    background["collector"] = gevent.spawn(collector)


@events.test_stop.add_listener
def on_test_stop(**kw):
    joined = gevent.joinall([background["answer"], background["later"]], timeout=5)
    print(f"test_stop joined {len(joined)}", flush=True)


class Failing(HttpUser):
    wait_time = constant(0.05)
    reported = False

    @task
    def fail(self):
        if not Failing.reported:
            Failing.reported = True
            value = background["answer"].get(timeout=5)
            later = background["later"].get(timeout=5)
            background["forever"].kill(timeout=5)
            results.put("x")
            collected = background["collector"].get(timeout=5)
            self.client.get(f"/report?value={value}&later={later}&killed={background['forever'].dead}"
                            f"&collected={collected}", name="/report")
        self.client.get("/fail")
