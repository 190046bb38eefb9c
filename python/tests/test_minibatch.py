"""linfa.MiniBatchKMeans: fit, partial_fit streams, persistence, errors, parameters, and
agreement with scikit-learn's MiniBatchKMeans; also KMeans(algorithm=...)."""

import pickle
import tracemalloc
import warnings

import numpy as np
import pytest

from conftest import make_blobs
from linfa import KMeans, MiniBatchKMeans, NotFittedError, _linfa
from test_persistence import PROBES, needs_tool, run_tool

CENTRES = [(0.0, 0.0), (10.0, 10.0), (-10.0, 10.0), (10.0, -10.0), (-10.0, -10.0)]


def same_partition(a, b):
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def stream(n_batches, batch=200, seed=0, dtype=np.float64):
    """Batches of a blob stream, generated one at a time."""
    rng = np.random.RandomState(seed)
    centres = np.asarray(CENTRES)
    for _ in range(n_batches):
        which = rng.randint(len(centres), size=batch)
        yield (centres[which] + rng.randn(batch, 2)).astype(dtype)


def brute_inertia(X, centres, weights=None):
    d2 = ((X[:, None, :] - centres[None]) ** 2).sum(-1).min(1)
    return float(d2.sum() if weights is None else (weights * d2).sum())


# ------------------------------------------------------------------------- fit


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_finds_blobs(dtype):
    X, y = make_blobs(n_per_blob=2000, centres=CENTRES, seed=1)
    X = X.astype(dtype)
    km = MiniBatchKMeans(5, random_state=0, batch_size=256).fit(X)
    assert km.cluster_centers_.shape == (5, 2) and km.cluster_centers_.dtype == dtype
    assert km.labels_.shape == (10000,) and km.labels_.dtype == np.int32
    assert same_partition(km.labels_, y)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    assert km.inertia_ == pytest.approx(brute_inertia(X.astype(np.float64), km.cluster_centers_.astype(np.float64)), rel=1e-5)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-6)
    assert km.transform(X).shape == (10000, 5) and km.transform(X).dtype == dtype
    assert km.n_iter_ >= 1 and km.n_steps_ >= 2 and km.n_features_in_ == 2
    assert km.n_iter_ == int(np.ceil(km.n_steps_ * 256 / 10000))
    np.testing.assert_array_equal(MiniBatchKMeans(5, random_state=0, batch_size=256).fit_predict(X), km.labels_)
    np.testing.assert_allclose(MiniBatchKMeans(5, random_state=0, batch_size=256).fit_transform(X), km.transform(X))


def test_same_random_state_same_model():
    X, _ = make_blobs(n_per_blob=1000, centres=CENTRES, seed=2)
    for init in ("k-means++", "random", "k-means||"):
        a = MiniBatchKMeans(5, init=init, random_state=7, batch_size=100).fit(X)
        b = MiniBatchKMeans(5, init=init, random_state=7, batch_size=100).fit(X)
        np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
        assert a.n_steps_ == b.n_steps_
    MiniBatchKMeans(5, random_state=np.random.RandomState(3)).fit(X)
    MiniBatchKMeans(5, random_state=np.random.default_rng(3)).fit(X)


def test_early_stopping_and_max_iter():
    X, _ = make_blobs(n_per_blob=2000, centres=CENTRES, seed=3)
    capped = MiniBatchKMeans(5, random_state=0, batch_size=100, max_iter=1, max_no_improvement=None).fit(X)
    assert capped.n_steps_ == 100 and capped.n_iter_ == 1  # one epoch: 10000 / 100 steps
    stopped = MiniBatchKMeans(5, random_state=0, batch_size=100, max_iter=50).fit(X)
    assert stopped.n_steps_ < 50 * 100  # max_no_improvement=10 stopped it
    tolerant = MiniBatchKMeans(5, random_state=0, batch_size=100, max_iter=50, tol=1e-2,
                               max_no_improvement=None).fit(X)
    assert tolerant.n_steps_ < 50 * 100


def test_compute_labels_false():
    X, _ = make_blobs(centres=CENTRES)
    km = MiniBatchKMeans(5, random_state=0, compute_labels=False).fit(X)
    assert not hasattr(km, "labels_")
    assert km.inertia_ == pytest.approx(brute_inertia(X, km.cluster_centers_), rel=1e-9)
    km.partial_fit(X[:100])
    assert not hasattr(km, "labels_")
    km.set_params(compute_labels=True).fit(X)
    assert km.labels_.shape == (1000,)


def test_array_init_and_n_init():
    X, _ = make_blobs(centres=CENTRES, seed=4)
    init = X[[0, 200, 400, 600, 800]].copy()
    before = init.copy()
    km = MiniBatchKMeans(5, init=init, random_state=0).fit(X)
    np.testing.assert_array_equal(init, before)
    assert same_partition(km.labels_, np.repeat(np.arange(5), 200))
    assert MiniBatchKMeans(init="random")._check_n_init(False) == 3  # scikit-learn's "auto"
    assert MiniBatchKMeans()._check_n_init(False) == 1
    with pytest.warns(RuntimeWarning, match="only one init"):
        MiniBatchKMeans(5, init=init, n_init=3).fit(X)
    many = MiniBatchKMeans(5, init="random", n_init=5, random_state=0).fit(X)
    assert many.inertia_ > 0


def test_init_size_smaller_than_n_clusters_warns_as_sklearn():
    X, _ = make_blobs(centres=CENTRES)
    with pytest.warns(RuntimeWarning, match="init_size=3 should be larger than n_clusters=5"):
        MiniBatchKMeans(5, init_size=3, random_state=0).fit(X)
    MiniBatchKMeans(5, init_size=50, random_state=0).fit(X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_contiguous_float_arrays_are_not_copied(dtype):
    X = np.random.RandomState(0).rand(400_000, 4).astype(dtype)
    tracemalloc.start()
    try:
        MiniBatchKMeans(4, random_state=0, max_iter=1, compute_labels=False).fit(X)
        MiniBatchKMeans(4, random_state=0).partial_fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 2, (peak, X.nbytes)


def test_verbose_prints_steps(capfd):
    X, _ = make_blobs(centres=CENTRES)
    km = MiniBatchKMeans(5, random_state=0, verbose=1, batch_size=100).fit(X)
    out = capfd.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("Minibatch step")]
    assert len(lines) == km.n_steps_
    assert lines[0].startswith("Minibatch step 1/") and "ewa inertia" in lines[1]
    MiniBatchKMeans(5, random_state=0).fit(X)
    assert capfd.readouterr().out == ""


# ------------------------------------------------------------------------- partial_fit


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_partial_fit_stream_finds_the_centres(dtype):
    km = MiniBatchKMeans(5, random_state=0)
    for batch in stream(100, dtype=dtype):
        assert km.partial_fit(batch) is km
    assert km.n_steps_ == 100 and km.n_features_in_ == 2
    assert km.cluster_centers_.dtype == dtype
    assert not hasattr(km, "n_iter_")  # as scikit-learn: epochs are fit's
    for centre in CENTRES:
        assert np.min(np.linalg.norm(km.cluster_centers_ - np.array(centre), axis=1)) < 0.3
    # labels_ and inertia_ are the last batch's, under the updated centres (as scikit-learn)
    np.testing.assert_array_equal(km.labels_, km.predict(batch))
    assert km.inertia_ == pytest.approx(-km.score(batch), rel=1e-6)
    assert km._model.cluster_weights.sum() == pytest.approx(100 * 200)


def test_partial_fit_stream_vs_fit():
    X = np.concatenate(list(stream(50, batch=400, seed=1)))
    fitted = MiniBatchKMeans(5, random_state=0, batch_size=400).fit(X)
    streamed = MiniBatchKMeans(5, random_state=0)
    for batch in np.split(X, 50):
        streamed.partial_fit(batch)
    assert -streamed.score(X) < 1.05 * fitted.inertia_
    assert same_partition(streamed.predict(X), fitted.labels_)


def test_partial_fit_stream_is_reproducible_and_survives_pickle_and_files(tmp_path):
    batches = list(stream(40, seed=2))

    def run(km, part):
        for batch in part:
            km.partial_fit(batch)
        return km

    straight = run(MiniBatchKMeans(5, random_state=3, reassignment_ratio=0.3), batches)
    again = run(MiniBatchKMeans(5, random_state=3, reassignment_ratio=0.3), batches)
    np.testing.assert_array_equal(again.cluster_centers_, straight.cluster_centers_)

    half = run(MiniBatchKMeans(5, random_state=3, reassignment_ratio=0.3), batches[:20])
    pickled = run(pickle.loads(pickle.dumps(half)), batches[20:])
    np.testing.assert_array_equal(pickled.cluster_centers_, straight.cluster_centers_)
    assert pickled.n_steps_ == 40
    for json in (False, True):
        path = tmp_path / f"half{int(json)}.linfa"
        half.save(path, json=json)
        loaded = MiniBatchKMeans.load(path).set_params(random_state=3, reassignment_ratio=0.3)
        assert loaded.n_steps_ == 20
        np.testing.assert_array_equal(loaded._model.cluster_weights, half._model.cluster_weights)
        resumed = run(loaded, batches[20:])
        np.testing.assert_array_equal(resumed.cluster_centers_, straight.cluster_centers_)


def test_partial_fit_continues_fit():
    X, _ = make_blobs(centres=CENTRES, seed=5)
    km = MiniBatchKMeans(5, random_state=0).fit(X)
    steps, n_iter = km.n_steps_, km.n_iter_
    centres = km.cluster_centers_.copy()
    km.partial_fit(X[:50])
    assert km.n_steps_ == steps + 1 and km.n_iter_ == n_iter
    assert np.abs(km.cluster_centers_ - centres).max() < 0.5  # a small step: the weights carried on
    km.fit(X)  # fit starts over
    assert km.n_steps_ == steps


def test_partial_fit_weights_are_multiplicities():
    batches = list(stream(10, seed=6))
    init = batches[0][:5].copy()
    weighted = MiniBatchKMeans(5, init=init, reassignment_ratio=0, random_state=0)
    duplicated = MiniBatchKMeans(5, init=init, reassignment_ratio=0, random_state=0)
    for batch in batches:
        w = np.ones(len(batch))
        w[::4] = 2.0
        weighted.partial_fit(batch, sample_weight=w)
        duplicated.partial_fit(np.vstack([batch, batch[::4]]))
    np.testing.assert_allclose(weighted.cluster_centers_, duplicated.cluster_centers_, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(weighted._model.cluster_weights, duplicated._model.cluster_weights)
    # and unit weights are no weights, random draws included
    a, b = MiniBatchKMeans(5, random_state=1), MiniBatchKMeans(5, random_state=1)
    for batch in batches:
        a.partial_fit(batch)
        b.partial_fit(batch, sample_weight=np.ones(len(batch)))
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


# ------------------------------------------------------------------------- bad input

BAD_X = [
    (np.zeros(5), "2-D array"),
    (np.zeros((2, 3, 4)), "dim 3"),
    (np.zeros((0, 3)), "0 sample"),
    (np.zeros((5, 0)), "0 feature"),
    (np.array([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]]), "NaN or infinity"),
    (np.array([[0.0, np.inf], [1.0, 1.0], [2.0, 2.0]]), "NaN or infinity"),
    (np.ones((2, 2)) + 1j, "Complex data not supported"),
]


@pytest.mark.parametrize("X, message", BAD_X)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_training_data(X, message, method):
    with pytest.raises(ValueError, match=message):
        getattr(MiniBatchKMeans(2), method)(X)


@pytest.mark.parametrize("X, message", BAD_X[:-1])
def test_bad_later_batches_leave_the_model_alone(X, message):
    km = MiniBatchKMeans(2, random_state=0).partial_fit(np.random.RandomState(0).rand(20, 3))
    centres, weights, steps = km.cluster_centers_.copy(), km._model.cluster_weights.copy(), km.n_steps_
    with pytest.raises(ValueError):  # the message, or "X has n features, but ... expecting 3"
        km.partial_fit(X)
    np.testing.assert_array_equal(km.cluster_centers_, centres)
    np.testing.assert_array_equal(km._model.cluster_weights, weights)
    assert km.n_steps_ == steps


def test_wrong_feature_count_in_a_later_batch():
    km = MiniBatchKMeans(2, random_state=0).partial_fit(np.random.RandomState(0).rand(20, 3))
    with pytest.raises(ValueError, match="X has 2 features, but MiniBatchKMeans is expecting 3 features as input"):
        km.partial_fit(np.zeros((5, 2)))
    for method in (km.predict, km.transform, km.score):
        with pytest.raises(ValueError, match="expecting 3 features"):
            method(np.zeros((4, 2)))


def test_too_few_samples():
    with pytest.raises(ValueError, match=r"n_samples=2 should be >= n_clusters=3\."):
        MiniBatchKMeans(3).fit(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"n_samples=2 should be >= n_clusters=3\."):
        MiniBatchKMeans(3).partial_fit(np.zeros((2, 2)))
    km = MiniBatchKMeans(3, random_state=0).partial_fit(np.random.RandomState(0).rand(10, 2))
    km.partial_fit(np.zeros((1, 2)))  # later batches may be as small as one sample
    assert km.n_steps_ == 2


BAD_PARAMS = [
    (dict(n_clusters=0), "n_clusters"),
    (dict(n_clusters=2.5), "n_clusters"),
    (dict(max_iter=0), "max_iter"),
    (dict(batch_size=0), "batch_size"),
    (dict(batch_size=1.5), "batch_size"),
    (dict(tol=-1.0), "tol"),
    (dict(tol=float("nan")), "tol"),
    (dict(max_no_improvement=-1), "max_no_improvement"),
    (dict(max_no_improvement=2.0), "max_no_improvement"),
    (dict(init_size=0), "init_size"),
    (dict(reassignment_ratio=-0.1), "reassignment_ratio"),
    (dict(reassignment_ratio=float("inf")), "reassignment_ratio"),
    (dict(compute_labels="yes"), "compute_labels"),
    (dict(n_init=0), "n_init"),
    (dict(init="nope"), "init"),
    (dict(init=np.zeros((3, 2))), "shape of the initial centers"),
    (dict(init=np.array([[0.0, np.nan], [1.0, 1.0]])), "NaN or infinity"),
    (dict(random_state=-1), "random_state"),
    (dict(verbose=-1), "verbose"),
]


@pytest.mark.parametrize("params, message", BAD_PARAMS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_params(params, message, method):
    if method == "partial_fit" and "n_init" in params:
        return  # partial_fit initialises once, as scikit-learn: n_init is fit's
    with pytest.raises(ValueError, match=message):
        getattr(MiniBatchKMeans(**{"n_clusters": 2, **params}), method)(np.random.RandomState(0).rand(10, 2))


@pytest.mark.parametrize(
    "weights, message",
    [(np.ones(3), "sample_weight.shape"), (-np.ones(10), "non-negative"), (np.zeros(10), "all be zero"),
     (np.r_[np.nan, np.ones(9)], "NaN or infinity")],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_sample_weight(weights, message, method):
    with pytest.raises(ValueError, match=message):
        getattr(MiniBatchKMeans(2, random_state=0), method)(np.random.RandomState(0).rand(10, 2), sample_weight=weights)


def test_not_fitted():
    km = MiniBatchKMeans(2)
    for call in (lambda: km.predict([[0.0, 0.0]]), lambda: km.transform([[0.0, 0.0]]),
                 lambda: km.score([[0.0, 0.0]]), lambda: km.save("/nonexistent/never")):
        with pytest.raises(NotFittedError, match="not fitted"):
            call()


# ------------------------------------------------------------------------- persistence


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pickle_round_trip(dtype):
    X, _ = make_blobs(centres=CENTRES)
    km = MiniBatchKMeans(5, random_state=0).fit(X.astype(dtype))
    back = pickle.loads(pickle.dumps(km))
    assert back.get_params() == km.get_params()
    np.testing.assert_array_equal(back.cluster_centers_, km.cluster_centers_)
    np.testing.assert_array_equal(back.labels_, km.labels_)
    assert back.cluster_centers_.dtype == dtype
    assert (back.inertia_, back.n_iter_, back.n_steps_) == (km.inertia_, km.n_iter_, km.n_steps_)
    np.testing.assert_array_equal(back._model.cluster_weights, km._model.cluster_weights)
    unfitted = pickle.loads(pickle.dumps(MiniBatchKMeans(5, batch_size=10)))
    assert unfitted.batch_size == 10 and not hasattr(unfitted, "cluster_centers_")


@pytest.mark.parametrize("json", [False, True])
def test_save_load_round_trip(tmp_path, json):
    X, _ = make_blobs(centres=CENTRES)
    km = MiniBatchKMeans(5, random_state=0).fit(X)
    path = tmp_path / "mb.linfa"
    km.save(path, json=json)
    back = MiniBatchKMeans.load(path)
    assert isinstance(back, MiniBatchKMeans) and back.n_clusters == 5
    np.testing.assert_array_equal(back.cluster_centers_, km.cluster_centers_)
    assert (back.inertia_, back.n_iter_, back.n_steps_) == (km.inertia_, km.n_iter_, km.n_steps_)
    # the same file is a KMeans model file: KMeans loads it too, and vice versa
    as_kmeans = KMeans.load(path)
    np.testing.assert_array_equal(as_kmeans.predict(X), km.labels_)


@needs_tool
def test_minibatch_model_loads_in_cpp(tmp_path):
    km = MiniBatchKMeans(4, random_state=0)
    for batch in stream(20):
        km.partial_fit(batch)
    path = tmp_path / "stream.linfa"
    km.save(path)
    cpp = run_tool("check", path)
    np.testing.assert_array_equal(cpp["centroids"], km.cluster_centers_)
    np.testing.assert_array_equal(cpp["predictions"], km.predict(PROBES))


# ------------------------------------------------------------------------- parameters


def test_get_and_set_params():
    km = MiniBatchKMeans(4, batch_size=100)
    assert km.get_params() == dict(
        n_clusters=4, init="k-means++", max_iter=100, batch_size=100, verbose=0, compute_labels=True,
        random_state=None, tol=0.0, max_no_improvement=10, init_size=None, n_init="auto",
        reassignment_ratio=0.01,
    )
    assert km.set_params(batch_size=50) is km and km.batch_size == 50
    with pytest.raises(ValueError, match="Invalid parameter"):
        km.set_params(batchsize=3)
    assert repr(MiniBatchKMeans(4, batch_size=100)) == "MiniBatchKMeans(batch_size=100, n_clusters=4)"


def test_sklearn_signature_matches():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    import inspect

    ours = inspect.signature(MiniBatchKMeans.__init__).parameters
    theirs = inspect.signature(sklearn_cluster.MiniBatchKMeans.__init__).parameters
    assert list(ours) == list(theirs)
    for name in ours:
        if name not in ("self", "n_init"):  # scikit-learn 1.2's n_init default is "warn"
            assert ours[name].default == theirs[name].default, name


# ------------------------------------------------------------------------- vs scikit-learn


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_quality_against_sklearn(dtype):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    X, _ = sklearn_datasets.make_blobs(n_samples=30000, centers=8, cluster_std=1.5, random_state=0)
    X = X.astype(dtype)
    ours = MiniBatchKMeans(8, random_state=0, n_init=3).fit(X)
    theirs = sklearn_cluster.MiniBatchKMeans(8, random_state=0, n_init=3).fit(X)
    assert ours.inertia_ < 1.10 * theirs.inertia_
    # streams: the same batches through partial_fit
    ours_s = MiniBatchKMeans(8, random_state=0)
    theirs_s = sklearn_cluster.MiniBatchKMeans(8, random_state=0, n_init=1)
    for batch in np.array_split(X, 30):
        ours_s.partial_fit(batch)
        theirs_s.partial_fit(batch)
    assert ours_s.n_steps_ == theirs_s.n_steps_ == 30
    assert -ours_s.score(X) < 1.10 * -theirs_s.score(X)


def test_same_steps_as_sklearn_from_the_same_start():
    # Without reassignment the updates are deterministic: from the same centres, the same
    # batches give scikit-learn's centres (its update, in another order of operations).
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    batches = list(stream(20, seed=9))
    init = batches[0][:5].copy()
    ours = MiniBatchKMeans(5, init=init, reassignment_ratio=0)
    theirs = sklearn_cluster.MiniBatchKMeans(5, init=init, reassignment_ratio=0, n_init=1)
    w = np.random.RandomState(0).rand(200) + 0.5
    for batch in batches:
        ours.partial_fit(batch, sample_weight=w)
        theirs.partial_fit(batch, sample_weight=w)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9)


# ------------------------------------------------------------------------- KMeans(algorithm=...)


def test_kmeans_algorithm_names():
    assert {m: int(v) for m, v in _linfa.KMeansAlgorithm.__members__.items()} == dict(Lloyd=0, Hamerly=1, Auto=2)
    X, _ = make_blobs(n_per_blob=500, centres=CENTRES * 4, spread=3.0, seed=7)  # 20 overlapping blobs
    reference = KMeans(20, random_state=0, algorithm="lloyd").fit(X)
    for name in ("elkan", "hamerly", "auto", "full"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "auto" and "full" are deprecated: Lloyd's
            km = KMeans(20, random_state=0, algorithm=name).fit(X)
        assert same_partition(km.labels_, reference.labels_), name
        np.testing.assert_allclose(km.cluster_centers_, reference.cluster_centers_, rtol=1e-12, atol=1e-12)
        assert km.inertia_ == pytest.approx(reference.inertia_, rel=1e-12)
    assert KMeans().get_params()["algorithm"] == "lloyd"
    for name in ("auto", "full"):
        with pytest.warns(FutureWarning, match=f"algorithm='{name}' is deprecated, it will be removed in 1.3. Using 'lloyd' instead."):
            assert KMeans(20, random_state=0, algorithm=name).fit(X)._algorithm == "lloyd"
    for bad in ("magic", None, 1):
        with pytest.raises(ValueError, match="algorithm must be one of"):
            KMeans(2, algorithm=bad).fit(X)


def test_kmeans_and_minibatch_work_with_sklearn_tools():
    pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_blobs(centres=CENTRES)
    pipe = make_pipeline(StandardScaler(), clone(MiniBatchKMeans(5, random_state=0))).fit(X)
    assert same_partition(pipe.predict(X), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone(MiniBatchKMeans(5, init=X[:5]))
