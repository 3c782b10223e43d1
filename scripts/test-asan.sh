#!/usr/bin/env bash
# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (the asan preset): build/asan.
# Not in CI (.ci/run): building everything a second time and running the suite 2-3x slower does not fit
# CI's 90 minutes on 2 cores beside the release build and suite. Run it before landing anything that
# touches memory or lifetimes, and after sanitizer-relevant changes. Any report fails the test it is in.
# Usage: scripts/test-asan.sh [ctest args...]    e.g. scripts/test-asan.sh -R 'ModelApiTest|ServerTest'
# JOBS (default 2) sets build and test jobs. ccache is used when installed (a rebuild is then mostly hits).
# What a full run takes and found: docs/developing.md, "Sanitizers".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake --preset asan "${launcher[@]}" >/dev/null
cmake --build --preset asan -j "${JOBS:-2}"
# abort_on_error: a report fails the test; detect_leaks: memory never freed is a report too. The binaries
# the tests start (cicada, cicada-model, workers) inherit these.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
# Leaks that are not ours (the embedded CPython's, never finalized): scripts/asan/lsan.supp says why each.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/scripts/asan/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --preset asan -j "${JOBS:-2}" "$@"
