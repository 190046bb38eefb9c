#!/usr/bin/env python3
"""linfa's neighbour searches and DBSCAN against scikit-learn's on a sparse (CSR) text-like matrix, in one run.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/sparse_neighbors.py [--repeats N] [--quick]

Data: sparse_kmeans.py's text-like matrix (power-law columns, unit-norm rows), 10k training
rows x 20k features, about 60 stored values per row, float64, and 1k query rows of the same
kind. Cases: NearestNeighbors(10).kneighbors of the queries (euclidean, then manhattan),
KNeighborsClassifier(10).predict, and DBSCAN on the first 5k training rows. Both libraries get
the same data and parameters (scikit-learn searches sparse input by brute force, as linfa does);
the table gives median seconds, the ratio scikit-learn / linfa (above 1: linfa is faster) and,
from the same run, the share of rows whose neighbour lists (or labels) are equal.
``--quick``: a tenth of the rows.
"""

import numpy as np

from linear_pca import bench_arguments, median_seconds
from sparse_kmeans import text_like


def main():
    args = bench_arguments(__doc__, repeats=3)
    import linfa
    import sklearn.cluster
    import sklearn.neighbors

    n, n_queries, d = 10_000, 1_000, 20_000
    if args.quick:
        n, n_queries = n // 10, n_queries // 10
    X = text_like(n, d, 50, seed=1)
    Q = text_like(n_queries, d, 50, seed=2)
    # text_like's rows come out of a product with unsorted columns; scikit-learn 1.2's sparse
    # manhattan kneighbors then finds other neighbours than its own pairwise_distances (linfa
    # does not depend on the order), so both libraries get sorted columns
    X.sort_indices()
    Q.sort_indices()
    y = (np.asarray(X[:, :100].sum(axis=1)).ravel() * 10).astype(int) % 3
    print(f"{n} x {d} CSR float64 ({X.nnz / n:.1f} stored values per row), {n_queries} queries, median of {args.repeats}")
    print("| case | scikit-learn s | linfa s | ratio | rows equal |")
    print("|---|---|---|---|---|")

    def compare(name, run, agree):
        out = {}
        seconds = {}
        for library, module in (("scikit-learn", None), ("linfa", linfa)):
            def once(library=library, module=module):
                out[library] = run(module)
            seconds[library] = median_seconds(once, args.repeats)
        print(f"| {name} | {seconds['scikit-learn']:.3f} | {seconds['linfa']:.3f} | "
              f"**{seconds['scikit-learn'] / seconds['linfa']:.1f}x** | {agree(out['linfa'], out['scikit-learn']):.4f} |")

    def same_rows(a, b):
        return float(np.mean(np.all(a == b, axis=1)))

    for metric in ("euclidean", "manhattan"):
        compare(
            f"NearestNeighbors(10, {metric}): fit + kneighbors",
            lambda m, metric=metric: (m or sklearn.neighbors).NearestNeighbors(n_neighbors=10, metric=metric).fit(X).kneighbors(Q)[1],
            same_rows,
        )
    compare(
        "KNeighborsClassifier(10): fit + predict",
        lambda m: (m or sklearn.neighbors).KNeighborsClassifier(10).fit(X, y).predict(Q),
        lambda a, b: float(np.mean(a == b)),
    )
    half = X[: n // 2]
    compare(
        "DBSCAN(eps=0.9, min_samples=5)",
        lambda m: (m or sklearn.cluster).DBSCAN(eps=0.9, min_samples=5).fit(half).labels_,
        lambda a, b: float(np.mean(a == b)),
    )


if __name__ == "__main__":
    main()
