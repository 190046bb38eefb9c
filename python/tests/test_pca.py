"""linfa.PCA: scikit-learn's estimator checks, agreement with scikit-learn 1.2 (full solver to
1e-8 relative, randomized to the same subspace), dtypes, errors, persistence.

Tolerances are relative to the largest magnitude of the reference (``close``); they are the
accuracy the C++ solvers reach, not loosened to hide a difference: known differences from
scikit-learn are written down as strict expected failures."""

import pickle

import numpy as np
import pytest

import linfa
from conftest import close
from linfa import PCA, NotFittedError


def principal_angle(a, b):
    """The largest principal angle between the row spaces of a and b (radians), from the
    singular values of Q_a^T Q_b: asin of the sine form, accurate for tiny angles."""
    qa, _ = np.linalg.qr(np.asarray(a, dtype=np.float64).T)
    qb, _ = np.linalg.qr(np.asarray(b, dtype=np.float64).T)
    residual = qb - qa @ (qa.T @ qb)
    return float(np.arcsin(min(1.0, np.linalg.norm(residual, 2))))


def correlated_data(n, d, seed=0):
    """Correlated features with an offset; the centred data has full rank min(n - 1, d)."""
    rng = np.random.RandomState(seed)
    return rng.randn(n, d) @ (np.eye(d) + 0.5 * rng.randn(d, d)) + 3.0


def decaying_data(n, d, decay, seed=0, noise=1e-6):
    """Data whose singular values decay geometrically (by `decay` per component)."""
    rng = np.random.RandomState(seed)
    m = min(n, d)
    u, _ = np.linalg.qr(rng.randn(n, m))
    v, _ = np.linalg.qr(rng.randn(d, m))
    return (u * decay ** np.arange(m)) @ v.T * 100 + 1 + noise * rng.randn(n, d)


# ---------------------------------------------------------------- scikit-learn's estimator checks


def _parametrize_with_checks():
    try:
        from sklearn.utils.estimator_checks import parametrize_with_checks
    except ImportError:
        return pytest.mark.skip(reason="scikit-learn is not installed")
    return parametrize_with_checks([PCA(), PCA(2, whiten=True), PCA(2, svd_solver="randomized")])


@_parametrize_with_checks()
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_check_estimator_as_a_whole():
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(PCA())  # nothing is marked as an expected failure


# ---------------------------------------------------------------- agreement with scikit-learn


def assert_same_pca(ours, ref, X, rel):
    assert ours.n_components_ == ref.n_components_ and ours.n_samples_ == ref.n_samples_
    close(ours.components_, ref.components_, rel)  # the same signs, not only the same axes
    assert principal_angle(ours.components_, ref.components_) < rel
    close(ours.explained_variance_, ref.explained_variance_, rel)
    close(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rel)
    close(ours.singular_values_, ref.singular_values_, rel)
    close(ours.mean_, ref.mean_, 1e-14)
    if ref.noise_variance_ == 0:
        assert ours.noise_variance_ == 0
    else:
        assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=rel, abs=0)
    scores = ref.transform(X)
    close(ours.transform(X), scores, rel)
    close(ours.inverse_transform(scores), ref.inverse_transform(scores), rel)
    close(ours.score_samples(X), ref.score_samples(X), rel)
    assert ours.score(X) == pytest.approx(ref.score(X), rel=rel, abs=0)
    close(ours.get_covariance(), ref.get_covariance(), rel)
    close(ours.get_precision(), ref.get_precision(), rel)


@pytest.mark.parametrize("shape", [(300, 8), (60, 20), (12, 30)])
@pytest.mark.parametrize("n_components", [None, 3, 0.9])
@pytest.mark.parametrize("whiten", [False, True])
def test_full_solver_matches_sklearn(shape, n_components, whiten):
    sk = pytest.importorskip("sklearn.decomposition")
    n, d = shape
    if n_components is None and n <= d:
        # min(n, d) = n components, but the centred data has rank n - 1: the last axis is any
        # unit vector orthogonal to the data, so no two solvers agree on it, and its variance
        # (0 exactly) is rounding noise: 6e-15 in scikit-learn, 3e-7 x the largest singular
        # value in linfa (eigenvalues of the Gram matrix; see the ill-conditioned test below),
        # which makes a noise variance of n - 1 components meaningless too
        n_components = n - 2
    X = correlated_data(n, d)
    ours = PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    ref = sk.PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    assert_same_pca(ours, ref, X, 1e-8)


@pytest.mark.parametrize("n_components", [0.5, 0.8, 0.95, 0.99])
def test_variance_fraction_keeps_the_components_sklearn_keeps(n_components):
    sk = pytest.importorskip("sklearn.decomposition")
    X = correlated_data(100, 12, seed=2)
    ours = PCA(n_components).fit(X)
    ref = sk.PCA(n_components).fit(X)
    assert ours.n_components_ == ref.n_components_
    assert_same_pca(ours, ref, X, 1e-8)


def test_auto_solver_resolves_as_sklearn():
    sk = pytest.importorskip("sklearn.decomposition")
    X = decaying_data(600, 40, 0.8)
    # 600 > 500 and 5 < 0.8 * 40: randomized; the same seed gives the same model
    auto = PCA(5, random_state=3).fit(X)
    randomized = PCA(5, svd_solver="randomized", random_state=3).fit(X)
    np.testing.assert_array_equal(auto.components_, randomized.components_)
    full = PCA(35, random_state=3).fit(X)  # 35 >= 0.8 * 40: full
    np.testing.assert_array_equal(full.components_, PCA(35, svd_solver="full").fit(X).components_)
    assert_same_pca(full, sk.PCA(35).fit(X), X, 1e-8)


@pytest.mark.parametrize("shape", [(2000, 100), (100, 600), (700, 700)])
@pytest.mark.parametrize("n_components", [5, 10])
@pytest.mark.parametrize("whiten", [False, True])
def test_randomized_solver_finds_sklearns_subspace(shape, n_components, whiten):
    sk = pytest.importorskip("sklearn.decomposition")
    X = decaying_data(*shape, decay=0.7)
    ours = PCA(n_components, svd_solver="randomized", whiten=whiten, random_state=0).fit(X)
    ref = sk.PCA(n_components, svd_solver="randomized", whiten=whiten, random_state=0).fit(X)
    assert principal_angle(ours.components_, ref.components_) < 1e-6
    close(ours.components_, ref.components_, 1e-6)  # signs as scikit-learn's
    close(ours.explained_variance_, ref.explained_variance_, 1e-6)
    close(ours.explained_variance_ratio_, ref.explained_variance_ratio_, 1e-6)
    close(ours.singular_values_, ref.singular_values_, 1e-6)
    assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-6, abs=0)
    close(ours.transform(X), ref.transform(X), 1e-6)
    close(ours.score_samples(X), ref.score_samples(X), 1e-6)


@pytest.mark.xfail(
    strict=True,
    reason="C++ full solver: it takes the eigenvectors of the Gram matrix X_c^T X_c, which squares "
    "the condition number; on data with singular values spanning 5.2e5 (decay 0.5 over 20 "
    "components) the smallest singular values are off by up to 7.7e-6 relative and single "
    "components by up to 7.6e-7 rad from scikit-learn's SVD of X_c (which agrees with numpy's "
    "SVD to 1e-15)",
)
def test_full_solver_small_singular_values_of_ill_conditioned_data_match_sklearn():
    sk = pytest.importorskip("sklearn.decomposition")
    X = decaying_data(500, 20, 0.5, noise=0.0)
    ours = PCA(svd_solver="full").fit(X)
    ref = sk.PCA(svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-8)
    for i in range(20):
        assert principal_angle(ours.components_[i:i + 1], ref.components_[i:i + 1]) < 1e-8


def test_full_solver_leading_components_of_ill_conditioned_data_match_sklearn():
    # ... while the leading components, the ones PCA is for, are accurate
    sk = pytest.importorskip("sklearn.decomposition")
    X = decaying_data(500, 20, 0.5, noise=0.0)
    ours = PCA(5, svd_solver="full").fit(X)
    ref = sk.PCA(5, svd_solver="full").fit(X)
    assert_same_pca(ours, ref, X, 1e-8)


@pytest.mark.parametrize("svd_solver", ["full", "randomized"])
def test_float32_stays_float32(svd_solver):
    X = decaying_data(300, 12, 0.7)
    ours32 = PCA(4, svd_solver=svd_solver, whiten=True, random_state=0).fit(X.astype(np.float32))
    ours64 = PCA(4, svd_solver=svd_solver, whiten=True, random_state=0).fit(X)
    for name in ["components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_"]:
        assert getattr(ours32, name).dtype == np.float32, name
        close(getattr(ours32, name), getattr(ours64, name), 1e-4)
    assert isinstance(ours32.noise_variance_, np.float32)
    scores = ours32.transform(X)  # float64 test data takes the model's dtype
    assert scores.dtype == np.float32
    assert ours32.inverse_transform(scores).dtype == np.float32
    assert ours32.score_samples(X).dtype == np.float32
    assert ours32.get_covariance().dtype == np.float32
    close(scores, ours64.transform(X), 1e-4)


# ---------------------------------------------------------------- behaviour


def test_fit_transform_is_fit_then_transform():
    X = correlated_data(50, 6)
    pca = PCA(3, whiten=True)
    np.testing.assert_array_equal(pca.fit_transform(X), PCA(3, whiten=True).fit(X).transform(X))
    assert pca.n_components_ == 3


@pytest.mark.parametrize("shape", [(40, 6), (6, 40)])
@pytest.mark.parametrize("svd_solver", ["auto", "full", "randomized"])
def test_n_components_none_keeps_min_n_d(shape, svd_solver):
    pca = PCA(svd_solver=svd_solver, random_state=0).fit(correlated_data(*shape))
    assert pca.n_components_ == min(shape) == pca.components_.shape[0]


def test_whitened_scores_have_unit_variance_and_invert():
    X = correlated_data(200, 6)
    pca = PCA(4, whiten=True).fit(X)
    scores = pca.transform(X)
    close(scores.std(axis=0, ddof=1), np.ones(4), 1e-12)
    full = PCA(whiten=True).fit(X)
    close(full.inverse_transform(full.transform(X)), X, 1e-12)


def test_random_state():
    X = decaying_data(400, 30, 0.8)

    def fit(state):
        return PCA(3, svd_solver="randomized", random_state=state).fit(X).components_

    np.testing.assert_array_equal(fit(7), fit(np.int64(7)))
    np.testing.assert_array_equal(fit(np.random.RandomState(1)), fit(np.random.RandomState(1)))
    assert principal_angle(fit(1), fit(2)) < 1e-8  # the seed changes the draws, not the answer
    with pytest.raises(ValueError, match="random_state"):
        fit("seed")


def test_get_feature_names_out():
    pd = pytest.importorskip("pandas")
    X = correlated_data(30, 4)
    pca = PCA(2).fit(pd.DataFrame(X, columns=list("abcd")))
    np.testing.assert_array_equal(pca.get_feature_names_out(), ["pca0", "pca1"])
    np.testing.assert_array_equal(pca.get_feature_names_out(list("abcd")), ["pca0", "pca1"])
    with pytest.raises(ValueError, match="input_features"):
        pca.get_feature_names_out(list("abce"))
    with pytest.raises(NotFittedError):
        PCA().get_feature_names_out()


def test_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    X = correlated_data(30, 4)
    frame = pd.DataFrame(X, columns=list("abcd"))
    pca = PCA(2).fit(frame)
    np.testing.assert_array_equal(pca.feature_names_in_, list("abcd"))
    np.testing.assert_array_equal(pca.transform(frame), pca.transform(X))
    with pytest.raises(ValueError, match="feature names should match"):
        pca.transform(frame[list("bacd")])


def test_parameters_without_effect_and_x_is_never_modified():
    X = correlated_data(80, 6)
    X_before = X.copy()
    ref = PCA(3).fit(X).components_
    for params in [{"copy": False}, {"tol": 1.0}, {"power_iteration_normalizer": "LU"}]:
        np.testing.assert_array_equal(PCA(3, **params).fit(X).components_, ref)
    np.testing.assert_array_equal(X, X_before)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_components": "mle"}, "'mle' is not supported"),
        ({"n_components": 0}, "n_components=0 is not supported"),
        ({"n_components": 7},
         "must be between 0 and min\\(n_samples, n_features\\)=6 with svd_solver='full'"),
        ({"n_components": 7, "svd_solver": "randomized"}, "must be between 1 and min"),
        ({"n_components": 0.5, "svd_solver": "randomized"}, "must be between 1 and min"),
        ({"n_components": 1.5}, "n_components must be None, an int >= 1 or a float in \\(0, 1\\)"),
        ({"n_components": True}, "n_components must be"),
        ({"svd_solver": "arpack"}, "svd_solver='arpack' is not supported"),
        ({"svd_solver": "lapack"}, "svd_solver='lapack' is unknown"),
        ({"whiten": "yes"}, "whiten must be a bool"),
        ({"iterated_power": -1}, "iterated_power"),
        ({"n_oversamples": 0}, "n_oversamples"),
        ({"power_iteration_normalizer": "qr"}, "power_iteration_normalizer"),
        ({"tol": -1.0}, "tol"),
    ],
)
def test_bad_params(params, message):
    with pytest.raises(ValueError, match=message):
        PCA(**params).fit(correlated_data(20, 6))


BAD_X = [
    (np.zeros(5), "2-D array"),
    (np.zeros((0, 3)), "0 sample"),
    (np.zeros((5, 0)), "0 feature"),
    (np.zeros((1, 3)), "at least 2 samples.*found 1 sample"),
    (np.array([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]]), "NaN or infinity"),
    (np.ones((2, 2)) + 1j, "Complex data not supported"),
    (np.array([[0.0, 1e200], [1.0, 1.0], [-1e200, 2.0]]), "squared deviations overflow double"),
]


@pytest.mark.parametrize("X, message", BAD_X)
def test_bad_training_data(X, message):
    with pytest.raises(ValueError, match=message):
        PCA().fit(X)


def test_bad_test_data():
    X = correlated_data(30, 4)
    pca = PCA(2).fit(X)
    for method in ["transform", "score_samples", "score"]:
        with pytest.raises(ValueError, match="X has 3 features, but PCA is expecting 4"):
            getattr(pca, method)(X[:, :3])
        with pytest.raises(ValueError, match="NaN or infinity"):
            getattr(pca, method)(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match="X has 3 components, but PCA has 2"):
        pca.inverse_transform(np.zeros((5, 3)))
    with pytest.raises(TypeError, match="dense data is required"):
        sparse = pytest.importorskip("scipy.sparse")
        PCA().fit(sparse.eye(5, format="csr"))


def test_not_fitted():
    for method in ["transform", "inverse_transform", "score_samples", "score"]:
        with pytest.raises(NotFittedError):
            getattr(PCA(), method)(np.eye(2))
    with pytest.raises(NotFittedError):
        PCA().get_covariance()


def test_score_without_noise_on_degenerate_data_is_an_error():
    # all components kept and the centred data of lower rank: no noise variance and a singular
    # covariance, so the log-likelihood is undefined (scikit-learn returns numbers from the
    # inverse of a numerically singular matrix)
    X = correlated_data(100, 3).T  # 3 samples, 100 features: rank 2 once centred
    pca = PCA(3).fit(X)
    assert pca.noise_variance_ == 0
    with pytest.raises(ValueError, match="score_samples is undefined"):
        pca.score(X)


# ---------------------------------------------------------------- persistence


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("whiten", [False, True])
def test_pickle_keeps_everything(dtype, whiten):
    X = correlated_data(40, 5).astype(dtype)
    pca = PCA(3, whiten=whiten).fit(X)
    back = pickle.loads(pickle.dumps(pca))
    assert type(back) is PCA and back.get_params() == pca.get_params()
    np.testing.assert_array_equal(back.components_, pca.components_)
    assert back.components_.dtype == dtype and back.noise_variance_ == pca.noise_variance_
    np.testing.assert_array_equal(back.transform(X), pca.transform(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("json", [False, True])
@pytest.mark.parametrize("whiten", [False, True])
def test_save_load_and_linfa_load(tmp_path, dtype, json, whiten):
    X = correlated_data(40, 5).astype(dtype)
    pca = PCA(3, whiten=whiten).fit(X)
    pca.save(tmp_path / "pca.linfa", json=json)
    for back in [PCA.load(tmp_path / "pca.linfa"), linfa.load(tmp_path / "pca.linfa")]:
        assert type(back) is PCA and back._model.kind == "decomposition.pca"
        assert back.n_components == 3 and back.whiten == whiten  # set by the file
        for name in ["components_", "explained_variance_", "explained_variance_ratio_",
                     "singular_values_", "mean_", "noise_variance_", "n_components_",
                     "n_samples_", "n_features_in_"]:
            np.testing.assert_array_equal(getattr(back, name), getattr(pca, name))
        assert back.components_.dtype == dtype
        np.testing.assert_array_equal(back.transform(X), pca.transform(X))
        np.testing.assert_array_equal(back.score_samples(X), pca.score_samples(X))
        np.testing.assert_array_equal(back.get_precision(), pca.get_precision())


def test_class_load_refuses_another_kind(tmp_path):
    linfa.LinearRegression().fit(np.eye(3), np.arange(3.0)).save(tmp_path / "ols.linfa")
    with pytest.raises(OSError, match="not a 'decomposition.pca' one"):
        PCA.load(tmp_path / "ols.linfa")


def test_works_with_sklearn_tools():
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(0)
    X = correlated_data(120, 8)
    y = (X[:, 0] + 0.1 * rng.randn(120) > X[:, 0].mean()).astype(int)
    pipe = make_pipeline(PCA(), LogisticRegression())
    search = GridSearchCV(pipe, {"pca__n_components": [2, 4, 0.9]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.8
    # PCA's own score (the log-likelihood) drives a search without a scorer
    GridSearchCV(PCA(), {"n_components": [1, 3, 5]}, cv=3).fit(X)
