# What custom listeners commonly read of the statistics when the test ends: environment.stats.total,
# entries[(name, method)] and errors (StatsError keyed as Locust keys them). The quitting listener prints
# them in CSV-like lines the test compares with cicada's own CSV files.
from locust import HttpUser, constant, events, task
from locust.stats import StatsError


class Reader(HttpUser):
    wait_time = constant(0.01)

    @task(3)
    def ok(self):
        self.client.get("/health")

    @task
    def missing(self):
        self.client.get("/missing", name="/missing")

    @task
    def checked(self):
        with self.client.get("/health", name="/checked", catch_response=True) as r:
            r.failure("not what I wanted")


def line(kind, e):
    return (f"STATS {kind},{e.method},{e.name},{e.num_requests},{e.num_failures},{e.median_response_time},"
            f"{e.avg_response_time!r},{e.max_response_time!r},{e.get_response_time_percentile(0.95)!r},"
            f"{e.fail_ratio!r},{e.total_rps!r}")


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    stats = environment.stats
    for (name, method), e in sorted(stats.entries.items()):
        assert (e.name, e.method) == (name, method)
        print(line("entry", e), flush=True)
    print(line("total", stats.total), flush=True)
    for key, error in stats.errors.items():
        assert key == StatsError.create_key(error.method, error.name, error.error)
        assert environment.runner.errors[key].occurrences == error.occurrences
        print(f"ERROR {error.method}|{error.name}|{error.error}|{error.occurrences}|{key}", flush=True)
    environment.process_exit_code = 0
