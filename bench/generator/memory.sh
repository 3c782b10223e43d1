#!/usr/bin/env bash
# Memory of cicada holding many users, between(1, 5) think time, against nginx GET /health. nginx
# (bench/nginx.conf) on CPU 0, cicada on CPU 1, examples/health.yaml (the body check included). Loopback only.
#
#   bash bench/generator/memory.sh [path/to/cicada]          (default: build/release/apps/cicada/cicada)
#   USERS=10000 SPAWN_RATE=2000 RUN_TIME=30 THREADS=1 bash bench/generator/memory.sh
#     one process (issue 3: 10,000 users under 300 MB resident)
#   USERS=100000 PROCESSES=7 PORTS=8 NGINX_WORKERS=8 SPAWN_RATE=5000 RUN_TIME=60 LIMIT_MB=500 \
#     WAIT='between(5, 15)' bash bench/generator/memory.sh
#     issue 19: a master and 7 local workers (each under the open-file limit), nginx with 8 workers on 8
#     ports (about 28,000 ephemeral ports per destination port); the figure is the summed RSS of all cicada
#     processes (and their summed PSS, which counts the shared code once)
#   WAIT sets the think time (then, or with PORTS > 1, a generated scenario: examples/health.yaml's task).
#
# Prints a markdown table for bench/RESULTS.md; exits 1 when the peak summed resident set is not under
# LIMIT_MB (default 300).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
for tool in nginx taskset pgrep ss; do
  command -v "$tool" > /dev/null || { echo "memory.sh: missing $tool" >&2; exit 2; }
done
users="${USERS:-10000}"
processes="${PROCESSES:-0}"
# One socket per user on the cicada side, and the same on nginx's side: every process inherits the hard
# limit (20,000 here; it cannot be raised), so more users than that need PROCESSES and NGINX_WORKERS.
ulimit -n "$(ulimit -Hn)"
if (( processes == 0 && users + 100 > $(ulimit -Hn) )); then
  echo "memory.sh: $users users do not fit one process (open-file limit $(ulimit -Hn)): set PROCESSES" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run_time="${RUN_TIME:-30}"
timeout "$(( run_time + 240 ))" /usr/bin/python3 "$here/memory.py" --root "$root" --work "$work" \
  --cicada "$cicada" --users "$users" --spawn-rate "${SPAWN_RATE:-2000}" --run-time "$run_time" \
  --threads "${THREADS:-1}" --processes "$processes" --ports "${PORTS:-1}" \
  --nginx-workers "${NGINX_WORKERS:-1}" --wait "${WAIT:-between(1, 5)}" --limit-mb "${LIMIT_MB:-300}"
