#!/usr/bin/env bash
# Memory of cicada with 10,000 users, between(1, 5) think time, against nginx GET /health (issue 3:
# under 300 MB resident). nginx (bench/nginx.conf) on CPU 0, cicada on CPU 1, examples/health.yaml
# (the body check included), 2,000 users/s spawn rate (all 10,000 in 5 s), 30 s run. Loopback only.
#
#   bash bench/generator/memory.sh [path/to/cicada]          (default: build/release/apps/cicada/cicada)
#   USERS=10000 SPAWN_RATE=2000 RUN_TIME=30 THREADS=1 bash bench/generator/memory.sh
#
# Prints a markdown table for bench/RESULTS.md; exits 1 when the peak resident set is not under 300 MB.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
for tool in nginx taskset pgrep; do
  command -v "$tool" > /dev/null || { echo "memory.sh: missing $tool" >&2; exit 2; }
done
users="${USERS:-10000}"
# One socket per user on the cicada side, and the same on nginx's side (it inherits this limit too).
ulimit -n "$(( users + 4096 > $(ulimit -Hn) ? $(ulimit -Hn) : users + 4096 ))"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timeout 300 /usr/bin/python3 "$here/memory.py" --root "$root" --work "$work" --cicada "$cicada" \
  --users "$users" --spawn-rate "${SPAWN_RATE:-2000}" --run-time "${RUN_TIME:-30}" --threads "${THREADS:-1}"
