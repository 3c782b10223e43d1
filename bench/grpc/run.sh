#!/usr/bin/env bash
# cicada-model's gRPC listener (OIP v2 ModelInfer) vs its REST port (v2 infer and /predict), one row per
# call: server CPU per request (from /proc, so it holds on a busy machine) and throughput per server core.
# Server pinned to CPU 0 with one thread per listener, the load client pinned to CPU 1; loopback only;
# every run bounded (DURATION seconds each).
#
#   bash bench/grpc/run.sh [build dir]     (default: build/release)
#   DURATION=8 CONNECTIONS=16 REPS=3 bash bench/grpc/run.sh
#
# gRPC load: bench_grpc_infer_load (a minimal grpc++ async client; ghz is not packaged by Debian).
# REST load: wrk with the same one-row request as JSON. Prints a markdown table for bench/RESULTS.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/lib.sh"
build="${1:-$root/build/release}"
duration="${DURATION:-8}"
connections="${CONNECTIONS:-16}"
reps="${REPS:-3}"
model_bin="$build/apps/cicada-model/cicada-model"
grpc_bin="$build/bench/bench_grpc_infer_load"
for b in "$model_bin" "$grpc_bin"; do [ -x "$b" ] || { echo "run.sh: $b is not built" >&2; exit 2; }; done

bench_scratch

"$model_bin" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
taskset -c 0 "$model_bin" serve --model "$work/model" --port 0 --grpc-port 0 --threads 1 \
  --max-inflight 100000 > "$work/serve.out" &
server=$!
bench_pids+=("$server")
for _ in $(seq 100); do grep -q "over gRPC" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(grep -o 'http://[0-9.:]*' "$work/serve.out")"
grpc_at="$(sed -n 's/.*over gRPC on //p' "$work/serve.out")"
[ -n "$url" ] && [ -n "$grpc_at" ] || { echo "run.sh: cicada-model did not start" >&2; cat "$work/serve.out" >&2; exit 1; }

# The v2 infer body of data/payload.json, one FP64 tensor per field.
python3 - "$root/data/payload.json" > "$work/infer.json" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))
print(json.dumps({"inputs": [{"name": k, "datatype": "FP64", "shape": [1], "data": [v]} for k, v in row.items()]}))
PY
cat > "$work/post.lua" <<'LUA'
local file = assert(io.open(os.getenv("PAYLOAD"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()
LUA

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz="$(getconf CLK_TCK)"

# measure NAME: one run of the named load; prints "rps server_us_per_request".
measure() {
  local name="$1" before after calls
  before="$(ticks "$server")"
  case "$name" in
    grpc) out="$(taskset -c 1 "$grpc_bin" --target "$grpc_at" --concurrency "$connections" --seconds "$duration")"
          calls="$(awk '{ print $2 }' <<< "$out")"
          [ "$(awk '{ print $4 }' <<< "$out")" = 0 ] || { echo "run.sh: gRPC errors: $out" >&2; exit 1; } ;;
    rest-infer) PAYLOAD="$work/infer.json" taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" \
                  -s "$work/post.lua" "$url/v2/models/heart-disease/infer" > "$work/wrk.txt"
                calls="$(awk '/requests in/ { print $1 }' "$work/wrk.txt")"
                ! grep -q Non-2xx "$work/wrk.txt" || { echo "run.sh: REST errors" >&2; cat "$work/wrk.txt" >&2; exit 1; } ;;
    rest-predict) PAYLOAD="$root/data/payload.json" taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" \
                    -s "$work/post.lua" "$url/predict" > "$work/wrk.txt"
                  calls="$(awk '/requests in/ { print $1 }' "$work/wrk.txt")"
                  ! grep -q Non-2xx "$work/wrk.txt" || { echo "run.sh: REST errors" >&2; exit 1; } ;;
  esac
  after="$(ticks "$server")"
  [ "${calls:-0}" -gt 0 ] || { echo "run.sh: $name measured nothing" >&2; exit 1; }
  awk -v c="$calls" -v d="$duration" -v a="$before" -v b="$after" -v hz="$hz" \
    'BEGIN { printf "%.0f %.2f\n", c / d, (b - a) / hz * 1e6 / c }'
}

echo "| load (one row per call, $connections in flight, ${duration}s x $reps, median) | calls/s | server CPU us/call | calls per server core-second |"
echo "|---|---|---|---|"
for name in grpc rest-infer rest-predict; do
  : > "$work/$name.rps"; : > "$work/$name.cpu"
  for _ in $(seq "$reps"); do
    measure "$name" > "$work/one.txt"
    read -r rps cpu < "$work/one.txt"
    echo "$rps" >> "$work/$name.rps"; echo "$cpu" >> "$work/$name.cpu"
  done
  rps="$(bench_median < "$work/$name.rps")"; cpu="$(bench_median < "$work/$name.cpu")"
  label="$name"
  [ "$name" = grpc ] && label="gRPC ModelInfer (bench_grpc_infer_load)"
  [ "$name" = rest-infer ] && label="REST POST /v2/models/heart-disease/infer (wrk)"
  [ "$name" = rest-predict ] && label="REST POST /predict (wrk)"
  echo "| $label | $rps | $cpu | $(awk -v c="$cpu" 'BEGIN { printf "%.0f", 1e6 / c }') |"
done
