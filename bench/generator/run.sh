#!/usr/bin/env bash
# Load-generator efficiency, side by side in one run (issue 3, "Speed and memory"):
# wrk -t1, cicada --threads 1 (all stats on, CSVs written, as in a normal run; a YAML scenario, and Locust's
# own locustfile and FastHttpUser class run by cicada: generator cicada-py), Locust FastHttpUser and
# HttpUser, each with 50 connections/users and no think time, pinned to CPU 1, against targets pinned to
# CPU 0: nginx (bench/nginx.conf) GET /health, cicada-model serve --threads 1 GET /health and POST /predict.
# Rows floor-epoll and floor-uring are bench/floor's minimal clients (no statistics), the kernel's share of
# a request in the same repetition (built beside cicada: build/release/bench/bench_floor_client_*).
# Generator CPU (from /proc) and the server's own request counter are sampled over a steady window.
#
#   bash bench/generator/run.sh [path/to/cicada [path/to/cicada-model]]   (default: build/release/apps/...)
#   REPS=3 WARMUP=3 WINDOW=5 bash bench/generator/run.sh                  (defaults; about 6 minutes)
#   TARGETS=nginx-health GENERATORS=wrk,cicada REPS=1 bash bench/generator/run.sh   (a quick look)
#   BEFORE=/tmp/cicada-main GENERATORS=cicada-py,cicada-py-before,... bash bench/generator/run.sh
#                             (a change against its baseline binary: the locustfile row run by both, same run;
#                              cicada-uring-before likewise for the --io-uring row)
#
# Needs wrk, nginx, taskset and `bash scripts/install-deps.sh --bench` (python3-locust). Loopback only;
# every generator bounds its own run time and is stopped right after its window.
# Prints a markdown table for bench/RESULTS.md, "## cicada load generator"; logs stay in $KEEP if set.
# The locustfiles are tests/locustfiles/anchors, verbatim copies of shared/anchors/locustfiles, kept
# unchanged so the Locust figures stay comparable with the anchors run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
# Absolute paths: run.py starts each generator in another directory.
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
model="$(bench_exe "${2:-$(dirname "$(dirname "$cicada")")/cicada-model/cicada-model}")"
for tool in wrk nginx taskset pgrep /usr/bin/locust; do
  command -v "$tool" > /dev/null || { echo "run.sh: missing $tool (bash scripts/install-deps.sh --bench)" >&2; exit 2; }
done
[ "$(nproc)" -ge 2 ] || { echo "run.sh: needs 2 CPUs to pin server and generator apart" >&2; exit 2; }

work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] && cp -r "$work/." "$KEEP/"; rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && mkdir -p "$KEEP"
args=(--root "$root" --here "$here" --work "$work" --cicada "$cicada" --model "$model"
      --reps "${REPS:-3}" --warmup "${WARMUP:-3}" --window "${WINDOW:-5}")
[ -n "${TARGETS:-}" ] && args+=(--targets "$TARGETS")
[ -n "${GENERATORS:-}" ] && args+=(--generators "$GENERATORS")
[ -n "${BEFORE:-}" ] && args+=(--before "$(bench_exe "$BEFORE")")
# Debian's Python (the first python3 on PATH may be another one); timeout bounds the whole run.
timeout 900 /usr/bin/python3 "$here/run.py" "${args[@]}"
