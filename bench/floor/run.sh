#!/usr/bin/env bash
# The floor of this machine (issue 19): server CPU per request of the smallest possible HTTP/1.1 keep-alive
# servers (bench_floor_server_epoll, bench_floor_server_uring: one read and one fixed answer per turn),
# next to nginx's static "OK" (bench/nginx.conf) and cicada-model serve --threads 1 (GET /health, POST
# /predict with data/payload.json), all driven by the same minimal client (bench_floor_client_epoll, N
# connections, closed loop). Servers are pinned to CPU 0, the client to CPU 1. Each repetition runs every
# row once, round-robin; the client samples its own CPU (getrusage) and the server's (/proc/PID/stat
# utime + stime, all threads) over the same window after a warm-up. Ratios against nginx are taken within a
# repetition, then the median. A row that measured nothing (or saw a non-200) stops the script.
#
#   bash bench/floor/run.sh [BUILD_DIR]        (default build/release; about 2.5 minutes)
#   REPS=3 CONNECTIONS=50 WARMUP_MS=2000 WINDOW_MS=5000 ROWS=floor-epoll,nginx,model-health bash bench/floor/run.sh
#   MODEL_ARGS="--threads 1" bash bench/floor/run.sh  (extra cicada-model serve flags)
#   BEFORE=/tmp/cicada-model-old bash bench/floor/run.sh   (adds before-health and before-predict rows: that
#                                                          binary measured in the same run, for a before/after)
#
# Needs nginx, taskset, curl, and the bench_floor_* programs (liburing-dev for the io_uring ones:
# bash scripts/install-deps.sh). Loopback only; every client run is bounded by its window.
# Prints a markdown section for bench/RESULTS.md ("## The floor"); logs stay in $KEEP if set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
build="$(realpath "${1:-$root/build/release}")"
server_epoll="$(bench_exe "$build/bench/bench_floor_server_epoll")"
server_uring="$(bench_exe "$build/bench/bench_floor_server_uring")"
client_epoll="$(bench_exe "$build/bench/bench_floor_client_epoll")"
client_uring="$(bench_exe "$build/bench/bench_floor_client_uring")"
model="$(bench_exe "$build/apps/cicada-model/cicada-model")"
for tool in nginx taskset curl pgrep; do
  command -v "$tool" > /dev/null || bench_die "missing $tool (bash scripts/install-deps.sh)"
done
[ "$(nproc)" -ge 2 ] || bench_die "needs 2 CPUs to pin server and client apart"
reps="${REPS:-3}"
connections="${CONNECTIONS:-50}"
warmup_ms="${WARMUP_MS:-2000}"
window_ms="${WINDOW_MS:-5000}"
# row = target:client. The last row is the client's own floor (both sides io_uring).
rows="${ROWS:-floor-epoll:epoll,floor-uring:epoll,nginx:epoll,model-health:epoll,model-predict:epoll,floor-uring:uring}"
before=""
if [ -n "${BEFORE:-}" ]; then
  before="$(bench_exe "$BEFORE")"
  [ -n "${ROWS:-}" ] || rows="$rows,before-health:epoll,before-predict:epoll"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  bench_nginx_stop
  wait 2> /dev/null || true
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp -r "$work/." "$KEEP/"
  rm -rf "$work"
}
trap cleanup EXIT
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"

# start_server NAME COMMAND...: on CPU 0, in the background; sets port_NAME and pid_NAME.
start_server() {
  local name="$1"
  shift
  taskset -c 0 "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  local url
  url="$(bench_url "$work/$name.log")"
  printf -v "pid_$name" '%s' "${pids[-1]}"
  printf -v "port_$name" '%s' "${url##*:}"
}
start_server floor_epoll "$server_epoll"
start_server floor_uring "$server_uring"
nginx_port="$(bench_free_port)"
bench_nginx_start "$work/nginx" "$nginx_port" 0
"$model" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
# shellcheck disable=SC2086  # MODEL_ARGS is a list of flags
start_server model "$model" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 ${MODEL_ARGS:-}
curl -sf "http://127.0.0.1:$port_model/health" > /dev/null || bench_die "cicada-model does not answer /health"
if [ -n "$before" ]; then
  # shellcheck disable=SC2086
  start_server before "$before" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 ${MODEL_ARGS:-}
fi

# run_row REP ROW: one client run; appends "REP ROW rps client_us server_us" to results.tsv.
run_row() {
  local rep="$1" row="$2" target="${2%%:*}" client="${2##*:}" port pid args=()
  case "$target" in
    floor-epoll) port=$port_floor_epoll pid=$pid_floor_epoll ;;
    floor-uring) port=$port_floor_uring pid=$pid_floor_uring ;;
    nginx) port=$nginx_port pid=$BENCH_NGINX_WORKER ;;
    model-health) port=$port_model pid=$pid_model ;;
    model-predict) port=$port_model pid=$pid_model args=(--path /predict --body-file "$root/data/payload.json") ;;
    before-health) port=$port_before pid=$pid_before ;;
    before-predict) port=$port_before pid=$pid_before args=(--path /predict --body-file "$root/data/payload.json") ;;
    *) bench_die "unknown target $target in ROWS" ;;
  esac
  local bin="$client_epoll"
  [ "$client" = uring ] && bin="$client_uring"
  local log="$work/$rep-$target-$client.txt"
  taskset -c 1 "$bin" --port "$port" --server-pid "$pid" --connections "$connections" \
    --warmup-ms "$warmup_ms" --window-ms "$window_ms" "${args[@]}" > "$log" 2>&1 ||
    { cat "$log" >&2; bench_die "$row: the client failed (its output above)"; }
  local line rps client_us server_us
  line="$(grep '^requests=' "$log")"
  rps="$(sed 's/.* rps=\([0-9.]*\).*/\1/' <<< "$line")"
  client_us="$(sed 's/.*client_cpu_us_per_req=\([0-9.]*\).*/\1/' <<< "$line")"
  server_us="$(sed 's/.*server_cpu_us_per_req=\([0-9.]*\).*/\1/' <<< "$line")"
  bench_measured "$row requests/s" "$rps" "$log"
  bench_measured "$row server CPU" "$server_us" "$log"
  echo "$rep $row $rps $client_us $server_us" >> "$work/results.tsv"
}

for ((rep = 1; rep <= reps; rep++)); do
  for row in ${rows//,/ }; do
    echo "run.sh: repetition $rep/$reps, $row" >&2
    run_row "$rep" "$row"
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# stat ROW COLUMN [FILE]: "median (min-max)" of a column of results.tsv (3 rps, 4 client, 5 server) or
# ratios.tsv (3 server CPU x nginx).
stat() {
  awk -v r="$1" -v c="$2" '$2 == r { print $c }' "${3:-$work/results.tsv}" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "n/a"; exit }
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      f = m >= 100 ? "%.0f (%.0f-%.0f)" : "%.2f (%.2f-%.2f)"
      printf f, m, v[1], v[NR]
    }'
}
# Server CPU per request over nginx's in the same repetition.
awk 'NR == FNR { if ($2 == "nginx:epoll") n[$1] = $5; next }
     ($1 in n) && n[$1] > 0 { print $1, $2, $5 / n[$1] }' "$work/results.tsv" "$work/results.tsv" > "$work/ratios.tsv"

label() {
  case "$1" in
    floor-epoll:epoll) echo "floor server, epoll" ;;
    floor-uring:epoll) echo "floor server, io_uring (SINGLE_ISSUER, DEFER_TASKRUN)" ;;
    nginx:epoll) echo "nginx 1.22, static \"OK\" (bench/nginx.conf)" ;;
    model-health:epoll) echo "cicada-model serve --threads 1, GET /health" ;;
    model-predict:epoll) echo "cicada-model serve --threads 1, POST /predict" ;;
    floor-uring:uring) echo "floor server io_uring, **io_uring client** (the client's floor)" ;;
    before-health:epoll) echo "before: \$BEFORE serve --threads 1, GET /health" ;;
    before-predict:epoll) echo "before: \$BEFORE serve --threads 1, POST /predict" ;;
    *) echo "$1" ;;
  esac
}
cat << HEAD
$started_at, commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?'); load average (1, 5, 15 min) at start $load_start, at end $load_end.
\`bash bench/floor/run.sh\` with REPS=$reps, $connections connections, warm-up ${warmup_ms} ms, window ${window_ms} ms; server on CPU 0, client on CPU 1; medians (min-max) over $reps repetitions.

| server (client: floor epoll unless said) | req/s | server CPU µs/req | × nginx | client CPU µs/req |
|---|---:|---:|---:|---:|
HEAD
for row in ${rows//,/ }; do
  echo "| $(label "$row") | $(stat "$row" 3) | $(stat "$row" 5) | $(stat "$row" 3 "$work/ratios.tsv") | $(stat "$row" 4) |"
done
