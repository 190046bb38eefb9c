#!/usr/bin/env bash
# The seed's inference benchmark: one model (K-Means, 100 centroids x 2 features) behind three
# gRPC servers, loaded by the same closed-loop client (linfa-loadgen), unary Predict with one
# point per request, over a concurrency sweep; then linfa-serve's batch API in points/s.
#   1. Python grpcio + scikit-learn     (sk_server.py)
#   2. Python grpcio + linfa's Python package (linfa_py_server.py; skipped if `import linfa` fails)
#   3. linfa-serve
# Usage: bash bench/serving/run.sh      (settings below can be overridden from the environment)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PY=${PY:-/usr/bin/python3}                                   # the Python with numpy, sklearn, grpcio
LINFA_PYTHONPATH=${LINFA_PYTHONPATH:-$BUILD/python/pkg}      # where `import linfa` is found
LEVELS=${LEVELS:-"2 4 8 16 32 64 128 256 512 1024"}          # concurrency sweep
DURATION=${DURATION:-5}                                      # measured seconds per level
WARMUP=${WARMUP:-1}                                          # unmeasured seconds per level
OUT=${OUT:-$ROOT/bench/serving/results}                      # raw JSON per run
HERE=$ROOT/bench/serving

cmake -S "$ROOT" -B "$BUILD" > /dev/null  # (re)configure: picks up serve/ in a build dir made before it existed
cmake --build "$BUILD" -j2 --target linfa-serve linfa-loadgen linfa-model-tool linfa_serve_python_stubs
# linfa's Python package (python/, target _linfa) for scenario 2, when this build has it.
cmake --build "$BUILD" -j2 --target _linfa > /dev/null 2>&1 || echo "(no _linfa target built in $BUILD: scenario 2 needs LINFA_PYTHONPATH)"
STUBS=$BUILD/serve/python
LOADGEN=$BUILD/serve/linfa-loadgen
WORK=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.json
# The machine is often shared: record its load so the figures can be read with it.
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/load.txt"

# The one model every scenario serves (binary for linfa, JSON for scikit-learn).
"$BUILD/serve/linfa-model-tool" train "$WORK/model.linfa" --clusters 100 --features 2 --seed 42 --json-copy "$WORK/model.json"

# start_server NAME CMD...: starts it, waits for "listening on HOST:PORT", sets ADDRESS.
start_server() {
    local name=$1; shift
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    SERVER_PID=$!
    for _ in $(seq 300); do
        ADDRESS=$(sed -n 's/^listening on //p' "$WORK/$name.out")
        [ -n "$ADDRESS" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name did not start:"; cat "$WORK/$name.err"; exit 1
}

stop_server() {
    kill -TERM "$SERVER_PID"
    local code=0
    wait "$SERVER_PID" || code=$?
    echo "  $1 stopped, exit code $code"
    SERVER_PID=
}

# sweep NAME: unary Predict at every concurrency level against $ADDRESS.
sweep() {
    for c in $LEVELS; do
        "$LOADGEN" --target "$ADDRESS" --call Predict -c "$c" --duration "$DURATION" --warmup "$WARMUP" \
            -o "$OUT/$1-c$c.json" > /dev/null
        "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(f'  {sys.argv[2]:>8} c={d[\"concurrency\"]:>5}: {d[\"rps\"]:>9.0f} req/s  p50 {d[\"latency_ms\"][\"p50\"]:7.2f} ms  p99 {d[\"latency_ms\"][\"p99\"]:7.2f} ms  errors {d[\"errors\"]}')" "$OUT/$1-c$c.json" "$1"
    done
}

# Do the three servers agree with each other on the same points?
agree() { PYTHONPATH=$STUBS "$PY" "$HERE/agree.py" "$ADDRESS" "$WORK/$1.labels"; }

echo "== 1. Python grpcio + scikit-learn"
start_server sklearn env PYTHONPATH="$STUBS" "$PY" "$HERE/sk_server.py" 0 "$WORK/model.json"
agree sklearn; sweep sklearn; stop_server sklearn

echo "== 2. Python grpcio + linfa (Python package, PYTHONPATH=$LINFA_PYTHONPATH)"
if PYTHONPATH="$LINFA_PYTHONPATH" "$PY" -c "import linfa; linfa.KMeans.load" 2> "$WORK/linfa-import.err"; then
    start_server linfa-python env PYTHONPATH="$LINFA_PYTHONPATH:$STUBS" "$PY" "$HERE/linfa_py_server.py" 0 "$WORK/model.linfa"
    agree linfa-python; sweep linfa-python; stop_server linfa-python
else
    echo "  SKIPPED: 'import linfa' failed with PYTHONPATH=$LINFA_PYTHONPATH ($(tail -1 "$WORK/linfa-import.err"))"
    echo "  build the Python package, or set LINFA_PYTHONPATH to where it is"
fi

echo "== 3. linfa-serve"
start_server linfa-serve "$BUILD/serve/linfa-serve" --model "$WORK/model.linfa" --host 127.0.0.1 --port 0
agree linfa-serve; sweep linfa-serve
echo "== linfa-serve batch API (linfa.serving.v1 Predict, 65536 rows per request)"
for scalar in f64 f32; do
    flag=; [ "$scalar" = f32 ] && flag=--f32
    "$LOADGEN" --target "$ADDRESS" --call linfa.Predict --rows 65536 --distinct 8 -c 2 --duration "$DURATION" \
        --warmup "$WARMUP" $flag -o "$OUT/batch-$scalar.json" > /dev/null
    "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(f'  {sys.argv[2]} rows: {d[\"points_per_s\"]/1e6:.1f} M points/s, errors {d[\"errors\"]}')" "$OUT/batch-$scalar.json" "$scalar"
done
stop_server linfa-serve

for f in "$WORK"/*.labels; do cmp -s "$f" "$WORK/linfa-serve.labels" || echo "WARNING: $(basename "$f" .labels) disagrees with linfa-serve"; done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
"$PY" "$HERE/report.py" "$OUT" "$HERE"
