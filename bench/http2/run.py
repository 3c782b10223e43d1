"""bench/http2/run.sh's measurement: each generator against the same nginx (h2c), REPS repetitions, medians.

Generator CPU per request = generator CPU time (utime + stime, /proc) / requests nginx counted, over a
steady window after a warm-up (bench/generator/measure.py). The ratio cicada / h2load is issue 18's figure
(goal <= 1.5).
"""
import argparse
import os
import signal
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generator"))
import measure  # noqa: E402

GENERATORS = {
    "cicada": "cicada --http2 --threads 1, 50 users (one connection each, one request in flight)",
    "h2load": "h2load -t1 -c50 -m1 (one stream in flight per connection)",
    "h2load-m10": "h2load -t1 -c50 -m10 (ten streams in flight per connection; reference only)",
}


def command(a, gen, run_s):
    pin = ["taskset", "-c", "1"]
    if gen == "cicada":
        return pin + [a.cicada, "-f", os.path.join(a.root, "bench/scenarios/health-max.yaml"), "--headless",
                      "--http2", "-u", "50", "-r", "50", "--threads", "1", "-t", f"{run_s}s", "--host", a.base,
                      "--only-summary", "--csv", os.path.join(a.work, "cicada"), "--insecure"]
    streams = "10" if gen == "h2load-m10" else "1"
    return pin + ["h2load", "-t", "1", "-c", "50", "-m", streams, "-D", str(run_s), a.base + "/health"]


def main():
    p = argparse.ArgumentParser()
    for name in ("root", "cicada", "work", "base", "status"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--window", type=float, default=5)
    a = p.parse_args()
    run_s = int(a.warmup + a.window + 20)  # the generator bounds itself; it is stopped after the window
    counter = measure.nginx_counter(a.status)
    results = {g: [] for g in GENERATORS}
    for rep in range(a.reps):
        for gen in GENERATORS:
            log = os.path.join(a.work, f"{gen}-{rep}.log")
            r = measure.measure(command(a, gen, run_s), a.work, log, a.server_pid, counter, a.warmup, a.window,
                                stop_signal=signal.SIGINT if gen.startswith("h2load") else signal.SIGTERM)
            results[gen].append(r)
            print(f"rep {rep + 1} {gen}: {r['gen_us_per_req']:.2f} us/request, {r['rps']:.0f} req/s, "
                  f"server {r['srv_us_per_req']:.2f} us/request", file=sys.stderr)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"\nLoad average at the end: {' '.join(load)}; {a.reps} repetitions, {a.warmup:g} s warm-up, "
          f"{a.window:g} s window; nginx on CPU 0, generator on CPU 1; {a.base.split(':')[0]}.\n")
    print("| generator | generator CPU per request (us), median [min-max] | req/s (median) | nginx CPU per request (us) |")
    print("|---|---:|---:|---:|")
    med = {}
    for gen, rs in results.items():
        us = [r["gen_us_per_req"] for r in rs]
        med[gen] = statistics.median(us)
        print(f"| {GENERATORS[gen]} | {med[gen]:.2f} [{min(us):.2f}-{max(us):.2f}] | "
              f"{statistics.median(r['rps'] for r in rs):.0f} | "
              f"{statistics.median(r['srv_us_per_req'] for r in rs):.2f} |")
    ratios = [c["gen_us_per_req"] / h["gen_us_per_req"] for c, h in zip(results["cicada"], results["h2load"])]
    print(f"\ncicada --http2 / h2load -m1 CPU per request: **{med['cicada'] / med['h2load']:.2f}** "
          f"(per repetition: {', '.join(f'{r:.2f}' for r in ratios)}; goal <= 1.5)")


if __name__ == "__main__":
    main()
