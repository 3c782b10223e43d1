#!/usr/bin/env bash
# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (the asan preset): build/asan.
# Not in CI (.ci/run): building everything a second time and running the suite 2-3x slower does not fit
# CI's 90 minutes on 2 cores beside the release build and suite. Run it before landing anything that
# touches memory or lifetimes, and after sanitizer-relevant changes. Any report fails the test it is in.
# Usage: scripts/test-asan.sh [ctest args...]    e.g. scripts/test-asan.sh -R 'ModelApiTest|ServerTest'
# With ccache: CMAKE_CXX_COMPILER_LAUNCHER=ccache scripts/test-asan.sh   (CMake reads it from the env)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset asan >/dev/null
cmake --build --preset asan -j "${JOBS:-2}"
# halt_on_error/abort: a report fails the test; detect_leaks: memory never freed is a report too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --preset asan -j "${JOBS:-2}" "$@"
