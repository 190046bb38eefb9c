#!/usr/bin/env bash
# The test command: install dependencies, build everything, run the whole suite with ctest,
# then the C++ suite under the sanitizers and every fuzz target for 60 s (FUZZ_SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
bash scripts/sanitize.sh all
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
