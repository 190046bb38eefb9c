"""Agreement with scikit-learn on small problems (skipped without scikit-learn)."""

import numpy as np
import pytest

sklearn_cluster = pytest.importorskip("sklearn.cluster")
sklearn_datasets = pytest.importorskip("sklearn.datasets")

from linfa import KMeans  # noqa: E402


def same_partition(a, b):
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("blobs_seed", [1, 42])  # seeds whose 3 blobs do not touch
def test_blob_labels_agree_with_sklearn(dtype, blobs_seed):
    X, _ = sklearn_datasets.make_blobs(n_samples=5000, centers=3, random_state=blobs_seed)
    X = X.astype(dtype)
    ours = KMeans(3, random_state=0).fit_predict(X)
    theirs = sklearn_cluster.KMeans(3, n_init=1, random_state=0).fit_predict(X)
    assert same_partition(ours, theirs)


@pytest.mark.parametrize("n_features, k", [(2, 5), (16, 8), (40, 12)])
def test_same_start_same_result(n_features, k):
    # Overlapping blobs, so Lloyd takes many steps; both start from the same centres.
    X, _ = sklearn_datasets.make_blobs(n_samples=3000, n_features=n_features, centers=k,
                                       cluster_std=4.0, random_state=1)
    init = X[np.random.RandomState(2).choice(len(X), k, replace=False)]
    ours = KMeans(k, init=init, max_iter=300, tol=1e-4).fit(X)
    theirs = sklearn_cluster.KMeans(k, init=init, n_init=1, max_iter=300, tol=1e-4,
                                    algorithm="lloyd").fit(X)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-6)
    assert same_partition(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-6, atol=1e-8)


def test_fixed_iterations_match_sklearn():
    # tol=0 and a fixed max_iter: both run exactly max_iter steps from the same start.
    X, _ = sklearn_datasets.make_blobs(n_samples=4000, n_features=4, centers=20, cluster_std=3.0,
                                       random_state=3)
    init = X[:20].copy()
    ours = KMeans(20, init=init, max_iter=7, tol=0).fit(X)
    theirs = sklearn_cluster.KMeans(20, init=init, n_init=1, max_iter=7, tol=0, algorithm="lloyd").fit(X)
    assert ours.n_iter_ == theirs.n_iter_ == 7
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-6)
