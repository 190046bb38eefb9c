#!/usr/bin/env python3
"""linfa's GaussianMixture against scikit-learn's, in one run, on the same data and start.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/gmm.py [--repeats N] [--quick]

Times ``fit(X)`` of a full-covariance mixture, 100 EM iterations (tol=0, max_iter=100) from the
same weights, means and precisions (so both run the same iterations), N times (default 3) per
library and reports the medians, the time per iteration and the ratio scikit-learn / linfa
(above 1: linfa is faster). The lower bound after every iteration is compared in the same run
(largest relative difference over the 100 iterations), so a fast wrong answer cannot pass for
a win. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed as in linear_pca.py.

Case: 100k x 10 float64, 10 overlapping components (--quick: 10k rows).
"""

import gc
import warnings

import numpy as np

from linear_pca import bench_arguments, median_seconds


def mixture_data(n, d, k, seed=0):
    """n samples around k random centres with random anisotropic spreads, and a start for EM:
    equal weights, means perturbed from the centres, identity precisions."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-4, 4, (k, d))
    labels = rng.integers(0, k, n)
    spreads = rng.uniform(0.5, 1.5, (k, d, d)) / np.sqrt(d)
    x = centres[labels] + np.einsum("nij,nj->ni", spreads[labels], rng.standard_normal((n, d)))
    start = dict(weights_init=np.full(k, 1.0 / k), means_init=centres + 0.3 * rng.standard_normal((k, d)),
                 precisions_init=np.stack([np.eye(d)] * k))
    return x, start


def main():
    args = bench_arguments(__doc__, repeats=3)

    import linfa
    import sklearn
    from sklearn.mixture import GaussianMixture

    n, d, k, iterations = 100_000 // (10 if args.quick else 1), 10, 10, 100
    x, start = mixture_data(n, d, k)
    params = dict(n_components=k, covariance_type="full", tol=0, max_iter=iterations, **start)
    label = f"{n // 1000}k x {d} float64, {k} full components, {iterations} iterations"
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
          f"{linfa._linfa.openmp_threads()}; median of {args.repeats}")
    print()
    print("| case | linfa s | scikit-learn s | linfa ms/iter | scikit-learn ms/iter | ratio | lower bounds |")
    print("|---|---|---|---|---|---|---|")

    warnings.simplefilter("ignore")  # 100 iterations at tol=0 never "converge"
    theirs = GaussianMixture(**params)
    bounds = []
    original = theirs._compute_lower_bound
    theirs._compute_lower_bound = lambda *a: (bounds.append(original(*a)), bounds[-1])[1]
    theirs.fit(x)
    ours = linfa.GaussianMixture(**params).fit(x)
    ours_bounds, bounds = np.asarray(ours._lower_bounds), np.asarray(bounds)
    assert len(ours_bounds) == len(bounds) == iterations
    agreement = float(np.max(np.abs(ours_bounds - bounds) / np.abs(bounds)))
    gc.collect()
    t_ours = median_seconds(lambda: linfa.GaussianMixture(**params).fit(x), args.repeats)
    t_theirs = median_seconds(lambda: GaussianMixture(**params).fit(x), args.repeats)
    print(f"| GaussianMixture fit, {label} | {t_ours:.3f} | {t_theirs:.3f} | {1e3 * t_ours / iterations:.2f} | "
          f"{1e3 * t_theirs / iterations:.2f} | {t_theirs / t_ours:.2f}x | max rel. diff {agreement:.1e} |", flush=True)


if __name__ == "__main__":
    main()
