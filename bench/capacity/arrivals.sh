#!/usr/bin/env bash
# What paced and Poisson arrivals cost the target: cicada-model serve --threads 1 (CPU 0) under
# `cicada --arrival-rate RATE` with --arrival-distribution constant, then poisson, then a closed loop of
# 16 users (the flood wrk measures), alternating for ROUNDS rounds, 8 s each, cicada on CPU 1. The
# server's CPU per request comes from /proc/PID/stat and its own request counter (/metrics) read before
# and after each run; the ratios are within a round (this VM's speed moves by the minute).
#
#   RATE=40000 ROUNDS=3 bash bench/capacity/arrivals.sh [path/to/cicada-model] [path/to/cicada]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/bench/lib.sh"
model_bin="$(bench_exe "${1:-$root/build/release/apps/cicada-model/cicada-model}")"
cicada_bin="$(bench_exe "${2:-$root/build/release/apps/cicada/cicada}")"
rate="${RATE:-40000}"
rounds="${ROUNDS:-3}"
bench_scratch
bench_model_serve "$model_bin" "$work" 0
server="$BENCH_MODEL_PID" url="$BENCH_MODEL_URL"
ticks=$(getconf CLK_TCK)
cpu_s() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$server/stat"; }
served() { bench_served "$url"; }
measure() {  # cicada flags... -> "req/s µs/req" of the server over the run
  local c0 r0 c1 r1
  c0=$(cpu_s); r0=$(served)
  taskset -c 1 "$cicada_bin" -f "$root/examples/fixed-predict.yaml" --host "$url" --headless -t 8s --threads 1 \
    --only-summary --no-history "$@" >"$work/run.txt" 2>&1 || { cat "$work/run.txt" >&2; exit 1; }
  c1=$(cpu_s); r1=$(served)
  python3 -c "
r = $r1 - $r0; c = $c1 - $c0
if r <= 0: raise SystemExit('arrivals.sh: the server answered nothing')
print(f'{r / 8:.0f} {c / r * 1e6:.2f}')"
}
echo "| round | paced: req/s | paced: server µs/req | Poisson: req/s | Poisson: server µs/req | closed 16 users: req/s | closed: server µs/req | Poisson / paced | paced / closed |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
ratios=()
for i in $(seq "$rounds"); do
  read -r pr pu < <(measure --arrival-rate "$rate" --arrival-distribution constant)
  read -r qr qu < <(measure --arrival-rate "$rate" --arrival-distribution poisson)
  read -r cr cu < <(measure -u 16 -r 16)
  ratio=$(python3 -c "print(f'{$qu / $pu:.3f}')")
  ratios+=("$ratio")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$pr" "$pu" "$qr" "$qu" "$cr" "$cu" "$ratio" \
    "$(python3 -c "print(f'{$pu / $cu:.3f}')")"
done
echo
echo "median Poisson / paced server CPU per request at $rate/s: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
