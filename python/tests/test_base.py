"""What every estimator gets from linfa._base.LinfaEstimator, tested through both K-Means
estimators, and linfa.load with its registry of estimators by model kind."""

import pickle

import numpy as np
import pytest

import linfa
from conftest import assert_releases_gil, make_blobs
from linfa import PCA, KMeans, LinearRegression, MiniBatchKMeans, NotFittedError, Ridge, _linfa
from linfa._base import _ESTIMATOR_FOR_KIND, LinfaEstimator, register_estimator

ESTIMATORS = [KMeans, MiniBatchKMeans]


def fitted(cls, dtype=np.float64):
    X, _ = make_blobs()
    return cls(3, random_state=0).fit(X.astype(dtype)), X.astype(dtype)


# ---------------------------------------------------------------- linfa.load and the registry


def test_load_is_exported():
    assert linfa.load is linfa._base.load and "load" in linfa.__all__


def test_every_model_kind_the_extension_loads_has_an_estimator():
    # Pipeline files ("pipeline.<final kind>") all load as a linfa.Pipeline.
    kinds = set(_linfa.model_kinds())
    pipelines = {kind for kind in kinds if kind.startswith("pipeline.")}
    assert {kind[len("pipeline."):] for kind in pipelines} <= kinds
    assert set(_ESTIMATOR_FOR_KIND) == (kinds - pipelines) | {"pipeline"}
    for kind, cls in _ESTIMATOR_FOR_KIND.items():
        assert cls._model_kind == kind


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_model_kind_is_the_cpp_one(cls):
    km, _ = fitted(cls)
    assert km._model.kind == cls._model_kind == "clustering.kmeans"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("json", [False, True])
def test_linfa_load_returns_a_kmeans_for_a_kmeans_file(tmp_path, dtype, json):
    km, X = fitted(KMeans, dtype)
    path = tmp_path / "km.linfa"
    km.save(path, json=json)
    back = linfa.load(str(path))
    assert type(back) is KMeans and back.n_clusters == 3
    assert back.cluster_centers_.dtype == dtype
    np.testing.assert_array_equal(back.cluster_centers_, km.cluster_centers_)
    assert (back.inertia_, back.n_iter_, back.n_features_in_) == (km.inertia_, km.n_iter_, 2)
    np.testing.assert_array_equal(back.predict(X), km.labels_)


def test_linfa_load_of_a_minibatch_file_is_a_kmeans_and_the_class_load_keeps_the_class(tmp_path):
    # a K-Means model file does not say which estimator wrote it
    mb, X = fitted(MiniBatchKMeans)
    path = tmp_path / "mb.linfa"
    mb.save(path)
    assert type(linfa.load(path)) is KMeans
    assert type(KMeans.load(path)) is KMeans
    back = MiniBatchKMeans.load(path)
    assert type(back) is MiniBatchKMeans and back.n_steps_ == mb.n_steps_
    np.testing.assert_array_equal(linfa.load(path).predict(X), back.predict(X))


def test_class_load_refuses_a_file_of_another_kind(tmp_path):
    class OtherKind(KMeans):  # not registered: only its kind differs
        _model_kind = "test.other"

    km, _ = fitted(KMeans)
    path = tmp_path / "km.linfa"
    km.save(path)
    with pytest.raises(OSError, match=r"holds a 'clustering.kmeans' model, not a 'test.other' one"):
        OtherKind.load(path)


def test_linfa_load_errors_are_oserrors(tmp_path):
    with pytest.raises(OSError, match="cannot open"):
        linfa.load(tmp_path / "missing.linfa")
    (tmp_path / "text.linfa").write_bytes(b"hello")
    with pytest.raises(OSError, match="not a linfa model"):
        linfa.load(tmp_path / "text.linfa")


def test_a_kind_has_one_estimator():
    with pytest.raises(RuntimeError, match="already has an estimator: KMeans"):
        register_estimator(type("AnotherKMeans", (KMeans,), {}))
    assert _ESTIMATOR_FOR_KIND["clustering.kmeans"] is KMeans


# ---------------------------------------------------------------- the base, through both estimators


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_is_a_linfa_estimator(cls):
    assert issubclass(cls, LinfaEstimator)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_not_fitted_until_fit(cls, tmp_path):
    estimator = cls(2)
    assert not estimator.__sklearn_is_fitted__()
    with pytest.raises(NotFittedError, match=f"This {cls.__name__} instance is not fitted yet"):
        estimator.save(tmp_path / "never.linfa")
    assert not (tmp_path / "never.linfa").exists()
    assert fitted(cls)[0].__sklearn_is_fitted__()


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pickle_keeps_class_model_and_attributes(cls, dtype):
    estimator, X = fitted(cls, dtype)
    data = pickle.dumps(estimator)
    back = pickle.loads(data)
    assert type(back) is cls and back.__sklearn_is_fitted__()
    assert back._model.to_bytes() == estimator._model.to_bytes()
    assert back.cluster_centers_.dtype == dtype
    np.testing.assert_array_equal(back.predict(X), estimator.predict(X))


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64), (np.float16, np.float64)],
)
def test_training_dtype(cls, dtype, expected):
    X = (make_blobs()[0] * 10).astype(dtype)
    estimator = cls(3, random_state=0).fit(X)
    assert estimator.cluster_centers_.dtype == expected
    assert estimator._model.dtype == expected


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_test_data_takes_the_model_dtype_in_any_layout(cls):
    estimator, X = fitted(cls, np.float32)
    expected = estimator.predict(X)
    np.testing.assert_array_equal(estimator.predict(np.asfortranarray(X.astype(np.float64))), expected)
    np.testing.assert_array_equal(estimator.predict(X.tolist()), expected)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("method", ["predict", "transform", "score"])
def test_wrong_feature_count_names_both_counts(cls, method):
    estimator, X = fitted(cls)
    with pytest.raises(ValueError, match=f"X has 3 features, but {cls.__name__} is expecting 2 features"):
        getattr(estimator, method)(np.hstack([X, X[:, :1]]))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_feature_names_come_and_go_with_the_training_data(cls):
    pd = pytest.importorskip("pandas")
    X = make_blobs()[0]
    frame = pd.DataFrame(X, columns=["a", "b"])
    estimator = cls(3, random_state=0).fit(frame)
    assert list(estimator.feature_names_in_) == ["a", "b"] and estimator.n_features_in_ == 2
    with pytest.raises(ValueError, match="feature names should match"):
        estimator.predict(pd.DataFrame(X, columns=["b", "a"]))
    estimator.fit(X)
    assert not hasattr(estimator, "feature_names_in_")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_random_state_kinds(cls):
    X = make_blobs()[0]

    def centres(random_state):
        return cls(3, random_state=random_state).fit(X).cluster_centers_

    np.testing.assert_array_equal(centres(7), centres(np.int64(7)))
    np.testing.assert_array_equal(centres(np.random.RandomState(1)), centres(np.random.RandomState(1)))
    np.testing.assert_array_equal(centres(np.random.default_rng(1)), centres(np.random.default_rng(1)))
    out_of_range = r"in \[0, 2\*\*64\)"
    for bad, message in [(-1, out_of_range), (2**64, out_of_range), ("seed", "must be None, an int")]:
        with pytest.raises(ValueError, match=message):
            cls(3, random_state=bad).fit(X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_tags_keep_the_base_ones(cls):
    tags = cls()._more_tags()
    assert tags["preserves_dtype"] == [np.float64, np.float32]
    assert "check_sample_weights_invariance" in tags["_xfail_checks"]


# ---------------------------------------------------------------- the GIL


def _long_fit(cls):
    """A fit that spends most of its time in C++."""
    rng = np.random.RandomState(0)
    if cls in (KMeans, MiniBatchKMeans):
        X = rng.rand(200_000, 8)
        params = dict(n_init=1, max_iter=30, tol=0) if cls is KMeans else dict(max_iter=3, batch_size=4096)
        return lambda: cls(16, random_state=0, **params).fit(X)
    X = rng.rand(400_000, 48)
    if cls is PCA:
        return lambda: cls(5, svd_solver="full").fit(X)
    y = X.sum(axis=1)
    return lambda: cls().fit(X, y)


@pytest.mark.parametrize("cls", [KMeans, MiniBatchKMeans, LinearRegression, Ridge, PCA])
def test_gil_is_released_during_fit(cls):
    assert_releases_gil(_long_fit(cls))
