#!/usr/bin/env python3
"""linfa's StandardScaler, MinMaxScaler and MaxAbsScaler against scikit-learn, in one run, on
the same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/scalers.py [--repeats N] [--quick]

Each case times ``fit(X).transform(X)`` N times (default 5) per library, and the median is
reported with the ratio scikit-learn / linfa (above 1: linfa is faster). The transformed data
are compared in the same run (largest difference relative to the largest output), so a fast
wrong answer cannot pass for a win. Both libraries copy X into a new output (scikit-learn's
default copy=True; linfa never writes to X). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed
as in linear_pca.py (the scalers use no BLAS, but the same environment keeps runs comparable).

Cases: 1M x 100, float64 and float32 (800 MB and 400 MB of records), each scaler with its
default parameters.
"""

import gc

import numpy as np

from linear_pca import bench_arguments, median_seconds, relative


def scaler_data(n, d, dtype, seed=0):
    """Features of different offsets and spreads."""
    rng = np.random.default_rng(seed)
    spread = 10.0 ** rng.uniform(-2, 3, d)
    offset = rng.uniform(-4, 4, d) * spread
    x = rng.standard_normal((n, d), dtype=np.float32 if dtype == np.float32 else np.float64)
    x *= spread.astype(x.dtype)
    x += offset.astype(x.dtype)
    return x


def main():
    args = bench_arguments(__doc__)

    import linfa
    import sklearn
    from sklearn import preprocessing

    n = 1_000_000 // (10 if args.quick else 1)
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
          f"{linfa._linfa.openmp_threads()}; median of {args.repeats}")
    print()
    print("| case | linfa s | scikit-learn s | ratio | agreement |")
    print("|---|---|---|---|---|")

    for dtype in (np.float64, np.float32):
        run_cases(scaler_data(n, 100, dtype), args.repeats, linfa, preprocessing)
        gc.collect()


def run_cases(x, repeats, linfa, preprocessing):
    """Prints one table row per scaler, fitted and applied to x."""
    n = x.shape[0]
    label = f"{'1M' if n == 1_000_000 else n} x {x.shape[1]} {x.dtype.name}"
    for name in ("StandardScaler", "MinMaxScaler", "MaxAbsScaler"):
        ours_cls, theirs_cls = getattr(linfa, name), getattr(preprocessing, name)
        ours, theirs = ours_cls().fit(x).transform(x), theirs_cls().fit(x).transform(x)
        assert ours.dtype == theirs.dtype == x.dtype
        agreement = f"rel. diff {relative(ours, theirs):.1e}"
        del ours, theirs
        gc.collect()
        t_ours = median_seconds(lambda: ours_cls().fit(x).transform(x), repeats)
        t_theirs = median_seconds(lambda: theirs_cls().fit(x).transform(x), repeats)
        print(f"| {name} fit + transform, {label} | {t_ours:.4f} | {t_theirs:.4f} | "
              f"{t_theirs / t_ours:.2f}x | {agreement} |", flush=True)

if __name__ == "__main__":
    main()
