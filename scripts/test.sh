#!/usr/bin/env bash
# The whole test suite on a fresh machine: install dependencies, build (release preset), run every test.
# Usage: scripts/test.sh            (what CI runs, via .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
