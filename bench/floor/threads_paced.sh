#!/usr/bin/env bash
# Does a second cicada-model worker thread cost anything per request? (issue 19: --threads 2 >= 1.8x one
# thread). threads.sh drives the server in a closed loop, so with two server threads and the client on
# this machine's two CPUs three busy threads share two cores, and what it measures on a quiet machine is
# that oversubscription (preemptions, fewer requests per epoll_wait), not what a second core would give.
# Here the load is a fixed arrival rate well under what one core serves (cicada's open model, which
# sleeps between arrivals below 20,000/s per loop), so no core is full and both servers serve the same
# requests: server CPU per request with --threads 2 (c2) against --threads 1 (c1), server and client
# free on CPUs 0-1 in both, and the busier worker's share s of the two workers' CPU. c2/c1 is what the
# second thread costs (shared state, cache lines); c1 / (s x c2) projects the speed-up with a core per
# worker (2.0: nothing shared, an even split), 2 x c1 / c2 the same with an even split. At this rate the
# open model keeps only a few connections busy (it reuses the most recently freed slot), so the split
# between the workers is a property of this client more than of the server. A projection, not a
# throughput: at saturation each thread batches more requests per wake-up, with one thread or two alike.
#
#   bash bench/floor/threads_paced.sh [BUILD_DIR] [health|predict]     (default build/release, predict)
#   REPS=5 RATE=15000 WARMUP_S=3 WINDOW_S=5 bash bench/floor/threads_paced.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
build="$(realpath "${1:-$root/build/release}")"
route="${2:-predict}"
model="$(bench_exe "$build/apps/cicada-model/cicada-model")"
cicada="$(bench_exe "$build/apps/cicada/cicada")"
[ "$(nproc)" -ge 2 ] || bench_die "needs 2 CPUs"
reps="${REPS:-5}"
rate="${RATE:-15000}"
warmup_s="${WARMUP_S:-3}"
window_s="${WINDOW_S:-5}"
bench_scratch
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
"$model" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
scenario="$root/examples/fixed-predict.yaml"
[ "$route" = health ] && scenario="$root/examples/health.yaml"

measure() {  # THREADS: prints "c_us_per_req busier_share served_rps"
  local threads="$1"
  taskset -c 0,1 "$model" serve --model "$work/model" --port 0 --threads "$threads" --max-inflight 100000 \
    > "$work/serve.log" 2>&1 &
  local server=$!
  bench_pids+=("$server")
  local url
  url="$(bench_url "$work/serve.log")"
  taskset -c 0,1 "$cicada" -f "$scenario" --host "$url" --headless --only-summary --no-history --threads 1 \
    --arrival-rate "$rate" --max-inflight 50 -t "$((warmup_s + window_s + 2))s" > "$work/client.txt" 2>&1 &
  local client=$!
  sleep "$warmup_s"
  bench_thread_ticks "$server" > "$work/t0"
  local n0 t0 n1 t1
  n0="$(bench_served "$url")"
  t0="$(date +%s.%N)"
  sleep "$window_s"
  bench_thread_ticks "$server" > "$work/t1"
  n1="$(bench_served "$url")"
  t1="$(date +%s.%N)"
  wait "$client" || { cat "$work/client.txt" >&2; bench_die "the client failed against --threads $threads"; }
  bench_stop "$server"
  local hz
  hz="$(getconf CLK_TCK)"
  # Ticks per thread over the window, most first: the k threads that worked most are the workers (the
  # acceptor idles).
  bench_thread_work "$work/t0" "$work/t1" |
    awk -v hz="$hz" -v n0="$n0" -v n1="$n1" -v t0="$t0" -v t1="$t1" -v k="$threads" '
      { total += $1; if (NR <= k) { s += $1; if ($1 > top) top = $1 } }
      END {
        n = n1 - n0
        if (n <= 0) { print "0 0 0"; exit }
        printf "%.3f %.3f %.0f\n", total / hz * 1e6 / n, (s > 0 ? top / s : 0), n / (t1 - t0)
      }'
}

echo "| rep | c1 µs/req | c2 µs/req | c2/c1 | busier worker's share | projected c1/(share x c2) | even split 2 x c1/c2 | served req/s (1, 2 threads) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
: > "$work/rows"
for ((rep = 1; rep <= reps; rep++)); do
  read -r c1 _ rps1 <<< "$(measure 1)"
  read -r c2 share rps2 <<< "$(measure 2)"
  bench_measured "--threads 1 server CPU per request" "$c1" "$work/client.txt"
  bench_measured "--threads 2 server CPU per request" "$c2" "$work/client.txt"
  awk -v r="$rep" -v c1="$c1" -v c2="$c2" -v s="$share" -v a="$rps1" -v b="$rps2" 'BEGIN {
    printf "| %d | %.2f | %.2f | %.3f | %.3f | %.2f | %.2f | %s, %s |\n", r, c1, c2, c2 / c1, s, c1 / (s * c2), 2 * c1 / c2, a, b }' |
    tee -a "$work/rows"
done
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD); load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Medians over $reps repetitions at $rate arrivals/s ($route): c2/c1 $(awk -F'|' '{print $5}' "$work/rows" | bench_median)," \
  "busier share $(awk -F'|' '{print $6}' "$work/rows" | bench_median), projected speed-up $(awk -F'|' '{print $7}' "$work/rows" | bench_median)," \
  "even split $(awk -F'|' '{print $8}' "$work/rows" | bench_median)."
