#!/usr/bin/env python3
"""linfa's ElasticNet and Lasso against scikit-learn's (coordinate descent), in one run, on the
same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/elastic_net.py [--repeats N] [--quick]

The problem: 100k x 200 float64 (a tenth of the rows with --quick), standard normal features,
y driven by 20 of them plus noise, alphas that keep those 20. Each case times ``fit(X, y)`` N
times (default 5) per library with the same alpha, l1_ratio and tol; medians are reported with
the ratio scikit-learn / linfa (above 1: linfa is faster). linfa runs with precompute="auto"
(the Gram matrix here, n >> d) and precompute=False (the residual, like scikit-learn's
default); scikit-learn with its default precompute=False and with precompute=True. The same
run checks the answers against scikit-learn's default fit: the same support (non-zero
coefficients) and the largest coefficient difference, which must stay below 1e-6, so a fast
wrong answer cannot pass for a win.
"""

import warnings

import numpy as np

from linear_pca import bench_arguments, median_seconds

N_FEATURES, N_INFORMATIVE = 200, 20


def sparse_regression_data(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, N_FEATURES))
    coef = np.zeros(N_FEATURES)
    support = rng.choice(N_FEATURES, N_INFORMATIVE, replace=False)
    coef[support] = rng.choice([-1.0, 1.0], N_INFORMATIVE) * rng.uniform(0.5, 2.0, N_INFORMATIVE)
    y = x @ coef + 3.0 + rng.standard_normal(n)
    return x, y


def run_case(name, x, y, repeats, ours_cls, theirs_cls, params):
    reference = theirs_cls(**params).fit(x, y)
    t_theirs = median_seconds(lambda: theirs_cls(**params).fit(x, y), repeats)
    t_theirs_gram = median_seconds(lambda: theirs_cls(precompute=True, **params).fit(x, y), repeats)
    for precompute in ("auto", False):
        ours = ours_cls(precompute=precompute, **params).fit(x, y)
        t_ours = median_seconds(lambda: ours_cls(precompute=precompute, **params).fit(x, y), repeats)
        same_support = np.array_equal(ours.coef_ != 0, reference.coef_ != 0)
        gap = float(np.max(np.abs(ours.coef_ - reference.coef_)))
        verdict = "ok" if same_support and gap < 1e-6 else "MISMATCH"
        print(
            f"| {name}, linfa precompute={precompute!r} | {t_ours:.3f} | {t_theirs:.3f} | "
            f"{t_theirs / t_ours:.2f}x | {t_theirs_gram:.3f} | {t_theirs_gram / t_ours:.2f}x | "
            f"{int(np.sum(ours.coef_ != 0))} non-zero, same support: {same_support}, max coef "
            f"difference {gap:.1e}, iterations {ours.n_iter_} / {reference.n_iter_}: {verdict} |"
        )


def main():
    args = bench_arguments(__doc__, repeats=5)

    import linfa
    import sklearn
    from sklearn.linear_model import ElasticNet, Lasso

    n = 10_000 if args.quick else 100_000
    print(
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
        f"{linfa._linfa.openmp_threads()}; median of {args.repeats}; {n} x {N_FEATURES} float64"
    )
    print()
    print(
        "| case | linfa s | scikit-learn s | ratio | scikit-learn precompute=True s | ratio | agreement |"
    )
    print("|---|---|---|---|---|---|---|")
    x, y = sparse_regression_data(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning would make the timings meaningless
        run_case("Lasso alpha=0.1", x, y, args.repeats, linfa.Lasso, Lasso, {"alpha": 0.1})
        run_case(
            "ElasticNet alpha=0.2 l1_ratio=0.5", x, y, args.repeats, linfa.ElasticNet, ElasticNet,
            {"alpha": 0.2, "l1_ratio": 0.5},
        )


if __name__ == "__main__":
    main()
