#!/usr/bin/env python3
"""linfa vs its peers on the same data, in one run: bench/compare/README.md says what and why.

    /usr/bin/python3 bench/compare/compare.py [--quick] [--build DIR] [--linfa-py DIR] [--out DIR]
                                              [--only PHASES] [--threads N]

Normally started by bench/compare/run.sh, which builds the drivers first. This script installs
nothing: it checks what is there (drivers, Python modules) and says which Debian package a
missing one comes from; a missing optional peer is left out of the tables (and named there).

Phases (--only takes a comma-separated subset): gemm, fixed, converged, largek, sweep_n, sweep_k,
seed, memory. Output in --out: runs.jsonl (one record per driver run, raw times included),
summary.csv, results.md, sweep_n.png, sweep_k.png. In --work (default BUILD/compare-data): the data
files, the final centroids of every run, and logs/ (each driver's command line and stderr).
"""

import argparse
import csv
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable

# --------------------------------------------------------------------------------------------
# The plan. Sizes, iterations, repeats and the caps of the slow peers live here, in one place.
# --------------------------------------------------------------------------------------------

# Libraries: (name, driver, dtypes, variants). "py:" drivers are py_driver.py --lib ...
LIBRARIES = {
    "linfa": ("compare_linfa", ("f64", "f32"), ("lloyd", "hamerly", "auto")),
    "linfa-py": ("py:linfa", ("f64", "f32"), ("lloyd",)),
    "sklearn": ("py:sklearn", ("f64", "f32"), ("lloyd", "elkan")),
    "faiss": ("py:faiss", ("f32",), ("Kmeans",)),
    "armadillo": ("compare_arma", ("f64", "f32"), ("kmeans",)),
    "opencv": ("compare_opencv", ("f32",), ("kmeans",)),
    "dlib": ("compare_dlib", ("f64",), ("find_clusters_using_kmeans",)),
}
PEERS = ("sklearn", "faiss", "armadillo", "opencv", "dlib")
DISPLAY = {
    ("linfa", "lloyd"): "linfa C++ Lloyd",
    ("linfa", "hamerly"): "linfa C++ Hamerly",
    ("linfa", "auto"): "linfa C++ Auto (default)",
    ("linfa-py", "lloyd"): "linfa Python",
    ("sklearn", "lloyd"): "scikit-learn lloyd",
    ("sklearn", "elkan"): "scikit-learn elkan",
    ("faiss", "Kmeans"): "FAISS",
    ("armadillo", "kmeans"): "Armadillo",
    ("opencv", "kmeans"): "OpenCV",
    ("dlib", "find_clusters_using_kmeans"): "dlib",
}


def plan(quick):
    """Every setting of the run. Full: ~20 min on a quiet 2-core machine; quick: tiny sizes."""
    if quick:
        main = [("S1", 20_000, 2, 10), ("S3", 5_000, 32, 16)]
        return dict(
            gemm_size=384, main=main, memory_cases=("S1",), fixed_iters=5, sweep_iters=3,
            largek=("L", 20_000, 2, 100), sweep_n=[2_000, 16_000], sweep_n_dk=(2, 10),
            sweep_k=[5, 40], sweep_k_nd=(8_000, 8), seed_n=100_000,
            repeats=3, fast_repeats=3, max_seconds=2.0, conv_max_seconds=2.0, largek_max_seconds=2.0,
            sweep_max_seconds=1.0, caps=QUICK_CAPS, timeout=120,
        )
    main = [("S1", 1_000_000, 2, 100), ("S2", 1_000_000, 16, 100), ("S3", 100_000, 128, 256)]
    return dict(
        gemm_size=2048, main=main, memory_cases=("S1", "S2", "S3"), fixed_iters=20, sweep_iters=10,
        largek=("L", 1_000_000, 2, 1000), sweep_n=[10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000],
        sweep_n_dk=(2, 100), sweep_k=[10, 30, 100, 300, 1000], sweep_k_nd=(100_000, 16), seed_n=1_000_000,
        repeats=3, fast_repeats=5, max_seconds=10.0, conv_max_seconds=10.0, largek_max_seconds=30.0,
        sweep_max_seconds=6.0, caps=FULL_CAPS, timeout=900,
    )


# Caps of the slow peers (full run), each stated in results.md:
FULL_CAPS = {
    # fixed iterations: dlib is serial and computes sqrt distances (~40x linfa per iteration)
    "dlib_fixed_iters": 3,
    # converged runs left out (one run would take minutes): why, per library
    "converged_skip": {
        "dlib": "serial; at these shapes one converged run takes minutes",
        "armadillo@S3": "no tolerance (iterates to the exact fixed point, up to max-iter); one run at 100k x 128, k=256 takes > 1 min",
    },
    "armadillo_conv_max_iter": 100,
    # large k (1M x 2, k=1000): which peers run
    "largek_libs": ("linfa", "sklearn"),
    "largek_skip_note": "float64 only; FAISS (~6 s per iteration at d=2), Armadillo, OpenCV (100 iterations of ~1.4 s) "
                        "and dlib left out: one converged run each would take minutes",
    # sweeps: largest n per library (time/iteration is linear in n; these would take minutes)
    "sweep_n_max": {"faiss": 300_000, "dlib": 100_000, "opencv": 3_000_000, "armadillo": 3_000_000, "linfa-py": 1_000_000},
    "sweep_k_max": {"dlib": 100},
    "converged_elkan_f32": False,
}
QUICK_CAPS = dict(FULL_CAPS, dlib_fixed_iters=3, converged_skip={}, sweep_n_max={}, sweep_k_max={})

APT = {
    "numpy": "python3-numpy", "sklearn": "python3-sklearn", "faiss": "python3-faiss",
    "matplotlib": "python3-matplotlib", "threadpoolctl": "python3-threadpoolctl",
    "compare_arma": "libarmadillo-dev", "compare_dlib": "libdlib-dev (and libopenblas-dev / libblas-dev, liblapack-dev)",
    "compare_opencv": "libopencv-core-dev", "compare_gemm (OpenBLAS)": "libopenblas-dev",
}

# --------------------------------------------------------------------------------------------


def log(msg):
    print(f"[compare {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Runner:
    def __init__(self, args):
        self.args = args
        self.cfg = plan(args.quick)
        self.out = args.out
        self.bin = os.path.join(args.build, "bench", "compare")
        self.work = args.work
        os.makedirs(self.out, exist_ok=True)
        os.makedirs(self.work, exist_ok=True)
        self.logs = os.path.join(self.work, "logs")  # each driver's command line and stderr
        shutil.rmtree(self.logs, ignore_errors=True)
        os.makedirs(self.logs)
        self.records, self.metas = [], []
        self.runs_path = os.path.join(self.out, "runs.jsonl")
        if args.append and os.path.exists(self.runs_path):  # earlier records stay, reruns replace them
            self.records, self.metas = load_runs(self.runs_path)
        self.missing = {}
        self.env = self.make_env()
        self.available = self.check()
        self.peak = {}

    # --- environment and dependencies --------------------------------------------------------

    def make_env(self):
        env = dict(os.environ)
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "GOTO_NUM_THREADS", "LD_PRELOAD"):
            env.pop(name, None)  # the first two pin OpenBLAS to a generic kernel on some machines
        t = str(self.args.threads)
        env.update(OMP_NUM_THREADS=t, OPENBLAS_NUM_THREADS=t, MKL_NUM_THREADS=t, PYTHONDONTWRITEBYTECODE="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [self.args.linfa_py, env.get("PYTHONPATH")]))
        return env

    def py_has(self, module):
        r = subprocess.run([PY, "-c", f"import {module}"], env=self.env, capture_output=True, text=True)
        return r.returncode == 0, r.stderr.strip().splitlines()[-1:] if r.returncode else []

    def check(self):
        avail = {}
        for lib, (driver, _, _) in LIBRARIES.items():
            if driver.startswith("py:"):
                module = driver[3:]
                ok, why = self.py_has(module)
                if not ok:
                    where = (f"not importable from PYTHONPATH={self.args.linfa_py} (build the target _linfa, or pass "
                             f"--linfa-py DIR)") if module == "linfa" else f"missing: apt-get install {APT.get(module, module)}"
                    self.missing[lib] = f"{module} {where} ({' '.join(why)})"
                avail[lib] = ok
            else:
                ok = os.access(os.path.join(self.bin, driver), os.X_OK)
                if not ok:
                    self.missing[lib] = (f"driver {driver} not built in {self.bin} "
                                         f"(needs {APT.get(driver, 'the linfa build')}; run bench/compare/run.sh)")
                avail[lib] = ok
        for module in ("numpy", "sklearn"):
            ok, why = self.py_has(module)
            if not ok:
                sys.exit(f"compare: Python module {module} is required (data generation): apt-get install {APT[module]}")
        self.has_matplotlib = self.py_has("matplotlib")[0]
        if not self.has_matplotlib:
            self.missing["plots"] = f"matplotlib missing: apt-get install {APT['matplotlib']} (no PNG plots)"
        self.probe = os.path.join(self.bin, "libcompare_malloc_probe.so")
        if not os.path.exists(self.probe):
            self.missing["malloc probe"] = "libcompare_malloc_probe.so not built: heap figures left out"
            self.probe = None
        if not os.access(os.path.join(self.bin, "compare_gemm"), os.X_OK):
            self.missing["gemm"] = "compare_gemm not built: no GEMM peak"
        for lib, why in self.missing.items():
            log(f"MISSING {lib}: {why}")
        return avail

    # --- data ----------------------------------------------------------------------------------

    def dataset(self, n, d, centers, std=1.0, prefix_of=None):
        """make_blobs(n, d, centers, cluster_std=std, random_state=42) as raw f64 and f32 files
        (cached in the work directory). With prefix_of=N, the first n rows of the N-row set
        (make_blobs shuffles, so a prefix is a random subset of the same blobs)."""
        import numpy as np

        name = f"blobs_n{n}_d{d}_c{centers}_s{std:g}" + (f"_of{prefix_of}" if prefix_of else "")
        base = os.path.join(self.work, name)
        if not (os.path.exists(base + ".f64") and os.path.exists(base + ".f32")):
            if prefix_of:
                big = self.dataset(prefix_of, d, centers, std)
                X = np.fromfile(big["f64"], dtype=np.float64, count=n * d).reshape(n, d)
            else:
                from sklearn.datasets import make_blobs

                log(f"generating {name}")
                X, _ = make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=std, random_state=42)
            np.ascontiguousarray(X, dtype=np.float64).tofile(base + ".f64")
            np.ascontiguousarray(X, dtype=np.float32).tofile(base + ".f32")
        return {"name": name, "n": n, "d": d, "f64": base + ".f64", "f32": base + ".f32"}

    def init_files(self, ds, k):
        """The common initial centroids: k distinct rows chosen with numpy's default_rng(7), as
        f64 and f32 (the f32 rows of the f32 data), and for OpenCV the nearest of them for
        every row of the f32 data (int32)."""
        import numpy as np

        base = os.path.join(self.work, f"{ds['name']}_k{k}")
        files = {"f64": base + ".init.f64", "f32": base + ".init.f32", "labels0": base + ".labels0.i32"}
        if all(os.path.exists(f) for f in files.values()):
            return files
        n, d = ds["n"], ds["d"]
        idx = np.sort(np.random.default_rng(7).choice(n, size=k, replace=False))
        X64 = np.fromfile(ds["f64"]).reshape(n, d)
        X64[idx].tofile(files["f64"])
        X32 = np.fromfile(ds["f32"], dtype=np.float32).reshape(n, d)
        C = X32[idx]
        C.tofile(files["f32"])
        nearest(X32, C.astype(np.float64))[0].astype(np.int32).tofile(files["labels0"])
        return files

    # --- running drivers ---------------------------------------------------------------------

    def command(self, lib, variant, dtype, mode, ds, k, **opt):
        driver = LIBRARIES[lib][0]
        if driver.startswith("py:"):
            cmd = [PY, os.path.join(HERE, "py_driver.py"), "--lib", driver[3:]]
        else:
            cmd = [os.path.join(self.bin, driver)]
        if mode != "seed":
            cmd += ["--data", ds[dtype], "--n", ds["n"], "--d", ds["d"], "--k", k]
        cmd += ["--dtype", dtype, "--mode", mode, "--threads", self.args.threads]
        if lib in ("linfa", "linfa-py", "sklearn"):
            cmd += ["--algo", variant]
        for key, value in opt.items():
            if value is not None:
                cmd += ["--" + key.replace("_", "-"), value]
        return [str(c) for c in cmd]

    def run(self, phase, case, lib, variant, dtype, mode, ds, k, probe=False, note="", **opt):
        if not self.available.get(lib):
            return None
        centroids = os.path.join(self.work, f"centroids_{os.getpid()}_{len(self.records)}.f64") if mode != "seed" else None
        cmd = self.command(lib, variant, dtype, mode, ds, k, centroids_out=centroids, **opt)
        env = dict(self.env)
        if probe and self.probe:
            env["LD_PRELOAD"] = self.probe
        label = f"{phase} {case} {DISPLAY.get((lib, variant), lib)} {dtype}"
        t0 = time.time()
        try:
            r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=self.cfg["timeout"])
            stdout, stderr, rc = r.stdout, r.stderr, r.returncode
        except subprocess.TimeoutExpired as e:
            stdout, stderr, rc = "", f"timeout after {self.cfg['timeout']} s\n{e.stderr or ''}", -1
        wall = time.time() - t0
        logname = f"{len(self.records):04d}_{phase}_{case}_{lib}_{variant}_{dtype}.log"
        with open(os.path.join(self.logs, logname), "w") as f:
            f.write(" ".join(cmd) + "\n\n" + (stderr if isinstance(stderr, str) else stderr.decode(errors="replace")))
        line = next((l for l in reversed(stdout.splitlines()) if l.startswith("{")), None)
        rec = json.loads(line) if line else {"error": f"exit {rc}, no output (see {self.logs}/{logname})"}
        rec.update(phase=phase, case=case, lib=lib, algo=variant, dtype=dtype, mode=mode, wall_s=round(wall, 2),
                   k=k, note=note, probe=bool(probe and self.probe), cmd=" ".join(cmd))
        if ds is not None:
            rec.update(n=ds["n"], d=ds["d"], data=ds["name"])
        if rc != 0 and "error" not in rec:
            rec["error"] = f"exit {rc} (see {self.logs}/{logname})"
        if "error" in rec:
            log(f"FAILED {label}: {rec['error']}")
        else:
            times = rec["times_ms"]
            rec["median_ms"] = statistics.median(times)
            rec["min_ms"] = min(times)
            rec["repeats"] = len(times)
            iters = [i for i in rec["n_iter"] if i is not None and i >= 0]
            rec["iters"] = int(statistics.median(iters)) if iters else None
            if mode in ("fixed",) and rec["iters"]:
                rec["ms_per_iter"] = rec["median_ms"] / rec["iters"]
                rec["gflops"] = 2.0 * rec["n"] * rec["k"] * rec["d"] / (rec["ms_per_iter"] * 1e6)
            if centroids and os.path.exists(centroids):
                rec["centroids_file"] = centroids
            extra = f"{rec['ms_per_iter']:.2f} ms/it" if "ms_per_iter" in rec else f"{rec['median_ms']:.1f} ms"
            log(f"{label}: {extra}, iterations {rec['n_iter']}, {len(times)} fits, wall {wall:.1f} s")
        self.records.append(rec)
        with open(self.runs_path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return rec

    # --- phases ----------------------------------------------------------------------------

    def main_cases(self):
        wanted = self.args.cases.split(",") if self.args.cases else None
        return [c for c in self.cfg["main"] if not wanted or c[0] in wanted]

    def phase_gemm(self, when="start"):
        exe = os.path.join(self.bin, "compare_gemm")
        if not os.access(exe, os.X_OK):
            return
        r = subprocess.run([exe, "--size", str(self.cfg["gemm_size"]), "--repeats", "5"], env=self.env,
                           capture_output=True, text=True, timeout=600)
        for line in r.stdout.splitlines():
            if line.startswith("{"):
                rec = json.loads(line)
                rec.update(phase="gemm", case=when, lib="gemm")
                self.records.append(rec)
                with open(self.runs_path, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                log(f"GEMM ({when}) {rec['variant']} {rec['dtype']}: best {rec['best_gflops']:.1f} GFLOP/s")

    def main_data(self, n, d, k):
        # 128 features: blobs of std 1 (or 4, or 8) sit so far apart that Lloyd reaches its
        # fixed point in fewer than 20 iterations from the common start; with std 12 it takes
        # 37, so the fixed-iteration runs do their 20.
        return self.dataset(n, d, k, std=12.0 if d >= 64 else 1.0)

    def phase_fixed(self):
        c = self.cfg
        for case, n, d, k in self.main_cases():
            ds = self.main_data(n, d, k)
            init = self.init_files(ds, k)
            for lib, (_, dtypes, variants) in LIBRARIES.items():
                for dtype in dtypes:
                    for variant in variants:
                        iters, note, warm = c["fixed_iters"], "", 1
                        reps = c["fast_repeats"] if lib in ("linfa", "linfa-py") else c["repeats"]
                        if lib == "dlib":
                            iters, warm = c["caps"]["dlib_fixed_iters"], 0
                            note = f"capped: {iters} iterations, no warm-up (serial, slow)"
                        self.run("fixed", case, lib, variant, dtype, "fixed", ds, k, note=note, init=init[dtype],
                                 labels0=init["labels0"] if lib == "opencv" else None, iters=iters, repeats=reps,
                                 warmup=warm, max_seconds=c["max_seconds"], seed=0)

    def converged_jobs(self, case, libs=None):
        caps = self.cfg["caps"]
        for lib, (_, dtypes, variants) in LIBRARIES.items():
            if libs and lib not in libs:
                continue
            skip = caps["converged_skip"].get(lib) or caps["converged_skip"].get(f"{lib}@{case}")
            if skip:
                continue
            for dtype in dtypes:
                for variant in variants:
                    if lib == "sklearn" and variant == "elkan" and dtype == "f32" and not caps["converged_elkan_f32"]:
                        continue
                    if lib == "armadillo" and dtype == "f32":
                        continue  # its f32 speed is in the fixed-iteration table; converged runs are long
                    yield lib, variant, dtype

    def phase_converged(self):
        c = self.cfg
        for case, n, d, k in self.main_cases():
            ds = self.main_data(n, d, k)
            for lib, variant, dtype in self.converged_jobs(case):
                max_iter = c["caps"]["armadillo_conv_max_iter"] if lib == "armadillo" else 300
                note = f"capped: max-iter {max_iter}" if max_iter != 300 else ""
                reps = c["fast_repeats"] if lib in ("linfa", "linfa-py") else c["repeats"]
                self.run("converged", case, lib, variant, dtype, "converged", ds, k, note=note, tol=1e-4,
                         max_iter=max_iter, repeats=reps, warmup=1, max_seconds=c["conv_max_seconds"], seed=0)

    def phase_largek(self):
        c = self.cfg
        case, n, d, k = c["largek"]
        ds = self.dataset(n, d, k)
        for lib, variant, dtype in self.converged_jobs(case, libs=c["caps"]["largek_libs"]):
            if dtype != "f64":
                continue
            max_iter = c["caps"]["armadillo_conv_max_iter"] if lib == "armadillo" else 300
            self.run("largek", case, lib, variant, dtype, "converged", ds, k, tol=1e-4, max_iter=max_iter,
                     repeats=c["repeats"], warmup=1, max_seconds=c["largek_max_seconds"], seed=0)

    def sweep_jobs(self):
        """Per library one line in the plots: its variants that matter, at its native dtype."""
        yield "linfa", "lloyd", "f64"
        yield "linfa", "lloyd", "f32"
        yield "linfa", "hamerly", "f64"
        yield "linfa-py", "lloyd", "f64"
        yield "sklearn", "lloyd", "f64"
        yield "sklearn", "elkan", "f64"
        yield "faiss", "Kmeans", "f32"
        yield "armadillo", "kmeans", "f64"
        yield "opencv", "kmeans", "f32"
        yield "dlib", "find_clusters_using_kmeans", "f64"

    def phase_sweep_n(self):
        c = self.cfg
        d, k = c["sweep_n_dk"]
        biggest = max(c["sweep_n"])
        for n in c["sweep_n"]:
            ds = self.dataset(n, d, k, prefix_of=biggest if n != biggest else None)
            init = self.init_files(ds, k)
            for lib, variant, dtype in self.sweep_jobs():
                if n > c["caps"]["sweep_n_max"].get(lib, biggest):
                    continue
                self.run("sweep_n", f"n={n}", lib, variant, dtype, "fixed", ds, k, init=init[dtype],
                         labels0=init["labels0"] if lib == "opencv" else None, iters=c["sweep_iters"],
                         repeats=c["repeats"], warmup=0 if lib == "dlib" else 1, max_seconds=c["sweep_max_seconds"])

    def phase_sweep_k(self):
        c = self.cfg
        n, d = c["sweep_k_nd"]
        ds = self.dataset(n, d, 100)
        for k in c["sweep_k"]:
            init = self.init_files(ds, k)
            for lib, variant, dtype in self.sweep_jobs():
                if k > c["caps"]["sweep_k_max"].get(lib, k):
                    continue
                self.run("sweep_k", f"k={k}", lib, variant, dtype, "fixed", ds, k, init=init[dtype],
                         labels0=init["labels0"] if lib == "opencv" else None, iters=c["sweep_iters"],
                         repeats=c["repeats"], warmup=0 if lib == "dlib" else 1, max_seconds=c["sweep_max_seconds"])

    def phase_seed(self):
        seed_n = self.cfg["seed_n"]
        for lib in ("linfa-py", "sklearn"):
            self.run("seed", "seed", lib, "lloyd", "f64", "seed", None, 3, repeats=7, warmup=1,
                     max_seconds=60, n=seed_n)

    def phase_memory(self):
        """Peak extra memory of one fit, in a fresh process, with the malloc probe preloaded:
        given init + 2 iterations ("fixed"), and the default init + at most 3 iterations."""
        c = self.cfg
        for case, n, d, k in self.main_cases():
            if case not in c["memory_cases"]:
                continue
            ds = self.main_data(n, d, k)
            init = self.init_files(ds, k)
            for lib, (_, dtypes, variants) in LIBRARIES.items():
                for dtype in dtypes:
                    for variant in variants:
                        self.run("memory", case, lib, variant, dtype, "fixed", ds, k, probe=True, init=init[dtype],
                                 labels0=init["labels0"] if lib == "opencv" else None, iters=2, repeats=1,
                                 warmup=0)
                        if dtype != dtypes[0] or (lib == "dlib" and d > 2):
                            continue  # one dtype (f64 where there is one); dlib's init is long at d > 2
                        self.run("memory_init", case, lib, variant, dtype, "converged", ds, k, probe=True, tol=1e-4,
                                 max_iter=3, repeats=1, warmup=0)

    # --- common inertia --------------------------------------------------------------------

    def add_common_inertia(self):
        import numpy as np

        cache = {}
        for rec in self.records:
            path = rec.get("centroids_file")
            if not path or "inertia" in rec or rec.get("phase") not in ("fixed", "converged", "largek"):
                continue
            key = (rec["data"], rec["dtype"])
            if key not in cache:
                cache.clear()
                base = os.path.join(self.work, rec["data"])
                dtype = np.float64 if rec["dtype"] == "f64" else np.float32
                cache[key] = np.fromfile(base + "." + rec["dtype"], dtype=dtype).reshape(rec["n"], rec["d"])
            C = np.fromfile(path).reshape(rec["k"], rec["d"])
            rec["inertia"] = nearest(cache[key], C)[1]
        with open(self.runs_path, "w") as f:
            for rec in self.records:
                f.write(json.dumps(rec) + "\n")


def load_runs(path):
    """(records, metas) of a runs.jsonl."""
    records, metas = [], []
    with open(path) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                (metas if rec.get("phase") == "meta" else records).append(rec)
    return records, metas


def deduplicate(records):
    """The last record of every (phase, case, library, variant, dtype, mode): a rerun replaces."""
    last = {}
    for rec in records:
        last[(rec.get("phase"), rec.get("case"), rec.get("lib"), rec.get("algo", rec.get("variant")), rec.get("dtype"),
              rec.get("mode"))] = rec
    return list(last.values())


def nearest(X, C, block=None):
    """Labels of the nearest centroid of every row and the inertia, in float64 (argmin on the
    GEMM expansion, then the exact squared distance to the chosen centroid)."""
    import numpy as np

    C = np.asarray(C, dtype=np.float64)
    cc = (C * C).sum(1)
    block = block or max(1024, (1 << 22) // max(1, C.shape[0]))
    labels = np.empty(X.shape[0], dtype=np.int64)
    total = 0.0
    for s in range(0, X.shape[0], block):
        x = np.asarray(X[s:s + block], dtype=np.float64)
        j = (cc[None, :] - 2.0 * (x @ C.T)).argmin(1)
        labels[s:s + block] = j
        diff = x - C[j]
        total += float(np.einsum("ij,ij->", diff, diff))
    return labels, total


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def fmt(x, digits=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def mib(b):
    return "n/a" if b is None else f"{b / 2**20:.1f}"


def name(rec):
    return DISPLAY.get((rec["lib"], rec["algo"]), rec["lib"])


def machine_info(runner, metas):
    model = "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        flags = "AVX-512" if "avx512f" in text else ("AVX2" if "avx2" in text else "")
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "include"],
                           capture_output=True, text=True).stdout.strip()
    gcc = "?"
    for root, _, files in os.walk(os.path.join(runner.args.build, "CMakeFiles")):
        if "CMakeCXXCompiler.cmake" in files:
            with open(os.path.join(root, "CMakeCXXCompiler.cmake")) as f:
                for line in f:
                    if line.startswith("set(CMAKE_CXX_COMPILER_VERSION "):
                        gcc = line.split('"')[1]
            break
    if metas and metas[-1].get("commit"):  # the commit the run measured, not the one of the report
        commit, dirty = metas[-1]["commit"], metas[-1].get("dirty")
    versions = {}
    for rec in runner.records:
        if rec.get("version"):
            versions[rec["lib"]] = rec["version"]
        if rec.get("blas"):
            versions["blas"] = rec["blas"]
        if rec.get("parallel_framework"):
            versions["opencv_parallel"] = rec["parallel_framework"]
    try:
        with open("/usr/include/dlib/revision.h") as f:
            v = [l.split()[-1] for l in f if "VERSION" in l and l.startswith("#define")]
            versions["dlib"] = ".".join(v)
    except OSError:
        pass
    import numpy

    versions["numpy"] = numpy.__version__
    return dict(model=model, flags=flags, cpus=os.cpu_count(), threads=runner.args.threads, commit=commit,
                dirty=bool(dirty), gcc=gcc, python=platform.python_version(), versions=versions, periods=metas)


class Report:
    def __init__(self, runner, info):
        self.r = runner
        self.recs = [x for x in runner.records if "error" not in x]
        self.failed = [x for x in runner.records if "error" in x]
        self.info = info
        self.peak = {}
        for rec in self.recs:
            if rec["phase"] == "gemm":
                self.peak[rec["dtype"]] = max(self.peak.get(rec["dtype"], 0), rec["best_gflops"])
        self.lines = []

    def w(self, *lines):
        self.lines.extend(lines)

    def select(self, phase, case=None):
        return [x for x in self.recs if x["phase"] == phase and (case is None or x["case"] == case)]

    def table(self, header, rows):
        self.w("| " + " | ".join(header) + " |", "|" + "---|" * len(header))
        for row in rows:
            self.w("| " + " | ".join(str(c) for c in row) + " |")
        self.w("")

    def build(self):
        cfg, info = self.r.cfg, self.info
        v = info["versions"]
        self.w("# linfa vs its peers: K-Means on the same data, one run", "")
        if self.r.args.quick:
            self.w("--quick: tiny sizes, a smoke test, not figures.", "")
        self.w("## Machine", "")
        self.w(f"- CPU: {info['model']} ({info['flags']}), {info['cpus']} logical CPUs; every library on "
               f"{info['threads']} threads (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, FAISS omp, cv::setNumThreads), "
               f"except dlib (serial).",
               "- Runs (phases, start and end, 1-minute load average at start and end; a shared machine: absolute "
               "times move between runs, ratios within one run hold better): " + "; ".join(
                   f"{m.get('phases', 'all')}{' [' + m['cases'] + ']' if m.get('cases') else ''} {m['started']} to "
                   f"{m['finished']}, load {m['load_start']:.2f} -> {m['load_end']:.2f}" for m in info["periods"]) + ".",
               f"- linfa {info['commit']}{' + uncommitted changes in include/' if info['dirty'] else ''}, GCC "
               f"{info['gcc']} -O3 -march=native -fopenmp; Python {info['python']}, numpy {v.get('numpy', '?')}.",
               f"- scikit-learn {v.get('sklearn', 'n/a')} ({v.get('blas', 'BLAS unknown')}), FAISS {v.get('faiss', 'n/a')}, "
               f"Armadillo {v.get('armadillo', 'n/a')}, OpenCV {v.get('opencv', 'n/a')} "
               f"(parallel framework: {v.get('opencv_parallel', '?')}), dlib {v.get('dlib', 'n/a')}.")
        gemm = {(x["case"], x["variant"], x["dtype"]): x for x in self.select("gemm")}
        if gemm:
            parts = [f"{lib} {dt} {fmt(x['best_gflops'], 1)} (median {fmt(x['median_gflops'], 1)}, at the "
                     f"{'start' if when == 'gemm' else when})"
                     for (when, lib, dt), x in sorted(gemm.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0]))]
            self.w(f"- GEMM peak ({cfg['gemm_size']}^3, best of 5, GFLOP/s; measured at the start and at the end of the "
                   f"run): " + "; ".join(parts) + f". The peak used below is the highest: f64 "
                   f"{fmt(self.peak.get('f64'), 1)}, f32 {fmt(self.peak.get('f32'), 1)}. Under a varying load a fit "
                   f"can still run at a quieter moment than both GEMM measurements: a % above 100 means exactly that.")
        self.w("")
        if self.r.missing:
            self.w("**Missing in this run** (left out of every table):", "")
            for lib, why in self.r.missing.items():
                self.w(f"- {lib}: {why}")
            self.w("")
        if self.failed:
            self.w("**Failed runs** (each driver's stderr is in the work directory's logs/):", "")
            for x in self.failed:
                self.w(f"- {x.get('phase')} {x.get('case')} {name(x) if 'algo' in x else x.get('lib')} "
                       f"{x.get('dtype', '')}: {x['error']}")
            self.w("")
        self.summary()
        self.fixed()
        self.converged()
        self.largek()
        self.seed()
        self.memory()
        self.sweeps()
        self.caps()

    def shape(self, case):
        for c, n, d, k in self.r.cfg["main"] + [self.r.cfg["largek"]]:
            if c == case:
                return f"{n:,} x {d}, k={k}"
        return case

    def best(self, recs, key):
        recs = [x for x in recs if x.get(key) is not None]
        return min(recs, key=lambda x: x[key]) if recs else None

    def summary(self):
        self.w("## Summary: linfa against the best peer", "")
        self.w("Fixed iterations (same initial centroids, the same N Lloyd iterations): milliseconds per "
               "iteration. Converged (each library's default initialisation, tol 1e-4): total milliseconds. "
               "`linfa / best peer` < 1 means linfa is faster. GFLOP/s = 2 n k d / (time per iteration); "
               "% of peak = that over the GEMM peak of the same dtype measured in this run (for Hamerly, whose bounds skip "
               "distances, it is the Lloyd-equivalent rate and can pass 100%).", "")
        rows = []
        for case, n, d, k in self.r.cfg["main"]:
            for mode, key in (("fixed", "ms_per_iter"), ("converged", "median_ms")):
                recs = self.select(mode, case)
                for dtype in ("f64", "f32", "any"):
                    pool = [x for x in recs if dtype == "any" or x["dtype"] == dtype]
                    lin = self.best([x for x in pool if x["lib"] == "linfa"], key)
                    default = self.best([x for x in pool if x["lib"] == "linfa" and x["algo"] == "auto"], key)
                    peer = self.best([x for x in pool if x["lib"] in PEERS], key)
                    if not lin:
                        continue
                    ratio = lin[key] / peer[key] if peer else None
                    eff = pct = None
                    if mode == "fixed":
                        eff = lin["gflops"]
                        pct = 100 * eff / self.peak[lin["dtype"]] if self.peak.get(lin["dtype"]) else None
                    rows.append([self.shape(case), mode, dtype,
                                 f"{fmt(lin[key])} ({name(lin).replace('linfa C++ ', '')}{' ' + lin['dtype'] if dtype == 'any' else ''})",
                                 fmt(default[key]) if default else "n/a",
                                 f"{fmt(peer[key])} ({name(peer)} {peer['dtype']})" if peer else "n/a",
                                 fmt(ratio, 3) if ratio else "n/a",
                                 fmt(eff, 1) if eff else "", f"{pct:.0f}%" if pct else ""])
        self.table(["case", "mode", "dtype", "linfa C++ best (variant)", "linfa C++ Auto", "best peer",
                    "linfa / best peer", "linfa GFLOP/s", "% of GEMM peak"], rows)

    def fixed(self):
        self.w("## (a) Fixed iterations: ms per iteration", "")
        self.w("All libraries start from the same initial centroids (k rows of the data "
               "drawn with numpy's default_rng(7)), tolerance 0 / convergence off where the library allows, "
               f"N = {self.r.cfg['fixed_iters']} iterations asked; `iterations` is what each library reports it ran "
               "(OpenCV reports nothing: N is what it was asked; dlib's is counted through its container). "
               "`inertia vs linfa Lloyd`: relative difference of the inertia of the final centroids (one common "
               "float64 function) to linfa C++ Lloyd's in the same dtype: ~0 means the library ran the same "
               "iterations from the same start.", "")
        self.w("Note: OpenCV takes labels, not centroids, so it is given the nearest initial centroid of every "
               "row and does N updates but N - 1 full assignments in its timed call (<= 1/N in its favour); it "
               "also accumulates the centroids in float32 (its final centroids differ ~1e-5 relative).", "")
        for case, n, d, k in self.r.cfg["main"]:
            recs = self.select("fixed", case)
            if not recs:
                continue
            self.w(f"### {self.shape(case)}", "")
            rows = []
            for dtype in ("f64", "f32"):
                ref = next((x for x in recs if x["lib"] == "linfa" and x["algo"] == "lloyd" and x["dtype"] == dtype), None)
                auto = next((x for x in recs if x["lib"] == "linfa" and x["algo"] == "auto" and x["dtype"] == dtype), None)
                for x in sorted((x for x in recs if x["dtype"] == dtype), key=lambda x: x.get("ms_per_iter") or 1e30):
                    agree = (abs(x["inertia"] - ref["inertia"]) / ref["inertia"]
                             if ref and "inertia" in x and "inertia" in ref else None)
                    pct = 100 * x["gflops"] / self.peak[dtype] if self.peak.get(dtype) and x.get("gflops") else None
                    vs = x["ms_per_iter"] / auto["ms_per_iter"] if auto and x.get("ms_per_iter") else None
                    rows.append([name(x), dtype, "/".join(str(i) for i in sorted(set(x["n_iter"]))),
                                 fmt(x.get("ms_per_iter")), fmt(x["min_ms"] / x["iters"]) if x.get("iters") else "n/a",
                                 x["repeats"], f"{agree:.1e}" if agree is not None else "n/a",
                                 fmt(x.get("gflops"), 1), f"{pct:.0f}%" if pct else "", fmt(vs) + "x" if vs else "",
                                 x.get("note", "")])
            self.table(["library", "dtype", "iterations", "ms/iter (median)", "ms/iter (min)", "fits",
                        "inertia vs linfa Lloyd", "GFLOP/s", "% GEMM peak", "time / linfa Auto", "note"], rows)

    def converged_table(self, recs):
        rows = []
        best_inertia = {dt: min((x["inertia"] for x in recs if x["dtype"] == dt and "inertia" in x), default=None)
                        for dt in ("f64", "f32")}
        for dtype in ("f64", "f32"):
            for x in sorted((x for x in recs if x["dtype"] == dtype), key=lambda x: x["median_ms"]):
                rel = (x["inertia"] / best_inertia[dtype] - 1) if best_inertia[dtype] and "inertia" in x else None
                its = "/".join(str(i) for i in sorted(set(x["n_iter"]))) if x.get("iters") else "not reported"
                per = x["median_ms"] / x["iters"] if x.get("iters") else None
                rows.append([name(x), dtype, its, fmt(x["median_ms"]), fmt(x["min_ms"]), x["repeats"], fmt(per),
                             f"{x['inertia']:.6g}" if "inertia" in x else "n/a",
                             f"{rel:+.2e}" if rel is not None else "n/a", x.get("note", "")])
        self.table(["library", "dtype", "iterations", "total ms (median)", "total ms (min)", "fits",
                    "ms / iteration (incl. init)", "final inertia (common)", "vs best inertia", "note"], rows)

    def converged(self):
        self.w("## (b) Converged runs, end to end", "")
        self.w("Each library's own default initialisation, its cost included (linfa and scikit-learn: greedy "
               "k-means++; FAISS: random rows, 25 iterations, no tolerance, subsampling off; Armadillo: "
               "random_subset, no tolerance (stops at the exact fixed point or max-iter); OpenCV: KMEANS_PP_CENTERS, "
               "eps^2 = tol x mean variance on the largest centroid move, at most 100 iterations; dlib: "
               "pick_initial_centers). tol = 1e-4 (scikit-learn's definition) where the library has one, "
               "max-iter 300, n_init = 1. The inertia of the final centroids is computed by one common "
               "function, so the quality is comparable.", "")
        for case, n, d, k in self.r.cfg["main"]:
            recs = self.select("converged", case)
            if recs:
                self.w(f"### {self.shape(case)}", "")
                self.converged_table(recs)

    def largek(self):
        recs = self.select("largek")
        if not recs:
            return
        self.w(f"## Large k: {self.shape(self.r.cfg['largek'][0])}, converged", "")
        self.w("Lloyd vs Hamerly (linfa) vs scikit-learn's lloyd and elkan. " + self.r.cfg["caps"]["largek_skip_note"] + ".", "")
        self.converged_table(recs)

    def seed(self):
        recs = self.select("seed")
        if not recs:
            return
        self.w("## The seed's training benchmark", "")
        self.w(f"make_blobs(n_samples={self.r.cfg['seed_n']:,}, random_state=0) (2 features, 3 centres), "
               "KMeans(3, init=\"random\", n_init=1, max_iter=100, tol=1e-4, random_state=0).fit_predict(X) from "
               "Python; median of 7 after one warm-up. The random draws differ, so the iteration counts may.", "")
        rows = [[name(x), "/".join(str(i) for i in sorted(set(x["n_iter"]))), fmt(x["median_ms"]), fmt(x["min_ms"])]
                for x in recs]
        lin = next((x for x in recs if x["lib"] == "linfa-py"), None)
        sk = next((x for x in recs if x["lib"] == "sklearn"), None)
        self.table(["library", "iterations", "ms (median)", "ms (min)"], rows)
        if lin and sk:
            self.w(f"linfa / scikit-learn = {lin['median_ms'] / sk['median_ms']:.3f} "
                   f"({sk['median_ms'] / lin['median_ms']:.1f}x faster).", "")

    def memory(self):
        recs = self.select("memory") + self.select("memory_init")
        if not recs:
            return
        self.w("## Memory: peak extra bytes of one fit", "")
        self.w("One fresh process per entry, the data loaded first. `heap`: peak live heap bytes during the fit "
               "minus those before it, from the malloc probe (LD_PRELOAD of libcompare_malloc_probe.so: malloc, "
               "calloc, realloc, memalign, aligned_alloc, posix_memalign); `RSS`: the process' peak RSS during the "
               "fit minus its RSS before (VmHWM reset through /proc/self/clear_refs), which also sees memory "
               "mapped outside malloc (OpenBLAS buffers, Python arenas) and only counts touched pages. "
               "`given init, 2 it.`: from the common initial centroids; `default init + <= 3 it.`: the "
               "library's default initialisation, then at most 3 iterations. MiB.", "")
        for case, n, d, k in self.r.cfg["main"]:
            rows = []
            data_mib = {dt: n * d * (8 if dt == "f64" else 4) / 2**20 for dt in ("f64", "f32")}
            for x in sorted(self.select("memory", case), key=lambda x: (x["dtype"], name(x))):
                y = next((z for z in self.select("memory_init", case)
                          if z["lib"] == x["lib"] and z["algo"] == x["algo"] and z["dtype"] == x["dtype"]), None)
                heap = lambda r: max(r["heap_extra_bytes"]) if r and r.get("heap_extra_bytes") else None
                rss = lambda r: max(r["rss_extra_bytes"]) if r and r.get("rss_extra_bytes") else None
                per_point = heap(x) / n if heap(x) is not None else None
                rows.append([name(x), x["dtype"], mib(heap(x)), mib(rss(x)), mib(heap(y)), mib(rss(y)),
                             fmt(per_point, 1), f"{data_mib[x['dtype']]:.1f}"])
            if rows:
                self.w(f"### {self.shape(case)}", "")
                self.table(["library", "dtype", "heap, given init, 2 it.", "RSS, given init, 2 it.",
                            "heap, default init + <= 3 it.", "RSS, default init + <= 3 it.",
                            "heap bytes / point (given init)", "the data itself"], rows)

    def sweeps(self):
        for phase, title, axis in (("sweep_n", "time per iteration against n", "n"),
                                   ("sweep_k", "time per iteration against k", "k")):
            recs = self.select(phase)
            if not recs:
                continue
            if phase == "sweep_n":
                d, k = self.r.cfg["sweep_n_dk"]
                what = f"d = {d}, k = {k}, n from {min(self.r.cfg['sweep_n']):,} to {max(self.r.cfg['sweep_n']):,}"
            else:
                n, d = self.r.cfg["sweep_k_nd"]
                what = f"n = {n:,}, d = {d} (blobs of 100 centres), k from {min(self.r.cfg['sweep_k'])} to {max(self.r.cfg['sweep_k'])}"
            self.w(f"## Sweep: {title} ({what})", "")
            self.w(f"Fixed mode, {self.r.cfg['sweep_iters']} iterations from common initial centroids, ms per iteration "
                   f"(median). Plot: [{phase}.png]({phase}.png) (log-log).", "")
            cols = sorted({int(x["case"].split("=")[1]) for x in recs})
            lines = {}
            for x in recs:
                lines.setdefault((name(x), x["dtype"]), {})[int(x["case"].split("=")[1])] = x.get("ms_per_iter")
            rows = [[f"{lib} {dt}"] + [fmt(vals.get(c)) if c in vals else "-" for c in cols]
                    for (lib, dt), vals in lines.items()]
            self.table([axis + " ="] + [f"{c:,}" for c in cols], rows)

    def caps(self):
        caps = self.r.cfg["caps"]
        self.w("## Caps (what was left out or shortened, and why)", "")
        self.w(f"- Repeats: medians of up to {self.r.cfg['fast_repeats']} fits for linfa (C++ and Python), "
               f"{self.r.cfg['repeats']} for the others, after one warm-up; a library stops repeating once the next "
               f"fit would end past {self.r.cfg['max_seconds']:g} s of timed fits "
               f"({self.r.cfg['largek_max_seconds']:g} s at large k, {self.r.cfg['sweep_max_seconds']:g} s in the "
               f"sweeps), so slow peers may have fewer fits: the `fits` column says how many.")
        dlib_n, dlib_k = caps["sweep_n_max"].get("dlib"), caps["sweep_k_max"].get("dlib")
        self.w(f"- dlib (serial, sqrt distances): {caps['dlib_fixed_iters']} fixed iterations, no warm-up"
               + (f"; no converged runs ({caps['converged_skip']['dlib']})" if "dlib" in caps["converged_skip"] else "")
               + (f"; n sweep up to n = {dlib_n:,}" if dlib_n else "") + (f"; k sweep up to k = {dlib_k}" if dlib_k else "")
               + ".")
        for key, why in caps["converged_skip"].items():
            if key != "dlib":
                self.w(f"- Converged, {key}: left out: {why}.")
        self.w(f"- Armadillo converged: max-iter {caps['armadillo_conv_max_iter']}, float64 only (float32 in the "
               f"fixed-iteration table). scikit-learn elkan converged: float64 only.")
        for lib, nmax in caps["sweep_n_max"].items():
            self.w(f"- n sweep: {lib} up to n = {nmax:,}.")
        self.w(f"- Large k: {caps['largek_skip_note']}.")
        self.w("")

    def write(self):
        path = os.path.join(self.r.out, "results.md")
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        return path


def write_csv(runner):
    path = os.path.join(runner.out, "summary.csv")
    keys = ["phase", "case", "lib", "algo", "dtype", "mode", "n", "d", "k", "iters", "repeats", "median_ms", "min_ms",
            "ms_per_iter", "gflops", "inertia", "inertia_own", "heap_extra_max", "rss_extra_max", "note", "error"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(keys)
        for rec in runner.records:
            if rec.get("phase") == "gemm":
                continue
            row = dict(rec)
            row["heap_extra_max"] = max(rec["heap_extra_bytes"]) if rec.get("heap_extra_bytes") else ""
            row["rss_extra_max"] = max(rec["rss_extra_bytes"]) if rec.get("rss_extra_bytes") else ""
            w.writerow([row.get(k, "") for k in keys])


def plots(runner):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for phase, xlabel in (("sweep_n", "n (samples)"), ("sweep_k", "k (clusters)")):
        recs = [x for x in runner.records if x.get("phase") == phase and x.get("ms_per_iter")]
        if not recs:
            continue
        lines = {}
        for x in recs:
            lines.setdefault(f"{name(x)} {x['dtype']}", []).append((int(x["case"].split("=")[1]), x["ms_per_iter"]))
        fig, ax = plt.subplots(figsize=(8, 5.5))
        for label, pts in sorted(lines.items()):
            pts.sort()
            style = "-" if label.startswith("linfa") else "--"
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker="o", markersize=3, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("ms per Lloyd iteration (median)")
        if phase == "sweep_n":
            d, k = runner.cfg["sweep_n_dk"]
            ax.set_title(f"K-Means time per iteration against n (d={d}, k={k}), {runner.args.threads} threads")
        else:
            n, d = runner.cfg["sweep_k_nd"]
            ax.set_title(f"K-Means time per iteration against k (n={n:,}, d={d}), {runner.args.threads} threads")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
        fig.tight_layout()
        fig.savefig(os.path.join(runner.out, f"{phase}.png"), dpi=110)
        plt.close(fig)


def report_only(args):
    runner = Runner.__new__(Runner)
    runner.args, runner.cfg, runner.out, runner.work = args, plan(args.quick), args.out, args.work
    runner.has_matplotlib = True
    runner.records, metas = load_runs(os.path.join(args.out, "runs.jsonl"))
    runner.missing = metas[-1].get("missing", {}) if metas else {}
    info = machine_info(runner, metas)
    report = Report(runner, info)
    report.build()
    path = report.write()
    write_csv(runner)
    plots(runner)
    log(f"rebuilt {path}")
    return 0


def load_avg():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a smoke test (< 2 min)")
    parser.add_argument("--build", default=os.path.join(ROOT, "build-compare"), help="the CMake build with the drivers")
    parser.add_argument("--linfa-py", help="directory with the importable linfa package (default BUILD/python/pkg)")
    parser.add_argument("--out", help="results directory (default bench/compare/results, --quick: BUILD/compare-quick)")
    parser.add_argument("--work", help="data and scratch directory (default BUILD/compare-data)")
    parser.add_argument("--only", help="comma-separated phases: gemm,fixed,converged,largek,sweep_n,sweep_k,seed,memory")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for every library (default: all CPUs)")
    parser.add_argument("--report-only", action="store_true", help="rebuild results.md, CSV and plots from OUT/runs.jsonl")
    parser.add_argument("--append", action="store_true",
                        help="keep OUT/runs.jsonl: the records of this run replace those of the same entries")
    parser.add_argument("--cases", help="comma-separated main shapes for fixed, converged and memory (S1,S2,S3)")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    args.linfa_py = os.path.abspath(args.linfa_py or os.path.join(args.build, "python", "pkg"))
    args.out = os.path.abspath(args.out or (os.path.join(args.build, "compare-quick") if args.quick
                                            else os.path.join(HERE, "results")))
    args.work = os.path.abspath(args.work or os.path.join(args.build, "compare-data" + ("-quick" if args.quick else "")))
    phases = ["gemm", "fixed", "converged", "largek", "sweep_n", "sweep_k", "seed", "memory"]
    selected = args.only.split(",") if args.only else phases
    unknown = set(selected) - set(phases)
    if unknown:
        sys.exit(f"compare: unknown phases {sorted(unknown)}; known: {phases}")

    if args.report_only:
        return report_only(args)
    if os.path.isdir(args.out) and not args.append:  # a fresh results directory for each run
        for entry in ("runs.jsonl", "summary.csv", "results.md", "sweep_n.png", "sweep_k.png", "logs"):
            path = os.path.join(args.out, entry)
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
    runner = Runner(args)
    started, load_start, t0 = datetime.datetime.now().isoformat(timespec="seconds"), load_avg(), time.time()
    log(f"threads {args.threads}, linfa Python from {args.linfa_py}, results in {args.out}")
    for phase in phases:
        if phase in selected:
            log(f"--- phase {phase}")
            getattr(runner, "phase_" + phase)()
    if "gemm" in selected and len(selected) > 1:  # again at the end: the load may have changed
        log("--- phase gemm (end)")
        runner.phase_gemm("end")
    log("common inertia of the final centroids")
    runner.records = deduplicate(runner.records)
    runner.add_common_inertia()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "include"],
                           capture_output=True, text=True).stdout.strip() != ""
    runner.metas.append({"phase": "meta", "missing": runner.missing, "started": started, "phases": ",".join(selected),
                         "commit": commit, "dirty": dirty,
                         "cases": args.cases or "", "finished": datetime.datetime.now().isoformat(timespec="seconds"),
                         "load_start": load_start, "load_end": load_avg()})
    with open(runner.runs_path, "a") as f:  # what --report-only and --append need
        for meta in runner.metas:
            f.write(json.dumps(meta) + "\n")
    info = machine_info(runner, runner.metas)
    report = Report(runner, info)
    report.build()
    path = report.write()
    write_csv(runner)
    if runner.has_matplotlib:
        plots(runner)
    log(f"done in {time.time() - t0:.0f} s: {path}")
    failed = [x for x in runner.records if "error" in x]
    if failed:
        log(f"{len(failed)} driver runs failed (listed in results.md)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
