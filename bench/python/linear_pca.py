#!/usr/bin/env python3
"""linfa's LinearRegression, Ridge and PCA against scikit-learn, in one run, on the same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/linear_pca.py [--repeats N] [--quick]

Each case is timed N times (default 5) per library, alternating the libraries, and the median
is reported with the ratio scikit-learn / linfa (above 1: linfa is faster). The coefficients or
subspaces are compared in the same run (relative difference; principal angles for PCA), so a
fast wrong answer cannot pass for a win. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE must be unset
for a fair scikit-learn (see bench/python/README.md): the script re-executes itself without
them and prints the BLAS scikit-learn uses.

Cases (the targets of issue 11): fit on 1M x 100 (f64 and f32, one target) for
LinearRegression and Ridge; PCA fit + transform on 100k x 500 to 10 components (randomized)
and 20k x 1000 to 10 components (full); predict / transform throughput on 1M rows.
"""

import argparse
import gc
import os
import statistics
import sys
import time

import numpy as np


def fair_blas_env():
    """Re-executes without the OpenBLAS overrides that slow numpy/scikit-learn down."""
    if any(name in os.environ for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")):
        env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def bench_arguments(doc, repeats=5, quick_help="a tenth of the rows, for a smoke run"):
    """The arguments every comparison script takes (--repeats, --quick), parsed, after
    fair_blas_env(); `doc` is the script's docstring (its first line describes it)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    args = parser.parse_args()
    fair_blas_env()
    return args


def median_seconds(fn, repeats):
    """The median of `repeats` timings of fn(), each result dropped before the next call (so
    the output of one call is not alive while the next one allocates its own)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        gc.collect()
    return statistics.median(times)


def regression_data(n, d, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(dtype)
    coef = rng.standard_normal(d)
    y = (x @ coef.astype(dtype) + 0.5 + 0.1 * rng.standard_normal(n)).astype(dtype)
    return x, y


def decaying_data(n, d, seed=0, dtype=np.float64):
    """Low-rank signal plus noise: a spectrum that decays, as PCA is used on."""
    rng = np.random.default_rng(seed)
    scales = 10.0 * 0.8 ** np.arange(d)
    basis, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return ((rng.standard_normal((n, d)) * scales) @ basis.T + 3.0).astype(dtype)


def relative(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def largest_angle(a, b):
    """Largest principal angle (radians) between the row spaces of a and b, from its sine (the
    norm of b's basis minus its projection on a's): the cosine form cannot resolve angles below
    ~1e-8, where 1 - cos is under double's rounding."""
    qa, _ = np.linalg.qr(np.asarray(a, dtype=np.float64).T)
    qb, _ = np.linalg.qr(np.asarray(b, dtype=np.float64).T)
    residual = qb - qa @ (qa.T @ qb)
    return float(np.arcsin(min(1.0, np.linalg.norm(residual, 2))))


def main():
    args = bench_arguments(__doc__)

    import linfa
    import sklearn
    from sklearn import decomposition, linear_model
    from threadpoolctl import threadpool_info

    scale = 10 if args.quick else 1
    blas = ", ".join(sorted({f"{i['internal_api']} {i.get('version', '')} ({i['num_threads']} threads)"
                             for i in threadpool_info() if i["user_api"] == "blas"}))
    print(f"scikit-learn {sklearn.__version__}, BLAS: {blas}; linfa OpenMP threads: {linfa._linfa.openmp_threads()}; "
          f"median of {args.repeats}")
    print()
    print("| case | linfa s | scikit-learn s | ratio | agreement |")
    print("|---|---|---|---|---|")

    def row(name, ours, theirs, agreement):
        print(f"| {name} | {ours:.4f} | {theirs:.4f} | {theirs / ours:.2f}x | {agreement} |", flush=True)

    for dtype in (np.float64, np.float32):
        x, y = regression_data(1_000_000 // scale, 100, dtype)
        label = f"1M x 100 {np.dtype(dtype).name}" if scale == 1 else f"{x.shape[0]} x 100 {np.dtype(dtype).name}"
        for name, ours_cls, theirs_cls in (("LinearRegression", linfa.LinearRegression, linear_model.LinearRegression),
                                           ("Ridge", linfa.Ridge, linear_model.Ridge)):
            ours = ours_cls().fit(x, y)
            theirs = theirs_cls().fit(x, y)
            t_ours = median_seconds(lambda: ours_cls().fit(x, y), args.repeats)
            t_theirs = median_seconds(lambda: theirs_cls().fit(x, y), args.repeats)
            row(f"{name} fit, {label}", t_ours, t_theirs, f"coef rel. diff {relative(ours.coef_, theirs.coef_):.1e}")
            if name == "LinearRegression":
                t_ours = median_seconds(lambda: ours.predict(x), args.repeats)
                t_theirs = median_seconds(lambda: theirs.predict(x), args.repeats)
                row(f"{name} predict, {label}", t_ours, t_theirs,
                    f"rel. diff {relative(ours.predict(x), theirs.predict(x)):.1e}")
        del x, y

    for solver, n, d in (("randomized", 100_000, 500), ("full", 20_000, 1000)):
        x = decaying_data(n // scale, d)
        ours = linfa.PCA(10, svd_solver=solver, random_state=0)
        theirs = decomposition.PCA(10, svd_solver=solver, random_state=0)
        ours.fit(x)
        theirs.fit(x)
        angle = largest_angle(ours.components_, theirs.components_)
        t_ours = median_seconds(lambda: ours.fit(x).transform(x), args.repeats)
        t_theirs = median_seconds(lambda: theirs.fit(x).transform(x), args.repeats)
        row(f"PCA {solver} fit + transform, {x.shape[0]} x {d} -> 10", t_ours, t_theirs, f"largest angle {angle:.1e} rad")

    x = decaying_data(1_000_000 // scale, 100)
    ours = linfa.PCA(10, svd_solver="full").fit(x[:20000])
    theirs = decomposition.PCA(10, svd_solver="full").fit(x[:20000])
    t_ours = median_seconds(lambda: ours.transform(x), args.repeats)
    t_theirs = median_seconds(lambda: theirs.transform(x), args.repeats)
    row(f"PCA transform, {x.shape[0]} x 100 -> 10", t_ours, t_theirs,
        f"rel. diff {relative(ours.transform(x), theirs.transform(x)):.1e}")


if __name__ == "__main__":
    main()
