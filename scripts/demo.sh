#!/usr/bin/env bash
# The main job: build, train a K-Means model on the seed's blobs, save it, reload it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 > /dev/null
cmake --build build -j"$(nproc)" --target kmeans_blobs kmeans_save_load
./build/examples/kmeans_blobs
./build/examples/kmeans_save_load build/demo_kmeans.linfa
