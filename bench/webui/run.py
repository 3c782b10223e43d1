"""Web UI overhead (issue 5): the generator's throughput with the UI open vs headless.

The same cicada binary, pinned to CPU 1 with --threads 1 and 50 users of bench/scenarios/health-max.yaml
(no think time), drives nginx pinned to CPU 0, alternately
  headless: --headless --only-summary
  ui-open:  UI mode with --autostart, and what an open page does to the server meanwhile: VIEWERS pages
            each holding GET /events (a stats event a second) plus polling GET /stats/requests every 2 s
            and /exceptions every 5 s (Locust's page polling), and GET /stats/history once.
The viewers run in this Python process, not on the generator's CPU (a browser is normally elsewhere).
Requests are counted by nginx (stub_status) over a steady window, generator CPU from /proc, as in
bench/generator. Ratios ui-open/headless are taken within a repetition, then the median.
"""
import argparse
import os
import statistics
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generator"))
from measure import free_port, measure, nginx_counter  # noqa: E402
from targets import start_nginx  # noqa: E402


class Viewer(threading.Thread):
    """One open page: an event stream plus the polling of Locust's page."""

    def __init__(self, base: str, stop: threading.Event, counts: dict):
        super().__init__(daemon=True)
        self.base, self.stop, self.counts = base, stop, counts

    def get(self, path: str) -> None:
        try:
            urllib.request.urlopen(self.base + path, timeout=5).read()
            self.counts["polls"] += 1
        except OSError:
            self.counts["errors"] += 1

    def run(self) -> None:
        while not self.stop.is_set():  # wait for the UI to listen
            try:
                stream = urllib.request.urlopen(self.base + "/events", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            return
        self.get("/stats/history")
        reader = threading.Thread(target=self.read_events, args=(stream,), daemon=True)
        reader.start()
        tick = 0
        while not self.stop.wait(1.0):
            tick += 1
            if tick % 2 == 0:
                self.get("/stats/requests")
            if tick % 5 == 0:
                self.get("/exceptions")
        stream.close()

    def read_events(self, stream) -> None:
        try:
            for line in stream:
                if line.startswith(b"event: stats"):
                    self.counts["events"] += 1
        except (OSError, ValueError):
            pass


def main() -> None:
    p = argparse.ArgumentParser()
    for name in ("root", "work", "cicada"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--window", type=float, default=5)
    p.add_argument("--viewers", type=int, default=3)
    a = p.parse_args()

    port = free_port()
    nginx, worker = start_nginx(a.root, a.work, port, "0")
    counter = nginx_counter(f"http://127.0.0.1:{port}/nginx_status")
    scenario = os.path.join(a.root, "bench/scenarios/health-max.yaml")
    base = ["taskset", "-c", "1", a.cicada, "-f", scenario, "-u", "50", "-r", "50", "--threads", "1",
            "-t", f"{int(a.warmup + a.window + 10)}s", "--host", f"http://127.0.0.1:{port}"]
    results = {"headless": [], "ui-open": []}
    viewer_counts = []
    load0 = os.getloadavg()[0]
    try:
        for rep in range(a.reps):
            for mode in ("headless", "ui-open"):
                log = os.path.join(a.work, f"{mode}-{rep}.log")
                if mode == "headless":
                    results[mode].append(measure(base + ["--headless", "--only-summary"], a.work, log, worker,
                                                 counter, a.warmup, a.window))
                    continue
                web_port = free_port()
                stop = threading.Event()
                counts = {"events": 0, "polls": 0, "errors": 0}
                viewers = [Viewer(f"http://127.0.0.1:{web_port}", stop, counts) for _ in range(a.viewers)]
                for v in viewers:
                    v.start()
                try:
                    results[mode].append(measure(base + ["--autostart", "--web-port", str(web_port)], a.work, log,
                                                 worker, counter, a.warmup, a.window))
                finally:
                    stop.set()
                    for v in viewers:
                        v.join(timeout=5)
                viewer_counts.append(counts)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    report(results, viewer_counts, a, load0, os.getloadavg()[0])


def report(results, viewer_counts, a, load0, load1) -> None:
    def med(values):
        return statistics.median(values), min(values), max(values)

    def cell(values, fmt):
        m, lo, hi = med(values)
        return f"{fmt.format(m)} ({fmt.format(lo)}–{fmt.format(hi)})"

    print(f"Window {a.window} s after {a.warmup} s warm-up, {a.reps} repetitions, {a.viewers} viewers; "
          f"median (min–max). Load average (1 min) at start {load0:.1f}, at end {load1:.1f}.\n")
    print("| mode | req/s | generator CPU µs/req | generator CPU util | req/s ÷ headless | CPU/req ÷ headless |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode in ("headless", "ui-open"):
        rows = results[mode]
        rps_ratio = [r["rps"] / h["rps"] for r, h in zip(rows, results["headless"])]
        cpu_ratio = [r["gen_us_per_req"] / h["gen_us_per_req"] for r, h in zip(rows, results["headless"])]
        print(f"| {mode} | {cell([r['rps'] for r in rows], '{:.0f}')} | "
              f"{cell([r['gen_us_per_req'] for r in rows], '{:.2f}')} | "
              f"{cell([100 * r['gen_util'] for r in rows], '{:.0f}%')} | "
              f"{cell(rps_ratio, '{:.3f}')} | {cell(cpu_ratio, '{:.3f}')} |")
    events = [c["events"] for c in viewer_counts]
    polls = [c["polls"] for c in viewer_counts]
    errors = sum(c["errors"] for c in viewer_counts)
    print(f"\nViewers per ui-open run: {statistics.median(events):.0f} stats events and "
          f"{statistics.median(polls):.0f} polls received in all (median), {errors} failed requests in all runs.")


if __name__ == "__main__":
    main()
