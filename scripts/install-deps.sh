#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests, the demo and the benchmarks use.
# Idempotent and quick when everything is there already.
#   install-deps.sh          what the build, the tests, the demo and the benchmarks need
#   install-deps.sh clang    also clang 14 with its sanitizer/libFuzzer runtimes, llvm-symbolizer
#                            and LLVM's OpenMP runtime (scripts/fuzz.sh, scripts/sanitize.sh)
set -euo pipefail

packages=(
  build-essential cmake ninja-build git ccache
  libeigen3-dev libboost-dev libcereal-dev
  doctest-dev libbenchmark-dev
  pybind11-dev python3-pybind11 python3-dev python3-numpy python3-pip python3-venv python3-setuptools
  python3-sklearn python3-pandas python3-pytest python3-pytest-benchmark python3-matplotlib
  libopenblas0-pthread  # numpy/scikit-learn's BLAS: without it scikit-learn runs ~10x slower (fair benchmarks)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler python3-grpcio
  libssl-dev openssl python3-h2  # linfa-serve TLS (file checks; the tests make certificates); raw HTTP/2 test client
  libcli11-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev
  libcpp-httplib-dev pkg-config  # linfa-serve's REST endpoints and /metrics
  prometheus python3-prometheus-client  # a real Prometheus scraping linfa-serve in a test; its text-format parser
  doxygen  # the API reference (cmake --build build --target docs), checked by the test command
  libopenmpi-dev openmpi-bin python3-mpi4py  # distributed training (include/linfa/distributed/mpi.hpp), mpirun tests
)
if [ "${1:-}" = "clang" ]; then
  packages+=(clang-14 libclang-rt-14-dev llvm-14 libomp-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
