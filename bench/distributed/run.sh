#!/usr/bin/env bash
# Distributed scaling (issue 8): requests/s of one cicada worker vs two, each worker on a core of its
# own (--threads 1, taskset), against nginx GET /health (bench/nginx.conf) on other cores so the server
# is not the bottleneck. The master runs headless, merges the workers' stats and writes the CSV the
# figures come from (Aggregated Requests/s, whole run).
#
#   bash bench/distributed/run.sh [path/to/cicada]          (default build/release/apps/cicada/cicada)
#   SERVER_CPUS=0-1 WORKER_CPUS="2 3" USERS=50 SECONDS_=15 bash bench/distributed/run.sh
#
# Defaults fit a 4-core box: nginx on CPUs 0-1 (2 nginx workers), workers on CPUs 2 and 3. On a 2-core
# box pass SERVER_CPUS=0 WORKER_CPUS="1 0": the second worker then shares a core with nginx and the
# figure says so (it measures the box, not the protocol). Loopback only; every run is bounded by -t.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cicada="${1:-$root/build/release/apps/cicada/cicada}"
[ -x "$cicada" ] || { echo "run.sh: no cicada at $cicada" >&2; exit 2; }
cicada="$(realpath "$cicada")"
server_cpus="${SERVER_CPUS:-0-1}"
read -r -a worker_cpus <<< "${WORKER_CPUS:-2 3}"
users="${USERS:-50}"         # per worker
secs="${SECONDS_:-15}"
nginx_workers="${NGINX_WORKERS:-2}"

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap 'cp -r "$work/." "$KEEP/"; cleanup' EXIT
mkdir -p "$work/tmp"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
sed -e "s/PORT/$port/" -e "s/^worker_processes 1;/worker_processes $nginx_workers;/" "$root/bench/nginx.conf" > "$work/nginx.conf"
taskset -c "$server_cpus" nginx -p "$work/" -e "$work/error.log" -c "$work/nginx.conf" &
pids+=($!)
sleep 0.5

# run N: master + N workers; prints the Aggregated requests/s of the run.
run() {
  local n="$1" mport
  mport="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  (cd "$work" && "$cicada" -f "$root/bench/scenarios/health-max.yaml" --master --headless --no-history \
      --master-bind-host 127.0.0.1 --master-bind-port "$mport" --expect-workers "$n" \
      --expect-workers-max-wait 20 --host "http://127.0.0.1:$port" -u $((users * n)) -r 1000 -t "${secs}s" \
      --only-summary --csv "$work/run$n" > "$work/master$n.log" 2>&1) &
  local master=$!
  local wpids=()
  for ((i = 0; i < n; i++)); do
    taskset -c "${worker_cpus[$i]}" "$cicada" --worker --master-host 127.0.0.1 --master-port "$mport" \
        --threads 1 > "$work/worker$n-$i.log" 2>&1 &
    wpids+=($!)
  done
  wait "$master" || true
  for p in "${wpids[@]}"; do wait "$p" || true; done
  /usr/bin/python3 - "$work/run${n}_stats.csv" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["Name"] == "Aggregated":
        print(f'{float(row["Requests/s"]):.0f} {row["Request Count"]} {row["Failure Count"]}')
PY
}

read -r one one_count one_fail <<< "$(run 1)"
read -r two two_count two_fail <<< "$(run 2)"
ratio="$(/usr/bin/python3 -c "print(f'{$two / $one:.2f}')")"
echo "| workers | worker CPUs | users | requests/s | requests | failures |"
echo "|---|---|---|---|---|---|"
echo "| 1 | ${worker_cpus[0]} | $users | $one | $one_count | $one_fail |"
echo "| 2 | ${worker_cpus[0]},${worker_cpus[1]} | $((users * 2)) | $two | $two_count | $two_fail |"
echo
echo "scaling: ${ratio}x (nginx on CPUs $server_cpus with $nginx_workers workers, ${secs} s per run, $(nproc) CPUs)"
