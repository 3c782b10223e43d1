#!/usr/bin/env bash
# C++ vs YAML scenarios: cicada's CPU per request for the same load written both ways (issue 4: within 10%).
# cicada-model serve --threads 1 pinned to CPU 0; cicada --threads 1, 50 users, no think time, pinned to
# CPU 1. Pairs: health-max (.yaml/.cpp, GET /health) and randomized-max (.yaml/.cpp, random POST /predict
# 4 valid : 1 invalid). CPU = utime+stime of the whole cicada process (from /proc at exit, via GNU time),
# requests = the Aggregated row of its _stats.csv; the .cpp is compiled into the cache before timing.
#   bash bench/cpp_vs_yaml/run.sh [path/to/cicada [path/to/cicada-model]]     REPS=3 SECONDS_PER_RUN=8
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/lib.sh"
# Absolute paths: the script changes directory below.
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
model="$(bench_exe "${2:-$(dirname "$(dirname "$cicada")")/cicada-model/cicada-model}")"
reps="${REPS:-3}"
secs="${SECONDS_PER_RUN:-8}"
work="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"
cd "$work"  # cicada keeps its run history in ./.cicada: keep it out of the caller's folder

"$model" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
taskset -c 0 "$model" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 > "$work/serve.log" 2>&1 &
server_pid=$!
url="$(bench_url "$work/serve.log")"

# One run: writes "cpu_seconds requests" to $work/TAG.row. Called in this shell (not in $(...) or a
# pipe), so a run that measured nothing stops the script.
run() {
  local scenario="$1" tag="$2"
  /usr/bin/time -f "%U %S" -o "$work/time" taskset -c 1 "$cicada" -f "$scenario" --host "$url" --headless \
    -u 50 -r 50 --threads 1 -t "${secs}s" --csv "$work/$tag" --only-summary > "$work/$tag.log" 2>&1 || true
  local cpu requests
  cpu="$(awk '{print $1 + $2}' "$work/time")"
  requests="$(awk -F, '$2 == "Aggregated" {print $3}' "$work/${tag}_stats.csv" 2>/dev/null || true)"
  bench_measured "cicada -f $(basename "$scenario")" "$requests" "$work/$tag.log"
  echo "$cpu $requests" > "$work/$tag.row"
}

echo "| scenario | YAML us CPU/request | C++ us CPU/request | C++ / YAML |"
echo "|---|---|---|---|"
for pair in "bench/scenarios/health-max" "examples/randomized-max:bench/scenarios/randomized-max"; do
  yaml="$root/${pair%%:*}.yaml"
  cpp="$root/${pair##*:}.cpp"
  run "$cpp" warm  # compile into the cache, outside the timed runs
  ratios=()
  ys=()
  cs=()
  for _ in $(seq "$reps"); do
    run "$yaml" yaml
    read -r ycpu yreq < "$work/yaml.row"
    run "$cpp" cpp
    read -r ccpu creq < "$work/cpp.row"
    y="$(awk -v c="$ycpu" -v r="$yreq" 'BEGIN {printf "%.2f", c * 1e6 / r}')"
    c="$(awk -v c="$ccpu" -v r="$creq" 'BEGIN {printf "%.2f", c * 1e6 / r}')"
    ys+=("$y")
    cs+=("$c")
    ratios+=("$(awk -v a="$c" -v b="$y" 'BEGIN {printf "%.3f", a / b}')")
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
  echo "| $(basename "${pair##*:}") | $(median "${ys[@]}") (${ys[*]}) | $(median "${cs[@]}") (${cs[*]}) | $(median "${ratios[@]}") |"
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
