"""Starting the benchmark targets: nginx from bench/nginx.conf, pinned to one CPU, on a given port."""
import os
import subprocess
import sys
import time
import urllib.request


def wait_up(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench: server did not come up: {url}")


def start_nginx(root: str, work: str, port: int, cpu: str):
    """Returns (master Popen, worker pid). The worker serves every request, so its CPU is the server's."""
    os.makedirs(os.path.join(work, "tmp"), exist_ok=True)
    with open(os.path.join(root, "bench/nginx.conf")) as f:
        conf = f.read().replace("PORT", str(port))
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(conf)
    master = subprocess.Popen(["taskset", "-c", cpu, "nginx", "-p", work + "/", "-e",
                               os.path.join(work, "nginx-error.log"), "-c", os.path.join(work, "nginx.conf")])
    wait_up(f"http://127.0.0.1:{port}/health")
    worker = int(subprocess.check_output(["pgrep", "-P", str(master.pid)]).split()[0])
    return master, worker
