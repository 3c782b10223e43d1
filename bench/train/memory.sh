#!/bin/sh
# Peak memory (max RSS) and time of `cicada-model train` on a generated CSV of MB megabytes (default 80).
# Usage: bench/train/memory.sh [BINARY [MB]]   (BINARY: default build/release/apps/cicada-model/cicada-model)
set -eu
cd "$(dirname "$0")/../.."
bin=${1:-build/release/apps/cicada-model/cicada-model}
mb=${2:-80}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/train/make_csv.py "$work/big.csv" "$mb"
ls -l "$work/big.csv"
/usr/bin/time -v "$bin" train --data "$work/big.csv" --out "$work/model" 2>"$work/time.txt" >"$work/out.txt" || true
grep -E "Maximum resident|Elapsed \(wall|User time|System time|Exit status" "$work/time.txt"
grep -v "^\s" "$work/time.txt" | grep "cicada-model train:" || true
cat "$work/out.txt"
