#!/usr/bin/env python3
"""linfa's GaussianNB against scikit-learn's, in one run, on the same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/naive_bayes.py [--repeats N] [--quick]

Times ``fit(X, y)`` and ``predict_proba(X)`` N times (default 5) per library and reports the
medians with the ratio scikit-learn / linfa (above 1: linfa is faster). The fitted means and
variances and the probabilities are compared in the same run (largest difference relative to
the largest reference value), so a fast wrong answer cannot pass for a win. OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE are removed as in linear_pca.py.

Case: 1M x 50 float64 (400 MB of records), 10 overlapping classes.
"""

import gc

import numpy as np

from linear_pca import bench_arguments, median_seconds, relative


def classes_data(n, d, k, seed=0):
    """n samples of d features around k centres close enough for the classes to overlap (so
    the probabilities compared are not all 0 or 1), labels drawn uniformly."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    centres = rng.uniform(-0.25, 0.25, (k, d))
    x = rng.standard_normal((n, d))
    x += centres[y]
    return x, y


def main():
    args = bench_arguments(__doc__)

    import linfa
    import sklearn
    from sklearn.naive_bayes import GaussianNB

    n = 1_000_000 // (10 if args.quick else 1)
    x, y = classes_data(n, 50, 10)
    label = f"{'1M' if n == 1_000_000 else n} x 50 float64, 10 classes"
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
          f"{linfa._linfa.openmp_threads()}; median of {args.repeats}")
    print()
    print("| case | linfa s | scikit-learn s | ratio | agreement |")
    print("|---|---|---|---|---|")

    ours, theirs = linfa.GaussianNB().fit(x, y), GaussianNB().fit(x, y)
    fit_agreement = max(relative(ours.theta_, theirs.theta_), relative(ours.var_, theirs.var_))
    proba_agreement = relative(ours.predict_proba(x), theirs.predict_proba(x))
    gc.collect()
    t_ours = median_seconds(lambda: linfa.GaussianNB().fit(x, y), args.repeats)
    t_theirs = median_seconds(lambda: GaussianNB().fit(x, y), args.repeats)
    print(f"| GaussianNB fit, {label} | {t_ours:.4f} | {t_theirs:.4f} | {t_theirs / t_ours:.2f}x | "
          f"rel. diff {fit_agreement:.1e} |", flush=True)
    t_ours = median_seconds(lambda: ours.predict_proba(x), args.repeats)
    t_theirs = median_seconds(lambda: theirs.predict_proba(x), args.repeats)
    print(f"| GaussianNB predict_proba, {label} | {t_ours:.4f} | {t_theirs:.4f} | {t_theirs / t_ours:.2f}x | "
          f"rel. diff {proba_agreement:.1e} |", flush=True)


if __name__ == "__main__":
    main()
