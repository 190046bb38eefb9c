#!/usr/bin/env bash
# The test command, in two tiers:
#   bash scripts/test.sh          everyday: install the Debian packages, build everything and
#                                 the API reference (no Doxygen warning), run every ctest (unit,
#                                 conformance, examples, consumer projects, Python, server) but
#                                 the soak
#   bash scripts/test.sh --full   CI's tier (.ci/run): the same, then the 60 s soak, the C++ suite
#                                 under ASan+UBSan and TSan, and every fuzz target for
#                                 FUZZ_SECONDS (default 60)
# Every build goes through ccache (installed by install-deps.sh; its cache in ~/.cache/ccache
# outlives build folders and clones), with paths made relative to the checkout so that a fresh
# clone in another folder hits the cache of an earlier one.
set -euo pipefail
cd "$(dirname "$0")/.."
tier=everyday
case "${1:-}" in
    "") ;;
    --full) tier=full ;;
    *) echo "usage: $0 [--full]" >&2; exit 2 ;;
esac
start=$(date +%s)
stamp() { echo "test.sh: $1 at $(( $(date +%s) - start )) s"; }

if [ "$tier" = full ]; then bash scripts/install-deps.sh clang; else bash scripts/install-deps.sh; fi
source scripts/ccache-env.sh
ccache --zero-stats >/dev/null 2>&1 || true
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3
cmake --build build -j"$jobs"
cmake --build build --target docs  # the API reference: any Doxygen warning fails it
stamp "built"
ctest --test-dir build --output-on-failure -j"$jobs" --label-exclude soak
stamp "everyday tier passed"
if [ "$tier" = full ]; then
    ctest --test-dir build --output-on-failure --label-regex soak
    stamp "soak passed"
    bash scripts/sanitize.sh all
    stamp "sanitizers passed"
    bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
    stamp "fuzzers passed"
fi
ccache --show-stats 2>/dev/null | grep -Ei 'hits|misses' | sed 's/^/test.sh: ccache /' || true
