#!/usr/bin/env bash
# Distributed scaling (issue 8): requests/s of one cicada worker vs two, each worker on a core of its
# own (--threads 1, taskset), against nginx GET /health (bench/nginx.conf) on other cores so the server
# is not the bottleneck. The master runs headless, merges the workers' stats and writes the CSV the
# figures come from (Aggregated Requests/s, whole run).
#
#   bash bench/distributed/run.sh [path/to/cicada]          (default build/release/apps/cicada/cicada)
#   SERVER_CPUS=0-1 WORKER_CPUS="2 3" USERS=50 SECONDS_=15 REPS=3 bash bench/distributed/run.sh
#   SCENARIO=bench/scenarios/screened-post.cpp ...          (a generator-bound scenario, see below)
#
# REPS pairs of runs (1 worker, then 2), one row each, then the medians. Each row also gives nginx's CPU
# per request (its CPU time over the run / requests) and the one worker's: when the server's share is s
# and the generator's g, two workers that must share two cores with the server reach at most 2g/(g+s).
#
# Defaults fit a 4-core box: nginx on CPUs 0-1 (2 nginx workers), workers on CPUs 2 and 3. On a 2-core
# box pass SERVER_CPUS=0 WORKER_CPUS="1 0": the second worker then shares a core with nginx and the
# figure says so (it measures the box, not the protocol). Loopback only; every run is bounded by -t.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
server_cpus="${SERVER_CPUS:-0-1}"
read -r -a worker_cpus <<< "${WORKER_CPUS:-2 3}"
users="${USERS:-50}"         # per worker
secs="${SECONDS_:-15}"
reps="${REPS:-3}"
scenario="$(realpath "${SCENARIO:-$root/bench/scenarios/health-max.yaml}")"
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
nginx_pids() { pgrep -P "$(cat "$work/nginx.pid")"; }
# CPU seconds (user + system) used so far by these processes.
cpu_s() { for p in "$@"; do cat "/proc/$p/stat"; done | awk -v hz="$(getconf CLK_TCK)" '{t += $14 + $15} END {printf "%.3f", t / hz}'; }

# run N: master + N workers; prints the Aggregated requests/s, requests, failures, and the CPU us per
# request of nginx and of the workers, and the cores the workers got (their CPU seconds / run seconds).
run() {
  local n="$1" mport
  mport="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  local server_cpu0 worker_cpu
  server_cpu0="$(cpu_s $(nginx_pids))"
  (cd "$work" && "$cicada" -f "$scenario" --master --headless --no-history \
      --master-bind-host 127.0.0.1 --master-bind-port "$mport" --expect-workers "$n" \
      --expect-workers-max-wait 20 --host "http://127.0.0.1:$port" -u $((users * n)) -r 1000 -t "${secs}s" \
      --only-summary --csv "$work/run$n" > "$work/master$n.log" 2>&1) &
  local master=$!
  local wpids=()
  for ((i = 0; i < n; i++)); do
    # /usr/bin/time: the worker's CPU seconds (user, system) when it exits.
    taskset -c "${worker_cpus[$i]}" /usr/bin/time -f "%U %S" -o "$work/cpu$n-$i" "$cicada" --worker \
        --master-host 127.0.0.1 --master-port "$mport" --threads 1 > "$work/worker$n-$i.log" 2>&1 &
    wpids+=($!)
  done
  wait "$master" || true
  for p in "${wpids[@]}"; do wait "$p" || true; done
  worker_cpu="$(cat "$work"/cpu$n-* | awk '{t += $1 + $2} END {print t}')"
  local server_cpu
  server_cpu="$(/usr/bin/python3 -c "print($(cpu_s $(nginx_pids)) - $server_cpu0)")"
  /usr/bin/python3 - "$work/run${n}_stats.csv" "$server_cpu" "$worker_cpu" "$secs" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["Name"] == "Aggregated":
        count = max(1, int(row["Request Count"]))
        server_us = float(sys.argv[2]) * 1e6 / count
        worker_us = float(sys.argv[3]) * 1e6 / count
        cores = float(sys.argv[3]) / float(sys.argv[4])  # the cores the workers actually got
        print(f'{float(row["Requests/s"]):.0f} {row["Request Count"]} {row["Failure Count"]} {server_us:.1f} {worker_us:.0f} {cores:.2f}')
PY
}

echo "| rep | 1 worker req/s | 2 workers req/s | scaling | failures | nginx us/req (1, 2) | worker us/req (1, 2) | worker cores (1, 2) | load avg |"
echo "|---|---|---|---|---|---|---|---|---|"
ones=() twos=() ratios=()
for ((r = 1; r <= reps; r++)); do
  read -r one one_count one_fail one_srv one_gen one_cores <<< "$(run 1)"
  bench_measured "1 worker" "${one_count:-}" "$work/master1.log"
  read -r two two_count two_fail two_srv two_gen two_cores <<< "$(run 2)"
  bench_measured "2 workers" "${two_count:-}" "$work/master2.log"
  ratio="$(/usr/bin/python3 -c "print(f'{$two / $one:.2f}')")"
  ones+=("$one") twos+=("$two") ratios+=("$ratio")
  echo "| $r | $one | $two | ${ratio}x | $((one_fail + two_fail)) | $one_srv, $two_srv | $one_gen, $two_gen | $one_cores, $two_cores | $(cut -d' ' -f1 /proc/loadavg) |"
done
median() { printf '%s\n' "$@" | bench_median; }
echo
echo "median: 1 worker $(median "${ones[@]}") req/s, 2 workers $(median "${twos[@]}") req/s, scaling $(median "${ratios[@]}")x"
echo "($(basename "$scenario"), $users users per worker, nginx on CPUs $server_cpus with $nginx_workers workers, workers on CPUs ${worker_cpus[*]}, ${secs} s per run, $(nproc) CPUs)"
