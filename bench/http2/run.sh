#!/usr/bin/env bash
# HTTP/2 load-generator CPU per request (issue 18): cicada --http2 vs h2load (Debian nghttp2-client) against
# nginx with http2 on (h2c, static "OK" on /health), nginx pinned to CPU 0 and each generator to CPU 1,
# repeated, medians (bench/http2/run.py; method of bench/generator/measure.py: generator CPU from /proc
# over a steady window, requests counted by nginx). Both generators keep 50 connections with one request
# in flight on each (cicada: 50 users, one connection each; h2load -c 50 -m 1); h2load -m 10 is shown
# for reference. Loopback only; every run bounded.
#
#   bash bench/http2/run.sh [build dir]              (default: build/release)
#   REPS=5 WARMUP=3 WINDOW=5 bash bench/http2/run.sh
#   TLS=1 bash bench/http2/run.sh                    (https: TLS with ALPN h2, cicada --insecure)
# Prints a markdown table for bench/RESULTS.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/lib.sh"
build="${1:-$root/build/release}"
cicada="$(bench_exe "$build/apps/cicada/cicada")"
command -v h2load > /dev/null || bench_die "h2load is missing (Debian nghttp2-client: bash scripts/install-deps.sh)"
command -v nginx > /dev/null || bench_die "nginx is missing (bash scripts/install-deps.sh)"
[ "$(nproc)" -ge 2 ] || bench_die "needs 2 CPUs to pin server and generator apart"
bench_scratch
port="$(bench_free_port)"
status_port="$(bench_free_port)"
mkdir -p "$work/tmp"
scheme=http listen=http2 tls_files=""
if [ "${TLS:-0}" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null || bench_die "openssl could not make a certificate"
  scheme=https listen="ssl http2"
  tls_files="ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;"
fi
sed -e "s/STATUS_PORT/$status_port/" -e "s/PORT/$port/" -e "s/LISTEN_OPTIONS/$listen/" \
  -e "s|TLS_FILES|$tls_files|" "$root/bench/http2/nginx-h2.conf" > "$work/nginx.conf"
taskset -c 0 nginx -p "$work/" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
nginx_pid=$!
bench_pids+=("$nginx_pid")
worker=""
for ((i = 0; i < 100; i++)); do
  if curl -sf "http://127.0.0.1:$status_port/nginx_status" > /dev/null 2>&1; then
    worker="$(pgrep -P "$nginx_pid" | head -1 || true)"
    [ -n "$worker" ] && break
  fi
  sleep 0.1
done
[ -n "$worker" ] || { tail -n 20 "$work/nginx-error.log" >&2 || true; bench_die "nginx did not start"; }
timeout 900 /usr/bin/python3 "$root/bench/http2/run.py" --root "$root" --cicada "$cicada" --work "$work" \
  --base "$scheme://127.0.0.1:$port" --status "http://127.0.0.1:$status_port/nginx_status" --server-pid "$worker" \
  --reps "${REPS:-3}" --warmup "${WARMUP:-3}" --window "${WINDOW:-5}"
