#!/usr/bin/env python3
"""linfa's LogisticRegression against scikit-learn's (solver "lbfgs"), in one run, on the
same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/logistic.py [--repeats N] [--quick]

Each case times ``fit(X, y)`` N times (default 3) per library with the same C and tol, and
``predict_proba(X)``; medians are reported with the ratio scikit-learn / linfa (above 1: linfa
is faster). The same run checks the answers: the objective (weighted log-loss + ||W||^2 / 2C)
of each fit, relative to scikit-learn's (negative: linfa's is lower), the iterations each took,
and predict_proba of the same coefficients (scikit-learn's model given linfa's coef_ and
intercept_), so a fast wrong answer cannot pass for a win.

Cases (the issue's): multinomial, 10 classes, 500k x 50 float64; binary, 1M x 20 float64.
"""

import gc
import warnings

import numpy as np

from linear_pca import bench_arguments, median_seconds


def classification_data(n, d, k, seed=0):
    """k Gaussian classes with overlapping means, features of unit scale."""
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((k, d))
    y = rng.integers(0, k, n)
    x = rng.standard_normal((n, d)) + means[y]
    return x, y


def objective(model, x, y, C):
    """Log-loss of the fitted probabilities plus the L2 penalty, as both libraries minimise."""
    p = model.predict_proba(x)
    loss = -np.sum(np.log(p[np.arange(len(y)), np.searchsorted(model.classes_, y)]))
    return loss + 0.5 / C * np.sum(np.asarray(model.coef_, dtype=np.float64) ** 2)


def run_case(name, x, y, repeats, linfa, sklearn_lr):
    C = 1.0
    ours = linfa.LogisticRegression(C=C)
    theirs = sklearn_lr(C=C)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_ours = median_seconds(lambda: ours.fit(x, y), repeats)
        t_theirs = median_seconds(lambda: theirs.fit(x, y), repeats)
    o_ours, o_theirs = objective(ours, x, y, C), objective(theirs, x, y, C)
    p_ours = median_seconds(lambda: ours.predict_proba(x), repeats)
    p_theirs = median_seconds(lambda: theirs.predict_proba(x), repeats)
    same = sklearn_lr(C=C)  # scikit-learn's predict_proba for linfa's coefficients
    same.classes_, same.coef_, same.intercept_ = ours.classes_, ours.coef_, ours.intercept_
    same.n_features_in_ = x.shape[1]
    proba_gap = np.abs(ours.predict_proba(x) - same.predict_proba(x)).max()
    print(
        f"| {name} fit | {t_ours:.3f} | {t_theirs:.3f} | {t_theirs / t_ours:.2f}x | "
        f"objective {(o_ours - o_theirs) / abs(o_theirs):+.1e} rel., iterations {ours.n_iter_[0]} / {theirs.n_iter_[0]} |"
    )
    print(
        f"| {name} predict_proba | {p_ours:.3f} | {p_theirs:.3f} | {p_theirs / p_ours:.2f}x | "
        f"max difference {proba_gap:.1e} (same coefficients) |"
    )


def main():
    args = bench_arguments(__doc__, repeats=3)

    import linfa
    import sklearn
    from sklearn.linear_model import LogisticRegression

    scale = 10 if args.quick else 1
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
          f"{linfa._linfa.openmp_threads()}; median of {args.repeats}")
    print()
    print("| case | linfa s | scikit-learn s | ratio | agreement |")
    print("|---|---|---|---|---|")
    x, y = classification_data(500_000 // scale, 50, 10)
    run_case("multinomial 10 classes, 500k x 50 f64", x, y, args.repeats, linfa, LogisticRegression)
    del x, y
    gc.collect()
    x, y = classification_data(1_000_000 // scale, 20, 2, seed=1)
    run_case("binary, 1M x 20 f64", x, y, args.repeats, linfa, LogisticRegression)


if __name__ == "__main__":
    main()
