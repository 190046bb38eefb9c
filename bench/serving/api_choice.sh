#!/usr/bin/env bash
# How linfa-serve's API style and thread count were chosen: unary Predict (1 point, k=100,
# d=2) at a few concurrency levels for the callback API and for the sync API with several
# worker-thread limits. Prints one line per configuration and level.
# Usage: bash bench/serving/api_choice.sh   (BUILD, DURATION, LEVELS from the environment)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
DURATION=${DURATION:-3}
LEVELS=${LEVELS:-"8 64 512"}
cmake --build "$BUILD" -j2 --target linfa-serve linfa-loadgen linfa-model-tool > /dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BUILD/serve/linfa-model-tool" train "$WORK/model.linfa" --clusters 100 --features 2 > /dev/null

for config in "callback 0" "sync 0" "sync 2" "sync 4" "sync 16"; do
    set -- $config
    "$BUILD/serve/linfa-serve" --model "$WORK/model.linfa" --port 0 --api "$1" --threads "$2" > "$WORK/out" 2> /dev/null &
    pid=$!
    until grep -qs listening "$WORK/out"; do sleep 0.1; done
    address=$(sed -n 's/^listening on //p' "$WORK/out")
    for c in $LEVELS; do
        "$BUILD/serve/linfa-loadgen" --target "$address" -c "$c" --duration "$DURATION" --warmup 0.5 |
            /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(f'api={sys.argv[1]:8} threads={sys.argv[2]:>2} c={d[\"concurrency\"]:>4}: {d[\"rps\"]:>7.0f} req/s p50 {d[\"latency_ms\"][\"p50\"]:6.2f} ms p99 {d[\"latency_ms\"][\"p99\"]:6.2f} ms errors {d[\"errors\"]}')" "$1" "$2"
    done
    kill -TERM "$pid"; wait "$pid"
done
