"""linfa.DBSCAN against scikit-learn's: the same core samples, noise and partition (border
samples by linfa's documented rule), every index algorithm and metric, float32, precomputed
distances dense and sparse, weights, errors, and scikit-learn's estimator checks."""

import numpy as np
import pytest

import linfa
from conftest import assert_releases_gil
from linfa import DBSCAN

sklearn = pytest.importorskip("sklearn")
from scipy import sparse  # noqa: E402
from sklearn.cluster import DBSCAN as SkDBSCAN  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.metrics import pairwise_distances  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks  # noqa: E402


def blobs_with_noise(n=3000, noise=600, seed=0):
    X, _ = make_blobs(n_samples=n, centers=[[0, 0], [4, 4], [-4, 5]], cluster_std=0.7, random_state=seed)
    rng = np.random.default_rng(seed)
    return np.vstack([X, rng.uniform(-8, 9, size=(noise, 2))])


def expected_border_labels(X, eps, core, core_labels, metric="euclidean"):
    """linfa's rule: a non-core sample takes the label of its first core neighbour in row order."""
    D = pairwise_distances(X, metric=metric)
    labels = np.full(len(X), -1)
    labels[core] = core_labels
    is_core = np.zeros(len(X), bool)
    is_core[core] = True
    for i in np.flatnonzero(~is_core):
        hood = np.flatnonzero((D[i] <= eps) & is_core)
        if hood.size:
            labels[i] = labels[hood[0]]
    return labels


def assert_same_clustering(ours, theirs, X, eps, metric="euclidean"):
    np.testing.assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)
    core = theirs.core_sample_indices_
    # core samples: the same labels, numbering included (both number by the lowest core row)
    np.testing.assert_array_equal(ours.labels_[core], theirs.labels_[core])
    np.testing.assert_array_equal(ours.labels_ == -1, theirs.labels_ == -1)
    np.testing.assert_array_equal(ours.labels_, expected_border_labels(X, eps, core, theirs.labels_[core], metric))


@pytest.mark.parametrize("algorithm", ["auto", "kd_tree", "ball_tree", "brute"])
def test_same_clustering_as_scikit_learn(algorithm):
    X = blobs_with_noise()
    ours = DBSCAN(eps=0.3, min_samples=8, algorithm=algorithm, leaf_size=11).fit(X)
    theirs = SkDBSCAN(eps=0.3, min_samples=8, algorithm=algorithm, leaf_size=11).fit(X)
    assert ours.labels_.dtype == theirs.labels_.dtype
    assert_same_clustering(ours, theirs, X, 0.3)
    np.testing.assert_array_equal(ours.components_, X[ours.core_sample_indices_])
    assert len(set(ours.labels_)) > 3


@pytest.mark.parametrize("metric,p", [("manhattan", None), ("chebyshev", None), ("minkowski", 3.0), ("minkowski", 1.5)])
def test_metrics_as_scikit_learn(metric, p):
    X = blobs_with_noise(1500, 300, seed=1)
    ours = DBSCAN(eps=0.4, min_samples=6, metric=metric, p=p).fit(X)
    theirs = SkDBSCAN(eps=0.4, min_samples=6, metric=metric, p=p).fit(X)
    sk_metric = "minkowski" if metric == "minkowski" else metric
    D_metric = (lambda a, b: np.sum(np.abs(a - b) ** (p or 2)) ** (1 / (p or 2))) if sk_metric == "minkowski" else sk_metric
    assert_same_clustering(ours, theirs, X, 0.4, D_metric)


def test_float32_stays_float32():
    X = blobs_with_noise(1000, 200, seed=2).astype(np.float32)
    ours = DBSCAN(eps=0.3, min_samples=5).fit(X)
    assert ours.components_.dtype == np.float32
    theirs = SkDBSCAN(eps=0.3, min_samples=5).fit(X)
    np.testing.assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)


def test_precomputed_dense_and_sparse_give_the_euclidean_clustering():
    X = blobs_with_noise(800, 150, seed=3)
    direct = DBSCAN(eps=0.35, min_samples=5).fit(X)
    D = pairwise_distances(X)
    dense = DBSCAN(eps=0.35, min_samples=5, metric="precomputed").fit(D)
    np.testing.assert_array_equal(dense.labels_, direct.labels_)
    within = sparse.csr_matrix(np.where(D <= 0.35, D, 0.0))  # the diagonal is dropped: implicit self
    before = within.copy()
    on_sparse = DBSCAN(eps=0.35, min_samples=5, metric="precomputed").fit(within)
    np.testing.assert_array_equal(on_sparse.labels_, direct.labels_)
    assert (within != before).nnz == 0 and within.nnz == before.nnz  # input untouched


def test_sample_weight_counts_towards_min_samples():
    X = np.array([[0.0], [1.0]])
    assert linfa.dbscan(X, eps=1.5, min_samples=6, sample_weight=[5.9, 0.1])[0].tolist() == [0, 1]
    assert linfa.dbscan(X, eps=1.5, min_samples=6, sample_weight=[5, 0])[0].tolist() == []
    assert linfa.dbscan(X, eps=1.5, min_samples=6, sample_weight=[6, -1])[0].tolist() == []  # as scikit-learn
    with pytest.raises(ValueError, match="NaN or infinity"):
        linfa.dbscan(X, sample_weight=[6, np.nan])


def test_same_labels_on_any_thread_count():
    from threadpoolctl import threadpool_limits

    X = blobs_with_noise(20000, 4000, seed=4)
    with threadpool_limits(limits=1, user_api="openmp"):
        one = DBSCAN(eps=0.1, min_samples=10).fit(X).labels_
    two = DBSCAN(eps=0.1, min_samples=10).fit(X).labels_
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"eps": 0.0}, "'eps' parameter"),
        ({"eps": float("nan")}, "'eps' parameter"),
        ({"min_samples": 0}, "'min_samples' parameter"),
        ({"leaf_size": 0}, "'leaf_size' parameter"),
        ({"algorithm": "quad_tree"}, "'algorithm' parameter"),
        ({"metric": "cosine"}, "Metric 'cosine' not valid"),
        ({"metric": "minkowski", "p": 0.5}, "p must be a finite number >= 1"),
        ({"metric_params": {"w": 1}}, "only 'p'"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        DBSCAN(**params).fit(np.zeros((3, 2)))


def test_bad_data():
    with pytest.raises(ValueError, match="NaN or infinity"):
        DBSCAN().fit(np.array([[0.0, np.nan], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="0 sample"):
        DBSCAN().fit(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="square"):
        DBSCAN(metric="precomputed").fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="Negative values"):
        DBSCAN(metric="precomputed").fit(-np.ones((2, 2)))
    with pytest.raises(ValueError, match="Metric 'chebyshev' not valid for sparse input"):
        DBSCAN(metric="chebyshev").fit(sparse.csr_matrix(np.eye(3)))  # sparse records: test_neighbors_sparse.py


def test_gil_is_released_during_fit():
    X = blobs_with_noise(20000, 4000, seed=5)
    assert_releases_gil(lambda: DBSCAN(eps=0.1, min_samples=10).fit(X))


def test_linfa_cluster_module():
    from linfa.cluster import DBSCAN as Again, KMeans

    assert Again is DBSCAN and KMeans is linfa.KMeans


@parametrize_with_checks([DBSCAN()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_check_estimator_as_a_whole():
    check_estimator(DBSCAN())
