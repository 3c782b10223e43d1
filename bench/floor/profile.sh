#!/usr/bin/env bash
# Where cicada-model serve --threads 1 spends its CPU per request (issue 19): the server on CPU 0 under
# the floor client (bench_floor_client_epoll, CPU 1, 50 connections), `perf record` of the server alone
# for SECONDS, then its top symbols (self time, by DSO and symbol) and the syscalls per request
# (strace -c over a second, shorter run: strace slows the server, so only the counts are worth reading).
#
#   bash bench/floor/profile.sh [BUILD_DIR] [health|predict]     (default build/release, health)
#   SECONDS_PROFILED=5 TOP=30 CALLGRAPH=1 bash bench/floor/profile.sh   (CALLGRAPH=1: perf record -g)
#
# Needs linux-perf and strace (bash scripts/install-deps.sh). Loopback only, bounded runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
build="$(realpath "${1:-$root/build/release}")"
route="${2:-health}"
model="$(bench_exe "$build/apps/cicada-model/cicada-model")"
client="$(bench_exe "$build/bench/bench_floor_client_epoll")"
for tool in perf strace taskset; do
  command -v "$tool" > /dev/null || bench_die "missing $tool (bash scripts/install-deps.sh)"
done
seconds="${SECONDS_PROFILED:-5}"
bench_scratch
"$model" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
taskset -c 0 "$model" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 > "$work/serve.log" 2>&1 &
server=$!
bench_pids+=("$server")
port="$(bench_url "$work/serve.log")"
port="${port##*:}"
args=(--port "$port" --server-pid "$server" --connections 50 --warmup-ms 1000)
[ "$route" = predict ] && args+=(--path /predict --body-file "$root/data/payload.json")

# perf: the client's window covers the recording (1 s warm-up, then SECONDS + 2).
taskset -c 1 "$client" "${args[@]}" --window-ms $(((seconds + 2) * 1000)) > "$work/client.txt" 2>&1 &
load=$!
sleep 1.5
graph=()
[ "${CALLGRAPH:-0}" = 1 ] && graph=(-g)
perf record -e cpu-clock -F 2999 "${graph[@]}" -p "$server" -o "$work/perf.data" -- sleep "$seconds" > /dev/null 2>&1
wait "$load" || { cat "$work/client.txt" >&2; bench_die "the client failed under perf"; }
echo "client under perf: $(cat "$work/client.txt")"
# Self time by DSO, then the top symbols (Beast's template names cut to 160 characters). head closes the
# pipe early, so a pipeline status is not an error here.
echo "self time by DSO:"
{ perf report -i "$work/perf.data" --no-children --sort dso --stdio 2> /dev/null |
  grep -E '^ +[0-9]' | sed -E 's/[[:space:]]+$//' | head -n 8; } || true
echo "top symbols:"
{ perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio 2> /dev/null |
  grep -E '^ +[0-9]' | sed -E 's/[[:space:]]+(-[[:space:]]+)*$//' | cut -c1-160 | head -n "${TOP:-30}"; } || true

# Syscalls per request: strace counts over a 3 s window, divided by the requests the client counted.
taskset -c 1 "$client" "${args[@]}" --window-ms 4000 > "$work/client2.txt" 2>&1 &
load=$!
sleep 1.5
timeout 3 strace -c -f -p "$server" -o "$work/strace.txt" > /dev/null 2>&1 || true
wait "$load" || { cat "$work/client2.txt" >&2; bench_die "the client failed under strace"; }
echo "strace -c -f over 3 s (the client's count is over its 4 s window; divide by its rps x 3):"
echo "client: $(cat "$work/client2.txt")"
cat "$work/strace.txt"
