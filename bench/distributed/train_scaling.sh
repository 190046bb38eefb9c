#!/usr/bin/env bash
# Distributed PCA, Gaussian mixtures, logistic regression, mini-batch K-Means, StandardScaler,
# GaussianNB and the Lasso (ElasticNet) through
# linfa-train: the wall time of a whole training run (reading the .npy shards, fitting, writing
# the model) on 1 rank x 2 threads against 2 ranks x 1 thread, median of REPEATS runs (default
# 3), and whether both wrote the same model file bytes. The figures of bench/README.md's
# "Training on a cluster" section.
#   bash bench/distributed/train_scaling.sh [build folder]      (ONLY=Mini-batch: those rows alone)
set -euo pipefail
build=${1:-build}
train=$build/train/linfa-train
repeats=${REPEATS:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
mpirun=(mpirun --oversubscribe --bind-to none --mca btl self,vader --mca btl_vader_single_copy_mechanism none)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" <<'EOF'
import sys
import numpy as np
rng = np.random.default_rng(1)
for name, n, d, k in (("pca", 2_000_000, 32, 8), ("gmm", 400_000, 16, 8)):
    centres = rng.uniform(-5, 5, (k, d))
    X = (centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))).astype(np.float32)
    for part, rows in enumerate(np.array_split(X, 2)):
        np.save(f"{sys.argv[1]}/{name}-{part}.npy", rows)
    if name == "pca":  # a continuous target for the Lasso (its own generator: the data above stay as they were)
        targets = np.random.default_rng(3)
        y = (X @ targets.uniform(-1, 1, d) + targets.normal(size=n)).astype(np.float32)
        for part, rows in enumerate(np.array_split(y, 2)):
            np.save(f"{sys.argv[1]}/pca-y-{part}.npy", rows)
rng = np.random.default_rng(2)  # logistic regression: blobs, each row's class its blob
n, d, k = 400_000, 16, 8
blob = rng.integers(0, k, n)
X = (rng.uniform(-5, 5, (k, d))[blob] + rng.normal(size=(n, d))).astype(np.float32)
for part, (rows, labels) in enumerate(zip(np.array_split(X, 2), np.array_split(blob.astype(np.float32), 2))):
    np.save(f"{sys.argv[1]}/logistic-{part}.npy", rows)
    np.save(f"{sys.argv[1]}/logistic-labels-{part}.npy", labels)
EOF

median_seconds() {  # ranks threads out args...
    local ranks=$1 threads=$2 out=$3
    shift 3
    for _ in $(seq "$repeats"); do
        local t0 t1
        t0=$(date +%s.%N)
        OMP_NUM_THREADS=$threads "${mpirun[@]}" -n "$ranks" "$train" "$@" --out "$out" > /dev/null
        t1=$(date +%s.%N)
        /usr/bin/python3 -c "print($t1 - $t0)"
    done | sort -n | sed -n "$(( (repeats + 1) / 2 ))p"
}

printf '%-34s %12s %12s %7s %s\n' "fit" "1x2 s" "2x1 s" "ratio" "same file"
compare() {  # label args...; ONLY=regex times only the fits whose label matches
    local label=$1
    shift
    [[ -z ${ONLY:-} || $label =~ $ONLY ]] || return 0
    local one two
    one=$(median_seconds 1 2 "$work/one.linfa" "$@")
    two=$(median_seconds 2 1 "$work/two.linfa" "$@")
    local same=no
    cmp -s "$work/one.linfa" "$work/two.linfa" && same=yes
    printf '%-34s %12.2f %12.2f %7.2f %s\n' "$label" "$one" "$two" "$(/usr/bin/python3 -c "print($two / $one)")" "$same"
}
compare "PCA full, 2M x 32" pca --data "$work"/pca-0.npy "$work"/pca-1.npy
compare "PCA randomized (8), 2M x 32" pca --components 8 --solver randomized --data "$work"/pca-0.npy "$work"/pca-1.npy
compare "GMM full k=8, 400k x 16, 10 iter" gmm --components 8 --max-iter 10 --tol 0 --data "$work"/gmm-0.npy "$work"/gmm-1.npy
compare "GMM diag k=8, 400k x 16, 10 iter" gmm --components 8 --covariance diag --max-iter 10 --tol 0 --data "$work"/gmm-0.npy "$work"/gmm-1.npy
logistic=(--data "$work"/logistic-0.npy "$work"/logistic-1.npy --targets "$work"/logistic-labels-0.npy "$work"/logistic-labels-1.npy)
compare "Logistic multinomial k=8, 400k x 16" logistic --max-iter 30 --tol 0 "${logistic[@]}"
compare "Logistic ovr k=8, 400k x 16" logistic --multi-class ovr --max-iter 30 --tol 0 "${logistic[@]}"
# Mini-batch K-Means: each step's batch travels to every rank and every rank takes the step;
# the ranks split the reading and the final labelling pass.
compare "Mini-batch k=16, 2M x 32, 10 epochs" minibatch-kmeans --clusters 16 --max-iter 10 --max-no-improvement 0 \
    --data "$work"/pca-0.npy "$work"/pca-1.npy
# One pass of per-chunk summaries merged in chunk order: the pass is cheap, so reading the rows
# weighs most.
compare "StandardScaler, 2M x 32" standard-scaler --data "$work"/pca-0.npy "$work"/pca-1.npy
compare "GaussianNB k=8, 400k x 16" gaussian-nb "${logistic[@]}"
# The Gram matrix is a sum over rows (one pass); the descent that follows is d x d, on every rank.
compare "Lasso, 2M x 32" elastic-net --alpha 0.01 --l1-ratio 1 --data "$work"/pca-0.npy "$work"/pca-1.npy \
    --targets "$work"/pca-y-0.npy "$work"/pca-y-1.npy
