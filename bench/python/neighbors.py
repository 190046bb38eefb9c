"""Nearest neighbours: linfa vs scikit-learn (and, through bench/nn/nn_compare.cpp, nanoflann and
FAISS). Medians of --repeats runs; ratios are scikit-learn / linfa (above 1: linfa faster).

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/neighbors.py --repeats 5 [--build-dir build]

Cases (the targets of the neighbours work):
  kd     build + 10-NN query of 100k points against 1M x 3 float64 (uniform in the unit cube):
         linfa KDTree vs sklearn.neighbors.KDTree (leaf_size 30 both) and nanoflann
  brute  10-NN of 1k queries against 100k x 64 float32: linfa NearestNeighbors(algorithm="brute")
         vs scikit-learn's brute force, and FAISS IndexFlatL2 (C++ libfaiss)
The C++ driver is built on first use (g++, -O3 -march=native, OpenMP, libfaiss, BLAS).
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def median_ms(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def driver(build_dir):
    exe = os.path.join(build_dir, "nn_compare")
    source = os.path.join(ROOT, "bench", "nn", "nn_compare.cpp")
    headers = os.path.join(ROOT, "include", "linfa", "nn")
    newest = max([os.path.getmtime(source)] + [os.path.getmtime(os.path.join(headers, f)) for f in os.listdir(headers)])
    if not os.path.exists(exe) or os.path.getmtime(exe) < newest:
        cmd = ["g++", "-std=c++20", "-O3", "-march=native", "-fopenmp", "-I" + os.path.join(ROOT, "include"),
               "-isystem", "/usr/include/eigen3", source, "-o", exe, "-DHAVE_FAISS", "-lfaiss", "-llapack", "-lblas"]
        subprocess.run(cmd, check=True)
    return exe


def run_driver(exe, args):
    out = subprocess.run([exe, *map(str, args)], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"), help="where the C++ driver is built")
    parser.add_argument("--no-peers", action="store_true", help="skip the C++ driver (nanoflann, FAISS)")
    args = parser.parse_args()

    import linfa
    from sklearn.neighbors import KDTree, NearestNeighbors

    rows = []
    rng = np.random.default_rng(1)
    X = rng.random((1_000_000, 3))
    Q = rng.random((100_000, 3))
    sk = median_ms(lambda: KDTree(X, leaf_size=30).query(Q, k=10), args.repeats)
    ours = median_ms(lambda: linfa.KDTree(X, leaf_size=30).query(Q, k=10), args.repeats)
    rows.append(("kd build+query 1M x 3 f64, 100k queries, k=10", "linfa.KDTree", ours, sk))
    Xb = rng.random((100_000, 64)).astype(np.float32)
    Qb = rng.random((1_000, 64)).astype(np.float32)
    theirs = NearestNeighbors(n_neighbors=10, algorithm="brute").fit(Xb)
    mine = linfa.NearestNeighbors(n_neighbors=10, algorithm="brute").fit(Xb)
    sk = median_ms(lambda: theirs.kneighbors(Qb), args.repeats)
    ours = median_ms(lambda: mine.kneighbors(Qb), args.repeats)
    rows.append(("brute query 100k x 64 f32, 1k queries, k=10", "linfa.NearestNeighbors", ours, sk))
    print(f"{'case':50} {'linfa ms':>10} {'sklearn ms':>11} {'sklearn/linfa':>14}")
    for case, _, ours, sk in rows:
        print(f"{case:50} {ours:10.1f} {sk:11.1f} {sk / ours:13.2f}x")
    if args.no_peers:
        return
    exe = driver(args.build_dir)
    print("\nC++ peers (bench/nn/nn_compare.cpp), medians of", args.repeats)
    for line in run_driver(exe, ["kd", 1_000_000, 100_000, 3, 10, args.repeats]) + run_driver(
        exe, ["brute", 100_000, 1_000, 64, 10, args.repeats]
    ):
        print(f"{line['case']:22} {line['library']:22} threads={line['threads']:<2} {line['ms']:9.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
