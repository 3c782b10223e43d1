#!/usr/bin/env bash
# Does cicada-model serve scale with --threads (issue 19: --threads 2 on two cores >= 1.8x one thread)?
# This machine has two cores, and a load generator needs one of them, so two server threads can never
# both have a whole core while a client runs. What is measured instead, each repetition:
#   1. --threads 1, the server and the floor client both free to run on CPUs 0-1: server CPU per
#      request (c1).
#   2. --threads 2, placed the same way: server CPU per request (c2) and how the work splits between the
#      two worker threads (the busier one's share s of both, from /proc/PID/task/TID/stat over the same
#      window).
# Both are placed alike because where the client runs changes what the server is charged (loopback
# receive work runs in the sender's context when they share a core), so c2 against c1 isolates what the
# second thread costs (contention) from placement.
# With each worker on a core of its own, the busier worker saturates first, at 1 / (s x c2) requests per
# µs, against 1 / c1 for one thread: projected speed-up = c1 / (s x c2). It is 2.0 when the threads share
# nothing (no lock, no cache line bouncing: c2 = c1) and split the connections evenly (s = 0.5); contention
# shows as c2 > c1, imbalance as s > 0.5. The connections are dealt to the workers round-robin (25 each),
# but in a closed loop a worker that shares its core with the client (or another engineer's build) serves
# its connections more slowly, so s also carries the placement; 2 x c1 / c2 is the projection for an even
# split. Medians over REPS repetitions.
#
#   bash bench/floor/threads.sh [BUILD_DIR] [health|predict]      (default build/release, predict)
#   REPS=3 CONNECTIONS=50 WARMUP_MS=2000 WINDOW_MS=5000 MODEL=/tmp/old-cicada-model bash bench/floor/threads.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
build="$(realpath "${1:-$root/build/release}")"
route="${2:-predict}"
model="$(bench_exe "${MODEL:-$build/apps/cicada-model/cicada-model}")"  # MODEL=path: another binary
client="$(bench_exe "$build/bench/bench_floor_client_epoll")"
[ "$(nproc)" -ge 2 ] || bench_die "needs 2 CPUs"
reps="${REPS:-3}"
warmup_ms="${WARMUP_MS:-2000}"
window_ms="${WINDOW_MS:-5000}"
bench_scratch
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
"$model" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
args=(--connections "${CONNECTIONS:-50}" --warmup-ms "$warmup_ms" --window-ms "$window_ms")
[ "$route" = predict ] && args+=(--path /predict --body-file "$root/data/payload.json")

# measure THREADS CPUS: serve with --threads THREADS on CPUS, the client on CPUS (or CPU 1 for one
# thread); prints "c_us_per_req busier_share rps".
measure() {
  local threads="$1" cpus="$2" client_cpus="$3"
  taskset -c "$cpus" "$model" serve --model "$work/model" --port 0 --threads "$threads" \
    --max-inflight 100000 > "$work/serve.log" 2>&1 &
  server=$!
  bench_pids+=("$server")
  local url
  url="$(bench_url "$work/serve.log")"
  taskset -c "$client_cpus" "$client" --port "${url##*:}" --server-pid "$server" "${args[@]}" > "$work/client.txt" 2>&1 &
  local load=$!
  sleep "$(awk -v w="$warmup_ms" 'BEGIN { print w / 1000 }')"
  bench_thread_ticks "$server" > "$work/t0"
  sleep "$(awk -v w="$window_ms" 'BEGIN { print w / 1000 }')"
  bench_thread_ticks "$server" > "$work/t1"
  wait "$load" || { cat "$work/client.txt" >&2; bench_die "the client failed against --threads $threads"; }
  bench_stop "$server"
  local line c rps share
  line="$(grep '^requests=' "$work/client.txt")"
  c="$(sed 's/.*server_cpu_us_per_req=\([0-9.]*\).*/\1/' <<< "$line")"
  rps="$(sed 's/.* rps=\([0-9.]*\).*/\1/' <<< "$line")"
  bench_measured "--threads $threads server CPU" "$c" "$work/client.txt"
  # The two threads that worked most in the window are the workers (the acceptor idles).
  share="$(bench_thread_work "$work/t0" "$work/t1" | head -n "$threads" |
    awk '{ s += $1; if ($1 > m) m = $1 } END { if (s > 0) printf "%.3f", m / s; else print 0 }')"
  bench_measured "--threads $threads worker CPU" "$share" "$work/client.txt"
  echo "$c $share $rps"
}

for ((rep = 1; rep <= reps; rep++)); do
  echo "threads.sh: repetition $rep/$reps" >&2
  read -r c1 _ rps1 <<< "$(measure 1 0,1 0,1)"
  read -r c2 s2 rps2 <<< "$(measure 2 0,1 0,1)"
  awk -v c1="$c1" -v c2="$c2" -v s="$s2" -v r1="$rps1" -v r2="$rps2" \
    'BEGIN { printf "%s %s %s %s %s %.3f %.3f\n", c1, c2, s, r1, r2, c1 / (s * c2), 2 * c1 / c2 }' >> "$work/reps.tsv"
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
median() {
  cut -d' ' -f"$1" "$work/reps.tsv" | sort -g | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s (%s-%s)", m, v[1], v[NR] }'
}
cat << TABLE
$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?'); load average at start $load_start, at end $load_end.
\`bash bench/floor/threads.sh\` ($route, REPS=$reps, ${CONNECTIONS:-50} connections, window ${window_ms} ms); medians (min-max).

| --threads 1: server CPU µs/req | --threads 2: server CPU µs/req | busier worker's share | req/s 1 thread | req/s 2 threads (client on the same 2 CPUs) | projected speed-up c1 / (share x c2) | even split 2 x c1 / c2 |
|---:|---:|---:|---:|---:|---:|---:|
| $(median 1) | $(median 2) | $(median 3) | $(median 4) | $(median 5) | $(median 6) | $(median 7) |
TABLE
