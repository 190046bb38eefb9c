"""linfa.GaussianMixture: agreement with scikit-learn from the same initial parameters (every
lower bound, predict_proba, score_samples, bic/aic to 1e-9), scikit-learn's estimator checks,
errors, warm start, model files, pickling and the GIL."""

import pickle
import warnings

import numpy as np
import pytest

import linfa
from conftest import assert_releases_gil
from linfa import GaussianMixture, NotFittedError

TYPES = ("full", "tied", "diag", "spherical")


def mixture_data(n=600, d=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0] * d, [4.0] + [1.0] * (d - 1), [-3.0, 5.0] + [2.0] * (d - 2)])
    return np.vstack([c + rng.standard_normal((n // 3, d)) * (0.5 + j) for j, c in enumerate(centres)])


def initial(covariance_type, d=3):
    weights = np.array([0.3, 0.3, 0.4])
    means = np.array([[0.5] * d, [3.0] + [1.5] * (d - 1), [-2.0, 4.0] + [1.0] * (d - 2)])
    full = np.stack([np.eye(d) * (1.0 + 0.2 * j) + 0.1 for j in range(3)])
    precisions = {"full": full, "tied": full[1], "diag": np.ones((3, d)) * [[1.0], [0.5], [2.0]],
                  "spherical": np.array([0.9, 1.1, 0.6])}[covariance_type]
    return dict(weights_init=weights, means_init=means, precisions_init=precisions)


def sklearn_bounds(estimator):
    """scikit-learn's lower bound after every iteration of a fit."""
    bounds = []
    original = estimator._compute_lower_bound
    estimator._compute_lower_bound = lambda *a: (bounds.append(original(*a)), bounds[-1])[1]
    return bounds


def close(a, b, rel=1e-9):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= rel * max(1.0, np.max(np.abs(b))), np.max(np.abs(a - b))


@pytest.mark.parametrize("covariance_type", TYPES)
def test_agrees_with_sklearn_from_the_same_start(covariance_type):
    mixture = pytest.importorskip("sklearn.mixture")
    X = mixture_data()
    params = dict(n_components=3, covariance_type=covariance_type, tol=0, max_iter=40, **initial(covariance_type))
    theirs = mixture.GaussianMixture(**params)
    bounds = sklearn_bounds(theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.fit(X)
        ours = GaussianMixture(**params).fit(X)
    close(ours._lower_bounds, bounds)
    assert ours.n_iter_ == theirs.n_iter_ == 40
    assert ours.converged_ == theirs.converged_
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        close(getattr(ours, name), getattr(theirs, name))
    close(ours.lower_bound_, theirs.lower_bound_)
    close(ours.predict_proba(X), theirs.predict_proba(X))
    close(ours.score_samples(X), theirs.score_samples(X))
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    close(ours.score(X), theirs.score(X))
    close(ours.bic(X), theirs.bic(X))
    close(ours.aic(X), theirs.aic(X))


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random", "random_from_data"])
def test_every_init_fits_as_well_as_sklearn(covariance_type, init_params):
    mixture = pytest.importorskip("sklearn.mixture")
    X = mixture_data()
    ours = GaussianMixture(3, covariance_type=covariance_type, init_params=init_params, n_init=3, random_state=0).fit(X)
    theirs = mixture.GaussianMixture(3, covariance_type=covariance_type, init_params=init_params, n_init=3, random_state=0).fit(X)
    assert ours.lower_bound_ >= theirs.lower_bound_ - 0.05
    assert ours.converged_


def test_float32_stays_close_to_float64():
    X = mixture_data()
    ours32 = GaussianMixture(3, random_state=1).fit(X.astype(np.float32))
    ours64 = GaussianMixture(3, random_state=1).fit(X)
    assert ours32.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert abs(ours32.lower_bound_ - ours64.lower_bound_) < 1e-3


def test_far_points_are_finite():
    X = mixture_data()
    model = GaussianMixture(3, random_state=0).fit(X)
    far = np.array([[1e6, -1e6, 1e6], [-3e6, 2e6, 0.0]])
    proba = model.predict_proba(far)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1)
    assert np.all(np.isfinite(model.score_samples(far)))


def test_errors():
    X = mixture_data()
    with pytest.raises(ValueError, match="n_components"):
        GaussianMixture(0).fit(X)
    with pytest.raises(ValueError, match="covariance_type"):
        GaussianMixture(2, covariance_type="bad").fit(X)
    with pytest.raises(ValueError, match="Expected n_samples >= n_components"):
        GaussianMixture(10).fit(X[:5])
    with pytest.raises(ValueError, match="should be normalized"):
        GaussianMixture(2, weights_init=[0.5, 0.6]).fit(X)
    with pytest.raises(ValueError, match="'full precision' should be symmetric, positive-definite"):
        GaussianMixture(2, precisions_init=-np.stack([np.eye(3)] * 2)).fit(X)
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        GaussianMixture(2, reg_covar=0).fit(np.repeat([[0.0, 0.0], [5.0, 5.0]], 3, axis=0))
    with pytest.raises(ValueError, match="NaN"):
        GaussianMixture(2).fit(np.full((4, 2), np.nan))
    with pytest.raises(NotFittedError):
        GaussianMixture(2).predict(X)
    model = GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_convergence_warning_and_warm_start():
    mixture = pytest.importorskip("sklearn.mixture")
    X = mixture_data()
    with pytest.warns(mixture._base.ConvergenceWarning if hasattr(mixture._base, "ConvergenceWarning") else Warning,
                      match="did not converge"):
        GaussianMixture(3, max_iter=1, random_state=0).fit(X)
    params = dict(n_components=3, tol=0, **initial("full"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        straight = GaussianMixture(max_iter=20, **params).fit(X)
        warm = GaussianMixture(max_iter=10, warm_start=True, **params).fit(X)
        warm.fit(X)
    assert warm.lower_bound_ == straight.lower_bound_
    np.testing.assert_array_equal(warm.means_, straight.means_)


def test_sample():
    model = GaussianMixture(3, random_state=0).fit(mixture_data())
    X, y = model.sample(3000)
    assert X.shape == (3000, 3) and y.shape == (3000,)
    assert np.all(np.diff(y) >= 0)
    for j in range(3):
        assert abs(np.mean(y == j) - model.weights_[j]) < 0.05


def test_save_load_and_pickle(tmp_path):
    X = mixture_data()
    for covariance_type in TYPES:
        model = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
        path = tmp_path / f"{covariance_type}.linfa"
        model.save(path)
        for loaded in (GaussianMixture.load(path), linfa.load(path), pickle.loads(pickle.dumps(model))):
            assert isinstance(loaded, GaussianMixture)
            np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
            np.testing.assert_array_equal(loaded.covariances_, model.covariances_)
            assert loaded.lower_bound_ == model.lower_bound_
            assert loaded.covariance_type == covariance_type


@pytest.mark.filterwarnings("ignore:Initialization 1 did not converge")
def test_releases_the_gil():
    X = mixture_data(150000, 5)
    assert_releases_gil(lambda: GaussianMixture(3, random_state=0, max_iter=10, tol=0).fit(X))
    model = GaussianMixture(3, random_state=0).fit(X)
    assert_releases_gil(lambda: model.predict_proba(X))


def test_mixture_module():
    from linfa.mixture import GaussianMixture as FromModule

    assert FromModule is GaussianMixture


def _parametrize_with_checks():
    try:
        from sklearn.utils.estimator_checks import parametrize_with_checks
    except ImportError:
        return pytest.mark.skip(reason="scikit-learn is not installed")
    return parametrize_with_checks([GaussianMixture(), GaussianMixture(2, covariance_type="diag")])


@_parametrize_with_checks()
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
