"""The linear models on scipy.sparse X: LinearRegression, Ridge, ElasticNet, Lasso and
LogisticRegression fitted on a CSR matrix give the model of its dense copy (to rounding; Ridge to
its conjugate gradients' tolerance) and scikit-learn's model of the same sparse data; every
predict-like method takes sparse X; other formats and int64 indices are converted; bad input
gets a clear error."""

import pickle

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from linfa import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge  # noqa: E402
from linfa import load  # noqa: E402

DTYPES = [np.float32, np.float64]


def sparse_records(n=150, d=12, dtype=np.float64, seed=0, density=0.3):
    """About `density` of the entries stored, with a non-zero mean (so centring matters)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(1.0, 1.0, size=(n, d)) * (rng.random((n, d)) < density)
    return X.astype(dtype)


def regression_problem(n=150, d=12, targets=1, dtype=np.float64, seed=0):
    """(dense X, y (1-D or n x targets), sample weights), X about 70% zeros."""
    rng = np.random.default_rng(seed + 100)
    X = sparse_records(n, d, dtype, seed)
    coef = rng.normal(size=(d, targets))
    Y = X.astype(np.float64) @ coef + 2.0 + 0.1 * rng.normal(size=(n, targets))
    y = Y[:, 0] if targets == 1 else Y
    weights = rng.uniform(0.2, 3.0, size=n)
    return X, y.astype(dtype), weights.astype(dtype)


def classification_problem(n_classes, n=200, d=10, dtype=np.float64, seed=0):
    """(dense X, labels of `n_classes` classes (not 0..k-1), sample weights)."""
    rng = np.random.default_rng(seed + 200)
    X = sparse_records(n, d, dtype, seed, density=0.4)
    scores = X.astype(np.float64) @ rng.normal(size=(d, n_classes)) + rng.normal(scale=0.5, size=(n, n_classes))
    if n_classes > 2:
        classes = np.argmax(scores, axis=1)
    else:
        classes = (scores[:, 0] > np.median(scores[:, 0])).astype(int)
    labels = np.array([-3, 4, 9])[classes]
    return X, labels, rng.uniform(0.2, 3.0, size=n).astype(dtype)


# Regressors at a tolerance where both fits converge tightly (float32: as tightly as its
# rounding lets coordinate descent converge), and how close the sparse model must be to the
# dense one in float64 (relative to the largest coefficient); float32: FLOAT32_RTOL.
def _tight(dtype):
    return 1e-12 if dtype == np.float64 else 1e-7


REGRESSORS = {
    "LinearRegression": (lambda fit_intercept, dtype=np.float64: LinearRegression(fit_intercept=fit_intercept), 1e-10),
    "Ridge": (lambda fit_intercept, dtype=np.float64: Ridge(alpha=2.0, fit_intercept=fit_intercept, tol=1e-10), 1e-10),
    "ElasticNet": (
        lambda fit_intercept, dtype=np.float64: ElasticNet(
            alpha=0.01, l1_ratio=0.7, fit_intercept=fit_intercept, tol=_tight(dtype), max_iter=10000),
        1e-13,
    ),
    "Lasso": (
        lambda fit_intercept, dtype=np.float64: Lasso(
            alpha=0.01, fit_intercept=fit_intercept, tol=_tight(dtype), max_iter=10000),
        1e-13,
    ),
}
FLOAT32_RTOL = 1e-6
# L-BFGS in float32 stops, within its tolerance, at points that differ from one summation order
# to another as much as the float32 fit differs from the float64 one (~1e-4 relative).
FLOAT32_LOGISTIC_RTOL = 1e-3


def assert_close(got, expected, rtol):
    """|got - expected| <= rtol x (1 + max |expected|), elementwise."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert got.shape == expected.shape
    scale = 1.0 + np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=rtol * scale)


# ---------------------------------------------------------------- sparse fit == dense fit

@pytest.mark.parametrize("name", list(REGRESSORS))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("targets", [1, 2])
def test_regressor_sparse_fit_is_the_dense_fit(name, dtype, weighted, fit_intercept, targets):
    make, rtol = REGRESSORS[name]
    rtol = FLOAT32_RTOL if dtype == np.float32 else rtol
    X, y, w = regression_problem(targets=targets, dtype=dtype)
    weights = w if weighted else None
    dense = make(fit_intercept, dtype).fit(X, y, sample_weight=weights)
    sparse = make(fit_intercept, dtype).fit(sp.csr_matrix(X), y, sample_weight=weights)
    assert sparse.coef_.dtype == dtype and sparse.coef_.shape == dense.coef_.shape
    assert np.shape(sparse.intercept_) == np.shape(dense.intercept_)
    assert_close(sparse.coef_, dense.coef_, rtol)
    assert_close(sparse.intercept_, dense.intercept_, rtol)
    predicted = sparse.predict(sp.csr_matrix(X))
    assert predicted.dtype == dtype and predicted.shape == np.shape(y)
    assert_close(predicted, dense.predict(X), rtol)
    assert sparse.score(sp.csr_matrix(X), y, sample_weight=weights) == pytest.approx(
        dense.score(X, y, sample_weight=weights), rel=10 * rtol)
    assert sparse.n_features_in_ == X.shape[1]


# (in float32, L-BFGS can end stuck near the optimum, dense or sparse: a ConvergenceWarning)
@pytest.mark.filterwarnings("ignore:lbfgs failed to converge")
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_sparse_fit_is_the_dense_fit(n_classes, dtype, weighted, fit_intercept):
    X, labels, w = classification_problem(n_classes, dtype=dtype)
    weights = w if weighted else None
    tol = 1e-10 if dtype == np.float64 else 1e-5
    make = lambda: LogisticRegression(C=0.5, fit_intercept=fit_intercept, tol=tol, max_iter=1000)  # noqa: E731
    dense = make().fit(X, labels, sample_weight=weights)
    sparse = make().fit(sp.csr_matrix(X), labels, sample_weight=weights)
    rtol = FLOAT32_LOGISTIC_RTOL if dtype == np.float32 else 1e-10
    np.testing.assert_array_equal(sparse.classes_, dense.classes_)
    assert sparse.coef_.dtype == dtype and sparse.coef_.shape == dense.coef_.shape
    assert_close(sparse.coef_, dense.coef_, rtol)
    assert_close(sparse.intercept_, dense.intercept_, rtol)
    S = sp.csr_matrix(X)
    assert_close(sparse.decision_function(S), dense.decision_function(X), rtol)
    assert_close(sparse.predict_proba(S), dense.predict_proba(X), rtol)
    assert_close(sparse.predict_log_proba(S), dense.predict_log_proba(X), 10 * rtol)
    if dtype == np.float64:  # (float32: a sample near a boundary may change sides)
        np.testing.assert_array_equal(sparse.predict(S), dense.predict(X))
        assert sparse.score(S, labels, sample_weight=weights) == dense.score(X, labels, sample_weight=weights)
    # the same model answers sparse X as its dense copy
    np.testing.assert_array_equal(dense.predict(S), dense.predict(X))
    np.testing.assert_array_equal(sparse.predict(S), sparse.predict(X))
    assert_close(sparse.predict_proba(X), sparse.predict_proba(S), 1e-6 if dtype == np.float32 else 1e-14)


# ---------------------------------------------------------------- against scikit-learn

def sklearn_regressor(name, fit_intercept):
    linear_model = pytest.importorskip("sklearn.linear_model")
    return {
        "LinearRegression": lambda: linear_model.LinearRegression(fit_intercept=fit_intercept),
        "Ridge": lambda: linear_model.Ridge(alpha=2.0, fit_intercept=fit_intercept, tol=1e-10, solver="sparse_cg"),
        "ElasticNet": lambda: linear_model.ElasticNet(
            alpha=0.01, l1_ratio=0.7, fit_intercept=fit_intercept, tol=1e-12, max_iter=10000),
        "Lasso": lambda: linear_model.Lasso(alpha=0.01, fit_intercept=fit_intercept, tol=1e-12, max_iter=10000),
    }[name]()


@pytest.mark.parametrize("name", list(REGRESSORS))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_regressor_matches_scikit_learn_on_sparse_data(name, weighted, fit_intercept):
    X, y, w = regression_problem(targets=1)
    weights = w if weighted else None
    S = sp.csr_matrix(X)
    ours = REGRESSORS[name][0](fit_intercept).fit(S, y, sample_weight=weights)
    theirs = sklearn_regressor(name, fit_intercept).fit(S, y, sample_weight=weights)
    # scikit-learn's LSQR stops at atol = btol = 1e-6: the loosest of the solvers
    rtol = 1e-5 if name == "LinearRegression" else 1e-7
    assert_close(ours.coef_, theirs.coef_, rtol)
    assert_close(ours.intercept_, theirs.intercept_, rtol)
    assert_close(ours.predict(S), theirs.predict(S), rtol)
    for attribute in ("rank_", "singular_"):  # neither is set for sparse X
        assert hasattr(ours, attribute) == hasattr(theirs, attribute)
    if name == "Ridge":
        assert ours.n_iter_ is None and theirs.n_iter_ is None


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_matches_scikit_learn_on_sparse_data(n_classes, weighted):
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, labels, w = classification_problem(n_classes)
    weights = w if weighted else None
    S = sp.csr_matrix(X)
    ours = LogisticRegression(C=0.5, tol=1e-10, max_iter=1000).fit(S, labels, sample_weight=weights)
    theirs = linear_model.LogisticRegression(C=0.5, tol=1e-10, max_iter=1000).fit(S, labels, sample_weight=weights)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert_close(ours.coef_, theirs.coef_, 1e-5)
    assert_close(ours.intercept_, theirs.intercept_, 1e-5)
    assert_close(ours.predict_proba(S), theirs.predict_proba(S), 1e-5)
    np.testing.assert_array_equal(ours.predict(S), theirs.predict(S))


# ---------------------------------------------------------------- formats and index types

def every_format(X):
    """The same matrix as CSR, CSC, COO, csr_array and CSR with int64 indices."""
    csr = sp.csr_matrix(X)
    wide = csr.copy()
    wide.indices, wide.indptr = wide.indices.astype(np.int64), wide.indptr.astype(np.int64)
    return {"csr": csr, "csc": csr.tocsc(), "coo": csr.tocoo(), "csr_array": sp.csr_array(X), "int64": wide}


ESTIMATORS = {
    "LinearRegression": LinearRegression,
    "Ridge": lambda: Ridge(tol=1e-10),
    "ElasticNet": lambda: ElasticNet(alpha=0.01, tol=1e-10),
    "Lasso": lambda: Lasso(alpha=0.01, tol=1e-10),
    "LogisticRegression": lambda: LogisticRegression(tol=1e-10),
}


def problem_for(name):
    if name == "LogisticRegression":
        X, labels, _ = classification_problem(3)
        return X, labels
    X, y, _ = regression_problem()
    return X, y


@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("form", ["csc", "coo", "csr_array", "int64"])
def test_every_format_gives_the_csr_model(name, form):
    X, y = problem_for(name)
    matrices = every_format(X)
    expected = ESTIMATORS[name]().fit(matrices["csr"], y)
    got = ESTIMATORS[name]().fit(matrices[form], y)
    # (the same CSR arrays but for int64 indices: the same model to rounding)
    assert_close(got.coef_, expected.coef_, 1e-14)
    assert_close(got.intercept_, expected.intercept_, 1e-14)
    assert_close(got.predict(matrices[form]), expected.predict(matrices["csr"]), 1e-14)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_integer_sparse_data_becomes_float64(name):
    X, y = problem_for(name)
    X = sp.csr_matrix(np.round(X * 10).astype(np.int64))
    model = ESTIMATORS[name]().fit(X, y)
    assert model.coef_.dtype == np.float64
    dense = ESTIMATORS[name]().fit(X.toarray().astype(np.float64), y)
    assert_close(model.coef_, dense.coef_, 1e-7)


def test_float32_sparse_data_stays_float32_and_predictions_take_its_dtype():
    X, y, _ = regression_problem(dtype=np.float32)
    model = Ridge(tol=1e-10).fit(sp.csr_matrix(X), y)
    assert model.coef_.dtype == np.float32
    # float64 data for a float32 model is converted to the model's dtype
    assert model.predict(sp.csr_matrix(X.astype(np.float64))).dtype == np.float32


# ---------------------------------------------------------------- fitted attributes

def test_linear_regression_on_sparse_x_sets_neither_rank_nor_singular_values():
    X, y, _ = regression_problem()
    model = LinearRegression().fit(X, y)
    assert model.rank_ == X.shape[1] and model.singular_.shape == (X.shape[1],)
    model.fit(sp.csr_matrix(X), y)  # the dense fit's are not this model's
    assert not hasattr(model, "rank_") and not hasattr(model, "singular_")
    restored = pickle.loads(pickle.dumps(model))
    assert not hasattr(restored, "rank_") and not hasattr(restored, "singular_")
    np.testing.assert_array_equal(restored.coef_, model.coef_)
    model.fit(X, y)
    assert model.rank_ == X.shape[1]


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_a_sparse_fit_saves_and_loads(name, tmp_path):
    X, y = problem_for(name)
    S = sp.csr_matrix(X)
    model = ESTIMATORS[name]().fit(S, y)
    model.save(tmp_path / "model.linfa")
    loaded = load(tmp_path / "model.linfa")
    np.testing.assert_array_equal(loaded.predict(S), model.predict(S))


@pytest.mark.parametrize("solver", ["auto", "sparse_cg"])
def test_ridge_n_iter_is_none(solver):
    X, y, _ = regression_problem()
    assert Ridge(solver=solver).fit(sp.csr_matrix(X), y).n_iter_ is None
    assert Ridge(solver=solver).fit(X, y).n_iter_ is None


# ---------------------------------------------------------------- Ridge's solvers, tol, max_iter

def test_ridge_sparse_cg_on_dense_x_is_the_direct_solver():
    X, y, w = regression_problem(targets=2)
    direct = Ridge(alpha=0.5).fit(X, y, sample_weight=w)
    cg = Ridge(alpha=0.5, solver="sparse_cg", tol=0.5, max_iter=1).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(cg.coef_, direct.coef_)
    np.testing.assert_array_equal(cg.intercept_, direct.intercept_)


def test_ridge_tol_and_max_iter_bound_the_conjugate_gradients_of_sparse_x():
    X, y, _ = regression_problem(d=40, seed=3)
    S = sp.csr_matrix(X)
    exact = Ridge(alpha=0.1, tol=1e-12).fit(X, y).coef_
    tight = Ridge(alpha=0.1, tol=1e-12).fit(S, y).coef_
    loose = Ridge(alpha=0.1, tol=1e-1).fit(S, y).coef_
    one_step = Ridge(alpha=0.1, tol=1e-12, max_iter=1).fit(S, y).coef_
    error = lambda coef: np.max(np.abs(coef - exact))  # noqa: E731
    assert error(tight) < 1e-8
    assert error(loose) > 100 * error(tight)
    assert error(one_step) > 100 * error(tight)


def test_ridge_cholesky_without_intercept_on_sparse_x_is_solved_to_tol():
    X, y, _ = regression_problem()
    dense = Ridge(solver="cholesky", fit_intercept=False).fit(X, y)
    sparse = Ridge(solver="cholesky", fit_intercept=False, tol=1e-12).fit(sp.csr_matrix(X), y)
    assert_close(sparse.coef_, dense.coef_, 1e-9)
    assert sparse.intercept_ == 0.0


def test_ridge_svd_refuses_sparse_x():
    X, y, _ = regression_problem()
    with pytest.raises(TypeError, match="SVD solver does not support sparse inputs currently"):
        Ridge(solver="svd", fit_intercept=False).fit(sp.csr_matrix(X), y)


@pytest.mark.parametrize("solver", ["cholesky", "svd"])
def test_ridge_direct_solvers_refuse_an_intercept_on_sparse_x(solver):
    X, y, _ = regression_problem()
    with pytest.raises(ValueError, match=f"solver='{solver}' does not support fitting the intercept on sparse data"):
        Ridge(solver=solver).fit(sp.csr_matrix(X), y)


def test_elastic_net_ignores_a_gram_matrix_for_sparse_x():
    X, y, _ = regression_problem()
    S = sp.csr_matrix(X)
    expected = ElasticNet(alpha=0.01).fit(S, y)
    got = ElasticNet(alpha=0.01, precompute=np.eye(3)).fit(S, y)  # (wrong shape: not even checked)
    np.testing.assert_array_equal(got.coef_, expected.coef_)


def test_logistic_warm_start_on_sparse_x():
    X, labels, _ = classification_problem(3)
    S = sp.csr_matrix(X)
    cold = LogisticRegression(tol=1e-10, max_iter=1000).fit(S, labels)
    warm = LogisticRegression(tol=1e-10, max_iter=1000, warm_start=True).fit(X, labels)
    warm.fit(S, labels)
    assert warm.n_iter_[0] < cold.n_iter_[0]
    assert_close(warm.coef_, cold.coef_, 1e-4)  # both within tol (or L-BFGS's ftol) of the optimum


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_sparse_data_is_refused(name, value):
    X, y = problem_for(name)
    S = sp.csr_matrix(X)
    S.data[5] = value
    with pytest.raises(ValueError, match=r"CSR data contain NaN or infinity"):
        ESTIMATORS[name]().fit(S, y)
    model = ESTIMATORS[name]().fit(X, y)
    with pytest.raises(ValueError, match=r"CSR data contain NaN or infinity"):
        model.predict(S)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_wrong_feature_count_at_predict(name):
    X, y = problem_for(name)
    model = ESTIMATORS[name]().fit(sp.csr_matrix(X), y)
    narrow = sp.csr_matrix(X[:, :-1])
    message = f"X has {X.shape[1] - 1} features, but {type(model).__name__} is expecting {X.shape[1]} features"
    with pytest.raises(ValueError, match=message):
        model.predict(narrow)
    with pytest.raises(ValueError, match=message):
        model.score(narrow, y)
    if name == "LogisticRegression":
        for method in (model.decision_function, model.predict_proba, model.predict_log_proba):
            with pytest.raises(ValueError, match=message):
                method(narrow)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_empty_sparse_data_is_refused(name):
    X, y = problem_for(name)
    with pytest.raises(ValueError, match="0 sample"):
        ESTIMATORS[name]().fit(sp.csr_matrix((0, X.shape[1])), y[:0])
    with pytest.raises(ValueError, match="0 feature"):
        ESTIMATORS[name]().fit(sp.csr_matrix((X.shape[0], 0)), y)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_sample_count_mismatch_with_sparse_x(name):
    X, y = problem_for(name)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ESTIMATORS[name]().fit(sp.csr_matrix(X), y[:-1])


def test_complex_sparse_data_is_refused():
    X, y, _ = regression_problem()
    with pytest.raises(ValueError, match="Complex data not supported"):
        Ridge().fit(sp.csr_matrix(X.astype(np.complex128)), y)
