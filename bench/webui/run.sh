#!/usr/bin/env bash
# Web UI overhead (issue 5, "UI open costs < 5% throughput"): the generator's throughput and CPU per
# request with the UI open (event streams + Locust's page polling) vs headless. See run.py for the method.
#
#   bash bench/webui/run.sh [path/to/cicada]          (default build/release/apps/cicada/cicada)
#   REPS=5 WARMUP=3 WINDOW=5 VIEWERS=3 bash bench/webui/run.sh   (defaults; about 2 minutes)
#
# Needs nginx and taskset (scripts/install-deps.sh). Loopback only; every run bounds itself (-t) and is
# stopped right after its window. Prints a markdown table for bench/RESULTS.md, "## Web UI overhead".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
for tool in nginx taskset pgrep; do
  command -v "$tool" > /dev/null || { echo "run.sh: missing $tool (bash scripts/install-deps.sh)" >&2; exit 2; }
done
[ "$(nproc)" -ge 2 ] || { echo "run.sh: needs 2 CPUs to pin server and generator apart" >&2; exit 2; }
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] && cp -r "$work/." "$KEEP/"; rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && mkdir -p "$KEEP"
timeout 600 /usr/bin/python3 "$here/run.py" --root "$root" --work "$work" --cicada "$cicada" \
  --reps "${REPS:-5}" --warmup "${WARMUP:-3}" --window "${WINDOW:-5}" --viewers "${VIEWERS:-3}"
