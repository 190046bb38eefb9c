#!/usr/bin/env bash
# A served pipeline against a bare model on the same server: linfa-serve serving a pipeline
# (StandardScaler -> PCA(4) -> LogisticRegression, fitted and saved from Python) and a K-Means
# (100 clusters) on the same 8 features, one at a time, under the same load: unary
# linfa.serving.v1 Predict (one row per request, 64 in flight) and batches (65536 rows per
# request, 2 in flight), REPEATS rounds alternating the two models; medians and their ratio.
# Usage: bash bench/serving/pipeline.sh      (BUILD, PY, REPEATS, DURATION, WARMUP from the environment)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PY=${PY:-/usr/bin/python3}
REPEATS=${REPEATS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}

cmake --build "$BUILD" -j2 --target linfa-serve linfa-loadgen _linfa > /dev/null
LOADGEN=$BUILD/serve/linfa-loadgen
WORK=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

PYTHONPATH=$BUILD/python/pkg "$PY" - "$WORK" <<'PYEOF'
import sys
import numpy as np
import linfa
rng = np.random.default_rng(3)
x = rng.standard_normal((20000, 8)) * rng.uniform(0.5, 5, 8) + rng.uniform(-10, 10, 8)
y = (x[:, 0] + x[:, 3] > np.median(x[:, 0] + x[:, 3])).astype(int) + (x[:, 5] > 0)
linfa.make_pipeline(linfa.StandardScaler(), linfa.PCA(4), linfa.LogisticRegression()).fit(x, y).save(f"{sys.argv[1]}/pipeline.linfa")
linfa.KMeans(100, n_init=1, random_state=0).fit(x).save(f"{sys.argv[1]}/kmeans.linfa")
PYEOF

start_server() {
    "$BUILD/serve/linfa-serve" --model "$1" --host 127.0.0.1 --port 0 > "$WORK/server.out" 2> "$WORK/server.err" &
    SERVER_PID=$!
    for _ in $(seq 300); do
        ADDRESS=$(sed -n 's/^listening on //p' "$WORK/server.out")
        [ -n "$ADDRESS" ] && return 0
        sleep 0.1
    done
    echo "linfa-serve did not start:"; cat "$WORK/server.err"; exit 1
}
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=; }

# measure MODEL ROUND: unary and batch throughput of one model, into $WORK/MODEL-{unary,batch}-ROUND.json
measure() {
    start_server "$WORK/$1.linfa"
    "$LOADGEN" --target "$ADDRESS" --call linfa.Predict --rows 1 --features 8 -c 64 --duration "$DURATION" \
        --warmup "$WARMUP" -o "$WORK/$1-unary-$2.json" > /dev/null
    "$LOADGEN" --target "$ADDRESS" --call linfa.Predict --rows 65536 --features 8 --distinct 8 -c 2 --duration "$DURATION" \
        --warmup "$WARMUP" -o "$WORK/$1-batch-$2.json" > /dev/null
    stop_server
}
for round in $(seq "$REPEATS"); do
    measure kmeans "$round"
    measure pipeline "$round"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$WORK" "$REPEATS" <<'PYEOF'
import json, statistics, sys
work, repeats = sys.argv[1], int(sys.argv[2])
def median(model, kind, key):
    return statistics.median(json.load(open(f"{work}/{model}-{kind}-{r}.json"))[key] for r in range(1, repeats + 1))
errors = sum(json.load(open(f"{work}/{m}-{k}-{r}.json"))["errors"] for m in ("kmeans", "pipeline")
             for k in ("unary", "batch") for r in range(1, repeats + 1))
print(f"errors: {errors}")
print(f"| load | K-Means (k=100) | pipeline (scaler -> PCA -> logistic) | pipeline / K-Means |")
print(f"|---|---|---|---|")
for kind, key, unit, scale in (("unary", "ok_rps", "req/s", 1), ("batch", "points_per_s", "M rows/s", 1e6)):
    k, p = median("kmeans", kind, key), median("pipeline", kind, key)
    print(f"| {kind} | {k / scale:,.1f} {unit} | {p / scale:,.1f} {unit} | {p / k:.2f} |")
PYEOF
