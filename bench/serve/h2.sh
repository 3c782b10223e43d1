#!/usr/bin/env bash
# cicada-model serve over HTTP/2 (h2c, prior knowledge) against HTTP/1.1 on the same port (issue 18): server
# CPU per request, one generator for both (h2load; --h1 for HTTP/1.1), so the client's cost cancels out.
# The server (--threads 1) is pinned to CPU 0, h2load to CPU 1; 50 connections with one request in flight
# on each (-m 1), and HTTP/2 with 10 streams in flight per connection (-m 10) as HTTP/2's own case.
# HTTP/1.1 is also measured against a second server started with --no-http2: what the preface check on a
# connection's first read costs. Repeated, medians; loopback only, every run bounded (about 3 minutes).
#
#   bash bench/serve/h2.sh [path/to/cicada-model]      (default: build/release/apps/cicada-model/cicada-model)
#   REPS=5 DURATION=8 bash bench/serve/h2.sh
#   TLS=1 bash bench/serve/h2.sh   (both servers over HTTPS: HTTP/2 chosen by ALPN, HTTP/1.1 with --h1)
# Prints a markdown table for bench/RESULTS.md, "cicada-model serve: HTTP/2 against HTTP/1.1".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/lib.sh"
bin="$(bench_exe "${1:-$root/build/release/apps/cicada-model/cicada-model}")"
reps="${REPS:-3}"
duration="${DURATION:-5}"
command -v h2load > /dev/null || bench_die "h2load is missing (Debian nghttp2-client: bash scripts/install-deps.sh)"
[ "$(nproc)" -ge 2 ] || bench_die "needs 2 CPUs to pin server and generator apart"

bench_scratch
tls_flags=()
check=(--http2-prior-knowledge)
h2_label="h2c"
if [ "${TLS:-0}" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
    -out "$work/cert.pem" -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2> /dev/null ||
    bench_die "openssl could not make a certificate"
  tls_flags=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
  check=(--http2 --cacert "$work/cert.pem")
  h2_label="h2 over TLS"
fi
echo "h2.sh: training the model" >&2
"$bin" train --data "$root/data/heart-disease.csv" --out "$work/model" > /dev/null
taskset -c 0 "$bin" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 "${tls_flags[@]}" \
  > "$work/serve.out" &
bench_pids+=($!)
serve_pid=$!
url="$(bench_url "$work/serve.out")"
curl -sf "${check[@]}" "$url/health" > /dev/null || bench_die "cicada-model at $url does not answer $h2_label"
# The same server with --no-http2, for HTTP/1.1 without the preface check on a connection's first read.
taskset -c 0 "$bin" serve --model "$work/model" --port 0 --threads 1 --max-inflight 100000 --no-http2 \
  "${tls_flags[@]}" > "$work/serve_off.out" &
bench_pids+=($!)
off_pid=$!
off_url="$(bench_url "$work/serve_off.out")"
curl -sf "${check[@]:1}" "$off_url/health" > /dev/null || bench_die "cicada-model --no-http2 at $off_url does not answer"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run NAME PATH H2LOAD_ARGS...: one bounded h2load run on CPU 1; appends "us_per_request rps" to NAME.rows.
# Names ending in _off go to the --no-http2 server.
run() {
  local name="$1" path="$2"
  shift 2
  local t0 t1 done_n pid="$serve_pid" base="$url"
  if [[ "$name" == *_off ]]; then pid="$off_pid" base="$off_url"; fi
  t0=$(cpu_ticks "$pid")
  taskset -c 1 timeout $((duration + 30)) h2load -c 50 -D "$duration" "$@" "$base$path" > "$work/$name.txt" 2>&1 ||
    bench_die "h2load $name failed: $(tail -n 5 "$work/$name.txt")"
  t1=$(cpu_ticks "$pid")
  done_n="$(awk '/^requests:/ { print $8 }' "$work/$name.txt")"
  bench_measured "h2load $name" "$done_n" "$work/$name.txt"
  grep -q "status codes: $done_n 2xx" "$work/$name.txt" || bench_die "h2load $name: not every answer was 2xx"
  awk -v a="$t0" -v b="$t1" -v n="$done_n" -v d="$duration" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f %.0f\n", (b - a) / hz * 1e6 / n, n / d }' >> "$work/$name.rows"
}

predict=(-d "$root/data/payload.json" -H "content-type: application/json")
for ((rep = 1; rep <= reps; rep++)); do
  echo "h2.sh: repetition $rep of $reps" >&2
  run health_off /health --h1 -m 1
  run health_h1 /health --h1 -m 1
  run health_h2 /health -m 1
  run health_h2m10 /health -m 10
  run predict_off /predict --h1 -m 1 "${predict[@]}"
  run predict_h1 /predict --h1 -m 1 "${predict[@]}"
  run predict_h2 /predict -m 1 "${predict[@]}"
  run predict_h2m10 /predict -m 10 "${predict[@]}"
done

col() { awk -v c="$2" '{ print $c }' "$work/$1.rows" | bench_median; }
echo "| route | protocol (h2load) | server CPU us/request (median of $reps) | per repetition | req/s (median) | vs HTTP/1.1 |"
echo "|---|---|---|---|---|---|"
for route in health predict; do
  base="$(col "${route}_h1" 1)"
  for mode in off h1 h2 h2m10; do
    name="${route}_$mode"
    label="$(case "$mode" in off) echo "HTTP/1.1, server --no-http2" ;; h1) echo "HTTP/1.1 (--h1 -m 1)" ;;
      h2) echo "$h2_label (-m 1)" ;; *) echo "$h2_label (-m 10)" ;; esac)"
    us="$(col "$name" 1)"
    echo "| /$route | $label | $us | $(awk '{ printf "%s%s", sep, $1; sep = ", " }' "$work/$name.rows") | $(col "$name" 2) | $(awk -v a="$us" -v b="$base" 'BEGIN { printf "%.2fx", a / b }') |"
  done
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
