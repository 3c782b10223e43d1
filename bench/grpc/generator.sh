#!/usr/bin/env bash
# gRPC load-generator CPU per call (issue 18): cicada's YAML `grpc: ModelInfer` users vs the minimal grpc++
# async client bench_grpc_infer_load (ghz is not packaged by Debian), against the same
# `cicada-model serve --grpc-port` (CPU 0), each generator pinned to CPU 1, repeated, medians
# (bench/grpc/generator.py; method of bench/generator/measure.py). Loopback only; every run bounded.
#
#   bash bench/grpc/generator.sh [build dir]            (default: build/release)
#   REPS=5 WARMUP=3 WINDOW=5 CONCURRENCY=16 bash bench/grpc/generator.sh
# Prints a markdown table for bench/RESULTS.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/lib.sh"
build="${1:-$root/build/release}"
cicada="$(bench_exe "$build/apps/cicada/cicada")"
model="$(bench_exe "$build/apps/cicada-model/cicada-model")"
reference="$(bench_exe "$build/bench/bench_grpc_infer_load")"
[ "$(nproc)" -ge 2 ] || bench_die "needs 2 CPUs to pin server and generator apart"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timeout 900 /usr/bin/python3 "$root/bench/grpc/generator.py" --root "$root" --cicada "$cicada" --model "$model" \
  --reference "$reference" --work "$work" --reps "${REPS:-3}" --warmup "${WARMUP:-3}" --window "${WINDOW:-5}" \
  --concurrency "${CONCURRENCY:-16}"
