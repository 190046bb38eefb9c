"""linfa.ElasticNet and linfa.Lasso: scikit-learn's estimator checks, agreement with
scikit-learn 1.2 (coefficients to 1e-6 relative) on dense problems of several shapes, both
descent paths, float32, warm starts, random selection, errors and persistence."""

import pickle
import warnings

import numpy as np
import pytest

import linfa
from conftest import close
from linfa import ElasticNet, Lasso

sklearn = pytest.importorskip("sklearn")
from sklearn import linear_model  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks  # noqa: E402


def sparse_data(n=200, d=12, targets=None, seed=0, weighted=False):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * (1 + np.arange(d) / d) + 0.5
    t = 1 if targets is None else targets
    coef = np.zeros((d, t))
    for k in range(t):
        coef[rng.choice(d, min(4, d), replace=False), k] = rng.uniform(1, 3, min(4, d)) * rng.choice([-1, 1], min(4, d))
    Y = X @ coef + 0.5 * rng.randn(n, t) + 2.0
    y = Y[:, 0] if targets is None else Y
    w = rng.uniform(0.2, 3.0, n) if weighted else None
    return X, y, w


@parametrize_with_checks([ElasticNet(), Lasso()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", [ElasticNet, Lasso])
def test_check_estimator_as_a_whole(cls):
    check_estimator(cls())


PROBLEMS = [
    dict(n=200, d=12),  # n >> d: the Gram path under "auto"
    dict(n=40, d=60),  # d > n: the residual path
    dict(n=300, d=20, targets=3),
    dict(n=150, d=8, weighted=True),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: "-".join(f"{k}{v}" for k, v in p.items()))
@pytest.mark.parametrize("precompute", [False, True, "auto"])
@pytest.mark.parametrize(
    "params",
    [
        dict(alpha=0.1, l1_ratio=1.0),
        dict(alpha=0.3, l1_ratio=0.5),
        dict(alpha=0.05, l1_ratio=0.1),
        dict(alpha=0.1, l1_ratio=0.7, fit_intercept=False),
        dict(alpha=0.05, l1_ratio=0.9, positive=True),
    ],
    ids=["lasso", "enet", "mostly-l2", "no-intercept", "positive"],
)
def test_matches_sklearn(problem, precompute, params):
    X, y, w = sparse_data(**problem)
    settings = dict(tol=1e-10, max_iter=100_000, **params)
    ours = ElasticNet(precompute=precompute, **settings).fit(X, y, sample_weight=w)
    theirs = linear_model.ElasticNet(**settings).fit(X, y, sample_weight=w)
    close(ours.coef_, theirs.coef_, 1e-6)
    close(ours.intercept_, theirs.intercept_, 1e-6)
    assert np.array_equal(np.abs(ours.coef_) > 1e-9, np.abs(theirs.coef_) > 1e-9)
    close(ours.predict(X), theirs.predict(X), 1e-6)
    assert abs(ours.score(X, y) - theirs.score(X, y)) < 1e-9
    assert np.shape(ours.dual_gap_) == np.shape(theirs.dual_gap_)
    assert type(ours.n_iter_) is type(theirs.n_iter_)


@pytest.mark.parametrize("precompute", [False, True])
def test_same_iterations_as_sklearn_with_default_tol(precompute):
    # the same cyclic descent and stopping rule: the same sweeps, and the same coefficients
    X, y, _ = sparse_data(500, 15)
    ours = Lasso(alpha=0.05, precompute=precompute).fit(X, y)
    theirs = linear_model.Lasso(alpha=0.05, precompute=precompute).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    close(ours.coef_, theirs.coef_, 1e-9)
    close(ours.dual_gap_, theirs.dual_gap_, 1e-6)


def test_lasso_is_elastic_net_with_l1_ratio_1():
    X, y, _ = sparse_data()
    assert "l1_ratio" not in Lasso().get_params()
    np.testing.assert_array_equal(Lasso(alpha=0.1).fit(X, y).coef_, ElasticNet(alpha=0.1, l1_ratio=1.0).fit(X, y).coef_)


@pytest.mark.parametrize("precompute", [False, True])
def test_float32_stays_float32(precompute):
    X, y, _ = sparse_data(300, 10)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    ours = ElasticNet(alpha=0.1, precompute=precompute, tol=1e-6).fit(X32, y32)  # float32 rounding
    theirs = linear_model.ElasticNet(alpha=0.1, tol=1e-8).fit(X, y)
    assert ours.coef_.dtype == np.float32 and ours.predict(X32).dtype == np.float32
    close(ours.coef_, theirs.coef_, 1e-4)
    close(ours.intercept_, theirs.intercept_, 1e-4)


def test_random_selection_is_reproducible():
    X, y, _ = sparse_data(200, 30)
    a = ElasticNet(alpha=0.05, selection="random", random_state=3, tol=1e-10).fit(X, y)
    b = ElasticNet(alpha=0.05, selection="random", random_state=3, tol=1e-10).fit(X, y)
    cyclic = ElasticNet(alpha=0.05, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.n_iter_ == b.n_iter_
    close(a.coef_, cyclic.coef_, 1e-6)


def test_warm_start_starts_from_the_previous_fit():
    X, y, _ = sparse_data(300, 20)
    model = ElasticNet(alpha=0.1, warm_start=True, tol=1e-8).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ < first
    close(model.coef_, linear_model.ElasticNet(alpha=0.1, tol=1e-8).fit(X, y).coef_, 1e-6)


def test_fitted_attributes_and_convergence_warning():
    X, Y, _ = sparse_data(100, 6, targets=2)
    model = ElasticNet(alpha=0.1).fit(X, Y)
    assert model.coef_.shape == (2, 6) and model.intercept_.shape == (2,)
    assert len(model.n_iter_) == 2 and model.dual_gap_.shape == (2,)
    assert model.sparse_coef_.shape == (2, 6)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        ElasticNet(alpha=0.001, max_iter=1, tol=0).fit(X, Y[:, 0])
    with pytest.warns(UserWarning, match="alpha=0"):
        ElasticNet(alpha=0, max_iter=5).fit(X, Y[:, 0])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(alpha=-1.0), "alpha"),
        (dict(alpha=np.nan), "alpha"),
        (dict(l1_ratio=1.5), "l1_ratio"),
        (dict(l1_ratio=-0.5), "l1_ratio"),
        (dict(tol=-1.0), "tol"),
        (dict(max_iter=0), "max_iter"),
        (dict(max_iter=1.5), "max_iter"),
        (dict(precompute="always"), "precompute"),
        (dict(precompute=np.eye(2)), "precompute"),
        (dict(precompute=np.eye(3), fit_intercept=False), "Gram matrix passed"),
        (dict(selection="shuffle"), "selection"),
        (dict(positive="yes"), "positive"),
    ],
)
def test_bad_parameters(params, match):
    X, y, _ = sparse_data(50, 3)
    with pytest.raises(ValueError, match=match):
        ElasticNet(**params).fit(X, y)


def test_bad_data():
    X, y, _ = sparse_data(50, 3)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError):
        ElasticNet().fit(bad, y)
    with pytest.raises(ValueError):
        ElasticNet().fit(X, np.where(np.arange(50) == 4, np.inf, y))
    with pytest.raises(ValueError, match="inconsistent"):
        ElasticNet().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 targets"):
        ElasticNet().fit(X, np.zeros((50, 0)))
    with pytest.raises(ValueError, match="non-negative"):
        ElasticNet().fit(X, y, sample_weight=-np.ones(50))
    model = ElasticNet().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])
    warm = ElasticNet(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="warm-start"):
        warm.fit(np.hstack([X, X]), y)


def test_persistence(tmp_path):
    X, Y, _ = sparse_data(100, 6, targets=2)
    for dtype in (np.float32, np.float64):
        model = Lasso(alpha=0.05).fit(X.astype(dtype), Y.astype(dtype))
        back = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(back.predict(X.astype(dtype)), model.predict(X.astype(dtype)))
        assert back.n_iter_ == model.n_iter_
        model.save(tmp_path / "m.linfa")
        loaded = linfa.load(tmp_path / "m.linfa")
        assert type(loaded) is ElasticNet
        np.testing.assert_array_equal(loaded.coef_, model.coef_)
        np.testing.assert_array_equal(loaded.dual_gap_, model.dual_gap_)
        assert Lasso.load(tmp_path / "m.linfa").n_iter_ == model.n_iter_
