#!/usr/bin/env python3
"""Python drivers of bench/compare: linfa (``linfa.KMeans``), scikit-learn and FAISS on the
compare data. The protocol is the C++ drivers' (driver_common.hpp); one JSON line on stdout.

    py_driver.py --lib linfa|sklearn|faiss --data F --n N --d D --k K --dtype f64|f32
                 --mode fixed --init F --iters N | --mode converged --tol T --max-iter M --seed S
                 [--algo lloyd|elkan] [--repeats R] [--max-seconds S] [--warmup 0|1] [--centroids-out F]
    py_driver.py --lib linfa|sklearn --mode seed [--n N] --repeats R: the seed's training benchmark,
                 make_blobs(N = 1_000_000, random_state=0) (2 features, 3 centres, generated here),
                 KMeans(3, init="random", n_init=1, max_iter=100, tol=1e-4, random_state=0)
                 .fit_predict(X), total ms.

fixed:     every library starts from the given centroids, its convergence test disabled where it
           can be (tol=0; linfa and scikit-learn still stop when no label changes, FAISS never
           stops early), exactly N iterations asked.
converged: the library's own default initialisation (k-means++ for linfa and scikit-learn,
           random points for FAISS), timed with the fit; n_init=1; tol as given (FAISS has no
           tolerance: it runs its default 25 iterations; its default subsampling to 256 points
           per centroid is switched off so that it trains on the same data as the others).
Memory: the process' peak RSS during each fit minus the RSS before it (VmHWM reset through
/proc/self/clear_refs), and under LD_PRELOAD of the malloc probe its peak live heap bytes.
"""

import argparse
import ctypes
import json
import sys
import time

import numpy as np


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


class Measure:
    def __init__(self):
        self.rss_extra, self.heap_extra = [], []
        process = ctypes.CDLL(None)
        try:
            self._reset = process.mprobe_reset
            self._peak = process.mprobe_peak_extra
            self._peak.restype = ctypes.c_longlong
        except AttributeError:
            self._reset = self._peak = None

    @property
    def probe(self):
        return self._reset is not None

    def run(self, fn):
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        rss0 = status_kb("VmRSS")
        if self.probe:
            self._reset()
        t0 = time.perf_counter()
        out = fn()
        ms = (time.perf_counter() - t0) * 1e3
        if self.probe:
            self.heap_extra.append(int(self._peak()))
        self.rss_extra.append((status_kb("VmHWM") - rss0) * 1024)
        return ms, out


def make_estimator(module_kmeans, args, init, n_iter):
    """The scikit-learn-style estimator (linfa.KMeans or sklearn.cluster.KMeans) for the mode."""
    if args.mode == "seed":
        return module_kmeans(3, init="random", algorithm="lloyd", n_init=1, max_iter=100, tol=1e-4, random_state=0)
    if args.mode == "fixed":
        return module_kmeans(args.k, init=init, n_init=1, max_iter=n_iter, tol=0.0, algorithm=args.algo)
    return module_kmeans(args.k, n_init=1, max_iter=n_iter, tol=args.tol, algorithm=args.algo, random_state=args.seed)


def sklearn_api_fit(module_kmeans):
    def fit(args, X, init, n_iter):
        km = make_estimator(module_kmeans, args, init, n_iter)
        if args.mode == "seed":
            km.fit_predict(X)  # the seed benchmark times fit_predict
        else:
            km.fit(X)
        return km.cluster_centers_, int(km.n_iter_), float(km.inertia_)

    return fit


def faiss_fit(args, X, init, n_iter):
    import faiss

    km = faiss.Kmeans(args.d, args.k, niter=n_iter, seed=args.seed, max_points_per_centroid=10**8, verbose=False)
    if args.mode == "fixed":
        km.train(X, init_centroids=init)
    else:
        km.train(X)
    return km.centroids, len(km.obj), float(km.obj[-1])


def versions(lib):
    if lib == "linfa":
        import linfa

        return {"version": getattr(linfa, "__version__", "?"), "threads": int(linfa._linfa.openmp_threads())}
    if lib == "sklearn":
        import sklearn
        from threadpoolctl import threadpool_info

        info = threadpool_info()
        blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
                for i in info if i["user_api"] == "blas"]
        omp = [i["num_threads"] for i in info if i["user_api"] == "openmp"]
        return {"version": sklearn.__version__, "blas": ", ".join(blas) or "reference BLAS (netlib)",
                "threads": omp[0] if omp else -1}
    import faiss

    return {"version": faiss.__version__, "threads": faiss.omp_get_max_threads()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lib", required=True, choices=["linfa", "sklearn", "faiss"])
    p.add_argument("--data")
    p.add_argument("--n", type=int, default=0)
    p.add_argument("--d", type=int, default=0)
    p.add_argument("--k", type=int, default=0)
    p.add_argument("--dtype", default="f64", choices=["f64", "f32"])
    p.add_argument("--mode", required=True, choices=["fixed", "converged", "seed"])
    p.add_argument("--init")
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--max-iter", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--algo", default="lloyd")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=1e9)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--centroids-out")
    args = p.parse_args()
    try:
        dtype = np.float64 if args.dtype == "f64" else np.float32
        # Imported before any measurement, so that no import lands in a fit's time or memory.
        if args.lib == "faiss":
            if args.dtype != "f32":
                raise ValueError("FAISS trains on float32 only")
            import faiss

            faiss.omp_set_num_threads(args.threads)
            fit = faiss_fit
        elif args.lib == "linfa":
            import linfa

            fit = sklearn_api_fit(linfa.KMeans)
        else:
            from sklearn.cluster import KMeans

            fit = sklearn_api_fit(KMeans)
        if args.mode == "seed":
            from sklearn.datasets import make_blobs

            X, _ = make_blobs(n_samples=args.n or 1_000_000, random_state=0)
            X = X.astype(dtype)
            args.n, args.d, args.k = X.shape[0], X.shape[1], 3
        else:
            X = np.fromfile(args.data, dtype=dtype)
            if X.size != args.n * args.d:
                raise ValueError(f"{args.data}: {X.size} values, expected {args.n * args.d}")
            X = X.reshape(args.n, args.d)
        init = None
        if args.mode == "fixed":
            init = np.fromfile(args.init, dtype=dtype).reshape(args.k, args.d)
        n_iter = args.iters if args.mode == "fixed" else args.max_iter
        if args.lib == "faiss" and args.mode == "converged":
            n_iter = 25  # FAISS's default: it has no convergence test
        measure = Measure()
        if args.warmup:  # fixed: 2 iterations on all the data; else the same fit on the first rows
            head = X if args.mode == "fixed" else X[: min(args.n, 20000)]
            measure.run(lambda: fit(args, head, init, 2))
        times, iters = [], []
        while not times or (len(times) < args.repeats and sum(times) + times[-1] <= args.max_seconds * 1e3):
            ms, (centroids, it, inertia) = measure.run(lambda: fit(args, X, init, n_iter))
            times.append(ms)
            iters.append(it)
        if args.centroids_out:
            np.ascontiguousarray(centroids, dtype=np.float64).tofile(args.centroids_out)
        variant = args.algo if args.lib != "faiss" else "Kmeans"
        out = {"library": {"linfa": "linfa-py", "sklearn": "sklearn", "faiss": "faiss"}[args.lib], "variant": variant,
               "dtype": args.dtype, "mode": args.mode, "n": args.n, "d": args.d, "k": args.k, "times_ms": times,
               "n_iter": iters, "rss_extra_bytes": measure.rss_extra, "inertia_own": inertia}
        if measure.probe:
            out["heap_extra_bytes"] = measure.heap_extra
        out.update(versions(args.lib))
        print(json.dumps(out), flush=True)
    except Exception as e:  # one JSON error line, as the C++ drivers
        print(json.dumps({"library": args.lib, "error": f"{type(e).__name__}: {e}"}), flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
