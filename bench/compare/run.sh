#!/usr/bin/env bash
# linfa vs its peers, one command: builds the drivers (and the linfa Python package) in a build
# directory of its own, then runs bench/compare/compare.py, which writes bench/compare/results/
# (or BUILD/compare-quick/ with --quick). Installs nothing: what is missing is named, with the
# Debian package it comes from (bench/compare/README.md lists them all).
#
#   bash bench/compare/run.sh [--quick] [--build DIR] [--linfa-py DIR] [--no-build] [compare.py options]
#
#   --quick          tiny sizes, every phase and driver once: a smoke test (~1-2 min)
#   --build DIR      build directory (default: build-compare at the repository root)
#   --linfa-py DIR   use this importable linfa package (e.g. build/python/pkg) instead of
#                    building the _linfa target here
#   --no-build       use what DIR already has
#   anything else goes to compare.py (--only PHASES, --out DIR, --threads N, --report-only)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build-compare"
LINFA_PY=""
DO_BUILD=1
PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="$(realpath -m "$2")"; shift 2 ;;
    --linfa-py) LINFA_PY="$(realpath -m "$2")"; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;
  esac
done

PYTHON=/usr/bin/python3
missing=()
command -v cmake >/dev/null || missing+=("cmake (apt-get install cmake)")
command -v c++ >/dev/null || missing+=("a C++20 compiler (apt-get install g++)")
[[ -x $PYTHON ]] || missing+=("/usr/bin/python3 (apt-get install python3)")
if [[ ${#missing[@]} -gt 0 ]]; then
  printf 'bench/compare: missing %s\n' "${missing[@]}" >&2
  exit 1
fi

if [[ $DO_BUILD == 1 ]]; then
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    # Only what the comparison needs: the benchmarks directory (bench/compare is inside it;
    # it needs Google Benchmark, libbenchmark-dev) and the Python package.
    cmake -S "$ROOT" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DLINFA_BUILD_TESTS=OFF -DLINFA_BUILD_EXAMPLES=OFF -DLINFA_BUILD_SERVER=OFF \
      -DLINFA_BUILD_BENCHMARKS=ON -DLINFA_BUILD_PYTHON=ON -DPython3_EXECUTABLE=$PYTHON
  else
    cmake "$BUILD" >/dev/null
  fi
  jobs="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
  cmake --build "$BUILD" -j "$jobs" --target compare_drivers
  if [[ -z $LINFA_PY ]]; then
    if ! cmake --build "$BUILD" -j "$jobs" --target _linfa; then
      echo "bench/compare: the linfa Python extension (_linfa) did not build (pybind11-dev, python3-dev?):" \
           "linfa Python is left out" >&2
    fi
  fi
fi

args=(--build "$BUILD")
[[ -n $LINFA_PY ]] && args+=(--linfa-py "$LINFA_PY")
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pin OpenBLAS to a generic kernel on some machines.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" "$ROOT/bench/compare/compare.py" "${args[@]}" "${PASS[@]+"${PASS[@]}"}"
