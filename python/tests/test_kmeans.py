"""The estimator's behaviour: results, dtypes, zero copy, GIL release, errors, parameters."""

import tracemalloc
import warnings

import numpy as np
import pytest

from conftest import make_blobs
from linfa import KMeans, NotFittedError, _linfa


def same_partition(a, b):
    """Whether two labelings are equal up to a permutation of the cluster indices."""
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_fit_finds_blobs(blobs):
    X, y = blobs
    km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.shape == (3, 2)
    assert km.labels_.shape == (600,) and km.labels_.dtype == np.int32
    assert same_partition(km.labels_, y)
    assert km.n_iter_ >= 1 and km.n_features_in_ == 2
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    distances = ((X[:, None, :] - km.cluster_centers_[None]) ** 2).sum(-1)
    assert km.inertia_ == pytest.approx(distances.min(1).sum(), rel=1e-9)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-9)
    np.testing.assert_allclose(km.transform(X), np.sqrt(distances), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(KMeans(3, random_state=0).fit_predict(X), km.labels_)
    np.testing.assert_allclose(KMeans(3, random_state=0).fit_transform(X), km.transform(X))


@pytest.mark.parametrize("init", ["k-means++", "random", "k-means||"])
def test_every_named_init(blobs, init):
    X, y = blobs
    km = KMeans(3, init=init, random_state=1).fit(X)
    assert same_partition(km.labels_, y)


def test_same_random_state_same_model(blobs):
    X, _ = blobs
    a = KMeans(3, init="random", random_state=7).fit(X)
    b = KMeans(3, init="random", random_state=7).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    r = np.random.RandomState(3)
    KMeans(3, random_state=r).fit(X)  # RandomState and Generator are accepted
    KMeans(3, random_state=np.random.default_rng(3)).fit(X)


def test_n_init_auto():
    assert KMeans(init="random")._check_n_init(False) == 10
    for init in ["k-means++", "k-means||"]:
        assert KMeans(init=init)._check_n_init(False) == 1
    assert KMeans(init=np.zeros((8, 2)))._check_n_init(True) == 1
    assert KMeans(n_init=4)._check_n_init(False) == 4
    with pytest.warns(RuntimeWarning, match="only one init"):
        assert KMeans(init=np.zeros((8, 2)), n_init=3)._check_n_init(True) == 1


def test_n_init_runs_keep_the_best():
    X, _ = make_blobs(centres=[(0, 0), (3, 0), (0, 3), (3, 3), (6, 6)], spread=1.5, seed=4)
    one = KMeans(5, init="random", n_init=1, random_state=0).fit(X).inertia_
    many = KMeans(5, init="random", n_init=10, random_state=0).fit(X).inertia_
    assert many <= one


def test_array_init(blobs):
    X, _ = blobs
    init = X[[0, 200, 400]].copy()
    before = init.copy()
    km = KMeans(3, init=init, max_iter=1, tol=0).fit(X)
    assert km.n_iter_ == 1
    np.testing.assert_array_equal(init, before)  # never written to
    # one Lloyd step from these centres: the means of their Voronoi cells
    cells = ((X[:, None, :] - init[None]) ** 2).sum(-1).argmin(1)
    expected = np.stack([X[cells == j].mean(0) for j in range(3)])
    np.testing.assert_allclose(km.cluster_centers_, expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(blobs, dtype):
    X = blobs[0].astype(dtype)
    km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == dtype
    assert km.transform(X).dtype == dtype
    assert km.fit_transform(X).dtype == dtype
    assert isinstance(km.inertia_, float)
    # other inputs are converted to float64; a float32 model converts its inputs to float32
    assert KMeans(3, random_state=0).fit(X.astype(np.int64)).cluster_centers_.dtype == np.float64
    assert km.transform(X.astype(np.float64)).dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_contiguous_float_arrays_are_not_copied(dtype):
    X = np.random.RandomState(0).rand(50, 3).astype(dtype)
    from linfa._validation import check_array

    assert check_array(X) is X  # the Python layer passes the array on as it is
    view = getattr(_linfa, "view_address_" + {np.float32: "f32", np.float64: "f64"}[dtype])
    assert view(X) == X.ctypes.data  # and the extension views its buffer
    with pytest.raises(TypeError):  # no silent conversion inside the extension
        view(np.asfortranarray(X))


def test_fit_allocates_no_copy_of_the_data():
    # tracemalloc sees NumPy allocations: a copy of X would show up as >= X.nbytes.
    X = np.random.RandomState(0).rand(400_000, 4)
    tracemalloc.start()
    try:
        KMeans(4, init="random", n_init=1, max_iter=5, random_state=0).fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 2, (peak, X.nbytes)  # labels_ (n x int32) is X.nbytes / 8


def test_other_layouts_are_converted(blobs):
    X, _ = blobs
    ref = KMeans(3, random_state=0).fit(X).cluster_centers_
    for variant in [np.asfortranarray(X), X.tolist(), X[::1, :], np.repeat(X, 2, axis=0)[::2]]:
        np.testing.assert_array_equal(KMeans(3, random_state=0).fit(variant).cluster_centers_, ref)


BAD_X = [
    (np.zeros(5), "2-D array"),
    (np.zeros((2, 3, 4)), "dim 3"),
    (np.zeros((0, 3)), "0 sample"),
    (np.zeros((5, 0)), "0 feature"),
    (np.array([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]]), "NaN or infinity"),
    (np.array([[0.0, np.inf], [1.0, 1.0], [2.0, 2.0]]), "NaN or infinity"),
    (np.ones((2, 2)) + 1j, "Complex data not supported"),
    (np.array([[0.0, 1e200], [1.0, 1.0], [-1e200, 2.0]]), "squared deviations overflow double"),
]


@pytest.mark.parametrize("X, message", BAD_X)
def test_bad_training_data(X, message):
    with pytest.raises(ValueError, match=message):
        KMeans(2).fit(X)


def test_too_few_samples():
    with pytest.raises(ValueError, match=r"n_samples=2 should be >= n_clusters=3\."):
        KMeans(3).fit(np.zeros((2, 2)))


BAD_PARAMS = [
    (dict(n_clusters=0), "n_clusters"),
    (dict(n_clusters=2.5), "n_clusters"),
    (dict(max_iter=0), "max_iter"),
    (dict(tol=-1.0), "tol"),
    (dict(tol=float("nan")), "tol"),
    (dict(n_init=0), "n_init"),
    (dict(n_init="sometimes"), "n_init"),
    (dict(init="nope"), "init"),
    (dict(init=np.zeros((3, 2))), "shape of the initial centers"),
    (dict(init=np.zeros((2, 5))), "shape of the initial centers"),
    (dict(init=np.array([[0.0, np.nan], [1.0, 1.0]])), "NaN or infinity"),
    (dict(algorithm="magic"), "algorithm"),
    (dict(random_state=-1), "random_state"),
    (dict(random_state="x"), "random_state"),
    (dict(verbose=-1), "verbose"),
]


@pytest.mark.parametrize("params, message", BAD_PARAMS)
def test_bad_params(params, message):
    with pytest.raises(ValueError, match=message):
        KMeans(**{"n_clusters": 2, **params}).fit(np.random.RandomState(0).rand(10, 2))


@pytest.mark.parametrize(
    "weights, message",
    [(np.ones(3), r"sample_weight.shape"), (np.ones((10, 1)), "sample_weight.shape"),
     (-np.ones(10), "non-negative"), (np.zeros(10), "all be zero"),
     (np.r_[np.nan, np.ones(9)], "NaN or infinity")],
)
def test_bad_sample_weight(weights, message):
    with pytest.raises(ValueError, match=message):
        KMeans(2, random_state=0).fit(np.random.RandomState(0).rand(10, 2), sample_weight=weights)


def test_bad_prediction_data(blobs):
    km = KMeans(3, random_state=0).fit(blobs[0])
    for method in (km.predict, km.transform, km.score):
        with pytest.raises(ValueError, match="expecting 2 features"):
            method(np.zeros((4, 3)))
        with pytest.raises(ValueError, match="2-D array"):
            method(np.zeros(2))
        with pytest.raises(ValueError, match="NaN or infinity"):
            method(np.array([[np.nan, 0.0]]))
        with pytest.raises(ValueError, match="too large .*squared distances would overflow double"):
            method(np.array([[0.0, 1e200]]))


def test_not_fitted():
    km = KMeans(2)
    for call in (lambda: km.predict([[0.0, 0.0]]), lambda: km.transform([[0.0, 0.0]]),
                 lambda: km.score([[0.0, 0.0]]), lambda: km.save("/nonexistent/never")):
        with pytest.raises(NotFittedError, match="not fitted"):
            call()
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    try:
        from sklearn.exceptions import NotFittedError as SkNotFitted
    except ImportError:
        return
    assert NotFittedError is SkNotFitted


def test_sample_weight_two_equals_a_duplicated_row():
    X = np.random.RandomState(5).rand(40, 3)
    init = X[:4].copy()
    weights = np.ones(40)
    weights[7] = 2.0
    weighted = KMeans(4, init=init, tol=0, max_iter=50).fit(X, sample_weight=weights)
    duplicated = KMeans(4, init=init, tol=0, max_iter=50).fit(np.vstack([X, X[7:8]]))
    np.testing.assert_allclose(weighted.cluster_centers_, duplicated.cluster_centers_, rtol=1e-12)
    assert weighted.inertia_ == pytest.approx(duplicated.inertia_, rel=1e-12)
    assert weighted.score(X, sample_weight=weights) == pytest.approx(-weighted.inertia_, rel=1e-12)
    # sample_weight is accepted (and ignored) by predict, as in scikit-learn
    np.testing.assert_array_equal(weighted.predict(X, sample_weight=weights), weighted.labels_)


def test_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    X, _ = make_blobs()
    df = pd.DataFrame(X, columns=["height", "width"])
    km = KMeans(3, random_state=0).fit(df)
    np.testing.assert_array_equal(km.feature_names_in_, ["height", "width"])
    assert km.feature_names_in_.dtype == object
    np.testing.assert_array_equal(km.predict(df), km.labels_)
    np.testing.assert_array_equal(km.predict(X), km.labels_)  # plain arrays stay accepted
    with pytest.raises(ValueError, match="feature names should match"):
        km.predict(df.rename(columns={"width": "depth"}))
    assert not hasattr(KMeans(3, random_state=0).fit(X), "feature_names_in_")
    assert not hasattr(KMeans(3, random_state=0).fit(pd.DataFrame(X)), "feature_names_in_")  # int names
    assert KMeans(3, random_state=0).fit(df.astype(np.float32)).cluster_centers_.dtype == np.float32


def test_get_and_set_params():
    km = KMeans(4, init="random", tol=1e-3)
    params = km.get_params()
    assert params == dict(n_clusters=4, init="random", n_init="auto", max_iter=300, tol=1e-3,
                          verbose=0, random_state=None, copy_x=True, algorithm="lloyd")
    assert km.set_params(n_clusters=5, max_iter=10) is km
    assert (km.n_clusters, km.max_iter) == (5, 10)
    with pytest.raises(ValueError, match="Invalid parameter"):
        km.set_params(n_cluster=3)
    assert repr(KMeans(4, tol=1e-3)) == "KMeans(n_clusters=4, tol=0.001)"


def test_verbose_prints_each_iteration(capfd, blobs):
    X, _ = blobs
    km = KMeans(3, init="random", n_init=1, random_state=0, verbose=1, tol=0).fit(X)
    out = capfd.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("Iteration")]
    assert len(lines) == km.n_iter_
    assert lines[0].startswith("Iteration 0, inertia ") and lines[0].endswith(".")
    assert "Initialization complete" in out
    assert out.splitlines()[-1] == f"Converged at iteration {km.n_iter_ - 1}: strict convergence."
    KMeans(3, init="random", n_init=1, random_state=0, verbose=1, tol=10.0).fit(X)
    assert "center shift" in capfd.readouterr().out.splitlines()[-1]
    KMeans(3, random_state=0).fit(X)
    assert capfd.readouterr().out == ""  # silent by default


def test_verbose_lines_go_through_sys_stdout(capsys, blobs):
    X, _ = blobs
    KMeans(3, n_init=2, random_state=0, verbose=1).fit(X)
    out = capsys.readouterr().out
    assert out.count("Initialization complete") == 2 and out.count("Converged at iteration") == 2


def test_callable_init_is_called_once_per_run_with_scikit_learns_arguments(blobs):
    X, _ = blobs
    calls = []

    def init(data, n_clusters, random_state):
        calls.append((data.shape, n_clusters, type(random_state).__name__))
        return data[:n_clusters] + len(calls)

    km = KMeans(3, init=init, n_init=2, random_state=0).fit(X)
    assert calls == [(X.shape, 3, "RandomState")] * 2
    assert km._n_init == 2 and km.cluster_centers_.shape == (3, 2)
    with pytest.raises(ValueError, match=r"The shape of the initial centers \(2, 2\) does not match the number of clusters 3"):
        KMeans(3, init=lambda data, k, random_state: data[:2]).fit(X)
    with pytest.raises(ValueError, match="does not match the number of features of the data 2"):
        KMeans(3, init=lambda data, k, random_state: np.zeros((3, 5))).fit(X)


def test_scikit_learns_warnings_and_messages(blobs):
    X, _ = blobs
    from linfa._errors import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(2\) found smaller than n_clusters \(3\)"):
        KMeans(3, random_state=0).fit(np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0))
    with pytest.raises(ValueError, match=r"n_samples=2 should be >= n_clusters=3\."):
        KMeans(3).fit(X[:2])
    with pytest.warns(RuntimeWarning, match="doesn't make sense for a single cluster"):
        assert KMeans(1, algorithm="elkan").fit(X)._algorithm == "lloyd"
    km = KMeans(3, random_state=0).fit(X)
    assert list(km.get_feature_names_out()) == ["kmeans0", "kmeans1", "kmeans2"]
    assert KMeans(3, copy_x=False, random_state=0).fit(X).inertia_ == km.inertia_  # a no-op: X is never modified


def test_works_with_sklearn_tools(blobs):
    pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = blobs
    km = clone(KMeans(3, random_state=0))
    pipe = make_pipeline(StandardScaler(), km).fit(X)
    assert same_partition(pipe.predict(X), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone(KMeans(3, init=X[:3]))


# The bad-input matrix of the README, the rows not covered above.
def test_one_sample_and_huge_k():
    one = np.array([[1.0, 2.0, 3.0]])
    km = KMeans(1, n_init=1).fit(one)
    assert km.inertia_ == 0.0 and np.array_equal(km.cluster_centers_, one)
    with pytest.raises(ValueError, match=r"n_samples=1 should be >= n_clusters=2\."):
        KMeans(2).fit(one)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(10**12).fit(np.zeros((5, 2)))


def test_integer_data_is_converted_and_strings_are_refused():
    # non-contiguous layouts: test_other_layouts_are_converted
    ints = KMeans(2, n_init=1, random_state=0).fit(np.arange(20).reshape(10, 2))
    assert ints.cluster_centers_.dtype == np.float64
    with pytest.raises(ValueError):
        KMeans(2).fit(np.array([["a", "b"], ["c", "d"], ["e", "f"]]))
