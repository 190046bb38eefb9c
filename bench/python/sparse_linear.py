#!/usr/bin/env python3
"""linfa's linear models against scikit-learn's on a sparse (CSR) text-like matrix, in one run.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/sparse_linear.py [--repeats N] [--quick]

Data: sparse_kmeans.py's text-like matrix (power-law columns, unit-norm rows), 100k rows x
20k features, about 50 stored values per row, float64. Targets come from a sparse true
coefficient vector (200 non-zero) plus noise; class labels from the sign of the same score
(binary) or from the largest of 5 such scores (multinomial). Each case fits both libraries
with the same parameters (scikit-learn's solver for sparse X: Ridge "sparse_cg", Lasso's
coordinate descent, LogisticRegression "lbfgs"), reports the median fit seconds, the ratio
scikit-learn / linfa (above 1: linfa is faster) and, in the same run, how far the two models
are apart: the largest coefficient difference relative to the largest coefficient, and the
share of equal predictions for the classifiers. ``--quick``: a tenth of the rows.
"""

import numpy as np

from linear_pca import bench_arguments, median_seconds
from sparse_kmeans import text_like


def problems(n, d, seed=1):
    X = text_like(n, d, 50, seed=seed)
    rng = np.random.default_rng(seed)
    truth = np.zeros((d, 5))
    rows = rng.choice(d // 10, size=200, replace=False)  # among the frequent columns
    truth[rows] = rng.normal(size=(200, 5)) * 5
    scores = np.asarray(X @ truth)
    y = scores[:, 0] + 0.1 * rng.normal(size=n)
    binary = (scores[:, 0] > np.median(scores[:, 0])).astype(np.int32)
    classes = np.argmax(scores + 0.5 * rng.normal(size=scores.shape), axis=1).astype(np.int32)
    return X, y, binary, classes


def main():
    args = bench_arguments(__doc__, repeats=3)
    import linfa
    import sklearn.linear_model as sk

    n, d = 100_000, 20_000
    if args.quick:
        n //= 10
    X, y, binary, classes = problems(n, d)
    print(f"{n} x {d} CSR float64, {X.nnz / n:.1f} stored values per row, median of {args.repeats}")
    cases = [
        ("Ridge(alpha=1) sparse_cg, tol 1e-4", lambda m: m.Ridge(alpha=1.0, solver="sparse_cg"), y),
        ("Lasso(alpha=1e-4)", lambda m: m.Lasso(alpha=1e-4), y),
        ("LogisticRegression(C=10), 2 classes", lambda m: m.LogisticRegression(C=10.0, max_iter=200), binary),
        ("LogisticRegression(C=10), 5 classes", lambda m: m.LogisticRegression(C=10.0, max_iter=200), classes),
    ]
    print("| model | scikit-learn s | linfa s | ratio | coefficients apart (relative) | predictions equal |")
    print("|---|---|---|---|---|---|")
    for name, make, target in cases:
        fitted = {}

        def fit(library, make=make, target=target):
            module = linfa if library == "linfa" else sk
            fitted[library] = make(module).fit(X, target)

        seconds = {lib: median_seconds(lambda lib=lib: fit(lib), args.repeats) for lib in ("scikit-learn", "linfa")}
        ours, theirs = fitted["linfa"], fitted["scikit-learn"]
        apart = np.max(np.abs(ours.coef_ - theirs.coef_)) / np.max(np.abs(theirs.coef_))
        predicted_ours, predicted_theirs = ours.predict(X), theirs.predict(X)
        if np.issubdtype(predicted_theirs.dtype, np.integer):
            equal = f"{np.mean(predicted_ours == predicted_theirs):.4f}"
        else:
            equal = "-"
        print(f"| {name} | {seconds['scikit-learn']:.3f} | {seconds['linfa']:.3f} | "
              f"**{seconds['scikit-learn'] / seconds['linfa']:.1f}x** | {apart:.1e} | {equal} |")


if __name__ == "__main__":
    main()
