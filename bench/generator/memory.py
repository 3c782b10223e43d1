"""Resident memory of cicada holding many polite users (think time between requests) against nginx /health.

Called by memory.sh. nginx on CPU 0, cicada on CPU 1. Every 0.5 s the script reads VmRSS of every cicada
process (with --processes: the master and its workers) and keeps the largest sum; it also keeps the
largest sum of their PSS (/proc/PID/smaps_rollup: shared pages, the program's own code and libraries,
divided among the processes that share them, so N processes do not count them N times) and, every few
seconds, how many connections nginx holds. Requests are counted by nginx. Prints a markdown table and
exits 1 if the peak summed RSS is not under the limit.

One process cannot hold more users than its open-file limit (one socket per user; the hard limit here is
20,000), so beyond that the users are spread over local worker processes (--processes N), as a user of
cicada would. The ephemeral ports of one source address towards one destination address and port are
about 28,000 (net.ipv4.ip_local_port_range), so with --ports K nginx listens on K ports and the scenario
has K user types of equal weight, one per port (the same task each): every user holds one connection to
one of them. nginx gets --nginx-workers processes (each under the same open-file limit, SO_REUSEPORT so
the kernel spreads the connections over them).
"""
import argparse
import csv
import os
import resource
import signal
import subprocess
import sys
import time

import measure
import targets


def proc_kib(pid: int, path: str, key: str) -> int:
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass  # it just exited
    return 0


def nginx_conf(root: str, ports, workers: int, nofile: int) -> str:
    """bench/nginx.conf with `workers` processes, each allowed `nofile` files, listening on every port."""
    with open(os.path.join(root, "bench/nginx.conf")) as f:
        conf = f.read()
    listen = "        listen 127.0.0.1:PORT backlog=16384;\n"
    edits = [("worker_processes 1;", f"worker_processes {workers};"),
             ("worker_rlimit_nofile 65536;", f"worker_rlimit_nofile {nofile};"),
             ("worker_connections 16384;", f"worker_connections {nofile - 100};"),
             (listen, "".join(f"        listen 127.0.0.1:{p} backlog=16384"
                              f"{' reuseport' if workers > 1 else ''};\n" for p in ports))]
    for old, new in edits:
        if old not in conf:
            sys.exit(f"memory.py: bench/nginx.conf no longer has `{old.strip()}`")
        conf = conf.replace(old, new)
    return conf


def scenario(path: str, ports, wait: str) -> None:
    """K user types of equal weight, GET /health each (examples/health.yaml's task), one per nginx port."""
    with open(path, "w") as f:
        f.write(f"host: http://127.0.0.1:{ports[0]}\n\nuser_types:\n")
        for i, port in enumerate(ports):
            f.write(f"  HealthUser{i}:\n    host: http://127.0.0.1:{port}\n    wait_time: {wait}\n"
                    "    tasks:\n      get_health:\n        requests:\n          - get: /health\n"
                    "            check:\n              status: 200\n              body_contains: OK\n")


def established(ports) -> int:
    """Connections nginx holds now: established TCP sockets whose local port is one of nginx's."""
    try:
        out = subprocess.run(["ss", "-Htn", "state", "established"], capture_output=True, text=True,
                             timeout=30).stdout
    except subprocess.TimeoutExpired:
        return 0  # a starved machine: this sample is skipped (the peak is the largest of the others)
    wanted = {f":{p}" for p in ports}
    n = 0
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2][fields[2].rfind(":"):] in wanted:
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    for name in ("root", "work", "cicada"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--spawn-rate", type=int, default=2000)
    ap.add_argument("--run-time", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--processes", type=int, default=0, help="0: one process; N: a master and N workers")
    ap.add_argument("--ports", type=int, default=1)
    ap.add_argument("--nginx-workers", type=int, default=1)
    ap.add_argument("--wait", default="between(1, 5)")
    ap.add_argument("--limit-mb", type=float, default=300)
    a = ap.parse_args()
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    ports = []
    while len(ports) < a.ports:
        p = measure.free_port()
        if p not in ports:
            ports.append(p)
    os.makedirs(os.path.join(a.work, "tmp"), exist_ok=True)
    with open(os.path.join(a.work, "nginx.conf"), "w") as f:
        f.write(nginx_conf(a.root, ports, a.nginx_workers, nofile))
    nginx = subprocess.Popen(["taskset", "-c", "0", "nginx", "-p", a.work + "/", "-e",
                              os.path.join(a.work, "nginx-error.log"), "-c", os.path.join(a.work, "nginx.conf")])
    base = f"http://127.0.0.1:{ports[0]}"
    if a.ports == 1 and a.wait == "between(1, 5)":
        yaml = os.path.join(a.root, "examples/health.yaml")
    else:
        yaml = os.path.join(a.work, "memory.yaml")
        scenario(yaml, ports, a.wait)
    prefix = os.path.join(a.work, "memory")
    cmd = ["taskset", "-c", "1", a.cicada, "-f", yaml, "--headless", "--only-summary", "-u", str(a.users),
           "-r", str(a.spawn_rate), "-t", f"{a.run_time}s", "--host", base, "--csv", prefix,
           "--history-db", os.path.join(a.work, "history.db")]  # not in the source tree
    # A worker starved of CPU for 3 s (the default --worker-timeout) while the machine is busy would be
    # declared missing and its users shared among the others, pushing them over their open-file limit.
    cmd += (["--processes", str(a.processes), "--worker-timeout", "60"] if a.processes > 0
            else ["--threads", str(a.threads)])
    rss_sum = pss_sum = conns = 0
    hwm = {}
    proc = None
    try:
        targets.wait_up(base + "/health")
        counter = measure.nginx_counter(base + "/nginx_status")
        before, _ = counter()
        started = time.monotonic()
        with open(os.path.join(a.work, "cicada.log"), "w") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = started + a.run_time + 60
            next_ss = started
            while proc.poll() is None and time.monotonic() < deadline:
                pids = [proc.pid]
                try:
                    pids += [int(p) for p in subprocess.check_output(["pgrep", "-P", str(proc.pid)]).split()]
                except subprocess.CalledProcessError:
                    pass  # no worker (yet)
                rss_sum = max(rss_sum, sum(proc_kib(p, "status", "VmRSS") for p in pids))
                pss_sum = max(pss_sum, sum(proc_kib(p, "smaps_rollup", "Pss") for p in pids))
                for p in pids:
                    hwm[p] = max(hwm.get(p, 0), proc_kib(p, "status", "VmHWM"))
                if time.monotonic() >= next_ss:
                    conns = max(conns, established(ports))
                    next_ss = time.monotonic() + 3
                time.sleep(0.5)
            killed = measure.stop(proc, signal.SIGTERM, 30.0)
        elapsed = time.monotonic() - started
        after = None
        for attempt in range(5):  # nginx may be slow to answer on a busy machine
            try:
                after, _ = counter()
                break
            except OSError:
                time.sleep(2)
        if after is None:
            sys.exit("memory.py: nginx's status page did not answer after the run")
    finally:
        if proc is not None and proc.poll() is None:
            measure.stop(proc, signal.SIGKILL, 10.0)
        measure.stop(nginx, signal.SIGTERM, 10.0)
    requests = after - before
    failures = None
    try:
        with open(prefix + "_stats.csv") as f:
            for row in csv.DictReader(f):
                if row["Name"] == "Aggregated":
                    failures = int(row["Failure Count"])
    except (OSError, KeyError, ValueError):
        pass
    peak_mb = rss_sum / 1024
    if requests <= 0 or rss_sum == 0:
        with open(os.path.join(a.work, "cicada.log"), errors="replace") as f:
            sys.stderr.write("".join(f.readlines()[-15:]))
        sys.exit(f"memory.py: cicada measured nothing ({requests} requests served, peak {peak_mb:.1f} MB, "
                 f"exit {proc.returncode}); its log is above")
    procs = f"1 + {a.processes}" if a.processes > 0 else "1"
    print(f"`{' '.join(cmd[3:])}` ({'threads ' + str(a.threads) if a.processes == 0 else 'local workers'}, "
          f"nginx {a.nginx_workers} worker(s) on {a.ports} port(s), open-file limit {nofile}, "
          f"exit {proc.returncode}{', killed' if killed else ''})")
    print()
    print("| users | processes | think time | run s | requests served (nginx) | req/s (whole run) | failures | "
          "connections held (peak) | peak summed RSS MB | RSS KB per user | sum of VmHWM MB | peak summed PSS MB "
          "| goal |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print(f"| {a.users} | {procs} | {a.wait} | {elapsed:.0f} | {requests} | {requests / elapsed:.0f} | {failures} | "
          f"{conns} | {peak_mb:.1f} | {rss_sum / a.users:.2f} | {sum(hwm.values()) / 1024:.1f} | "
          f"{pss_sum / 1024:.1f} | < {a.limit_mb:.0f} MB: {'yes' if peak_mb < a.limit_mb else 'NO'} |")
    return 0 if 0 < peak_mb < a.limit_mb else 1


if __name__ == "__main__":
    sys.exit(main())
