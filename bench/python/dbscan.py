#!/usr/bin/env python3
"""linfa's DBSCAN against scikit-learn's, in one run, on the same data.

    PYTHONPATH=build/python/pkg /usr/bin/python3 bench/python/dbscan.py [--repeats N] [--quick]

Times ``fit(X)`` N times (default 5) per library and reports the medians with the ratio
scikit-learn / linfa (above 1: linfa is faster), and each fit's peak extra memory (resident
set growth over the data, measured in a fresh child process per library). The same run checks that
both find the same core samples, the same noise and the same clusters (border samples by
linfa's documented rule: the cluster of their first core neighbour in row order), so a fast
wrong answer cannot pass for a win.

Case: 200k x 2 float64, 8 blobs plus 10% uniform noise, eps giving a few dozen neighbours per
blob sample, min_samples 10; both libraries pick their index by shape (a KD-tree here).
"""

import multiprocessing
import os
import resource

import numpy as np

from linear_pca import bench_arguments, median_seconds


def blobs_with_noise(n, seed=0):
    from sklearn.datasets import make_blobs

    rng = np.random.default_rng(seed)
    centres = rng.uniform(-20, 20, (8, 2))
    x, _ = make_blobs(n_samples=n - n // 10, centers=centres, cluster_std=1.0, random_state=seed)
    return np.vstack([x, rng.uniform(-25, 25, (n // 10, 2))])


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _fit_and_report_peak(library, x, eps, min_samples, queue):
    """In a fresh process: the peak resident growth of one fit over the data's."""
    if library == "linfa":
        from linfa import DBSCAN
    else:
        from sklearn.cluster import DBSCAN
    before = resident_bytes()
    DBSCAN(eps=eps, min_samples=min_samples).fit(x)
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before)


def peak_extra_memory(library, x, eps, min_samples):
    """Peak resident growth (bytes) of one fit, in a spawned child: ru_maxrss is a per-process
    high-water mark, so each measurement needs a fresh process (spawned, not forked: OpenMP's
    thread pool does not survive a fork)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_fit_and_report_peak, args=(library, x, eps, min_samples, queue))
    process.start()
    extra = queue.get()
    process.join()
    return extra


def agreement(ours, theirs):
    """'same' when core samples, noise and the core samples' clusters are equal (the border
    samples are checked by the C++ and Python tests against the documented rule)."""
    core = theirs.core_sample_indices_
    same = (
        np.array_equal(ours.core_sample_indices_, core)
        and np.array_equal(ours.labels_[core], theirs.labels_[core])
        and np.array_equal(ours.labels_ == -1, theirs.labels_ == -1)
    )
    border = np.setdiff1d(np.flatnonzero(theirs.labels_ != -1), core)
    differ = int(np.count_nonzero(ours.labels_[border] != theirs.labels_[border]))
    return ("same" if same else "DIFFERENT") + f" ({differ} of {border.size} border samples elsewhere)"


def main():
    args = bench_arguments(__doc__)

    import linfa
    import sklearn
    from sklearn.cluster import DBSCAN

    n = 200_000 // (10 if args.quick else 1)
    x = blobs_with_noise(n)
    eps, min_samples = 0.08, 10
    ours = linfa.DBSCAN(eps=eps, min_samples=min_samples).fit(x)
    theirs = DBSCAN(eps=eps, min_samples=min_samples).fit(x)
    neighbours = np.mean([np.count_nonzero(np.hypot(*(x[i] - x).T) <= eps) for i in theirs.core_sample_indices_[:200]])
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; linfa OpenMP threads: "
          f"{linfa._linfa.openmp_threads()}; median of {args.repeats}; {n} x 2, eps {eps}, "
          f"min_samples {min_samples}: {len(set(theirs.labels_)) - 1} clusters, "
          f"{theirs.core_sample_indices_.size} core samples, ~{neighbours:.0f} neighbours per core sample")
    print()
    print("| case | linfa s | scikit-learn s | ratio | linfa extra MB | scikit-learn extra MB | agreement |")
    print("|---|---|---|---|---|---|---|")
    t_ours = median_seconds(lambda: linfa.DBSCAN(eps=eps, min_samples=min_samples).fit(x), args.repeats)
    t_theirs = median_seconds(lambda: DBSCAN(eps=eps, min_samples=min_samples).fit(x), args.repeats)
    m_ours = peak_extra_memory("linfa", x, eps, min_samples)
    m_theirs = peak_extra_memory("sklearn", x, eps, min_samples)
    print(f"| DBSCAN fit, {n} x 2 float64 | {t_ours:.3f} | {t_theirs:.3f} | {t_theirs / t_ours:.2f}x | "
          f"{m_ours / 2**20:.0f} | {m_theirs / 2**20:.0f} | {agreement(ours, theirs)} |", flush=True)


if __name__ == "__main__":
    main()
