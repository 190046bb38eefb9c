#!/usr/bin/env python3
"""linfa.metrics.silhouette_score against scikit-learn's, in one run, on the same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/metrics.py [--repeats N] [--quick]

Each case times silhouette_score(X, labels) N times (default 5) per library; the median is
reported with the ratio scikit-learn / linfa (above 1: linfa is faster), and the two scores are
compared in the same run, so a fast wrong answer cannot pass for a win. OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are removed as in linear_pca.py (scikit-learn's distances are a BLAS GEMM).

Cases: 20k x 10, 5 Gaussian clusters, float64 and float32 (--quick: 5k rows).
"""


import numpy as np

from linear_pca import bench_arguments, median_seconds, relative


def clustered_data(n, d, k, dtype, seed=0):
    """k Gaussian clusters of unit spread around centres spread over [-5, 5]^d."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, (k, d))
    labels = rng.integers(0, k, n)
    return (centres[labels] + rng.standard_normal((n, d))).astype(dtype), labels


def main():
    args = bench_arguments(__doc__, quick_help="5k rows, for a smoke run")

    import linfa
    import linfa.metrics
    import sklearn
    import sklearn.metrics

    n = 5_000 if args.quick else 20_000
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
          f"{linfa._linfa.openmp_threads()}; median of {args.repeats}")
    print()
    print("| case | linfa s | scikit-learn s | ratio | agreement |")
    print("|---|---|---|---|---|")
    for dtype in (np.float64, np.float32):
        X, labels = clustered_data(n, 10, 5, dtype)
        ours = median_seconds(lambda: linfa.metrics.silhouette_score(X, labels), args.repeats)
        theirs = median_seconds(lambda: sklearn.metrics.silhouette_score(X, labels), args.repeats)
        agreement = relative(linfa.metrics.silhouette_score(X, labels), sklearn.metrics.silhouette_score(X, labels))
        name = f"silhouette_score {n // 1000}k x 10, 5 clusters, {np.dtype(dtype).name}"
        print(f"| {name} | {ours:.3f} | {theirs:.3f} | {theirs / ours:.1f}x | {agreement:.1e} |")


if __name__ == "__main__":
    main()
