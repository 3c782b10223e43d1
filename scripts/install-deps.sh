#!/usr/bin/env bash
# Installs every Debian package that cicada's build, tests, demo and benchmarks need.
# Idempotent and quiet when everything is already present: it only calls apt-get
# when a package is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates curl
  # libraries (see ARCHITECTURE.md, "Dependencies")
  libboost1.74-dev libssl-dev libsimdjson-dev nlohmann-json3-dev libyaml-cpp-dev
  libcli11-dev libfmt-dev libsqlite3-dev sqlite3 libzmq3-dev cppzmq-dev libmsgpack-cxx-dev
  libxgboost-dev xgboost libhttp-parser-dev
  # io_uring for the floor benchmark (bench/floor: SINGLE_ISSUER | DEFER_TASKRUN)
  liburing-dev
  # gRPC (Open Inference Protocol v2: cicada-model --grpc-port, src/grpc_oip) and HTTP/2 (docs/protocols.md)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libnghttp2-dev
  # locustfiles (src/python): embedded CPython 3.11, pybind11, greenlet; Locust itself for the side-by-side tests
  python3-dev pybind11-dev python3-greenlet python3-locust
  # tests and benchmarks; clang + its runtime libraries for the libFuzzer targets (tests/fuzz)
  clang libclang-rt-dev libgtest-dev libgmock-dev libbenchmark-dev python3-xgboost python3-numpy python3-pandas
  wrk nginx-light procps util-linux nghttp2-client
  # profiling the servers and the generator (perf record -g; bench/RESULTS.md profiles)
  linux-perf
  # JUnit XML checked against its schema (xmllint); /metrics parsed by Prometheus's own Python parser
  libxml2-utils python3-prometheus-client
  # the web UI: npm builds web/ at build time; its browser test drives Debian's Chromium
  chromium
)

# --bench: also the reference Python stack the macro benchmarks compare against (shared/anchors:
# Flask + gunicorn serving a scikit-learn pipeline; Locust), e.g. for bench/serve/run.sh and
# bench/generator/run.sh.
if [ "${1:-}" = "--bench" ]; then
  packages+=(python3-flask gunicorn python3-sklearn python3-pandas python3-joblib python3-locust)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Installing only: nothing of the machine's is stopped, disabled or killed (nginx-light's package may
  # start a system nginx on port 80; the benchmarks start their own nginx on their own port and stop it by
  # PID). tests/scripts/no_kill_by_name_test.sh holds every script to this.
fi

# npm packages of the web UI (uPlot) and of its browser test (playwright-core), from their lock files.
# The build runs its own `npm ci` in the build folder; this fills the npm cache (so builds work offline
# afterwards) and prepares web/ for `npm run build` by hand. Skipped when node_modules is up to date.
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$root/web" "$root/tests/e2e/webui"; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
