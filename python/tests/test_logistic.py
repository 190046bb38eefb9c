"""linfa.LogisticRegression against scikit-learn's (solver "lbfgs") and SciPy's L-BFGS-B on the
same objective, labels of any type, dtypes, persistence, warm starts, scikit-learn's tools
(check_estimator, GridSearchCV, cross_val_score, Pipeline) and bad input."""

import pickle
import warnings

import numpy as np
import pytest

import linfa
from conftest import assert_releases_gil, close

sklearn = pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


def classes_data(n=900, d=6, k=3, seed=0):
    """k overlapping Gaussian classes (a finite optimum), features of mixed scales."""
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((k, d))
    y = rng.integers(0, k, n)
    X = (rng.standard_normal((n, d)) + means[y]) * rng.uniform(0.5, 2, d)
    return X, y


def objective(model, X, y, C, sample_weight=None, class_weight=None):
    """The penalised log-loss scikit-learn's lbfgs minimises, at a fitted model."""
    proba = model.predict_proba(X).astype(np.float64)
    index = np.searchsorted(model.classes_, y)
    weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if class_weight is not None:
        weight = weight * np.array([class_weight.get(c, 1.0) for c in y])
    loss = -np.sum(weight * np.log(proba[np.arange(len(y)), index]))
    return loss + 0.5 / C * np.sum(np.asarray(model.coef_, dtype=np.float64) ** 2)


def fit_both(X, y, **params):
    sample_weight = params.pop("sample_weight", None)
    ours = linfa.LogisticRegression(**params).fit(X, y, sample_weight=sample_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SkLogisticRegression(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("multi_class", ["auto", "multinomial", "ovr"])
@pytest.mark.parametrize("weighted", [False, True])
def test_reaches_scikit_learns_objective(k, multi_class, weighted):
    X, y = classes_data(k=k, seed=k)
    weights = np.random.default_rng(1).uniform(0.1, 3, len(y)) if weighted else None
    ours, theirs = fit_both(X, y, C=0.8, multi_class=multi_class, sample_weight=weights)
    assert ours.coef_.shape == theirs.coef_.shape and ours.intercept_.shape == theirs.intercept_.shape
    assert ours.n_iter_.shape == theirs.n_iter_.shape
    if multi_class != "ovr" or k == 2:  # one objective; one-vs-rest sums k of them
        a, b = objective(ours, X, y, 0.8, weights), objective(theirs, X, y, 0.8, weights)
        assert (a - b) / abs(b) < 1e-6
    close(ours.coef_, theirs.coef_, 1e-3)
    assert np.mean(ours.predict(X) == theirs.predict(X)) > 0.99


@pytest.mark.parametrize("multi_class", ["auto", "multinomial", "ovr"])
def test_probabilities_equal_scikit_learns_for_the_same_coefficients(multi_class):
    X, y = classes_data(k=4)
    ours = linfa.LogisticRegression(multi_class=multi_class).fit(X, y)
    theirs = SkLogisticRegression(multi_class=multi_class)
    theirs.classes_, theirs.coef_, theirs.intercept_ = ours.classes_, ours.coef_, ours.intercept_
    theirs.n_features_in_ = X.shape[1]
    close(ours.predict_proba(X), theirs.predict_proba(X), 1e-12)
    close(ours.predict_log_proba(X), theirs.predict_log_proba(X), 1e-12)
    close(ours.decision_function(X), theirs.decision_function(X), 1e-12)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_binary_multinomial_layout_matches_scikit_learn():
    X, y = classes_data(k=2)
    ours, theirs = fit_both(X, y, multi_class="multinomial")
    assert ours.coef_.shape == (1, X.shape[1])
    close(ours.coef_, theirs.coef_, 1e-3)
    close(ours.predict_proba(X), theirs.predict_proba(X), 1e-4)


@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 2: 0.5}])
@pytest.mark.parametrize("multi_class", ["auto", "ovr"])
def test_class_weights_as_scikit_learn(class_weight, multi_class):
    X, y = classes_data(k=3)
    y = np.where(y == 1, 0, y)  # unbalanced: class 0 twice as frequent
    ours, theirs = fit_both(X, y, class_weight=class_weight, multi_class=multi_class)
    close(ours.coef_, theirs.coef_, 1e-3)
    close(ours.intercept_, theirs.intercept_, 1e-3)


def test_reaches_scipys_optimum_of_the_same_objective():
    from scipy.optimize import minimize

    X, y = classes_data(k=2, n=500)
    C = 0.3

    def loss_gradient(w):
        s = X @ w[:-1] + w[-1]
        loss = np.sum(np.logaddexp(0, s) - y * s) + 0.5 / C * w[:-1] @ w[:-1]
        r = 1 / (1 + np.exp(-s)) - y
        return loss, np.append(X.T @ r + w[:-1] / C, r.sum())

    best = minimize(loss_gradient, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                    options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10_000})
    ours = linfa.LogisticRegression(C=C, tol=1e-10, max_iter=1000).fit(X, y)
    found = loss_gradient(np.append(ours.coef_.ravel(), ours.intercept_))[0]
    assert (found - best.fun) / best.fun < 1e-8
    close(np.append(ours.coef_.ravel(), ours.intercept_), best.x, 1e-4)


def test_labels_of_any_type():
    X, y = classes_data(k=3)
    names = np.array(["cat", "dog", "emu"])[y]
    model = linfa.LogisticRegression().fit(X, names)
    np.testing.assert_array_equal(model.classes_, ["cat", "dog", "emu"])
    assert set(model.predict(X)) <= {"cat", "dog", "emu"}
    assert model.score(X, names) > 0.5
    numeric = linfa.LogisticRegression().fit(X, y * 10 - 7)  # ints: the model file keeps them
    np.testing.assert_array_equal(numeric.classes_, [-7, 3, 13])
    np.testing.assert_array_equal(numeric._model.classes, [-7, 3, 13])
    close(numeric.predict_proba(X), model.predict_proba(X), 1e-12)
    with pytest.raises(ValueError, match="Unknown label type"):
        linfa.LogisticRegression().fit(X, y + 0.5)


def test_float32_stays_float32_and_agrees_with_float64():
    X, y = classes_data(k=3)
    single = linfa.LogisticRegression().fit(X.astype(np.float32), y)
    double = linfa.LogisticRegression().fit(X, y)
    assert single.coef_.dtype == np.float32
    assert single.predict_proba(X.astype(np.float32)).dtype == np.float32
    close(single.coef_, double.coef_, 1e-3)


def test_persistence_pickle_save_and_linfa_load(tmp_path):
    X, y = classes_data(k=3)
    model = linfa.LogisticRegression(C=0.5).fit(X, np.array(["a", "b", "c"])[y])
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    numeric = linfa.LogisticRegression(C=0.5).fit(X, y + 3)
    path = tmp_path / "logistic.linfa"
    numeric.save(path)
    loaded = linfa.load(path)
    assert isinstance(loaded, linfa.LogisticRegression)
    np.testing.assert_array_equal(loaded.classes_, [3, 4, 5])
    np.testing.assert_array_equal(loaded.predict(X), numeric.predict(X))
    close(loaded.predict_proba(X), numeric.predict_proba(X), 0)


def test_warm_start_starts_from_the_previous_fit():
    X, y = classes_data(k=3)
    model = linfa.LogisticRegression(warm_start=True).fit(X, y)
    first = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] <= 2 < first


def test_convergence_warning_past_max_iter():
    X, y = classes_data(k=3)
    with pytest.warns(ConvergenceWarning):
        linfa.LogisticRegression(max_iter=2).fit(X, y)


def test_fit_and_predict_release_the_gil():
    X, y = classes_data(n=200_000, d=20, k=4)  # the C++ work dominates each call
    model = linfa.LogisticRegression(max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert_releases_gil(lambda: model.fit(X, y))
    assert_releases_gil(lambda: model.predict_proba(X))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"C": 0}, "C must be"),
        ({"C": -1.0}, "C must be"),
        ({"penalty": "l1"}, "penalty"),
        ({"solver": "liblinear"}, "solver"),
        ({"dual": True}, "dual"),
        ({"tol": -1}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"multi_class": "both"}, "multi_class"),
        ({"class_weight": {9: 1.0}}, "not present"),
        ({"class_weight": {0: -1.0}}, "class_weight"),
        ({"class_weight": "most"}, "class_weight"),
    ],
)
def test_bad_parameters(params, match):
    X, y = classes_data(k=3, n=60)
    with pytest.raises(ValueError, match=match):
        linfa.LogisticRegression(**params).fit(X, y)


def test_bad_data():
    X, y = classes_data(k=3, n=60)
    with pytest.raises(ValueError, match="only one class"):
        linfa.LogisticRegression().fit(X, np.zeros(60))
    bad = X.copy()
    bad[5, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        linfa.LogisticRegression().fit(bad, y)
    weights = np.ones(60)
    weights[3] = -1
    with pytest.raises(ValueError, match="non-negative"):
        linfa.LogisticRegression().fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        linfa.LogisticRegression().fit(X, y[:-1])
    model = linfa.LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :-1])
    with pytest.raises(ValueError, match="NaN"):
        model.predict_proba(bad)


def test_scikit_learns_model_selection_and_pipelines():
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline

    X, y = classes_data(k=3, n=600)
    scores = cross_val_score(linfa.LogisticRegression(), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.5)
    search = GridSearchCV(linfa.LogisticRegression(), {"C": [0.01, 1.0]}, cv=3).fit(X, y)
    assert search.best_params_["C"] in (0.01, 1.0)
    pipeline = make_pipeline(linfa.StandardScaler(), linfa.PCA(n_components=4), linfa.LogisticRegression())
    pipeline.fit(X, y)
    assert pipeline.score(X, y) > 0.5
    assert pipeline.predict_proba(X).shape == (600, 3)


@parametrize_with_checks([linfa.LogisticRegression()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
