#!/usr/bin/env python3
"""linfa's KMeans against scikit-learn's on a sparse (CSR) text-like matrix, in one run.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/sparse_kmeans.py [--repeats N] [--quick]

Case (issue 16's target): 200k rows x 50k features, about 100 stored values per row, k = 50,
20 Lloyd iterations from the same centres (``init`` = 50 rows of the data, ``n_init=1``,
``max_iter=20``, ``tol=0``), float64 and float32. The columns of a row are drawn from a
power law (a few frequent "words", a long tail), the values are positive and each row has
unit norm, as in a TF-IDF matrix. Reports the median seconds per iteration (fit time over
``n_iter_``) of each library, the ratio scikit-learn / linfa (above 1: linfa is faster), and
checks in the same run that both find the same labels (the share that agree) and inertia.
``--quick``: a tenth of the rows.
"""

import numpy as np
import scipy.sparse as sp

from linear_pca import bench_arguments, median_seconds


def text_like(n, d, per_row, seed=0):
    """n x d CSR: about `per_row` distinct columns per row from a power law, unit-norm rows."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / (np.arange(d) + 10.0)
    columns = rng.choice(d, size=(n, int(per_row * 1.3)), p=weights / weights.sum())
    columns.sort(axis=1)
    keep = np.ones(columns.shape, dtype=bool)
    keep[:, 1:] = columns[:, 1:] != columns[:, :-1]  # duplicates of a column dropped
    counts = keep.sum(axis=1)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = rng.uniform(0.1, 1.0, int(indptr[-1]))
    X = sp.csr_matrix((values, columns[keep].astype(np.int32), indptr), shape=(n, d))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


def main():
    args = bench_arguments(__doc__, repeats=3)
    import linfa
    import sklearn.cluster

    n, d, per_row, k, iterations = 200_000, 50_000, 100, 50, 20
    if args.quick:
        n //= 10
    X64 = text_like(n, d, per_row)
    print(f"{n} x {d} CSR, {X64.nnz / n:.1f} stored values per row, k = {k}, {iterations} iterations, "
          f"median of {args.repeats}")
    print("| dtype | scikit-learn s/iter | linfa s/iter | ratio | labels agreeing | inertia (linfa / scikit-learn) |")
    print("|---|---|---|---|---|---|")
    for dtype in (np.float64, np.float32):
        X = X64.astype(dtype)
        init = X[np.linspace(0, n - 1, k).astype(int)].toarray()
        fitted = {}

        def fit(library):
            cls = linfa.KMeans if library == "linfa" else sklearn.cluster.KMeans
            model = cls(k, init=init, n_init=1, max_iter=iterations, tol=0).fit(X)
            fitted[library] = model
            return model

        seconds = {lib: median_seconds(lambda lib=lib: fit(lib), args.repeats) for lib in ("scikit-learn", "linfa")}
        per_iter = {lib: seconds[lib] / fitted[lib].n_iter_ for lib in seconds}
        agree = float(np.mean(fitted["linfa"].labels_ == fitted["scikit-learn"].labels_))
        inertia = fitted["linfa"].inertia_ / fitted["scikit-learn"].inertia_
        print(f"| {np.dtype(dtype).name} | {per_iter['scikit-learn']:.3f} | {per_iter['linfa']:.3f} | "
              f"**{per_iter['scikit-learn'] / per_iter['linfa']:.1f}x** | {agree:.4f} | {inertia:.6f} |")
        iters = {lib: fitted[lib].n_iter_ for lib in fitted}
        if len(set(iters.values())) != 1:
            print(f"  note: iterations differ: {iters}")


if __name__ == "__main__":
    main()
