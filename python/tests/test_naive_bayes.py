"""linfa.GaussianNB: scikit-learn's estimator checks, agreement with scikit-learn 1.2's
GaussianNB (float64 to 1e-9 relative), sample weights, partial_fit, labels of any type,
float32, errors, persistence and the GIL.

Tolerances are relative to the largest magnitude of the reference (``close``)."""

import pickle

import numpy as np
import pytest

import linfa
from conftest import assert_releases_gil, close
from linfa import GaussianNB, NotFittedError

ATTRIBUTES = ["theta_", "var_", "class_prior_", "class_count_", "epsilon_"]


def classes_data(n=600, d=5, k=3, seed=0):
    """n samples of d features around k centres, feature spreads and offsets of different
    scales, labels 0..k-1 in random order."""
    rng = np.random.RandomState(seed)
    y = rng.randint(0, k, n)
    centres = rng.uniform(-3, 3, (k, d)) * 10.0 ** rng.uniform(-1, 2, d)
    X = centres[y] + rng.randn(n, d) * 10.0 ** rng.uniform(-1, 2, d)
    return X, y


def sklearn_gnb(**params):
    naive_bayes = pytest.importorskip("sklearn.naive_bayes")
    return naive_bayes.GaussianNB(**params)


def assert_agrees(ours, theirs, X, rel=1e-9):
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    for name in ATTRIBUTES:
        close(getattr(ours, name), getattr(theirs, name), rel)
    close(ours.predict_proba(X), theirs.predict_proba(X), rel)
    close(ours.predict_log_proba(X), theirs.predict_log_proba(X), rel)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


# ---------------------------------------------------------------- scikit-learn's estimator checks


def _parametrize_with_checks():
    try:
        from sklearn.utils.estimator_checks import parametrize_with_checks
    except ImportError:
        return pytest.mark.skip(reason="scikit-learn is not installed")
    return parametrize_with_checks([GaussianNB(), GaussianNB(var_smoothing=1e-3)])


@_parametrize_with_checks()
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_check_estimator_as_a_whole():
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(GaussianNB())


# ---------------------------------------------------------------- agreement with scikit-learn


@pytest.mark.parametrize("params", [{}, {"var_smoothing": 1e-2}, {"priors": [0.2, 0.5, 0.3]}])
def test_agrees_with_sklearn(params):
    X, y = classes_data()
    assert_agrees(GaussianNB(**params).fit(X, y), sklearn_gnb(**params).fit(X, y), X)


def test_sample_weights_agree_with_sklearn_and_equal_repeated_rows():
    X, y = classes_data(300, 4)
    w = np.random.RandomState(1).randint(0, 4, X.shape[0]).astype(np.float64)
    ours = GaussianNB().fit(X, y, sample_weight=w)
    assert_agrees(ours, sklearn_gnb().fit(X, y, sample_weight=w), X)
    repeated = GaussianNB(var_smoothing=0.0).fit(np.repeat(X, w.astype(int), axis=0), np.repeat(y, w.astype(int)))
    weighted = GaussianNB(var_smoothing=0.0).fit(X, y, sample_weight=w)
    close(weighted.theta_, repeated.theta_, 1e-12)
    close(weighted.var_, repeated.var_, 1e-11)
    close(weighted.class_count_, repeated.class_count_, 0)


def test_partial_fit_agrees_with_fit_and_sklearn():
    X, y = classes_data(3000, 4)
    ours, theirs = GaussianNB(), sklearn_gnb()
    for batch in np.array_split(np.arange(3000), 5):
        ours.partial_fit(X[batch], y[batch], classes=[0, 1, 2])
        theirs.partial_fit(X[batch], y[batch], classes=[0, 1, 2])
    assert_agrees(ours, theirs, X)
    once = GaussianNB().fit(X, y)
    close(ours.theta_, once.theta_, 1e-12)
    close(ours.class_count_, once.class_count_, 0)


def test_partial_fit_with_classes_not_yet_seen():
    X, y = classes_data(200, 3)
    model = GaussianNB().partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2, 7])
    np.testing.assert_array_equal(model.classes_, [0, 1, 2, 7])
    assert model.class_count_[2] == 0 and model.class_prior_[3] == 0
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.all(proba[:, 2:] == 0)
    model.partial_fit(X[y == 2], y[y == 2])
    assert set(model.predict(X)) == {0, 1, 2}


def test_partial_fit_errors():
    X, y = classes_data(60, 2)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        GaussianNB().partial_fit(X, y)
    model = GaussianNB().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="is not the same as on last call"):
        model.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"The target label\(s\) \[5\] in y do not exist"):
        model.partial_fit(X[:3], [0, 5, 1])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :1], y)


def test_string_labels_and_pickling_and_files(tmp_path):
    X, y = classes_data(300, 3)
    names = np.array(["cat", "dog", "emu"])[y]
    model = GaussianNB(priors=[0.25, 0.25, 0.5]).fit(X, names)
    np.testing.assert_array_equal(model.classes_, ["cat", "dog", "emu"])
    np.testing.assert_array_equal(model.predict(X), np.array(["cat", "dog", "emu"])[GaussianNB(priors=[0.25, 0.25, 0.5]).fit(X, y).predict(X)])
    assert model.score(X, names) > 0.5
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    model.save(tmp_path / "nb.linfa")
    loaded = linfa.load(tmp_path / "nb.linfa")
    assert isinstance(loaded, GaussianNB)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.classes_, [0, 1, 2])  # a file holds the int32 codes
    np.testing.assert_array_equal(loaded.priors, [0.25, 0.25, 0.5])
    for name in ATTRIBUTES:
        np.testing.assert_array_equal(getattr(loaded, name), getattr(model, name))
    model.save(tmp_path / "nb.json", json=True)
    np.testing.assert_array_equal(GaussianNB.load(tmp_path / "nb.json").predict(X), loaded.predict(X))


def test_integer_labels_reach_the_file_as_they_are(tmp_path):
    X, y = classes_data(90, 2)
    labels = np.array([-5, 10, 300])[y]
    GaussianNB().fit(X, labels).save(tmp_path / "nb.linfa")
    loaded = linfa.load(tmp_path / "nb.linfa")
    np.testing.assert_array_equal(loaded.classes_, [-5, 10, 300])
    np.testing.assert_array_equal(loaded.predict(X), GaussianNB().fit(X, labels).predict(X))


def test_float32_stays_float32():
    X, y = classes_data(500, 4)
    X32 = X.astype(np.float32)
    model = GaussianNB().fit(X32, y)
    assert model.predict_proba(X32).dtype == np.float32
    assert model.predict_log_proba(X32).dtype == np.float32
    assert model.theta_.dtype == np.float64  # statistics in double, as scikit-learn's
    reference = sklearn_gnb().fit(X32.astype(np.float64), y)
    close(model.theta_, reference.theta_, 1e-12)
    close(model.var_, reference.var_, 1e-9)
    close(model.predict_proba(X32), reference.predict_proba(X32.astype(np.float64)), 1e-5)


def test_far_away_samples_keep_finite_log_probabilities():
    X = np.array([[-1.0], [1.0], [9.0], [11.0]])
    y = np.array([0, 0, 1, 1])
    model = GaussianNB().fit(X, y)
    far = np.array([[-1e6], [1e6], [-1e100]])
    log_proba = model.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba))
    np.testing.assert_array_equal(model.predict(far), [0, 1, 0])
    close(model.predict_proba(far).sum(axis=1), np.ones(3), 1e-15)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"var_smoothing": -1.0}, "var_smoothing"),
        ({"var_smoothing": np.nan}, "var_smoothing"),
        ({"var_smoothing": "1"}, "var_smoothing"),
        ({"priors": [0.5, 0.5]}, "Number of priors must match number of classes"),
        ({"priors": [0.5, 0.6, -0.1]}, "Priors must be non-negative"),
        ({"priors": [0.5, 0.3, 0.3]}, "The sum of the priors should be 1"),
    ],
)
def test_bad_parameters(params, match):
    X, y = classes_data(30, 2)
    with pytest.raises(ValueError, match=match):
        GaussianNB(**params).fit(X, y)


def test_bad_data():
    X, y = classes_data(30, 2)
    with pytest.raises(NotFittedError):
        GaussianNB().predict(X)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        GaussianNB().fit(bad, y)
    model = GaussianNB().fit(X, y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.predict_proba(bad)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :1])
    with pytest.raises(ValueError, match="non-negative"):
        GaussianNB().fit(X, y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError):
        GaussianNB().fit(X, y[:10])
    with pytest.raises(ValueError, match="continuous"):
        GaussianNB().fit(X, y + 0.5)


def test_joint_log_proba_normalises_to_log_proba():
    X, y = classes_data(100, 3)
    model = GaussianNB().fit(X, y)
    jll = model.predict_joint_log_proba(X)
    top = jll.max(axis=1, keepdims=True)
    normaliser = top + np.log(np.exp(jll - top).sum(axis=1, keepdims=True))
    close(model.predict_log_proba(X), jll - normaliser, 1e-12)


@pytest.mark.parametrize("method", ["fit", "predict_proba"])
def test_gil_is_released(method):
    rng = np.random.RandomState(0)
    X = rng.rand(200_000, 32)
    y = rng.randint(0, 5, X.shape[0])
    if method == "fit":
        assert_releases_gil(lambda: GaussianNB().fit(X, y))
    else:
        model = GaussianNB().fit(X[:1000], y[:1000])
        assert_releases_gil(lambda: model.predict_proba(X))
