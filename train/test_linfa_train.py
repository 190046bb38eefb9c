"""linfa-train on .npy shards and CSV, with and without mpirun (run by ctest).

usage: test_linfa_train.py LINFA_TRAIN MPIEXEC

The model file written by 1, 2 and 3 ranks must be the same bytes (the distributed fit is
the single-process fit, bit for bit). Damaged or inconsistent shards must make every rank
exit non-zero within 30 s, each naming itself, with the file at fault in the message.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

TRAIN, MPIEXEC = sys.argv[1], sys.argv[2]
MPIRUN = [MPIEXEC, "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader", "--mca", "btl_vader_single_copy_mechanism", "none"]
failures = []


def run(args, ranks):
    command = ([TRAIN] if ranks == 0 else MPIRUN + ["-n", str(ranks), TRAIN]) + args
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def same_model_on_any_ranks(name, args, out_dir):
    outputs = []
    for ranks in (0, 2, 3):  # 0: no mpirun at all
        out = os.path.join(out_dir, f"{name}-{ranks}.linfa")
        result = run(args + ["--out", out], ranks)
        check(result.returncode == 0, f"{name} on {ranks or 'no mpirun, 1'} rank(s) exits 0: {result.stderr.strip()[-300:]}")
        outputs.append(open(out, "rb").read() if result.returncode == 0 else b"")
    check(len(set(outputs)) == 1 and outputs[0], f"{name}: the same model file bytes on 1, 2 and 3 ranks")
    return outputs[0]


def every_rank_fails(name, args, ranks, expected):
    result = run(args + ["--out", "/dev/null"], ranks)
    lines = [l for l in result.stderr.splitlines() if l.startswith("linfa-train: rank")]
    named = all(any(l.startswith(f"linfa-train: rank {r}:") for l in lines) for r in range(ranks))
    check(result.returncode != 0 and named and all(expected in l for l in lines),
          f"{name}: every one of {ranks} ranks fails naming itself and '{expected}': {lines}")


with tempfile.TemporaryDirectory() as d:
    rng = np.random.default_rng(7)
    centres = rng.uniform(-10, 10, (6, 5))
    X = (centres[np.arange(20011) % 6] + rng.normal(size=(20011, 5))).astype(np.float32)
    y = (X @ rng.uniform(-2, 2, (5, 2)) + 0.1 * rng.normal(size=(20011, 2)) + 3).astype(np.float32)
    cuts = [0, 7000, 7001, 15000, 20011]  # odd sizes, one single-row file
    parts, targets = [], []
    for i in range(4):
        parts.append(os.path.join(d, f"x{i}.npy"))
        targets.append(os.path.join(d, f"y{i}.npy"))
        np.save(parts[-1], X[cuts[i]:cuts[i + 1]])
        np.save(targets[-1], y[cuts[i]:cuts[i + 1]])

    km = same_model_on_any_ranks("kmeans", ["kmeans", "--clusters", "6", "--data", *parts], d)
    same_model_on_any_ranks("kmeans random init", ["kmeans", "--clusters", "6", "--init", "random", "--runs", "2",
                                                   "--algorithm", "hamerly", "--data", *parts], d)
    same_model_on_any_ranks("minibatch-kmeans", ["minibatch-kmeans", "--clusters", "6", "--batch-size", "512", "--max-iter", "3",
                                                 "--runs", "2", "--data", *parts], d)
    same_model_on_any_ranks("ridge", ["ridge", "--alpha", "0.5", "--data", *parts, "--targets", *targets], d)
    same_model_on_any_ranks("elastic-net", ["elastic-net", "--alpha", "0.05", "--data", *parts, "--targets", *targets], d)
    same_model_on_any_ranks("lasso, random order", ["elastic-net", "--alpha", "0.02", "--l1-ratio", "1", "--selection", "random",
                                                    "--seed", "3", "--positive", "--data", *parts, "--targets", *targets], d)
    same_model_on_any_ranks("pca", ["pca", "--data", *parts], d)
    same_model_on_any_ranks("pca randomized", ["pca", "--components", "2", "--solver", "randomized", "--seed", "5",
                                               "--whiten", "--data", *parts], d)
    same_model_on_any_ranks("gmm", ["gmm", "--components", "6", "--covariance", "diag", "--max-iter", "20", "--data", *parts], d)
    classes = np.arange(20011) % 6 % 3 * 5 - 2  # labels -2, 3 and 8, blobs 0 and 3 of class -2 and so on
    labels = []
    for i in range(4):
        labels.append(os.path.join(d, f"labels{i}.npy"))
        np.save(labels[-1], classes[cuts[i]:cuts[i + 1]].astype(np.float32))
    same_model_on_any_ranks("logistic", ["logistic", "--c", "0.5", "--max-iter", "30", "--data", *parts, "--targets", *labels], d)
    same_model_on_any_ranks("logistic ovr", ["logistic", "--multi-class", "ovr", "--balanced", "--max-iter", "30",
                                             "--data", *parts, "--targets", *labels], d)
    same_model_on_any_ranks("gaussian-nb", ["gaussian-nb", "--priors", "0.2", "0.3", "0.5", "--data", *parts, "--targets", *labels], d)
    same_model_on_any_ranks("standard-scaler", ["standard-scaler", "--data", *parts], d)
    same_model_on_any_ranks("min-max-scaler", ["min-max-scaler", "--feature-range", "-1", "2", "--clip", "--data", *parts], d)
    same_model_on_any_ranks("max-abs-scaler", ["max-abs-scaler", "--data", *parts], d)
    halves = os.path.join(d, "halves.npy")
    np.save(halves, (classes[15000:] + 0.5).astype(np.float32))
    every_rank_fails("labels that are not whole numbers", ["logistic", "--data", *parts, "--targets", *labels[:3], halves], 3,
                     "whole numbers")
    every_rank_fails("gaussian-nb without targets", ["gaussian-nb", "--data", *parts], 3, "needs --targets")
    csv = os.path.join(d, "train.csv")
    np.savetxt(csv, np.hstack([X.astype(np.float64), y[:, :1]]), delimiter=",", header="a,b,c,d,e,y", comments="")
    same_model_on_any_ranks("linear from CSV", ["linear", "--csv", csv, "--header", "--target-columns", "1"], d)

    config = os.path.join(d, "train.toml")
    with open(config, "w") as f:
        f.write("[kmeans]\nclusters = 6\ndata = [" + ", ".join(f'"{p}"' for p in parts) + f']\nout = "{d}/toml.linfa"\n')
    result = run(["--config", config], 2)
    check(result.returncode == 0 and open(f"{d}/toml.linfa", "rb").read() == km,
          f"a TOML description trains the same model: {result.stderr.strip()[-300:]}")
    check("iteration 0 inertia" in result.stdout, "rank 0 prints a progress line per iteration")

    wrong_dtype = os.path.join(d, "f64.npy")
    np.save(wrong_dtype, X[:100].astype(np.float64))
    every_rank_fails("wrong dtype", ["kmeans", "--clusters", "6", "--data", parts[0], wrong_dtype], 3, "f64.npy")
    narrow = os.path.join(d, "narrow.npy")
    np.save(narrow, X[:100, :4])
    every_rank_fails("wrong feature count", ["kmeans", "--clusters", "6", "--data", parts[0], narrow], 3, "narrow.npy")
    truncated = os.path.join(d, "truncated.npy")
    with open(parts[3], "rb") as f:
        data = f.read()
    with open(truncated, "wb") as f:
        f.write(data[:-40])
    every_rank_fails("truncated file", ["kmeans", "--clusters", "6", "--data", parts[0], truncated], 3, "truncated.npy")
    nan = os.path.join(d, "nan.npy")
    bad = X[15000:].copy()
    bad[4000, 2] = np.nan
    np.save(nan, bad)
    every_rank_fails("NaN in the last rank's rows", ["kmeans", "--clusters", "6", "--data", *parts[:3], nan], 3, "nan.npy")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
