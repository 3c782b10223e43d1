"""Sampling helpers for the load-generator benchmarks (run.py, memory.py).

A generator is judged over a steady window, the same way for every tool: after a warm-up (start-up,
spawning) we read its CPU time from /proc and the *server's own* request counter, and again WINDOW
seconds later. Requests are counted by the server, so start-up, spawning and report printing are
excluded and no generator is trusted to count itself. The method is the one of
shared/anchors/measure.py, reimplemented here so the benchmark runs from this repository alone.
"""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of the whole thread group (all threads of the process)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_status_kib(pid: int, key: str) -> int:
    """A /proc/PID/status memory line (VmRSS, VmHWM) in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    return urllib.request.urlopen(url, timeout=5).read().decode()


def nginx_counter(status_url: str):
    """A function returning (requests served, non-2xx) from nginx stub_status."""
    def read():
        lines = _get(status_url).splitlines()
        accepts, handled, requests = map(int, lines[2].split())
        return requests, 0  # this nginx serves only 200s
    return read


_METRIC = re.compile(r'^cicada_http_requests_total\{route="([^"]*)",code="(\d+)"\} (\d+)', re.M)


def cicada_model_counter(metrics_url: str):
    """A function returning (responses sent, non-2xx) from cicada-model's Prometheus /metrics."""
    def read():
        total = bad = 0
        for route, code, n in _METRIC.findall(_get(metrics_url)):
            if route == "/metrics":
                continue  # our own sampling
            total += int(n)
            if not code.startswith("2"):
                bad += int(n)
        return total, bad
    return read


def sample(gen_pid: int, server_pid: int, counter) -> dict:
    count, bad = counter()
    return {"t": time.monotonic(), "gen_cpu": proc_cpu_seconds(gen_pid),
            "srv_cpu": proc_cpu_seconds(server_pid), "count": count, "bad": bad}


def stop(proc: subprocess.Popen, sig: int, grace_s: float) -> bool:
    """Signal the generator (by its PID) to finish, SIGKILL it after grace_s. True if it was killed."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=grace_s)
        return False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return True


class MeasuredNothing(RuntimeError):
    """A generator that exited early or whose requests the server never saw: no figure to report."""


def _tail(path: str, lines: int = 15) -> str:
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-lines:])


def measure(cmd, cwd, log_path, server_pid, counter, warmup_s, window_s, stop_signal=signal.SIGTERM,
            env=None) -> dict:
    """Runs one generator command, measures it over [warmup_s, warmup_s + window_s], then stops it.

    The command must bound itself (its own run time is longer than the window, as a safety net); it is
    asked to stop right after the window (SIGTERM, or SIGINT for wrk) so a repetition costs no idle time.
    """
    with open(log_path, "w") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env)
        try:
            time.sleep(warmup_s)
            first = sample(proc.pid, server_pid, counter)
            time.sleep(window_s)
            second = sample(proc.pid, server_pid, counter)
            exited_early = proc.poll() is not None
        finally:
            killed = stop(proc, stop_signal, 15.0)
    span = second["t"] - first["t"]
    n = second["count"] - first["count"]
    gen = second["gen_cpu"] - first["gen_cpu"]
    srv = second["srv_cpu"] - first["srv_cpu"]
    if exited_early or n <= 0:
        why = f"exited with {proc.returncode} before the window ended" if exited_early else "served no request"
        raise MeasuredNothing(f"{cmd[0] if cmd[0] != 'taskset' else cmd[3]}: {why} "
                              f"({n} requests in the window); log {log_path}:\n{_tail(log_path)}")
    return {
        "command": " ".join(cmd), "window_s": round(span, 3), "requests": n,
        "non2xx": second["bad"] - first["bad"], "rps": n / span if span else 0.0,
        "gen_cpu_s": round(gen, 3), "gen_util": gen / span if span else 0.0,
        "gen_us_per_req": 1e6 * gen / n if n else None,
        "srv_us_per_req": 1e6 * srv / n if n else None,
        "exit": proc.returncode, "killed": killed, "log": log_path,
    }
