"""gRPC load-generator CPU per call, side by side (issue 18): cicada's YAML gRPC ModelInfer users vs the
reference grpc++ async client (bench_grpc_infer_load; ghz is not packaged by Debian), against the same
`cicada-model serve --grpc-port` pinned to CPU 0, each generator pinned to CPU 1.

The method is bench/generator's (measure.py): after a warm-up, the generator's CPU time (all its threads,
gRPC's included) from /proc and the *server's own* count of answered calls (its /metrics), again WINDOW
seconds later. Per rep the generators alternate; medians over the reps; the ratio is per rep (same
server, same minute) and then its median.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generator"))
import measure  # noqa: E402

SCENARIO = """\
payloads:
  row: {file: %(payload)s}
user_types:
  InferUser:
    tasks:
      infer:
        requests:
          - grpc: ModelInfer
            model: heart-disease
            payload: row
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--cicada", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--reference", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--window", type=float, default=5)
    p.add_argument("--concurrency", type=int, default=16)
    a = p.parse_args()

    subprocess.run([a.model, "train", "--data", os.path.join(a.root, "data", "heart-disease.csv"), "--out",
                    os.path.join(a.work, "model")], check=True, stdout=subprocess.DEVNULL)
    serve_log = open(os.path.join(a.work, "serve.log"), "w")
    server = subprocess.Popen(["taskset", "-c", "0", a.model, "serve", "--model", os.path.join(a.work, "model"),
                               "--port", "0", "--grpc-port", "0", "--threads", "1", "--max-inflight", "100000"],
                              stdout=serve_log, stderr=subprocess.STDOUT)
    try:
        rest = grpc_at = None
        for _ in range(100):
            text = open(os.path.join(a.work, "serve.log")).read()
            rest = re.search(r"http://127\.0\.0\.1:\d+", text)
            grpc_at = re.search(r"over gRPC on (127\.0\.0\.1:\d+)", text)
            if rest and grpc_at:
                break
            time.sleep(0.1)
        if not (rest and grpc_at):
            sys.exit("generator.py: cicada-model did not start:\n" + open(os.path.join(a.work, "serve.log")).read())
        counter = measure.cicada_model_counter(rest.group(0) + "/metrics")
        with open(os.path.join(a.work, "grpc.yaml"), "w") as f:
            f.write(SCENARIO % {"payload": os.path.join(a.root, "data", "payload.json")})
        run_s = int(a.warmup + a.window + 30)
        commands = {
            "reference": ["taskset", "-c", "1", a.reference, "--target", grpc_at.group(1), "--concurrency",
                          str(a.concurrency), "--seconds", str(run_s)],
            "cicada": ["taskset", "-c", "1", a.cicada, "-f", os.path.join(a.work, "grpc.yaml"), "--host",
                       "grpc://" + grpc_at.group(1), "--headless", "-u", str(a.concurrency), "-r", "1000",
                       "-t", f"{run_s}s", "--threads", "1", "--only-summary", "--csv",
                       os.path.join(a.work, "cicada")],
        }
        results = {name: [] for name in commands}
        for rep in range(a.reps):
            for name, cmd in commands.items():
                log = os.path.join(a.work, f"{name}-{rep}.log")
                r = measure.measure(cmd, a.work, log, server.pid, counter, a.warmup, a.window)
                if r["non2xx"]:
                    sys.exit(f"generator.py: {name} had {r['non2xx']} failed calls; log {log}")
                results[name].append(r)
                print(f"rep {rep + 1} {name}: {r['rps']:.0f} calls/s, generator {r['gen_us_per_req']:.2f} us/call, "
                      f"server {r['srv_us_per_req']:.2f} us/call, generator CPU {100 * r['gen_util']:.0f}%",
                      file=sys.stderr)
    finally:
        measure.stop(server, 15, 10.0)

    def med(name, key):
        return statistics.median(r[key] for r in results[name])

    ratios = [c["gen_us_per_req"] / ref["gen_us_per_req"] for c, ref in zip(results["cicada"], results["reference"])]
    print(f"| generator ({a.concurrency} calls in flight, CPU 1; server CPU 0; {a.window:g}s window x {a.reps}, "
          "median) | calls/s | generator CPU us/call | generator CPU use | server CPU us/call | vs reference |")
    print("|---|---|---|---|---|---|")
    labels = {"reference": "grpc++ async client, one completion queue (bench_grpc_infer_load)",
              "cicada": "cicada, YAML `grpc: ModelInfer`, --threads 1"}
    for name in ("reference", "cicada"):
        ratio = "1.00x" if name == "reference" else f"{statistics.median(ratios):.2f}x"
        print(f"| {labels[name]} | {med(name, 'rps'):.0f} | {med(name, 'gen_us_per_req'):.2f} | "
              f"{100 * med(name, 'gen_util'):.0f}% | {med(name, 'srv_us_per_req'):.2f} | {ratio} |")
    print(f"\nper-rep generator ratios cicada/reference: {', '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
