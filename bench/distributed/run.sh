#!/usr/bin/env bash
# Distributed K-Means (Lloyd, float32, d = 32, k = 16): the figures of bench/README.md's
# "Training on a cluster" section. Each configuration runs REPEATS times (default 3); the
# median of the per-iteration medians is kept. Needs the build's linfa_bench_distributed
# (LINFA_BUILD_MPI, on when Open MPI is installed) and a quiet machine.
#   bash bench/distributed/run.sh [build folder]
set -euo pipefail
build=${1:-build}
exe=$build/bench/linfa_bench_distributed
repeats=${REPEATS:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
mpirun=(mpirun --oversubscribe --bind-to none --mca btl self,vader --mca btl_vader_single_copy_mechanism none)

run() {  # label ranks threads args...
    local label=$1 ranks=$2 threads=$3
    shift 3
    for _ in $(seq "$repeats"); do
        OMP_NUM_THREADS=$threads "${mpirun[@]}" -n "$ranks" "$exe" "$@" | sed "s/^{/{\"label\": \"$label\", /"
    done
}

{
    run "strong 1x2" 1 2 --rows 2000000
    run "strong 2x1" 2 1 --rows 2000000
    run "strong 2x1 MPI_SUM" 2 1 --rows 2000000 --reduce sum
    run "weak 1x1" 1 1 --rows-per-rank 1000000
    run "weak 2x1" 2 1 --rows-per-rank 1000000
    run "oversubscribed 4x1" 4 1 --rows 2000000
    run "oversubscribed 8x1" 8 1 --rows 2000000
} | /usr/bin/python3 "$(dirname "$0")/summarise.py"
