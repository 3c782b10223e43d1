# Sourced by the bench/ scripts: a benchmark whose generator or target failed to start, or that measured
# nothing, stops with the reason instead of printing a table of zeros.

# bench_die MESSAGE...: the reason on stderr, exit 1.
bench_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# bench_exe PATH: PATH made absolute (scripts change directory), or exit 2 when it is not an executable.
# Use as var="$(bench_exe "$path")": under set -e the assignment then stops the script too.
bench_exe() {
  if [ ! -f "$1" ] || [ ! -x "$1" ]; then
    echo "$(basename "$0"): no executable at $1 (build it, or pass its path)" >&2
    exit 2
  fi
  realpath "$1"
}

# bench_measured WHAT VALUE [LOG]: stops unless VALUE is a number above 0, with LOG's last lines.
bench_measured() {
  if ! awk -v v="${2:-}" 'BEGIN { exit !(v ~ /^[0-9.eE+-]+$/ && v + 0 > 0) }'; then
    [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" >&2
    bench_die "$1 measured nothing (got '${2:-}')${3:+; log above, from $3}"
  fi
}

# bench_url LOG [SECONDS]: waits for a server's "http://127.0.0.1:PORT" line in LOG and prints the URL;
# stops with the log when it does not come (the server failed to start).
bench_url() {
  local url="" i
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$1" 2>/dev/null | head -1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    tail -n 20 "$1" >&2 || true
    bench_die "the server did not start (its log above, from $1)"
  fi
  echo "$url"
}
