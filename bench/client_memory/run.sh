#!/usr/bin/env bash
# Memory of the HTTP client when users download a large body (issue 12, "Bounded memory"): the peak RSS
# of cicada with N users, each downloading a BODY_MB body again and again for SECONDS, against a reference
# cicada binary (e.g. one built before the body cap) measured in the same run.
#
#   bash bench/client_memory/run.sh [cicada [reference-cicada]]
#   USERS="1 4" BODY_MB=200 SECONDS_PER_RUN=10 bash bench/client_memory/run.sh build/release/apps/cicada/cicada /tmp/cicada_old
#
# Loopback only; the body server is started here and stopped by its PID; every cicada run is bounded by -t.
# Prints one line per (binary, users): peak RSS (MB), requests completed, and MB received per second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cicada="$(realpath "${1:-$root/build/release/apps/cicada/cicada}")"
reference="${2:-}"
[ -n "$reference" ] && reference="$(realpath "$reference")"
users_list="${USERS:-1 4}"
body_mb="${BODY_MB:-200}"
seconds="${SECONDS_PER_RUN:-10}"
[ -x "$cicada" ] || { echo "run.sh: no cicada at $cicada" >&2; exit 2; }

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
/usr/bin/python3 "$here/big_body_server.py" "$body_mb" > "$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(head -1 "$work/port")"
[ -n "$port" ] || { echo "run.sh: the body server did not start" >&2; exit 1; }

measure() {  # binary users
  local bin="$1" users="$2" csv="$work/run"
  rm -f "$csv"_stats.csv
  /usr/bin/time -f "%M" -o "$work/rss" timeout $((seconds + 60)) "$bin" -f "$here/big_body.yaml" \
    --host "http://127.0.0.1:$port" --headless -u "$users" -r "$users" -t "${seconds}s" --csv "$csv" \
    --only-summary --no-history --threads 1 > "$work/log" 2>&1 || true
  local rss_kb requests bytes
  rss_kb="$(tail -1 "$work/rss")"
  requests="$(awk -F, '$2=="Aggregated"{print $3}' "$csv"_stats.csv 2>/dev/null || echo 0)"
  # Average content size x requests = bytes downloaded in completed responses.
  bytes="$(awk -F, '$2=="Aggregated"{printf "%.0f", $3*$9}' "$csv"_stats.csv 2>/dev/null || echo 0)"
  if [ -z "$requests" ] || [ "$requests" = "0" ]; then
    echo "run.sh: $bin with $users users completed no request (log below)" >&2
    cat "$work/log" >&2
    exit 1
  fi
  awk -v b="$(basename "$bin")" -v u="$users" -v m="$body_mb" -v r="$rss_kb" -v n="$requests" \
    -v bytes="$bytes" -v s="$seconds" 'BEGIN { printf "| %s | %s | %s | %.0f | %s | %.0f |\n", b, u, m, r / 1024, n, bytes / 1048576 / s }'
}

echo "| binary | users | body MB | peak RSS MB | requests | MB/s received |"
echo "|---|---|---|---|---|---|"
for users in $users_list; do
  measure "$cicada" "$users"
  [ -n "$reference" ] && measure "$reference" "$users"
done
