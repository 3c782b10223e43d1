#!/usr/bin/env bash
# Soak: cicada against cicada-model serve for a bounded long period, to show that nothing grows without
# bound and every request is accounted for (issue 13, "Soak").
#
#   bash bench/soak/run.sh [path/to/cicada [path/to/cicada-model]]     (default build/release/apps/...)
#   DURATION=600 bash bench/soak/run.sh        (seconds, default 10 minutes; hours work the same way)
#
# Load (soak.yaml): 10 fixed users pacing POST /predict at 200/s in all, plus 2-6 churning users (GET
# /health) that the stages start and stop every 20 s. The server runs --threads 1 on CPU 0, cicada
# --threads 1 on CPU 1 (one CPU: both on it). Loopback only; the run bounds itself (its stages).
# Every minute: both processes' resident memory (VmRSS) and open file descriptors. At the end: the
# requests cicada counted vs the responses the server counted (from its /metrics), which may differ by
# at most the requests in flight when the run stopped (one per user), and the growth of RSS and fds
# from the first minute to the last. Exits 1 when the counts disagree, a request failed, or RSS grew
# more than RSS_GROWTH_LIMIT_PCT (default 20) % or fds more than FD_GROWTH_LIMIT (default 8).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"
cicada="$(bench_exe "${1:-$root/build/release/apps/cicada/cicada}")"
model="$(bench_exe "${2:-$(dirname "$(dirname "$cicada")")/cicada-model/cicada-model}")"
duration="${DURATION:-600}"
[ "$duration" -ge 60 ] || bench_die "DURATION must be at least 60 seconds (one sample a minute), got $duration"
rss_limit_pct="${RSS_GROWTH_LIMIT_PCT:-20}"
fd_limit="${FD_GROWTH_LIMIT:-8}"
max_users=16  # 10 fixed + at most 6 churning: the most requests that can be in flight at the stop

server_cpu=0 load_cpu=1
[ "$(nproc)" -ge 2 ] || load_cpu=0
work="$(mktemp -d)"
server="" client=""
cleanup() {
  # Only what this script started, by PID.
  [ -n "$client" ] && kill "$client" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp -r "$work/." "$KEEP/"
  rm -rf "$work"
}
trap cleanup EXIT

"$model" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
taskset -c "$server_cpu" "$model" serve --model "$work/model" --port 0 --threads 1 > "$work/serve.log" 2>&1 &
server=$!
url="$(bench_url "$work/serve.log")"

# Stages: 20 s at 16 users, 20 s at 12, ... (10 of them fixed): the churning users start and stop.
stages="" t=0 high=1
while [ "$t" -lt "$duration" ]; do
  step=$(( duration - t < 20 ? duration - t : 20 ))
  users=$(( high ? max_users : 12 ))
  stages+="${stages:+,}${step}s:${users}@20"
  t=$(( t + step )) high=$(( 1 - high ))
done
(cd "$work" && exec taskset -c "$load_cpu" "$cicada" -f "$here/soak.yaml" --host "$url" --headless \
  --only-summary --threads 1 --stages "$stages" --csv "$work/soak" --no-history > "$work/cicada.log" 2>&1) &
client=$!

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# The pid of cicada itself (the subshell exec'd taskset, which exec'd cicada: same pid).
echo "| minute | cicada RSS MB | cicada fds | cicada-model RSS MB | cicada-model fds | load avg |"
echo "|---:|---:|---:|---:|---:|---:|"
first_c_rss="" first_s_rss="" first_c_fd="" first_s_fd=""
minute=0
start=$(date +%s)
while kill -0 "$client" 2>/dev/null; do
  next=$(( start + (minute + 1) * 60 ))
  while kill -0 "$client" 2>/dev/null && [ "$(date +%s)" -lt "$next" ]; do sleep 1; done
  kill -0 "$client" 2>/dev/null || break
  minute=$(( minute + 1 ))
  c_rss=$(rss_kb "$client") c_fd=$(fds "$client") s_rss=$(rss_kb "$server") s_fd=$(fds "$server")
  [ -z "$first_c_rss" ] && first_c_rss=$c_rss first_s_rss=$s_rss first_c_fd=$c_fd first_s_fd=$s_fd
  last_c_rss=$c_rss last_s_rss=$s_rss last_c_fd=$c_fd last_s_fd=$s_fd
  awk -v m="$minute" -v cr="$c_rss" -v cf="$c_fd" -v sr="$s_rss" -v sf="$s_fd" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "| %d | %.1f | %d | %.1f | %d | %s |\n", m, cr / 1024, cf, sr / 1024, sf, l }'
done
client_status=0
wait "$client" || client_status=$?
client=""
[ -n "$first_c_rss" ] || bench_die "the run ended before its first minute (log: $(tail -n 5 "$work/cicada.log"))"

# The server's count: every response but our own scrapes of /metrics (none before this one).
server_count="$(bench_served "$url")"
row="$(awk -F, '$2 == "Aggregated" {print $3, $4}' "$work/soak_stats.csv" 2>/dev/null || true)"
read -r client_count client_failures <<< "${row:-0 0}"
bench_measured "cicada" "$client_count" "$work/cicada.log"
diff=$(( server_count - client_count ))
rss_growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 100 / a }'; }
c_growth=$(rss_growth "$first_c_rss" "$last_c_rss")
s_growth=$(rss_growth "$first_s_rss" "$last_s_rss")
echo
echo "requests: cicada counted $client_count ($client_failures failed), the server answered $server_count" \
  "(difference $diff; at most $max_users may be in flight at the stop); cicada exit $client_status"
echo "growth from minute 1 to minute $minute: cicada RSS ${c_growth}%, fds $(( last_c_fd - first_c_fd ));" \
  "cicada-model RSS ${s_growth}%, fds $(( last_s_fd - first_s_fd ))"
fail=0
[ "${diff#-}" -le "$max_users" ] || { echo "FAIL: the counts differ by more than the requests in flight"; fail=1; }
[ "$client_failures" -eq 0 ] || { echo "FAIL: $client_failures requests failed"; fail=1; }
for g in "$c_growth" "$s_growth"; do
  awk -v g="$g" -v l="$rss_limit_pct" 'BEGIN { exit !(g > l) }' && { echo "FAIL: RSS grew ${g}% (limit ${rss_limit_pct}%)"; fail=1; }
done
for d in $(( last_c_fd - first_c_fd )) $(( last_s_fd - first_s_fd )); do
  [ "$d" -le "$fd_limit" ] || { echo "FAIL: open fds grew by $d (limit $fd_limit)"; fail=1; }
done
exit $fail
