#!/usr/bin/env bash
# Demo of linfa-serve: fit K-Means in C++ on the seed's four blobs and save it, serve the file
# over gRPC and REST, ask it about a few points (Python grpcio client, if /usr/bin/python3 has
# grpcio; the Open Inference Protocol's REST endpoint and /metrics with urllib) and put it
# under load for a few seconds (linfa-loadgen), then stop it with SIGTERM and check
# that it exits 0. Assumes the build directory ./build (cmake -S . -B build). MODEL=path serves
# that file (4 clusters, 2 features) instead of training one.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PY=${PY:-/usr/bin/python3}
cmake -S . -B "$BUILD" > /dev/null  # (re)configure: picks up serve/ in a build dir made before it existed
cmake --build "$BUILD" -j2 --target linfa-serve linfa-loadgen linfa-model-tool linfa_serve_python_stubs

WORK=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

MODEL=${MODEL:-}
if [ -z "$MODEL" ]; then
    echo "== train: K-Means, 4 clusters, on the seed's blobs (centres [10,10] [1,12] [20,30] [-20,30])"
    MODEL="$WORK/blobs.linfa"
    "$BUILD/serve/linfa-model-tool" train "$MODEL" --clusters 4 --features 2 --per-cluster 10000 --seed 42
fi

cat > "$WORK/serve.toml" <<'TOML'
[model]
name = "seed-blobs"
version = "1"
feature_names = ["x", "y"]
[limits]
max_rows_per_request = 100000
TOML

echo "== serve it on 127.0.0.1, a free port"
"$BUILD/serve/linfa-serve" --model "$MODEL" --config "$WORK/serve.toml" --host 127.0.0.1 --port 0 --http-port 0 \
    > "$WORK/server.out" &
SERVER_PID=$!
until grep -qs '^listening on' "$WORK/server.out"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "linfa-serve failed to start"; exit 1; }
    sleep 0.1
done
ADDRESS=$(sed -n 's/^listening on //p' "$WORK/server.out")
HTTP_ADDRESS=$(sed -n 's/^http listening on //p' "$WORK/server.out")
echo "linfa-serve is listening on $ADDRESS (gRPC) and $HTTP_ADDRESS (REST, /metrics)"

if "$PY" -c "import grpc" 2>/dev/null; then
    echo "== ask it (Python grpcio client)"
    PYTHONPATH="$BUILD/serve/python" "$PY" - "$ADDRESS" <<'PYTHON'
import sys, grpc
import centroids_pb2 as pb, centroids_pb2_grpc as pbg
import linfa_serving_pb2 as lpb, linfa_serving_pb2_grpc as lpbg
channel = grpc.insecure_channel(sys.argv[1])
meta = lpbg.ModelServiceStub(channel).GetModelMetadata(lpb.GetModelMetadataRequest(), timeout=5)
print(f"model {meta.name} v{meta.version}: {meta.kind} ({meta.scalar}), {meta.n_clusters} clusters, "
      f"features {list(meta.feature_names)}")
seed = pbg.ClusteringServiceStub(channel)
for point in ([10, 10], [1, 12], [20, 30], [-20, 30], [9.5, 10.8]):
    print(f"  Predict {point} -> cluster {seed.Predict(pb.PredictRequest(features=point), timeout=5).cluster_index}")
batch = lpbg.ModelServiceStub(channel).Predict(
    lpb.PredictRequest(n_rows=3, f64=[10, 10, 20, 30, -20, 30], return_distances=True), timeout=5)
print(f"  batch of 3 -> labels {list(batch.labels)}, distances {[round(d, 3) for d in batch.distances]}")
try:
    seed.Predict(pb.PredictRequest(features=[1, 2, 3]), timeout=5)
except grpc.RpcError as e:
    print(f"  Predict [1, 2, 3] -> {e.code().name}: {e.details()}")
PYTHON
else
    echo "(no grpcio in $PY: skipping the Python client)"
fi

echo "== 3 s of load: unary Predict, 64 concurrent (linfa-loadgen)"
"$BUILD/serve/linfa-loadgen" --target "$ADDRESS" --call Predict -c 64 --duration 3 --warmup 0.5 > "$WORK/load.json"
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); l=d['latency_ms']; print(f'{d[\"rps\"]:.0f} req/s, p50 {l[\"p50\"]:.2f} ms, p99 {l[\"p99\"]:.2f} ms, statuses {d[\"status\"]}')" "$WORK/load.json"

echo "== the Open Inference Protocol over REST, and the metrics (Python's urllib)"
"$PY" - "$HTTP_ADDRESS" <<'PYTHON'
import json, sys, urllib.request
base = f"http://{sys.argv[1]}"
body = {"inputs": [{"name": "input", "shape": [2, 2], "datatype": "FP64", "data": [[10, 10], [-20, 30]]}],
        "outputs": [{"name": "labels"}, {"name": "distances"}]}
request = urllib.request.Request(f"{base}/v2/models/seed-blobs/infer", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
answer = json.load(urllib.request.urlopen(request, timeout=5))
print(f"  POST /v2/models/seed-blobs/infer -> version {answer['model_version']}: "
      + ", ".join(f"{o['name']} {[round(v, 3) for v in o['data']]}" for o in answer["outputs"]))
metrics = urllib.request.urlopen(f"{base}/metrics", timeout=5).read().decode()
for line in metrics.splitlines():
    if line.startswith("linfa_serve_requests_total") and 'status="OK"' in line:
        print("  " + line)
PYTHON

echo "== stop it (SIGTERM)"
kill -TERM "$SERVER_PID"
code=0
wait "$SERVER_PID" || code=$?
SERVER_PID=
echo "linfa-serve exited with code $code"
[ "$code" -eq 0 ]
