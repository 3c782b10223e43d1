"""Load-generator efficiency, side by side in one run: wrk, cicada (YAML, and the same Locust locustfile as
Locust runs: `cicada -f health.py HealthMaxFastUser`), Locust FastHttpUser and HttpUser.

Called by run.sh (which checks the tools and paths). Targets, each pinned to CPU 0:
  nginx               GET /health (static "OK", bench/nginx.conf)
  cicada-model serve  GET /health and POST /predict (data/payload.json), --threads 1
Generators, each pinned to CPU 1, 50 connections / users, no think time. The floor-* rows are bench/floor's
minimal clients (one request written and one response read per connection-turn, no statistics): about
the kernel's share of a request in the same minute, so "gen/floor" says what a generator adds on top.
Every repetition runs every (target, generator) pair once, round-robin, so ratios are taken within one
repetition (same minute, same machine state). Prints a markdown table; raw results go to WORK/results.jsonl.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys

import measure
import targets

GENERATORS = ["wrk", "floor-epoll", "floor-uring", "cicada", "cicada-open", "cicada-uring", "cicada-uring-before",
              "cicada-uring-open", "cicada-py", "cicada-py-before", "locust-fast", "locust-http"]
# Generators run by the BEFORE binary (a change's baseline, same run): left out of the default list.
BEFORE_GENERATORS = ["cicada-uring-before", "cicada-py-before"]
# The open model's fixed arrival rate: this share of the closed model's req/s in the same repetition and
# target (issue 19: its CPU per request within 1.1x of the closed model's), so it runs near, not past, the
# target's ceiling and every arrival is served.
OPEN_SHARE = 0.9
LABELS = {"wrk": "wrk 4.1 -t1 -c50",
          "floor-epoll": "floor client, epoll (bench/floor, no statistics), 50 connections",
          "floor-uring": "floor client, io_uring DEFER_TASKRUN (bench/floor, no statistics), 50 connections",
          "cicada": "cicada --threads 1, 50 users",
          "cicada-open": f"cicada --threads 1, open model at {OPEN_SHARE:.0%} of its closed req/s",
          "cicada-uring": "cicada --threads 1 --io-uring, 50 users",
          "cicada-uring-before": "the same, BEFORE binary (a change's baseline)",
          "cicada-uring-open": f"cicada --threads 1 --io-uring, open model at {OPEN_SHARE:.0%} of its closed req/s",
          "cicada-py": "cicada -f locustfile (FastHttpUser class), 50 users",
          "cicada-py-before": "the same, BEFORE binary (a change's baseline)",
          "locust-fast": "Locust FastHttpUser, 50 users", "locust-http": "Locust HttpUser, 50 users"}
# target -> (title, path, cicada scenario, wrk lua script or None, locustfile, Locust classes)
TARGETS = {
    "nginx-health": ("nginx GET /health", "/health", "health-max.yaml", None, "health.py",
                     {"locust-fast": "HealthMaxFastUser", "locust-http": "HealthMaxUser"}),
    "model-health": ("cicada-model serve GET /health", "/health", "health-max.yaml", None, "health.py",
                     {"locust-fast": "HealthMaxFastUser", "locust-http": "HealthMaxUser"}),
    "model-predict": ("cicada-model serve POST /predict", "/predict", "predict-max.yaml", "post_predict.lua",
                      "fixed_predict.py", {"locust-fast": "PredictMaxFastUser", "locust-http": "PredictMaxUser"}),
}


def floor_exe(a, gen):
    """bench/floor's client for generator floor-epoll or floor-uring: bench_floor_client_epoll|uring."""
    return os.path.join(a.floor_dir, "bench_" + gen.replace("-", "_client_"))


def command(gen, target, base, a, run_s, open_rate=None):
    title, path, scenario, lua, locustfile, classes = TARGETS[target]
    pin = ["taskset", "-c", a.load_cpu]
    if gen == "wrk":
        script = ["-s", os.path.join(a.here, lua)] if lua else []
        return pin + ["wrk", "-t1", "-c50", f"-d{run_s}s", "--latency"] + script + [base + path], signal.SIGINT
    if gen.startswith("floor-"):  # runs past the window: it is stopped right after it, like the others
        body = ["--body-file", os.path.join(a.root, "data/payload.json")] if path == "/predict" else []
        return pin + [floor_exe(a, gen), "--port", base.rsplit(":", 1)[1], "--path", path, "--connections", "50",
                      "--warmup-ms", "0", "--window-ms", str(run_s * 1000)] + body, signal.SIGTERM
    uring = ["--io-uring"] if gen.startswith("cicada-uring") else []
    if gen in ("cicada", "cicada-uring", "cicada-uring-before"):
        exe = a.before if gen.endswith("-before") else a.cicada
        return pin + [exe, "-f", os.path.join(a.root, "bench/scenarios", scenario), "--headless",
                      "-u", "50", "-r", "50", "--threads", "1", "-t", f"{run_s}s", "--host", base,
                      "--csv", os.path.join(a.work, f"{gen}-{target}"),
                      # recorded like a normal run, but in the work folder, not the source tree
                      "--history-db", os.path.join(a.work, "history.db")] + uring, signal.SIGTERM
    if gen in ("cicada-open", "cicada-uring-open"):  # the same scenario at a fixed arrival rate, at most 50 in flight
        return pin + [a.cicada, "-f", os.path.join(a.root, "bench/scenarios", scenario), "--headless",
                      "--arrival-rate", f"{open_rate:.0f}", "--max-inflight", "50", "--threads", "1",
                      "-t", f"{run_s}s", "--host", base, "--csv", os.path.join(a.work, f"{gen}-{target}"),
                      "--history-db", os.path.join(a.work, "history.db")] + uring, signal.SIGTERM
    if gen in ("cicada-py", "cicada-py-before"):  # Locust's own locustfile and class, unchanged, on cicada
        exe = a.cicada if gen == "cicada-py" else a.before
        return pin + [exe, "-f", locustfile, classes["locust-fast"], "--headless", "-u", "50", "-r", "50",
                      "-t", f"{run_s}s", "--host", base, "--csv", os.path.join(a.work, f"{gen}-{target}"),
                      "--history-db", os.path.join(a.work, "history.db")], signal.SIGTERM
    return pin + ["/usr/bin/locust", "--headless", "-u", "50", "-r", "50", "-t", f"{run_s}s", "--only-summary",
                  "--stop-timeout", "0", "--loglevel", "WARNING", "-f", locustfile, classes[gen],
                  "--host", base], signal.SIGTERM


def start_servers(a, procs):
    """nginx and cicada-model serve on CPU 0; returns {target: (base URL, server pid, counter)}."""
    nginx, worker = targets.start_nginx(a.root, a.work, a.nginx_port, a.server_cpu)
    procs.append(nginx)
    model_dir = os.path.join(a.work, "model")
    subprocess.run([a.model, "train", "--data", os.path.join(a.root, "data/heart-disease.csv"), "--out", model_dir],
                   check=True, stdout=subprocess.DEVNULL)
    serve = subprocess.Popen(["taskset", "-c", a.server_cpu, a.model, "serve", "--model", model_dir, "--port",
                              str(a.model_port), "--threads", "1", "--max-inflight", "100000"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(serve)
    nginx_base, model_base = f"http://127.0.0.1:{a.nginx_port}", f"http://127.0.0.1:{a.model_port}"
    targets.wait_up(model_base + "/health")
    return {"nginx-health": (nginx_base, worker, measure.nginx_counter(nginx_base + "/nginx_status")),
            "model-health": (model_base, serve.pid, measure.cicada_model_counter(model_base + "/metrics")),
            "model-predict": (model_base, serve.pid, measure.cicada_model_counter(model_base + "/metrics"))}


def cell(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    med = statistics.median(values)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})" if len(values) > 1 else fmt.format(med)


def ratios(results, target, gen, base_gen):
    """Per repetition gen/base_gen CPU per request, in the same repetition."""
    out = []
    for rep in {r["rep"] for r in results}:
        pick = {r["gen"]: r["gen_us_per_req"] for r in results if r["rep"] == rep and r["target"] == target}
        if pick.get(gen) and pick.get(base_gen):
            out.append(pick[gen] / pick[base_gen])
    return out


def report(results, a):
    lines = [f"Window {a.window} s after {a.warmup} s warm-up, {a.reps} repetitions; median (min–max). "
             f"Machine load average (1 min) at start {a.load_before:.1f}, at end {os.getloadavg()[0]:.1f}.", ""]
    gens = [g for g in GENERATORS if any(r["gen"] == g for r in results)]
    measured = [t for t in TARGETS if any(r["target"] == t for r in results)]
    for target in measured:
        title = TARGETS[target][0]
        lines += [f"**{title}** (server on CPU {a.server_cpu}, generator on CPU {a.load_cpu})", "",
                  "| generator | req/s | generator CPU µs/req | × wrk (CPU/req) | generator CPU util | server CPU µs/req | non-2xx |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for gen in gens:
            rows = [r for r in results if r["target"] == target and r["gen"] == gen]
            lines.append(f"| {LABELS[gen]} | {cell([r['rps'] for r in rows], '{:.0f}')} | "
                         f"{cell([r['gen_us_per_req'] for r in rows], '{:.1f}')} | "
                         f"{cell(ratios(results, target, gen, 'wrk'), '{:.2f}')} | "
                         f"{cell([100 * r['gen_util'] for r in rows], '{:.0f}')}% | "
                         f"{cell([r['srv_us_per_req'] for r in rows], '{:.1f}')} | {sum(r['non2xx'] for r in rows)} |")
        lines.append("")
    lines.append("Key ratios (median of per-repetition ratios of generator CPU per request):")
    lines.append("")
    for target in measured:
        title = TARGETS[target][0]
        parts = [f"cicada/wrk **{cell(ratios(results, target, 'cicada', 'wrk'), '{:.2f}')}** (goal ≤ 0.8)"]
        if "cicada-open" in gens:
            parts.append(f"cicada open/closed **{cell(ratios(results, target, 'cicada-open', 'cicada'), '{:.2f}')}** "
                         "(goal ≤ 1.1)")
        if "cicada-uring" in gens:
            parts.append(f"cicada --io-uring/wrk **{cell(ratios(results, target, 'cicada-uring', 'wrk'), '{:.2f}')}** "
                         "(goal ≤ 0.8)")
        for gen, floor in (("cicada", "floor-epoll"), ("cicada-uring", "floor-uring"), ("wrk", "floor-epoll")):
            if gen in gens and floor in gens:
                parts.append(f"{gen}/{floor} {cell(ratios(results, target, gen, floor), '{:.2f}')}")
        if "floor-uring" in gens:
            parts.append(f"floor-uring/wrk {cell(ratios(results, target, 'floor-uring', 'wrk'), '{:.2f}')} "
                         "(the kernel's share alone)")
        if "cicada-uring-open" in gens:
            parts.append("cicada --io-uring open/closed "
                         f"**{cell(ratios(results, target, 'cicada-uring-open', 'cicada-uring'), '{:.2f}')}** (goal ≤ 1.1)")
        for gen in [g for g in ("locust-fast", "locust-http") if g in gens]:
            parts.append(f"{LABELS[gen].split(',')[0]}/cicada {cell(ratios(results, target, gen, 'cicada'), '{:.1f}')}")
        if "cicada-py" in gens:  # issue 15's goals: a locustfile on cicada at most 1/4 of FastHttpUser, 1/20 of HttpUser
            for gen, goal in (("locust-fast", "0.25"), ("locust-http", "0.05")):
                if gen in gens:
                    parts.append(f"cicada -f locustfile/{LABELS[gen].split(',')[0]} "
                                 f"**{cell(ratios(results, target, 'cicada-py', gen), '{:.3f}')}** (goal ≤ {goal})")
        if "cicada-py" in gens and "cicada-py-before" in gens:
            parts.append(f"cicada -f locustfile, this binary/BEFORE "
                         f"**{cell(ratios(results, target, 'cicada-py', 'cicada-py-before'), '{:.3f}')}**")
        if "cicada-uring" in gens and "cicada-uring-before" in gens:
            parts.append(f"cicada --io-uring, this binary/BEFORE "
                         f"**{cell(ratios(results, target, 'cicada-uring', 'cicada-uring-before'), '{:.3f}')}**")
        lines.append(f"- {title}: " + "; ".join(parts))
    return "\n".join(lines)


def main():
    try:
        run()
    except measure.MeasuredNothing as e:
        sys.exit(f"run.py: {e}")


def run():
    ap = argparse.ArgumentParser()
    for name in ("root", "here", "work", "cicada", "model"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--floor-dir", default="", help="where bench_floor_client_* are (default: beside cicada's build)")
    ap.add_argument("--before", default="", help="a baseline cicada binary, for the generators " +
                    " and ".join(BEFORE_GENERATORS))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--window", type=float, default=5)
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--generators", default=",".join(GENERATORS))
    ap.add_argument("--nginx-port", type=int, default=0, help="0: a free port")
    ap.add_argument("--model-port", type=int, default=0, help="0: a free port")
    ap.add_argument("--server-cpu", default="0")
    ap.add_argument("--load-cpu", default="1")
    a = ap.parse_args()
    if any(g in BEFORE_GENERATORS for g in a.generators.split(",")) and not a.before:
        if a.generators != ",".join(GENERATORS):
            sys.exit("run.py: generators " + " and ".join(BEFORE_GENERATORS) + " need BEFORE=path/to/cicada")
        a.generators = ",".join(g for g in GENERATORS if g not in BEFORE_GENERATORS)  # the default list
    a.floor_dir = a.floor_dir or os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(a.cicada))), "bench")
    for gen in a.generators.split(","):
        if gen.startswith("floor-") and not os.access(floor_exe(a, gen), os.X_OK):
            sys.exit(f"run.py: generator {gen} needs {floor_exe(a, gen)} (built with the bench targets; "
                     "liburing for floor-uring)")
    a.nginx_port = a.nginx_port or measure.free_port()
    a.model_port = a.model_port or measure.free_port()
    a.load_before = os.getloadavg()[0]
    run_s = int(a.warmup + a.window + 5)  # each generator's own bound; it is stopped right after the window
    procs, results = [], []
    env = dict(os.environ, PAYLOAD=os.path.join(a.root, "data/payload.json"))
    try:
        servers = start_servers(a, procs)
        for rep in range(1, a.reps + 1):
            for target in a.targets.split(","):
                base, server_pid, counter = servers[target]
                for gen in a.generators.split(","):
                    # An open-model row runs at a share of its closed row's req/s (the same client) measured
                    # just before it in this repetition.
                    closed_gen = gen.removesuffix("-open")
                    closed = [r["rps"] for r in results if r["rep"] == rep and r["target"] == target and r["gen"] == closed_gen]
                    if gen.endswith("-open") and not closed:
                        sys.exit(f"run.py: {gen} runs at a share of {closed_gen}'s closed req/s: list {closed_gen} before it")
                    cmd, sig = command(gen, target, base, a, run_s, OPEN_SHARE * closed[0] if closed else None)
                    log = os.path.join(a.work, f"{target}-{gen}-{rep}.log")
                    r = measure.measure(cmd, os.path.join(a.root, "tests", "locustfiles", "anchors"), log, server_pid, counter,
                                        a.warmup, a.window, sig, env)
                    r.update(rep=rep, target=target, gen=gen)
                    results.append(r)
                    print(f"run.py: rep {rep} {target} {gen}: {r['rps']:.0f} req/s, "
                          f"{r['gen_us_per_req'] or 0:.1f} us/req generator CPU", file=sys.stderr)
    finally:
        for p in procs:
            measure.stop(p, signal.SIGTERM, 10.0)
        with open(os.path.join(a.work, "results.jsonl"), "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in results)
    print(report(results, a))


if __name__ == "__main__":
    main()
