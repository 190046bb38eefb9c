"""The neighbour estimators and DBSCAN on scipy.sparse X: NearestNeighbors, KNeighborsClassifier,
KNeighborsRegressor and DBSCAN fitted on a CSR matrix give exactly the answers of its dense copy
(neighbours, distances, predictions, labels: bit for bit) and scikit-learn's answers on the same
sparse data; dense and sparse queries mix; other formats, int64 indices and float32 are taken;
scikit-learn's rules for sparse input (brute force, its metrics, no sparse queries to a tree)
hold; sparse fits save, load and pickle."""

import pickle
import warnings

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from linfa import DBSCAN, KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors, load  # noqa: E402

DTYPES = [np.float32, np.float64]
METRICS = [("euclidean", 2), ("manhattan", 2), ("minkowski", 1), ("minkowski", 2)]


def sparse_grid(n=120, d=25, density=0.2, dtype=np.float64, seed=0):
    """About `density` of the entries stored, on a coarse grid (ties), some rows repeated."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-4, 5, size=(n, d)) * 0.5 * (rng.random((n, d)) < density)
    X[7::7] = X[: len(X[7::7])]
    return X.astype(dtype)


def labels_of(X):
    return np.array(["a", "b", "c"])[(np.abs(X).sum(axis=1) * 2).astype(int) % 3]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric,p", METRICS)
def test_nearest_neighbors_on_sparse_x_answer_as_on_its_dense_copy(dtype, metric, p):
    X, Q = sparse_grid(dtype=dtype), sparse_grid(40, dtype=dtype, seed=1)
    dense = NearestNeighbors(n_neighbors=6, radius=2.5, metric=metric, p=p).fit(X)
    sparse = NearestNeighbors(n_neighbors=6, radius=2.5, metric=metric, p=p).fit(sp.csr_matrix(X))
    assert sparse._fit_method == "brute"
    assert sp.issparse(sparse._fit_X)
    np.testing.assert_array_equal(sparse._fit_X.toarray(), X)
    expected = dense.kneighbors(Q)
    for query in (sp.csr_matrix(Q), Q):
        got = sparse.kneighbors(query)
        np.testing.assert_array_equal(got[1], expected[1])
        np.testing.assert_array_equal(got[0], expected[0])
        assert got[0].dtype == dtype
    brute = NearestNeighbors(n_neighbors=6, radius=2.5, metric=metric, p=p, algorithm="brute").fit(X)
    np.testing.assert_array_equal(brute.kneighbors(sp.csr_matrix(Q))[1], expected[1])
    for a, b in zip(dense.radius_neighbors(Q)[1], sparse.radius_neighbors(sp.csr_matrix(Q))[1]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sparse.kneighbors()[1], dense.kneighbors()[1])  # the training rows, each itself excluded
    assert (sparse.kneighbors_graph() != dense.kneighbors_graph()).nnz == 0


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_nearest_neighbors_on_sparse_x_match_scikit_learn(metric):
    from sklearn.neighbors import NearestNeighbors as SkNearestNeighbors

    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 40)) * (rng.random((200, 40)) < 0.15)  # continuous values: no ties
    Q = rng.normal(size=(30, 40)) * (rng.random((30, 40)) < 0.15)
    ours = NearestNeighbors(n_neighbors=5, metric=metric).fit(sp.csr_matrix(X))
    theirs = SkNearestNeighbors(n_neighbors=5, metric=metric).fit(sp.csr_matrix(X))
    distances, indices = ours.kneighbors(sp.csr_matrix(Q))
    expected_distances, expected_indices = theirs.kneighbors(sp.csr_matrix(Q))
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_allclose(distances, expected_distances, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_models_fitted_on_sparse_x_predict_as_on_its_dense_copy(dtype, weights):
    X, Q = sparse_grid(dtype=dtype), sparse_grid(50, dtype=dtype, seed=2)
    y = labels_of(X)
    targets = np.column_stack([X[:, 0] * 3 + X[:, 1], np.arange(len(X))]).astype(dtype)
    for form in (sp.csr_matrix, sp.csc_matrix, sp.coo_matrix, lambda a: sp.csr_matrix(a, dtype=dtype).astype(dtype)):
        dense = KNeighborsClassifier(n_neighbors=5, weights=weights).fit(X, y)
        sparse = KNeighborsClassifier(n_neighbors=5, weights=weights).fit(form(X), y)
        for query in (Q, sp.csr_matrix(Q)):
            np.testing.assert_array_equal(sparse.predict(query), dense.predict(Q))
            np.testing.assert_array_equal(sparse.predict_proba(query), dense.predict_proba(Q))
            np.testing.assert_array_equal(dense.predict(query), dense.predict(Q))
        regressor = KNeighborsRegressor(n_neighbors=4, weights=weights)
        expected = regressor.fit(X, targets).predict(Q)
        got = KNeighborsRegressor(n_neighbors=4, weights=weights).fit(form(X), targets).predict(sp.csr_matrix(Q))
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == dtype


def test_models_on_sparse_x_match_scikit_learn():
    from sklearn.neighbors import KNeighborsClassifier as SkClassifier, KNeighborsRegressor as SkRegressor

    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 30)) * (rng.random((300, 30)) < 0.2)
    Q = rng.normal(size=(60, 30)) * (rng.random((60, 30)) < 0.2)
    y = (X[:, :3].sum(axis=1) > 0).astype(int) + (X[:, 3] > 0)
    for weights in ("uniform", "distance"):
        ours = KNeighborsClassifier(7, weights=weights).fit(sp.csr_matrix(X), y)
        theirs = SkClassifier(7, weights=weights).fit(sp.csr_matrix(X), y)
        np.testing.assert_array_equal(ours.predict(sp.csr_matrix(Q)), theirs.predict(sp.csr_matrix(Q)))
        np.testing.assert_allclose(ours.predict_proba(sp.csr_matrix(Q)), theirs.predict_proba(sp.csr_matrix(Q)), rtol=1e-10)
        target = X[:, 0] * 2 - X[:, 5]
        np.testing.assert_allclose(
            KNeighborsRegressor(7, weights=weights).fit(sp.csr_matrix(X), target).predict(sp.csr_matrix(Q)),
            SkRegressor(7, weights=weights).fit(sp.csr_matrix(X), target).predict(sp.csr_matrix(Q)),
            rtol=1e-10,
        )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("metric,p", METRICS)
def test_dbscan_on_sparse_x_finds_the_clusters_of_its_dense_copy_and_scikit_learns(dtype, metric, p):
    from sklearn.cluster import DBSCAN as SkDBSCAN

    X = sparse_grid(300, 10, 0.4, dtype=dtype, seed=5)
    weights = np.linspace(0.5, 2.0, len(X)).astype(dtype)
    eps = 2.0 if metric == "manhattan" or p == 1 else 1.2
    for sample_weight in (None, weights):
        dense = DBSCAN(eps=eps, min_samples=4, metric=metric, p=p).fit(X, sample_weight=sample_weight)
        sparse = DBSCAN(eps=eps, min_samples=4, metric=metric, p=p).fit(sp.csr_matrix(X), sample_weight=sample_weight)
        np.testing.assert_array_equal(sparse.labels_, dense.labels_)
        np.testing.assert_array_equal(sparse.core_sample_indices_, dense.core_sample_indices_)
        assert sp.issparse(sparse.components_)
        np.testing.assert_array_equal(sparse.components_.toarray(), dense.components_)
        theirs = SkDBSCAN(eps=eps, min_samples=4, metric=metric, p=p).fit(sp.csr_matrix(X.astype(np.float64)), sample_weight=sample_weight)
        np.testing.assert_array_equal(sparse.core_sample_indices_, theirs.core_sample_indices_)
        assert set(sparse.labels_) == set(theirs.labels_)


def test_int64_indices_and_unsorted_columns_are_taken():
    X = sparse_grid()
    rows = [sp.csr_matrix(X[i : i + 1]) for i in range(len(X))]  # each row's columns descending
    data = np.concatenate([r.data[::-1] for r in rows])
    indices = np.concatenate([r.indices[::-1] for r in rows]).astype(np.int64)
    indptr = np.concatenate([[0], np.cumsum([r.nnz for r in rows])]).astype(np.int64)
    unsorted = sp.csr_matrix((data, indices, indptr), shape=X.shape)
    assert not unsorted.has_sorted_indices
    y = labels_of(X)
    expected = KNeighborsClassifier(3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(KNeighborsClassifier(3).fit(unsorted, y).predict_proba(unsorted), expected)


def test_scikit_learns_rules_for_sparse_input():
    X = sparse_grid()
    y = labels_of(X)
    with pytest.warns(UserWarning, match="cannot use tree with sparse input: using brute force"):
        model = KNeighborsClassifier(algorithm="kd_tree").fit(sp.csr_matrix(X), y)
    assert model._fit_method == "brute"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KNeighborsClassifier(algorithm="brute").fit(sp.csr_matrix(X), y)
    for estimator in (NearestNeighbors(metric="chebyshev"), KNeighborsRegressor(metric="minkowski", p=3), DBSCAN(metric="chebyshev")):
        with pytest.raises(ValueError, match="Metric '(chebyshev|minkowski)' not valid for sparse input"):
            estimator.fit(sp.csr_matrix(X), X[:, 0])
    tree = KNeighborsClassifier(algorithm="ball_tree").fit(X, y)
    with pytest.raises(ValueError, match="ball_tree does not work with sparse matrices"):
        tree.predict(sp.csr_matrix(X))
    with pytest.raises(ValueError, match="kd_tree does not work with sparse matrices"):
        NearestNeighbors(algorithm="kd_tree").fit(X).kneighbors(sp.csr_matrix(X))


def test_bad_sparse_input_gets_a_clear_error():
    X = sparse_grid()
    y = labels_of(X)
    bad = sp.csr_matrix(X)
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        KNeighborsClassifier().fit(bad, y)
    model = KNeighborsClassifier().fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.predict(bad)
    with pytest.raises(ValueError, match="X has 24 features, but KNeighborsClassifier is expecting 25 features"):
        model.predict(sp.csr_matrix(X[:, :24]))
    with pytest.raises(ValueError):
        KNeighborsClassifier(n_neighbors=200).fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        DBSCAN().fit(bad)


def test_sparse_fits_save_load_and_pickle(tmp_path):
    X = sparse_grid(dtype=np.float32)
    y = labels_of(X)
    model = KNeighborsClassifier(4, weights="distance").fit(sp.csr_matrix(X), y)
    path = tmp_path / "knn.linfa"
    model.save(path)
    loaded = load(path)
    np.testing.assert_array_equal(loaded.predict_proba(sp.csr_matrix(X)), model.predict_proba(X))
    assert sp.issparse(loaded._fit_X)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    index = pickle.loads(pickle.dumps(NearestNeighbors(n_neighbors=3).fit(sp.csr_matrix(X))))
    np.testing.assert_array_equal(index.kneighbors(X)[1], NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)[1])
