"""scikit-learn's model selection tools on linfa's estimators: GridSearchCV, cross_val_score,
Pipeline / make_pipeline, clone, and joblib worker processes (n_jobs=2), which pickle the
estimators they are given and return them fitted. Each result is compared with the same tool
run on scikit-learn's own estimators."""

import pickle

import numpy as np
import pytest

import linfa
from conftest import close, make_blobs

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.cluster import KMeans as SkKMeans  # noqa: E402
from sklearn.decomposition import PCA as SkPCA  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402
from sklearn.linear_model import Ridge as SkRidge  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.naive_bayes import GaussianNB as SkGaussianNB  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler as SkStandardScaler  # noqa: E402


def classes_data(n=300, d=5, k=3, seed=0):
    """k overlapping Gaussian classes of mixed feature scales: the penalty C matters."""
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((k, d))
    y = rng.integers(0, k, n)
    X = (rng.standard_normal((n, d)) + means[y]) * rng.uniform(0.5, 3, d)
    return X, y


def regression_data(n=60, d=20, seed=1):
    """Noisy linear targets, few informative features of many: the best alpha is inside the grid."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    coef = np.zeros(d)
    coef[:3] = [3.0, -2.0, 1.0]
    return X, X @ coef + 3.0 * rng.standard_normal(n)


CV = StratifiedKFold(5, shuffle=True, random_state=0)


def grid_search(estimator, grid, X, y, cv, n_jobs=None):
    return GridSearchCV(estimator, grid, cv=cv, n_jobs=n_jobs).fit(X, y)


def test_grid_search_logistic_c_matches_sklearn():
    X, y = classes_data()
    grid = {"C": [0.001, 0.01, 0.1, 1.0]}
    ours = grid_search(linfa.LogisticRegression(max_iter=1000), grid, X, y, CV)
    theirs = grid_search(SkLogisticRegression(max_iter=1000), grid, X, y, CV)
    assert ours.best_params_ == theirs.best_params_
    close(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], rel=0.02)
    assert isinstance(ours.best_estimator_, linfa.LogisticRegression)
    assert ours.best_estimator_.C == theirs.best_params_["C"]
    close(ours.predict_proba(X), theirs.predict_proba(X), rel=1e-3)


def test_grid_search_ridge_alpha_matches_sklearn():
    X, y = regression_data()
    grid = {"alpha": [0.01, 1.0, 10.0, 100.0, 1000.0]}
    cv = KFold(4, shuffle=True, random_state=0)
    ours = grid_search(linfa.Ridge(), grid, X, y, cv)
    theirs = grid_search(SkRidge(), grid, X, y, cv)
    assert ours.best_params_ == theirs.best_params_ == {"alpha": 10.0}
    close(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], rel=1e-8)
    close(ours.predict(X), theirs.predict(X), rel=1e-8)


def test_grid_search_in_two_worker_processes_gives_the_same_result():
    X, y = classes_data()
    grid = {"C": [0.01, 0.1, 1.0]}
    serial = grid_search(linfa.LogisticRegression(), grid, X, y, CV)
    parallel = grid_search(linfa.LogisticRegression(), grid, X, y, CV, n_jobs=2)
    assert parallel.best_params_ == serial.best_params_
    np.testing.assert_array_equal(parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"])


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (linfa.GaussianNB(), SkGaussianNB()),
        (linfa.LogisticRegression(C=0.1), SkLogisticRegression(C=0.1)),
    ],
    ids=["GaussianNB", "LogisticRegression"],
)
def test_cross_val_score_of_classifiers_matches_sklearn(ours, theirs):
    X, y = classes_data()
    ours_scores = cross_val_score(ours, X, y, cv=CV)
    close(ours_scores, cross_val_score(theirs, X, y, cv=CV), rel=0.02)
    np.testing.assert_array_equal(cross_val_score(ours, X, y, cv=CV, n_jobs=2), ours_scores)


def test_cross_val_score_of_kmeans_matches_sklearn():
    # unsupervised: KMeans.score is -inertia of the test fold, as in scikit-learn
    X, _ = make_blobs(n_per_blob=100)
    cv = KFold(3, shuffle=True, random_state=0)
    ours = cross_val_score(linfa.KMeans(n_clusters=3, n_init=3, random_state=0), X, cv=cv)
    theirs = cross_val_score(SkKMeans(n_clusters=3, n_init=3, random_state=0), X, cv=cv)
    close(ours, theirs, rel=1e-6)


def linfa_pipeline():
    return make_pipeline(linfa.StandardScaler(), linfa.PCA(n_components=2), linfa.LogisticRegression())


def sklearn_pipeline():
    return make_pipeline(SkStandardScaler(), SkPCA(n_components=2), SkLogisticRegression())


def test_pipeline_matches_sklearn():
    X, y = classes_data()
    ours = linfa_pipeline().fit(X, y)
    theirs = sklearn_pipeline().fit(X, y)
    # a component's sign may differ; the classifier then flips its weight and the
    # probabilities stay the same
    close(ours.predict_proba(X), theirs.predict_proba(X), rel=1e-4)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-12)


def test_grid_search_over_a_pipeline():
    X, y = classes_data()
    grid = {"pca__n_components": [1, 2, 4], "logisticregression__C": [0.01, 1.0]}
    ours = grid_search(linfa_pipeline(), grid, X, y, CV)
    theirs = grid_search(sklearn_pipeline(), grid, X, y, CV)
    assert ours.best_params_ == theirs.best_params_
    close(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], rel=0.02)


def test_clone_keeps_parameters_and_drops_the_fit():
    X, y = classes_data()
    fitted = linfa.LogisticRegression(C=3.0, max_iter=50).fit(X, y)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "coef_")
    pipeline = clone(linfa_pipeline().set_params(pca__n_components=3))
    assert isinstance(pipeline, Pipeline)
    assert pipeline.get_params()["pca__n_components"] == 3
    assert pipeline.fit(X, y).predict(X).shape == y.shape


@pytest.mark.parametrize(
    "make",
    [linfa.LogisticRegression, linfa.GaussianNB, lambda: linfa.KMeans(n_clusters=3, random_state=0),
     linfa.Ridge, linfa_pipeline],
    ids=["LogisticRegression", "GaussianNB", "KMeans", "Ridge", "Pipeline"],
)
def test_pickling_unfitted_and_fitted(make):
    X, y = classes_data()
    unfitted = pickle.loads(pickle.dumps(make()))
    assert unfitted.get_params().keys() == make().get_params().keys()
    fitted = make().fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
