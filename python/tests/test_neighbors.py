"""linfa's neighbours: the same neighbours, predictions and probabilities as scikit-learn on
continuous data (no ties), every algorithm and metric; kneighbors(X=None) and radius queries;
KDTree / BallTree; errors; model files and pickling; check_estimator."""

import pickle

import numpy as np
import pytest

import linfa
from linfa import BallTree, KDTree, KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

sk_neighbors = pytest.importorskip("sklearn.neighbors")

rng = np.random.default_rng(0)
X = rng.normal(size=(300, 4))
Q = rng.normal(size=(40, 4))
y_class = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
y_value = X @ np.array([1.0, -2.0, 0.5, 3.0]) + rng.normal(size=300) * 0.1

ALGORITHMS = ["auto", "brute", "kd_tree", "ball_tree"]
METRICS = [("minkowski", 2), ("manhattan", 2), ("chebyshev", 2), ("minkowski", 3), ("euclidean", 2)]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("metric,p", METRICS)
def test_nearest_neighbors_agree_with_sklearn(algorithm, metric, p):
    ours = NearestNeighbors(n_neighbors=6, algorithm=algorithm, metric=metric, p=p).fit(X)
    theirs = sk_neighbors.NearestNeighbors(n_neighbors=6, algorithm="brute", metric=metric, p=p).fit(X)
    d1, i1 = ours.kneighbors(Q)
    d2, i2 = theirs.kneighbors(Q)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(d1, d2, rtol=1e-12)
    d1, i1 = ours.kneighbors()
    d2, i2 = theirs.kneighbors()
    np.testing.assert_array_equal(i1, i2)
    r1 = ours.radius_neighbors(Q, radius=1.2, sort_results=True)
    r2 = theirs.radius_neighbors(Q, radius=1.2, sort_results=True)
    for a, b in zip(r1[1], r2[1]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(r1[0], r2[0]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    self_excluded = ours.radius_neighbors(radius=1.0)[1]
    expected = theirs.radius_neighbors(radius=1.0)[1]
    for a, b in zip(self_excluded, expected):
        np.testing.assert_array_equal(np.sort(a), np.sort(b))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_models_agree_with_sklearn(algorithm, weights):
    for metric, p in METRICS[:3]:
        c1 = KNeighborsClassifier(7, weights=weights, algorithm=algorithm, metric=metric, p=p).fit(X, y_class)
        c2 = sk_neighbors.KNeighborsClassifier(7, weights=weights, metric=metric, p=p).fit(X, y_class)
        np.testing.assert_array_equal(c1.predict(Q), c2.predict(Q))
        np.testing.assert_allclose(c1.predict_proba(Q), c2.predict_proba(Q), rtol=1e-12, atol=1e-15)
        r1 = KNeighborsRegressor(7, weights=weights, algorithm=algorithm, metric=metric, p=p).fit(X, y_value)
        r2 = sk_neighbors.KNeighborsRegressor(7, weights=weights, metric=metric, p=p).fit(X, y_value)
        assert r1.predict(Q).shape == (40,)
        np.testing.assert_allclose(r1.predict(Q), r2.predict(Q), rtol=1e-12)
        assert r1.score(Q, Q @ [1.0, -2.0, 0.5, 3.0]) == pytest.approx(r2.score(Q, Q @ [1.0, -2.0, 0.5, 3.0]), rel=1e-12)
        np.testing.assert_array_equal(c1.kneighbors(Q)[1], c2.kneighbors(Q)[1])
        np.testing.assert_array_equal(c1.kneighbors(n_neighbors=3)[1], c2.kneighbors(n_neighbors=3)[1])


def test_string_labels_multi_output_and_float32():
    labels = np.array(["a", "b", "c"])[y_class]
    model = KNeighborsClassifier(3).fit(X, labels)
    assert set(model.predict(Q)) <= {"a", "b", "c"}
    assert list(model.classes_) == ["a", "b", "c"]
    two = np.column_stack([y_value, -y_value])
    reg = KNeighborsRegressor(4).fit(X, two)
    np.testing.assert_allclose(reg.predict(Q)[:, 0], -reg.predict(Q)[:, 1])
    x32 = X.astype(np.float32)
    assert KNeighborsRegressor(4).fit(x32, y_value).predict(Q.astype(np.float32)).dtype == np.float32
    assert KNeighborsClassifier(4).fit(x32, y_class).predict_proba(Q.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("tree_class,sk_class", [(KDTree, "KDTree"), (BallTree, "BallTree")])
def test_trees_agree_with_sklearn(tree_class, sk_class):
    ours = tree_class(X, leaf_size=10)
    theirs = getattr(sk_neighbors, sk_class)(X, leaf_size=10)
    d1, i1 = ours.query(Q, k=5)
    d2, i2 = theirs.query(Q, k=5)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(d1, d2, rtol=1e-12)
    np.testing.assert_array_equal(ours.query(Q, k=2, return_distance=False), theirs.query(Q, k=2, return_distance=False))
    counts = ours.query_radius(Q, r=1.0, count_only=True)
    np.testing.assert_array_equal(counts, theirs.query_radius(Q, r=1.0, count_only=True))
    ind, dist = ours.query_radius(Q, r=1.0, return_distance=True, sort_results=True)
    ind2, dist2 = theirs.query_radius(Q, r=1.0, return_distance=True, sort_results=True)
    for a, b in zip(ind, ind2):
        np.testing.assert_array_equal(a, b)
    radii = np.linspace(0.5, 1.5, len(Q))
    for a, b in zip(ours.query_radius(Q, r=radii), theirs.query_radius(Q, r=radii)):
        np.testing.assert_array_equal(np.sort(a), np.sort(b))
    again = pickle.loads(pickle.dumps(ours))
    np.testing.assert_array_equal(again.query(Q, k=3)[1], i1[:, :3])
    assert linfa.neighbors.KDTree is KDTree


def test_ties_go_to_the_lower_row():
    grid = np.array([[0.0], [1.0], [1.0], [-1.0], [2.0]])
    for algorithm in ALGORITHMS[1:]:
        d, i = NearestNeighbors(n_neighbors=4, algorithm=algorithm).fit(grid).kneighbors([[0.0]])
        np.testing.assert_array_equal(i, [[0, 1, 2, 3]])


def test_errors():
    with pytest.raises(ValueError, match="n_samples = 3"):
        KNeighborsClassifier(5).fit(X[:3], y_class[:3])
    with pytest.raises(ValueError, match="Metric 'cosine' not valid"):
        KNeighborsClassifier(metric="cosine").fit(X, y_class)
    with pytest.raises(ValueError, match="p must be"):
        KNeighborsRegressor(p=0.5).fit(X, y_value)
    with pytest.raises(ValueError, match="weights not recognized"):
        KNeighborsRegressor(weights="gaussian").fit(X, y_value)
    with pytest.raises(ValueError, match="algorithm must be"):
        NearestNeighbors(algorithm="octree").fit(X)
    with pytest.raises(ValueError, match="n_neighbors must be"):
        KNeighborsClassifier(0).fit(X, y_class)
    with pytest.raises(ValueError, match="NaN"):
        KNeighborsClassifier().fit(np.full((10, 2), np.nan), np.arange(10))
    model = KNeighborsClassifier().fit(X, y_class)
    with pytest.raises(ValueError, match="features"):
        model.predict(Q[:, :3])
    with pytest.raises(ValueError, match="n_neighbors"):
        model.kneighbors(Q, n_neighbors=301)
    with pytest.raises(linfa.NotFittedError):
        KNeighborsClassifier().predict(Q)
    with pytest.raises(ValueError, match="k must be"):
        KDTree(X).query(Q, k=301)


def test_save_load_and_pickle(tmp_path):
    for model in (
        KNeighborsClassifier(4, weights="distance", algorithm="ball_tree", metric="manhattan").fit(X, y_class),
        KNeighborsRegressor(3, algorithm="kd_tree", p=3).fit(X, y_value),
    ):
        path = tmp_path / "model.linfa"
        model.save(path)
        loaded = linfa.load(path)
        assert type(loaded) is type(model)
        np.testing.assert_array_equal(loaded.predict(Q), model.predict(Q))
        assert loaded.get_params()["n_neighbors"] == model.n_neighbors
        again = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(again.predict(Q), model.predict(Q))
        np.testing.assert_array_equal(again.kneighbors(Q)[1], model.kneighbors(Q)[1])
    nn = pickle.loads(pickle.dumps(NearestNeighbors(n_neighbors=2).fit(X)))
    np.testing.assert_array_equal(nn.kneighbors(Q)[1], sk_neighbors.NearestNeighbors(n_neighbors=2).fit(X).kneighbors(Q)[1])


def _parametrize_with_checks():
    try:
        from sklearn.utils.estimator_checks import parametrize_with_checks
    except ImportError:
        return pytest.mark.skip("scikit-learn is not installed")
    return parametrize_with_checks(
        [KNeighborsClassifier(), KNeighborsRegressor(), KNeighborsClassifier(3, weights="distance"), NearestNeighbors()]
    )


@_parametrize_with_checks()
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
