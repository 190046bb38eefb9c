#!/usr/bin/env bash
# REST: linfa-serve's Open Inference Protocol infer endpoint against a Python REST server
# (aiohttp + scikit-learn, sk_rest_server.py) serving the same centroids (K-Means k=100, d=2),
# with the same HTTP client, wrk (Debian's wrk): POST one row per request as the protocol's
# JSON, keep-alive connections, CONCURRENCY connections over 2 client threads. Before timing,
# both servers label the same 200 rows and must agree. REPEATS alternating runs of each; prints
# each run, the medians and the ratio (the issue's target: linfa-serve >= 5x the Python server).
# Usage: bash bench/serving/rest.sh   (BUILD, DURATION, REPEATS, CONCURRENCY, OUT from the environment)
# Needs: apt-get install wrk python3-aiohttp (besides the build's packages).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/serving"
BUILD=${BUILD:-$ROOT/build}
DURATION=${DURATION:-5}
REPEATS=${REPEATS:-3}
CONCURRENCY=${CONCURRENCY:-64}
OUT=${OUT:-$HERE/results}
PY=/usr/bin/python3
command -v wrk > /dev/null || { echo "rest.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
"$PY" -c "import aiohttp" 2> /dev/null || { echo "rest.sh needs python3-aiohttp" >&2; exit 2; }
cmake --build "$BUILD" -j2 --target linfa-serve linfa-model-tool > /dev/null
WORK=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done; rm -rf "$WORK"' EXIT
"$BUILD/serve/linfa-model-tool" train "$WORK/model.linfa" --clusters 100 --features 2 --json-copy "$WORK/model.json" > /dev/null

# start NAME COMMAND...: runs a server printing "listening on HOST:PORT"; sets $address.
start() {
    local name=$1; shift
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    pids+=($!)
    for _ in $(seq 300); do grep -qs "^listening" "$WORK/$name.out" && break; sleep 0.1; done
    address=$(sed -n 's/^listening on //p' "$WORK/$name.out")
    [ -n "$address" ] || { echo "$name did not start:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
}
start linfa "$BUILD/serve/linfa-serve" --model "$WORK/model.linfa" --port 0 --http-port 0
linfa_http=$(sed -n 's/^http listening on //p' "$WORK/linfa.out")
start python "$PY" "$HERE/sk_rest_server.py" 0 "$WORK/model.json"
python_http=$address

"$PY" - "$linfa_http" "$python_http" <<'PY'
import json, random, sys, urllib.request
random.seed(7)
rows = [[random.uniform(-12, 12), random.uniform(-12, 12)] for _ in range(200)]
body = json.dumps({"inputs": [{"name": "input", "shape": [200, 2], "datatype": "FP64", "data": rows}],
                   "outputs": [{"name": "labels"}]}).encode()
labels = []
for address in sys.argv[1:]:
    req = urllib.request.Request(f"http://{address}/v2/models/model/infer", body, {"Content-Type": "application/json"})
    labels.append(json.load(urllib.request.urlopen(req))["outputs"][0]["data"])
if labels[0] != labels[1]:
    sys.exit("the servers disagree on the labels of 200 rows")
print("both servers give the same labels for 200 rows")
PY

cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "FP64", "data": [[0.5, -1.25]]}], "outputs": [{"name": "labels"}]}'
LUA
mkdir -p "$OUT"
for ((r = 0; r < REPEATS; r++)); do
    for server in linfa python; do
        [ "$server" = linfa ] && target=$linfa_http || target=$python_http
        wrk -t2 -c"$CONCURRENCY" -d1s -s "$WORK/post.lua" "http://$target/v2/models/model/infer" > /dev/null  # warm-up
        wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://$target/v2/models/model/infer" \
            > "$WORK/$server.$r.txt"
    done
done
"$PY" - "$WORK" "$REPEATS" "$OUT/rest.json" "$CONCURRENCY" <<'PY'
import json, re, statistics, sys
work, repeats, out, concurrency = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def parse(path):
    text = open(path).read()
    ms = lambda v, unit: float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    p = {q: ms(*re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)", text, re.M).groups()) for q in ("50", "99")}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: .*", text)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), "p50_ms": p["50"], "p99_ms": p["99"],
            "non_2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else ""}
results = {}
for server in ("linfa", "python"):
    runs = [parse(f"{work}/{server}.{r}.txt") for r in range(repeats)]
    for d in runs:
        print(f"{server:7} {d['rps']:9.0f} req/s  p50 {d['p50_ms']:7.2f} ms  p99 {d['p99_ms']:7.2f} ms  non-2xx {d['non_2xx']} {d['socket_errors']}")
    results[server] = {"runs": runs, "median_rps": statistics.median(d["rps"] for d in runs),
                       "median_p99_ms": statistics.median(d["p99_ms"] for d in runs)}
ratio = results["linfa"]["median_rps"] / results["python"]["median_rps"]
print(f"median: linfa-serve {results['linfa']['median_rps']:.0f} req/s (p99 {results['linfa']['median_p99_ms']:.2f} ms), "
      f"aiohttp + scikit-learn {results['python']['median_rps']:.0f} req/s (p99 {results['python']['median_p99_ms']:.2f} ms): "
      f"{ratio:.1f}x")
json.dump({"concurrency": concurrency, "ratio": ratio, **results}, open(out, "w"), indent=1)
PY
