# Sourced by the bench/ scripts: a benchmark whose generator or target failed to start, or that measured
# nothing, stops with the reason instead of printing a table of zeros.

# bench_die MESSAGE...: the reason on stderr, exit 1.
bench_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# bench_scratch: $work becomes a new temporary folder and bench_pids an empty list; when the script exits,
# every process in bench_pids (what this script started; add each with bench_pids+=("$!")) is stopped by
# its PID and waited for, and $work is removed. KEEP=DIR keeps a copy of $work there.
bench_scratch() {
  work="$(mktemp -d)"
  bench_pids=()
  trap bench_scratch_end EXIT
}
bench_scratch_end() {
  local p
  for p in "${bench_pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$work/." "$KEEP/"; fi
  rm -rf "$work"
}

# bench_stop PID: stops one process this script started (and listed in bench_pids) before the end.
bench_stop() {
  local p keep=()
  kill "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
  for p in "${bench_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  bench_pids=("${keep[@]}")
}

# bench_exe PATH: PATH made absolute (scripts change directory), or exit 2 when it is not an executable.
# Use as var="$(bench_exe "$path")": under set -e the assignment then stops the script too.
bench_exe() {
  if [ ! -f "$1" ] || [ ! -x "$1" ]; then
    echo "$(basename "$0"): no executable at $1 (build it, or pass its path)" >&2
    exit 2
  fi
  realpath "$1"
}

# bench_measured WHAT VALUE [LOG]: stops unless VALUE is a number above 0, with LOG's last lines.
bench_measured() {
  if ! awk -v v="${2:-}" 'BEGIN { exit !(v ~ /^[0-9.eE+-]+$/ && v + 0 > 0) }'; then
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" >&2
    bench_die "$1 measured nothing (got '${2:-}')${3:+; log above, from $3}"
  fi
}

# bench_url LOG [SECONDS]: waits for a server's "http://127.0.0.1:PORT" (or https://) line in LOG and prints the URL;
# stops with the log when it does not come (the server failed to start).
bench_url() {
  local url="" i
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    url="$(grep -o 'https\?://127\.0\.0\.1:[0-9]*' "$1" 2>/dev/null | head -1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    tail -n 20 "$1" >&2 || true
    bench_die "the server did not start (its log above, from $1)"
  fi
  echo "$url"
}

# bench_nginx_start WORK PORT CPU: nginx with bench/nginx.conf (one worker, static "OK" on /health) on
# 127.0.0.1:PORT, pinned to CPU, its files in WORK. Sets BENCH_NGINX_PID (the master, to stop it) and
# BENCH_NGINX_WORKER (the process that serves every request, whose CPU is the server's). Stops the script
# when nginx does not come up.
bench_nginx_start() {
  local work="$1" port="$2" cpu="$3" i
  command -v nginx > /dev/null || bench_die "nginx is missing (bash scripts/install-deps.sh)"
  mkdir -p "$work/tmp"
  sed "s/PORT/$port/" "$(dirname "${BASH_SOURCE[0]}")/nginx.conf" > "$work/nginx.conf"
  taskset -c "$cpu" nginx -p "$work/" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
  BENCH_NGINX_PID=$!
  BENCH_NGINX_WORKER=""
  for ((i = 0; i < 100; i++)); do
    if curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; then
      BENCH_NGINX_WORKER="$(pgrep -P "$BENCH_NGINX_PID" | head -1 || true)"
      [ -n "$BENCH_NGINX_WORKER" ] && return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$work/nginx-error.log" >&2 || true
  bench_die "nginx did not start on port $port (its error log above)"
}

# bench_nginx_stop: stops the nginx of bench_nginx_start by its master's PID (graceful, then waits).
bench_nginx_stop() {
  [ -n "${BENCH_NGINX_PID:-}" ] || return 0
  kill -QUIT "$BENCH_NGINX_PID" 2> /dev/null || true
  wait "$BENCH_NGINX_PID" 2> /dev/null || true
  BENCH_NGINX_PID=""
}

# bench_model_serve MODEL_BIN WORK CPU [serve flags...]: `cicada-model serve --threads 1 --max-inflight
# 100000` on 127.0.0.1 (a port of the kernel's choice) pinned to CPU, serving WORK/model (trained from
# data/heart-disease.csv at the first call), its log in WORK/serve.log. Sets BENCH_MODEL_PID (also added
# to bench_pids; bench_stop it before starting another) and BENCH_MODEL_URL; stops the script when the
# server does not come up.
bench_model_serve() {
  local bin="$1" work="$2" cpu="$3" root
  shift 3
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  [ -d "$work/model" ] || "$bin" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
  taskset -c "$cpu" "$bin" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 "$@" \
    > "$work/serve.log" 2>&1 &
  BENCH_MODEL_PID=$!
  bench_pids+=("$BENCH_MODEL_PID")
  BENCH_MODEL_URL="$(bench_url "$work/serve.log")"
}

# bench_free_port: a loopback port nobody listens on right now (the kernel's pick for port 0).
bench_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_thread_ticks PID: "TID ticks" (utime + stime, clock ticks) for every thread of PID, a line each.
bench_thread_ticks() {
  local stat
  for stat in /proc/"$1"/task/*/stat; do
    awk '{ sub(/^.*\) /, ""); print FILENAME, $12 + $13 }' "$stat" 2> /dev/null || true
  done | sed -E 's|/proc/[0-9]+/task/([0-9]+)/stat|\1|'
}

# bench_thread_work BEFORE AFTER: each thread's ticks between two bench_thread_ticks outputs (files), most
# first (the first lines of a server are its busiest workers).
bench_thread_work() {
  awk 'NR == FNR { a[$1] = $2; next } { print $2 - a[$1] }' "$1" "$2" | sort -gr
}

# bench_median: the median of the numbers on stdin, one a line (the mean of the two middle ones when
# there is an even count).
bench_median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_served URL: the responses a cicada-model (or cicada web UI) server at URL has counted, but its
# own /metrics answers (the scrapes of whoever asks, this one's included).
bench_served() {
  curl -sf "$1/metrics" | awk '/^cicada_http_requests_total\{/ && !/route="\/metrics"/ { n += $NF } END { print n + 0 }'
}
