#!/usr/bin/env bash
# Soak test of linfa-serve on loopback: 1024 calls in flight over 1024 connections for 10
# minutes, a mix of valid calls (answers checked against linfa's), 10% invalid ones and 5%
# cancelled by the client; server RSS and CPU sampled every second; then SIGTERM, exit code 0.
# Fails (exit 1) on any unexpected status, a crash, a non-zero exit code or RSS growth after
# the warm-up beyond max(16 MiB, 10%). Writes soak.json, results.md, p99.png, rss.png.
#
# Usage: bash bench/serving/soak/run.sh [--duration SECONDS] [--connections N] [--concurrency N]
#                                       [--out DIR] [any other soak.py option]
# Environment: BUILD (build directory, default ./build; the targets are built there first),
#              PY (default /usr/bin/python3).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
PY=${PY:-/usr/bin/python3}
HERE=$ROOT/bench/serving/soak

DURATION=600 CONNECTIONS=1024 CONCURRENCY=1024 OUT=$HERE/results
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --concurrency) CONCURRENCY=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done

cmake -S "$ROOT" -B "$BUILD" > /dev/null
cmake --build "$BUILD" -j2 --target linfa-serve linfa-soak linfa-model-tool
exec "$PY" "$HERE/soak.py" --server "$BUILD/serve/linfa-serve" --soak "$BUILD/serve/linfa-soak" \
    --tool "$BUILD/serve/linfa-model-tool" --out "$OUT" --duration "$DURATION" \
    --connections "$CONNECTIONS" --concurrency "$CONCURRENCY" "${extra[@]}"
