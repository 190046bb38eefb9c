"""linfa.Pipeline / linfa.make_pipeline: the same answers as the steps composed by hand and as
scikit-learn's pipeline given the same fitted parameters (float64 to 1e-12 relative), one model
file that linfa.load rebuilds, scikit-learn's parameter protocol (clone, grid search), fit
parameters routed by step name, errors naming the step, pickling and float32.

Tolerances are relative to the largest magnitude of the reference (``close``)."""

import pickle

import numpy as np
import pytest

import linfa
from conftest import close
from linfa import PCA, LogisticRegression, NotFittedError, Ridge, StandardScaler, make_pipeline


def classes_data(n=600, d=6, k=3, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, k, n)
    centres = rng.uniform(-3, 3, (k, d))
    X = centres[y] * 2 + rng.randn(n, d) * rng.uniform(0.5, 5, d) + rng.uniform(-10, 10, d)
    return X, y


def classifier_pipeline():
    return make_pipeline(StandardScaler(), PCA(n_components=3), LogisticRegression(C=0.5, tol=1e-10, max_iter=500))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def test_answers_are_the_steps_composed_with_their_fitted_parameters():
    X, y = classes_data()
    pipe = classifier_pipeline().fit(X, y)
    scaler, pca, logistic = pipe[0], pipe[1], pipe[2]
    assert [name for name, _ in pipe.steps] == ["standardscaler", "pca", "logisticregression"]
    scores = ((X - scaler.mean_) / scaler.scale_ - pca.mean_) @ pca.components_.T
    reference = softmax(scores @ logistic.coef_.T + logistic.intercept_)
    close(pipe.predict_proba(X), reference, 1e-12)
    assert np.array_equal(pipe.predict(X), logistic.classes_[np.argmax(reference, axis=1)])
    assert pipe.score(X, y) == logistic.score(scores, y)
    assert np.array_equal(pipe.classes_, np.unique(y))
    assert pipe.n_features_in_ == X.shape[1]


def test_scikit_learn_pipeline_with_the_same_parameters_answers_the_same():
    sklearn = pytest.importorskip("sklearn")
    from sklearn import decomposition, linear_model, pipeline, preprocessing

    X, y = classes_data(seed=1)
    ours = classifier_pipeline().fit(X, y)
    theirs = pipeline.make_pipeline(
        preprocessing.StandardScaler(), decomposition.PCA(n_components=3), linear_model.LogisticRegression(C=0.5, tol=1e-10, max_iter=500)
    ).fit(X, y)
    # Fitted independently: the optimum, to the solvers' tolerance.
    close(ours.predict_proba(X), theirs.predict_proba(X), 1e-6)
    # Given linfa's fitted parameters, scikit-learn's pipeline answers what linfa's does.
    theirs[1].components_ = ours[1].components_
    theirs[1].mean_ = ours[1].mean_
    theirs[2].coef_ = ours[2].coef_
    theirs[2].intercept_ = ours[2].intercept_
    close(ours.predict_proba(X), theirs.predict_proba(X), 1e-12)
    assert sklearn.base.is_classifier(ours)


def test_one_model_file_that_linfa_load_rebuilds(tmp_path):
    X, y = classes_data()
    pipe = classifier_pipeline().fit(X, y)
    for json in (False, True):
        path = tmp_path / f"pipe{int(json)}.linfa"
        pipe.save(path, json=json)
        loaded = linfa.load(path)
        assert isinstance(loaded, linfa.Pipeline)
        assert [type(step) for step in loaded.named_steps.values()] == [StandardScaler, PCA, LogisticRegression]
        assert np.array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
        assert np.array_equal(loaded.predict(X), pipe.predict(X))
        assert linfa.Pipeline.load(path).n_features_in_ == X.shape[1]
    with pytest.raises(OSError, match="not a pipeline"):
        pipe[0].save(tmp_path / "scaler.linfa")
        linfa.Pipeline.load(tmp_path / "scaler.linfa")


def test_regression_pipeline_and_capabilities():
    X, y = classes_data()
    target = X @ np.arange(1.0, 7.0) + 3.0
    pipe = make_pipeline(StandardScaler(), Ridge(alpha=0.1)).fit(X, target)
    scaled = (X - pipe[0].mean_) / pipe[0].scale_
    close(pipe.predict(X), scaled @ pipe[1].coef_ + pipe[1].intercept_, 1e-12)
    assert not hasattr(pipe, "predict_proba")
    assert hasattr(classifier_pipeline(), "predict_proba")


def test_float32_stays_float32():
    X, y = classes_data()
    pipe = classifier_pipeline().fit(X.astype(np.float32), y)
    assert pipe.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert pipe._fitted_model().dtype == np.float32


def test_fit_parameters_are_routed_by_step_name():
    X, y = classes_data()
    weights = np.random.RandomState(3).uniform(0.1, 3.0, len(y))
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y, logisticregression__sample_weight=weights)
    alone = LogisticRegression().fit(StandardScaler().fit_transform(X), y, sample_weight=weights)
    close(pipe[1].coef_, alone.coef_, 1e-12)
    with pytest.raises(ValueError, match="stepname__parameter"):
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y, sample_weight=weights)


def test_parameters_clone_and_grid_search():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV

    X, y = classes_data()
    pipe = classifier_pipeline()
    params = pipe.get_params()
    assert params["logisticregression__C"] == 0.5 and params["pca__n_components"] == 3
    pipe.set_params(logisticregression__C=2.0, pca=PCA(n_components=2))
    assert pipe[2].C == 2.0 and pipe[1].n_components == 2
    assert [name for name, _ in pipe[:2].steps] == ["standardscaler", "pca"]
    cloned = sklearn.base.clone(pipe)
    assert cloned[2] is not pipe[2] and cloned[2].C == 2.0
    search = GridSearchCV(classifier_pipeline(), {"logisticregression__C": [0.01, 1.0], "pca__n_components": [1, 3]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["pca__n_components"] == 3
    assert isinstance(search.best_estimator_, linfa.Pipeline)


def test_errors_name_the_step():
    X, y = classes_data()
    with pytest.raises(NotFittedError):
        classifier_pipeline().predict(X)
    pipe = classifier_pipeline().fit(X, y)
    with pytest.raises(ValueError, match=r"pipeline step 1 \(standardscaler\).*features"):
        pipe.predict(X[:, :4])
    bad = X[:5].copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"pipeline step 1 of 3 \(preprocessing.standard_scaler\)"):
        pipe.predict_proba(bad)
    sklearn = pytest.importorskip("sklearn")
    with pytest.raises(TypeError, match="linfa estimators only"):
        make_pipeline(sklearn.preprocessing.StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="not a transformer"):
        make_pipeline(LogisticRegression(), LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="not unique"):
        linfa.Pipeline([("a", StandardScaler()), ("a", LogisticRegression())]).fit(X, y)
    with pytest.raises(ValueError, match=r"pipeline step 2 \(logisticregression\).*C"):
        make_pipeline(StandardScaler(), LogisticRegression(C=-1.0)).fit(X, y)
    with pytest.raises(ValueError, match=r"pipeline step 1 \(standardscaler\)"):
        make_pipeline(StandardScaler(), LogisticRegression()).fit(bad, y[:5])
    # A failed refit leaves the pipeline unfitted, not answering with the old models.
    with pytest.raises(ValueError):
        pipe.fit(bad, y[:5])
    with pytest.raises(NotFittedError):
        pipe.predict(X)


def test_pickle_round_trip():
    X, y = classes_data()
    pipe = classifier_pipeline().fit(X, y)
    again = pickle.loads(pickle.dumps(pipe))
    assert np.array_equal(again.predict_proba(X), pipe.predict_proba(X))
    unfitted = pickle.loads(pickle.dumps(classifier_pipeline()))
    assert not unfitted.__sklearn_is_fitted__()


def test_string_labels():
    X, y = classes_data()
    names = np.array(["ant", "bee", "cat"])[y]
    pipe = classifier_pipeline().fit(X, names)
    assert set(pipe.predict(X)) <= set(names)
    assert list(pipe.classes_) == ["ant", "bee", "cat"]


def test_sparse_x_runs_through_the_steps_as_they_take_it_alone():
    """scipy.sparse X: fit and every answer go step by step, each step keeping X sparse or not
    as it does on its own, so the pipeline answers as the steps composed by hand."""
    sp = pytest.importorskip("scipy.sparse")
    from sklearn.base import clone

    from linfa import KMeans, KNeighborsClassifier, MaxAbsScaler

    rng = np.random.RandomState(3)
    X = sp.csr_matrix(rng.randn(200, 30) * (rng.rand(200, 30) < 0.2))
    y = (np.asarray(X[:, :5].sum(axis=1)).ravel() > 0).astype(int)
    first = MaxAbsScaler().fit(X)
    second = StandardScaler(with_mean=False).fit(first.transform(X))
    Xt = second.transform(first.transform(X))
    assert sp.issparse(Xt)
    for final in (KNeighborsClassifier(5), LogisticRegression(C=1.0, max_iter=300), Ridge(alpha=1.0), KMeans(3, n_init=2, random_state=0)):
        pipeline = make_pipeline(MaxAbsScaler(), StandardScaler(with_mean=False), clone(final)).fit(X, y)
        by_hand = clone(final).fit(Xt, y)
        np.testing.assert_array_equal(pipeline.predict(X), by_hand.predict(Xt))
        np.testing.assert_array_equal(pipeline.predict(X.tocsc()), by_hand.predict(Xt))
        if hasattr(by_hand, "predict_proba"):
            np.testing.assert_array_equal(pipeline.predict_proba(X), by_hand.predict_proba(Xt))
        assert pipeline.score(X, y) == by_hand.score(Xt, y)
