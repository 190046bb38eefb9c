"""Shared data for the K-Means benchmarks: generated once per session, reused by both libraries."""

import functools

import numpy as np
import pytest

sklearn_datasets = pytest.importorskip("sklearn.datasets")


@functools.lru_cache(maxsize=None)
def blobs(n_samples, n_features, centers, dtype, cluster_std=1.0):
    X, _ = sklearn_datasets.make_blobs(
        n_samples=n_samples, n_features=n_features, centers=centers, cluster_std=cluster_std,
        random_state=0,
    )
    return np.ascontiguousarray(X, dtype=dtype)


def initial_centres(X, k):
    """k distinct rows of X: the same start for both libraries."""
    rows = np.random.RandomState(1).choice(X.shape[0], k, replace=False)
    return X[rows].copy()
