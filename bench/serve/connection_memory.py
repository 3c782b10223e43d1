"""Server memory per open keep-alive connection: cicada-model serve against nginx, same run.

A model server behind many clients (or a load balancer's pool) holds every connection between requests;
what each costs in resident memory bounds how many it can hold. For each server in turn, REPS times:
start it, read its resident memory (VmRSS of the process and its children), open N connections that
each send one request (POST /predict with data/payload.json to cicada-model, GET /health to nginx) and
read the whole answer, wait for the memory to settle, read it again; (after - before) / N is the cost
of one connection. Prints a markdown table with medians (min-max) and cicada-model's ratio to nginx.
One more cicada-model row holds its connections over TLS (--tls-cert/--tls-key, a certificate made here by
the openssl command): what HTTPS adds to a connection (its ratio is still to plain nginx).
Exits 1 if a connection got no answer or a server's memory did not grow (a run that measured nothing).

  python3 bench/serve/connection_memory.py [--model-bin B] [--connections N] [--reps R]

Loopback only; each server is stopped (by its PID) after its connections are closed.
"""
import argparse
import os
import re
import resource
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generator"))
import measure  # noqa: E402  (bench/generator: /proc readings, free ports)
import targets  # noqa: E402  (bench/generator: nginx from bench/nginx.conf)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rss_kib(pid: int) -> int:
    """VmRSS of pid and its children (nginx: the master and its worker)."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return sum(measure.proc_status_kib(p, "VmRSS") for p in [pid, *map(int, children)])


def hold(port: int, request: bytes, n: int, tls=None) -> list:
    """n connections that each sent `request` and read its whole answer (Content-Length framed); over TLS
    when tls (an ssl.SSLContext) is given."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if tls is not None:
            s = tls.wrap_socket(s, server_hostname="127.0.0.1")
        s.sendall(request)
        socks.append(s)
    for s in socks:
        got = b""
        while b"\r\n\r\n" not in got:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("connection_memory.py: a connection was closed before its answer")
            got += chunk
        head, _, body = got.partition(b"\r\n\r\n")
        m = re.search(rb"(?i)content-length:\s*(\d+)", head)
        need = int(m.group(1)) if m else 0
        while len(body) < need:
            body += s.recv(65536)
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit(f"connection_memory.py: answer {head.splitlines()[0]!r}")
    return socks


def kib_per_connection(start, request: bytes, n: int, tls=None) -> float:
    """KiB per connection for one server start; start() returns (its Popen, its port), up and listening."""
    proc, port = start()
    try:
        time.sleep(0.3)
        before = rss_kib(proc.pid)
        socks = hold(port, request, n, tls)
        time.sleep(0.5)
        after = rss_kib(proc.pid)
        for s in socks:
            s.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if after <= before:
        sys.exit(f"connection_memory.py: {proc.args[0]}'s memory did not grow ({before} -> {after} KiB): "
                 "nothing measured")
    return (after - before) / n


NGINX = "nginx (bench/nginx.conf, 1 worker), GET /health"


def measure_all(a, work: str) -> dict:
    """Row name -> KiB per connection of each start."""
    model = os.path.join(work, "model")
    subprocess.run([a.model_bin, "train", "--data", os.path.join(ROOT, "data/heart-disease.csv"), "--out", model],
                   check=True, stdout=subprocess.DEVNULL)
    body = open(os.path.join(ROOT, "data/payload.json"), "rb").read()
    predict = (b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body
    health = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    # A first request larger than the server's 512-byte first read: the connection's read buffer grows to
    # hold it and keeps that size.
    padded = predict.replace(b"\r\n\r\n", b"\r\nX-Pad: " + b"p" * 1024 + b"\r\n\r\n", 1)
    serve = [a.model_bin, "serve", "--model", model, "--port", "0", "--threads", "1",
             "--max-connections", str(a.connections + 100), "--max-inflight", str(a.connections)]

    cert, key = os.path.join(work, "tls.pem"), os.path.join(work, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    tls = ssl.create_default_context(cafile=cert)

    def start_model(extra=()):
        proc = subprocess.Popen([*serve, *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            m = re.search(r"(https?)://127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(2))
                if m.group(1) == "http":
                    targets.wait_up(f"http://127.0.0.1:{port}/health")
                return proc, port
        sys.exit("connection_memory.py: cicada-model serve printed no address")

    def start_nginx():
        port = measure.free_port()
        master, _worker = targets.start_nginx(ROOT, work, port, "0")
        return master, port

    model_cases = {"cicada-model serve --threads 1, POST /predict": predict,
                   "cicada-model serve --threads 1, POST /predict with a 1 KiB header": padded}
    over_tls = "cicada-model serve --threads 1 --tls-cert, POST /predict over TLS 1.3"
    results = {name: [] for name in [*model_cases, over_tls, NGINX]}
    for _ in range(a.reps):
        for name, request in model_cases.items():
            results[name].append(kib_per_connection(start_model, request, a.connections))
        results[over_tls].append(kib_per_connection(lambda: start_model(["--tls-cert", cert, "--tls-key", key]),
                                                    predict, a.connections, tls))
        results[NGINX].append(kib_per_connection(start_nginx, health, a.connections))
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-bin", default=os.path.join(ROOT, "build/release/apps/cicada-model/cicada-model"))
    ap.add_argument("--connections", type=int, default=5000)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if a.connections + 100 > hard:
        sys.exit(f"connection_memory.py: {a.connections} connections do not fit the open-file limit {hard}")
    work = tempfile.mkdtemp(prefix="connmem-")
    try:
        results = measure_all(a, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"| server ({a.connections} keep-alive connections, {a.reps} starts) | KiB per connection, median (min-max) | x nginx |")
    print("|---|---:|---:|")
    for k, v in results.items():
        print(f"| {k} | {med[k]:.2f} ({min(v):.2f}-{max(v):.2f}) | {med[k] / med[NGINX]:.2f} |")


if __name__ == "__main__":
    main()
