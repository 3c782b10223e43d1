#!/usr/bin/env bash
# The whole test suite on a fresh machine: install dependencies, build (release preset), run every test,
# then build the programs in the o3 preset (plain -O3 Release) to keep it warning-free.
# Usage: scripts/test.sh            (what CI runs, via .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
# A plain -O3 Release build of the programs must stay warning-free too (GCC 12 warns falsely at -O3 where
# -O2 does not, and warnings are errors): built after the tests, so their results come first.
cmake --preset o3 >/dev/null
cmake --build --preset o3
