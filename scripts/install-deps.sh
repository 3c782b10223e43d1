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
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3-xgboost python3-numpy python3-pandas
  wrk nginx-light procps util-linux
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
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx-light's package starts a system nginx on port 80; benchmarks run their own.
if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now nginx >/dev/null 2>&1 || true; fi
$sudo pkill -x nginx 2>/dev/null || true
