#!/usr/bin/env bash
# Runs libFuzzer targets (tests/fuzz/*_fuzz.cpp) for a bounded time each.
# Usage: tests/fuzz/run.sh TARGET|all [SECONDS] [FUZZ_BUILD_DIR]
#   ctest runs each target for 5 s (Fuzz.<target>); for a real search give it minutes or hours:
#   bash tests/fuzz/run.sh all 600 build/release/fuzz
# The seed corpus (corpus/TARGET) and the crash inputs found so far (regressions/TARGET) run first; a
# failure there is a regression. New interesting inputs go to a scratch corpus in the build folder, crash
# inputs to BUILD/artifacts/ (copy one into regressions/TARGET/ once fixed, so it is replayed forever).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:?usage: run.sh TARGET|all [SECONDS] [FUZZ_BUILD_DIR]}"
seconds="${2:-5}"
build="$(cd "${3:-$here/../../build/release/fuzz}" && pwd)"

run_one() {
  local name="$1" bin="$build/$1_fuzz"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin is not built (cmake --build the main build, or ninja -C $build)" >&2
    return 1
  fi
  local scratch="$build/scratch/$name"
  mkdir -p "$scratch" "$build/artifacts"
  local dirs=("$scratch" "$here/corpus/$name")
  [ -d "$here/regressions/$name" ] && dirs+=("$here/regressions/$name")
  echo "fuzz: $name for ${seconds}s"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: memory bounded per input.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$name-" "${dirs[@]}"
}

if [ "$target" = all ]; then
  for src in "$here"/*_fuzz.cpp; do
    name="$(basename "$src" _fuzz.cpp)"
    run_one "$name"
  done
else
  run_one "$target"
fi
