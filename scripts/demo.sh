#!/usr/bin/env bash
# The main job on a fresh machine: install, build, train the model, serve it, load test it headless for
# about 30 s with examples/randomized.yaml, print the final table and write the CSVs to out/.
# Usage: scripts/demo.sh [extra cicada flags...]     (DEMO_RUN_TIME=30s DEMO_USERS=50 to change the load)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target cicada cicada-model

bin=build/release/apps
out=out
mkdir -p "$out"
rm -rf "$out/model"
echo "== 1. train"
"$bin/cicada-model/cicada-model" train --data data/heart-disease.csv --out "$out/model" --cv 5

echo "== 2. serve"
log="$out/serve.log"
"$bin/cicada-model/cicada-model" serve --model "$out/model" --host 127.0.0.1 --port 0 >"$log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start:"; cat "$log"; exit 1; }
echo "serving on $url"
curl -s -X POST -H 'Content-Type: application/json' --data @data/payload.json "$url/predict"; echo

echo "== 3. load test (${DEMO_RUN_TIME:-30s}, ${DEMO_USERS:-50} users)"
set +e
"$bin/cicada/cicada" -f examples/randomized.yaml --host "$url" --headless --only-summary \
  -u "${DEMO_USERS:-50}" -r "${DEMO_SPAWN_RATE:-10}" -t "${DEMO_RUN_TIME:-30s}" --csv "$out/demo" \
  --history-db "$out/history.db" --threshold 'p95 < 50ms' --threshold 'fail_ratio < 1%' "$@"
code=$?
set -e
echo "== 4. report: $(ls "$out"/demo_*.csv | tr '\n' ' ')"
# The run is in out/history.db; the README's results section shows it and the trend of the last runs.
"$bin/cicada/cicada" report --markdown --readme README.md --history-db "$out/history.db"
echo "README.md results section updated (cicada history list --history-db $out/history.db for all runs)"
exit $code
