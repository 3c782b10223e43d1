"""environment.stats (and environment.runner.stats): the run's statistics as Locust's RequestStats reads
them, from cicada's native statistics at the latest second (src/python/run_view.cpp). Also the module-level
settings some locustfiles assign, which cicada's native statistics ignore."""
import hashlib

from locust import _runtime

CSV_STATS_INTERVAL_SEC = 1
CSV_STATS_FLUSH_INTERVAL_SEC = 10
CONSOLE_STATS_INTERVAL_SEC = 2
HISTORY_STATS_INTERVAL_SEC = 5
CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW = 10
PERCENTILES_TO_REPORT = [0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0]


def _no_percentile(_):
    return 0


class StatsEntry:
    """One row (method, name) or the Aggregated total; times in milliseconds, as Locust's."""

    def __init__(self, row=None, name="Aggregated", method=""):
        if row is None:
            row = (method, name, 0, 0, 0.0, None, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, _no_percentile)
        (self.method, self.name, self.num_requests, self.num_failures, self.avg_response_time,
         self.min_response_time, self.max_response_time, self.median_response_time, self.total_rps,
         self.current_rps, self.total_fail_per_sec, self.current_fail_per_sec, self.avg_content_length,
         self._percentile) = row
        self.num_none_requests = 0

    @property
    def fail_ratio(self):
        return self.num_failures / self.num_requests if self.num_requests else 0.0

    def get_response_time_percentile(self, percent):
        """The response time (ms) at `percent` (0.95 for the 95th) over the whole test, exact to the native
        histogram's resolution."""
        return self._percentile(float(percent))

    def __repr__(self):
        return f"<StatsEntry {self.method} {self.name}: {self.num_requests} requests, {self.num_failures} failed>"


class StatsError:
    """One row of the failures table (the failures CSV): failed requests of (method, name) with one error.
    `error` is cicada's failure text, which is the repr Locust's StatsError shows (`HTTPError('404 Client
    Error: ...')`, `CatchResponseError('...')`), as a str: what a Locust master holds."""

    def __init__(self, method, name, error, occurrences=0):
        self.method = method
        self.name = name
        self.error = error
        self.occurrences = occurrences

    @classmethod
    def parse_error(cls, error):
        return error if isinstance(error, str) else repr(error)

    @classmethod
    def create_key(cls, method, name, error):
        """Locust's key of errors: the SHA-256 of "method.name.'repr of the error'" (its failure text)."""
        key = f"{method}.{name}.{cls.parse_error(error)!r}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def to_name(self):
        error = self.error
        if isinstance(error, str) and error.startswith("CatchResponseError("):
            error = error[len("CatchResponseError("):-1]
        return f"{self.method} {self.name}: {error}"

    def serialize(self):
        return {"method": self.method, "name": self.name, "error": self.error, "occurrences": self.occurrences}

    def __repr__(self):
        return f"<StatsError {self.method} {self.name}: {self.error} x{self.occurrences}>"


class RequestStats:
    """Read at each access: the latest second's figures (Locust's are live: these are at most a second older)."""

    @staticmethod
    def _snapshot():
        return _runtime.engine_stats()

    @property
    def total(self):
        snap = self._snapshot()
        return StatsEntry(snap[1]) if snap is not None else StatsEntry()

    @property
    def entries(self):
        snap = self._snapshot()
        if snap is None:
            return {}
        return {(row[1], row[0]): StatsEntry(row) for row in snap[2]}

    def get(self, name, method):
        return self.entries.get((name, method)) or StatsEntry(name=name, method=method)

    @property
    def errors(self):
        """The failures as Locust's RequestStats.errors: {key: StatsError} keyed as Locust keys them, with the
        counts of the failures CSV."""
        snap = self._snapshot()
        if snap is None:
            return {}
        found = {}
        for method, name, error, occurrences in snap[3]:
            found[StatsError.create_key(method, name, error)] = StatsError(method, name, error, occurrences)
        return found

    @property
    def exceptions(self):
        """runner.exceptions: {key: {"count", "msg", "traceback", "nodes"}} as Locust's runner keeps them."""
        snap = self._snapshot()
        if snap is None:
            return {}
        return {hash(tb): {"count": count, "msg": msg, "traceback": tb, "nodes": set(nodes.split(", ")) - {""}}
                for count, msg, tb, nodes in snap[4]}

    @property
    def num_requests(self):
        return self.total.num_requests

    @property
    def num_failures(self):
        return self.total.num_failures


def stats_printer(stats):
    """Locust's console table greenlet (for Locust used as a library). cicada prints its own console table,
    so the function it returns does nothing."""

    def stats_printer_func():
        pass

    return stats_printer_func


def stats_history(runner):
    """Locust's greenlet that keeps the statistics' history (for Locust used as a library); cicada keeps the
    history natively (--csv-full-history, the web UI's charts), so this does nothing."""
