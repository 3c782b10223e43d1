"""Resident memory of cicada with 10,000 polite users (between(1, 5) think time) against nginx /health.

Called by memory.sh. nginx on CPU 0, cicada on CPU 1. cicada's VmHWM (peak resident set) and VmRSS are
read from /proc every 0.5 s while it runs; the requests come from nginx's own counter. Prints a markdown
table and exits 1 if the peak is not under the limit.
"""
import argparse
import csv
import os
import signal
import subprocess
import sys
import time

import measure
import targets


def main():
    ap = argparse.ArgumentParser()
    for name in ("root", "work", "cicada"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--spawn-rate", type=int, default=2000)
    ap.add_argument("--run-time", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit-mb", type=float, default=300)
    a = ap.parse_args()
    port = measure.free_port()
    nginx, _worker = targets.start_nginx(a.root, a.work, port, "0")
    base = f"http://127.0.0.1:{port}"
    counter = measure.nginx_counter(base + "/nginx_status")
    prefix = os.path.join(a.work, "memory")
    cmd = ["taskset", "-c", "1", a.cicada, "-f", os.path.join(a.root, "examples/health.yaml"), "--headless",
           "--only-summary", "-u", str(a.users), "-r", str(a.spawn_rate), "--threads", str(a.threads),
           "-t", f"{a.run_time}s", "--host", base, "--csv", prefix,
           "--history-db", os.path.join(a.work, "history.db")]  # not in the source tree
    hwm_kib = rss_kib = 0
    try:
        before, _ = counter()
        started = time.monotonic()
        with open(os.path.join(a.work, "cicada.log"), "w") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = started + a.run_time + 30
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    hwm_kib = max(hwm_kib, measure.proc_status_kib(proc.pid, "VmHWM"))
                    rss_kib = max(rss_kib, measure.proc_status_kib(proc.pid, "VmRSS"))
                except OSError:
                    break  # it just exited
                time.sleep(0.5)
            killed = measure.stop(proc, signal.SIGTERM, 15.0)
        elapsed = time.monotonic() - started
        after, _ = counter()
    finally:
        measure.stop(nginx, signal.SIGTERM, 10.0)
    requests = after - before
    failures = 0
    try:
        with open(prefix + "_stats.csv") as f:
            for row in csv.DictReader(f):
                if row["Name"] == "Aggregated":
                    failures = int(row["Failure Count"])
    except (OSError, KeyError, ValueError):
        failures = None
    peak_mb = hwm_kib / 1024
    if requests <= 0 or hwm_kib == 0:
        with open(os.path.join(a.work, "cicada.log"), errors="replace") as f:
            sys.stderr.write("".join(f.readlines()[-15:]))
        sys.exit(f"memory.py: cicada measured nothing ({requests} requests served, peak {peak_mb:.1f} MB, "
                 f"exit {proc.returncode}); its log is above")
    print(f"`{' '.join(cmd[3:])}` (threads {a.threads}, exit {proc.returncode}{', killed' if killed else ''})")
    print()
    print("| users | think time | run s | requests served (nginx) | req/s (whole run) | failures | "
          "peak RSS (VmHWM) MB | goal |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    print(f"| {a.users} | between(1, 5) | {elapsed:.0f} | {requests} | {requests / elapsed:.0f} | {failures} | "
          f"{peak_mb:.1f} | < {a.limit_mb:.0f} MB: {'yes' if peak_mb < a.limit_mb else 'NO'} |")
    return 0 if 0 < peak_mb < a.limit_mb else 1


if __name__ == "__main__":
    sys.exit(main())
