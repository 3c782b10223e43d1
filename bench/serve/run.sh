#!/usr/bin/env bash
# cicada-model serve vs the reference (Flask + gunicorn, 2 workers), on this machine's two cores:
# servers pinned to CPU 0, wrk pinned to CPU 1, loopback only, every run bounded (about 1 minute in all).
#
#   bash bench/serve/run.sh [path/to/cicada-model]      (default: build/release/apps/cicada-model/cicada-model)
#   DURATION=8 CONNECTIONS=16 bash bench/serve/run.sh
#
# Needs wrk, taskset and `bash scripts/install-deps.sh --bench` (the reference's Python packages).
# Prints a markdown table for bench/RESULTS.md, "## cicada-model serve".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/lib.sh"
bin="$(bench_exe "${1:-$root/build/release/apps/cicada-model/cicada-model}")"
duration="${DURATION:-8}"
connections="${CONNECTIONS:-16}"
shared="${SHARED:-$root/../shared}"
[ -d "$shared/anchors" ] || shared=/work/shared

bench_scratch
export PAYLOAD="$root/data/payload.json"
cp "$shared/anchors/post_predict.lua" "$work/post_predict.lua"

# wrk_run NAME URL [script]: one bounded run on CPU 1; writes "rps p50 p99 non2xx" (latencies in ms) to
# $work/NAME.row. Called in this shell (not in a pipe or $(...)), so a failed run stops the script.
wrk_run() {
  local name="$1" url="$2" script="${3:-}"
  local args=(-t1 -c"$connections" -d"${duration}s" --latency --timeout 2s)
  [ -n "$script" ] && args+=(-s "$script")
  taskset -c 1 wrk "${args[@]}" "$url" > "$work/$name.txt" 2>&1 || bench_die "wrk failed: $(cat "$work/$name.txt")"
  bench_measured "wrk $name" "$(awk '/Requests\/sec/ { print $2 }' "$work/$name.txt")" "$work/$name.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }' "$work/$name.txt" > "$work/$name.row"
}

echo "run.sh: training the model" >&2
"$bin" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null

echo "run.sh: cicada-model serve --threads 1 on CPU 0" >&2
taskset -c 0 "$bin" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 > "$work/serve.out" &
bench_pids+=($!)
url="$(bench_url "$work/serve.out")"
curl -sf "$url/health" > /dev/null || bench_die "cicada-model at $url does not answer GET /health"

# Server CPU time (user + system, in clock ticks) from /proc: CPU per request holds up even when other
# jobs share the machine, unlike req/s.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
us_per_request() {  # TICKS_BEFORE TICKS_AFTER RPS
  awk -v a="$1" -v b="$2" -v r="$3" -v hz="$(getconf CLK_TCK)" -v d="$duration" \
    'BEGIN { if (r > 0) printf "%.1f", (b - a) / hz * 1e6 / (r * d); else print "n/a" }'
}
serve_pid="${bench_pids[0]}"
t0=$(cpu_ticks "$serve_pid")
wrk_run health "$url/health"
read -r health_rps health_p50 health_p99 health_bad < "$work/health.row"
t1=$(cpu_ticks "$serve_pid")
wrk_run predict "$url/predict" "$work/post_predict.lua"
read -r predict_rps predict_p50 predict_p99 predict_bad < "$work/predict.row"
t2=$(cpu_ticks "$serve_pid")
health_cpu=$(us_per_request "$t0" "$t1" "$health_rps")
predict_cpu=$(us_per_request "$t1" "$t2" "$predict_rps")
# Paced at half the measured /predict maximum: DELAY_MS per connection gives connections*1000/DELAY_MS req/s.
half=$((predict_rps / 2))
paced_connections=50
delay_ms=$(( (paced_connections * 1000 + half / 2) / half ))
[ "$delay_ms" -ge 1 ] || delay_ms=1
export DELAY_MS="$delay_ms"
connections=$paced_connections wrk_run paced "$url/predict" "$root/bench/serve/paced.lua"
read -r paced_rps paced_p50 paced_p99 paced_bad < "$work/paced.row"

echo "run.sh: reference gunicorn (2 sync workers) on CPU 0" >&2
cp -r "$shared/anchors" "$shared/data" "$work/"
chmod -R u+w "$work/anchors" "$work/data"
(cd "$work/anchors/seed_api" && DATA_DIR="$work/data" /usr/bin/python3 train.py > "$work/train_ref.txt" 2>&1)
ref_port=$(( 20000 + RANDOM % 20000 ))
(cd "$work/anchors/seed_api" && ANCHOR_BIND="127.0.0.1:$ref_port" exec taskset -c 0 /usr/bin/python3 -m gunicorn \
  -c ../gunicorn_conf.py app:app > "$work/gunicorn.out" 2>&1) &
bench_pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ref_port/health" > /dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$ref_port/health" > /dev/null 2>&1 ||
  { tail -n 20 "$work/gunicorn.out" >&2; bench_die "the reference gunicorn did not start (log above)"; }
wrk_run reference "http://127.0.0.1:$ref_port/predict" "$work/post_predict.lua"
read -r ref_rps ref_p50 ref_p99 ref_bad < "$work/reference.row"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
cat <<TABLE
| run (server on CPU 0, wrk -t1 on CPU 1, ${duration}s) | req/s | p50 ms | p99 ms | non-2xx | server CPU us/req |
|---|---:|---:|---:|---:|---:|
| cicada-model serve, GET /health, ${connections} connections | $health_rps | $health_p50 | $health_p99 | $health_bad | $health_cpu |
| cicada-model serve, POST /predict, ${connections} connections | $predict_rps | $predict_p50 | $predict_p99 | $predict_bad | $predict_cpu |
| cicada-model serve, POST /predict paced at half max (${paced_connections} conn x ${delay_ms} ms) | $paced_rps | $paced_p50 | $paced_p99 | $paced_bad | |
| reference gunicorn 2 workers, POST /predict, ${connections} connections | $ref_rps | $ref_p50 | $ref_p99 | $ref_bad | |

/predict vs reference: **$(ratio "$predict_rps" "$ref_rps")x** (goal >= 50x); /predict vs own /health: **$(ratio "$predict_rps" "$health_rps")** (goal >= 0.5); p99 at half max rate: **${paced_p99} ms** (goal < 2 ms).
TABLE
