#!/usr/bin/env python3
"""One command for the Python benchmarks: runs pytest-benchmark over bench/python, then prints
a markdown table of linfa / scikit-learn times from that run.

    /usr/bin/python3 bench/python/run.py [--rounds N] [--json PATH] [-k EXPR] [--blas-dir DIR]

linfa must be importable (PYTHONPATH=build-py/python/pkg, or pip install ./python).
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the benchmark's environment: they
pin OpenBLAS (scikit-learn's GEMM) to a generic kernel on some machines, which would be unfair
to scikit-learn. scikit-learn's Lloyd step is a BLAS GEMM: with Debian's default libblas3
(the netlib reference BLAS) it is ~10x slower than with OpenBLAS, so the report names the BLAS
that scikit-learn loaded; --blas-dir DIR puts DIR (e.g. an OpenBLAS libblas.so.3) first on
LD_LIBRARY_PATH for the benchmark process only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def bench_env(rounds, blas_dir):
    env = dict(os.environ, LINFA_BENCH_ROUNDS=str(rounds))
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(name, None)
    if blas_dir:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [blas_dir, env.get("LD_LIBRARY_PATH")]))
    return env


def run_benchmarks(json_path, env, select):
    command = [sys.executable, "-m", "pytest", HERE, "-q", "-p", "no:cacheprovider",
               f"--benchmark-json={json_path}", "--benchmark-columns=min,median,max,rounds"]
    if select:
        command += ["-k", select]
    subprocess.run(command, env=env, check=True)


def table(results):
    """Markdown: one row per (case, dtype), linfa and scikit-learn side by side."""
    rows = {}
    for bench in results["benchmarks"]:
        info = bench["extra_info"]
        key = (info["case"], info["dtype"])
        rows.setdefault(key, {"group": bench["group"]})[info["library"]] = (bench["stats"]["median"], info["n_iter"])
    lines = [
        "| case | dtype | iterations (linfa / sklearn) | linfa | scikit-learn | linfa / scikit-learn | speed-up |",
        "|---|---|---|---|---|---|---|",
    ]
    for (case, dtype), row in rows.items():
        if "linfa" not in row or "sklearn" not in row:
            continue
        (t_linfa, it_linfa), (t_sk, it_sk) = row["linfa"], row["sklearn"]
        if case == "seed":  # whole fit_predict, in ms
            label = "seed: make_blobs 1M x 2, k=3, fit_predict (ms)"
            a, b = t_linfa * 1e3, t_sk * 1e3
        else:  # per Lloyd iteration, in ms
            label = f"{case}, ms / iteration"
            a, b = t_linfa * 1e3 / it_linfa, t_sk * 1e3 / it_sk
        same = "" if case == "seed" or it_linfa == it_sk else " (differ!)"
        lines.append(f"| {label} | {dtype} | {it_linfa} / {it_sk}{same} | {a:.2f} | {b:.2f} | {a / b:.3f} | {b / a:.2f}x |")
    return "\n".join(lines)


BLAS_PROBE = """
import scipy.linalg, sklearn.cluster
from threadpoolctl import threadpool_info
blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
print(", ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
                for i in blas) or "the reference BLAS (netlib libblas3: not seen by threadpoolctl)")
"""


def sklearn_blas(env):
    """The BLAS scikit-learn's GEMM runs on, in the benchmark's environment."""
    result = subprocess.run([sys.executable, "-c", BLAS_PROBE], env=env, capture_output=True, text=True)
    return result.stdout.strip() or f"unknown ({result.stderr.strip()[-200:]})"


def machine():
    model = "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    import linfa
    import numpy
    import sklearn

    return (f"{model}, {os.cpu_count()} logical CPUs, linfa OpenMP threads "
            f"{linfa._linfa.openmp_threads()}, numpy {numpy.__version__}, scikit-learn {sklearn.__version__}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per benchmark (median reported)")
    parser.add_argument("--json", help="keep pytest-benchmark's JSON here")
    parser.add_argument("-k", dest="select", help="pytest -k expression, to run a subset")
    parser.add_argument("--blas-dir", help="directory put first on LD_LIBRARY_PATH (e.g. OpenBLAS's libblas.so.3)")
    args = parser.parse_args()
    env = bench_env(args.rounds, args.blas_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.json or os.path.join(tmp, "bench.json")
        run_benchmarks(path, env, args.select)
        with open(path) as f:
            results = json.load(f)
    print()
    print(f"Machine: {machine()}")
    print(f"scikit-learn's BLAS: {sklearn_blas(env)}")
    print("Times are medians; 'linfa / scikit-learn' < 1 means linfa is faster.\n")
    print(table(results))


if __name__ == "__main__":
    main()
