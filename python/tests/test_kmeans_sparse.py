"""KMeans on scipy.sparse input: the dense model of the same data, scikit-learn's model from
the same centres, every sparse format, no copy of a CSR matrix, and clear errors for malformed
matrices."""

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from linfa import KMeans, MiniBatchKMeans  # noqa: E402
from linfa._validation import check_sparse  # noqa: E402


def sparse_blobs(n=600, d=20, k=4, dtype=np.float64, seed=0):
    """Blobs whose entries below 1 in magnitude are zero: about half of them stored."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-6, 6, size=(k, d))
    X = centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))
    X[np.abs(X) < 1] = 0
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("init", ["random", "k-means++", "k-means||"])
def test_sparse_fit_is_the_dense_fit(dtype, init):
    X = sparse_blobs(dtype=dtype)
    dense = KMeans(4, init=init, n_init=2, random_state=3).fit(X)
    sparse = KMeans(4, init=init, n_init=2, random_state=3).fit(sp.csr_matrix(X))
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)
    assert sparse.cluster_centers_.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(sparse.cluster_centers_, dense.cluster_centers_, rtol=rtol, atol=rtol)
    assert sparse.inertia_ == pytest.approx(dense.inertia_, rel=10 * rtol)
    assert sparse.n_iter_ == dense.n_iter_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_fit_matches_scikit_learn_from_the_same_centres(dtype):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X = sp.csr_matrix(sparse_blobs(n=2000, d=50, k=6, dtype=dtype, seed=4))
    init = X[:6].toarray()
    ours = KMeans(6, init=init, n_init=1, max_iter=50).fit(X)
    theirs = sklearn_cluster.KMeans(6, init=init, n_init=1, max_iter=50, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=rtol, atol=rtol)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rtol)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("convert", ["csr_array", "csc", "coo", "lil", "dok", "bsr", "int64"])
def test_every_sparse_format_gives_the_csr_model(convert):
    X = sparse_blobs(n=300)
    csr = sp.csr_matrix(X)
    if convert == "csr_array":
        other = sp.csr_array(X)
    elif convert == "int64":
        other = csr.copy()
        other.indices, other.indptr = other.indices.astype(np.int64), other.indptr.astype(np.int64)
    else:
        other = getattr(csr, "to" + convert)()
    expected = KMeans(4, random_state=0).fit(csr)
    got = KMeans(4, random_state=0).fit(other)
    np.testing.assert_array_equal(got.cluster_centers_, expected.cluster_centers_)
    np.testing.assert_array_equal(got.predict(other), expected.labels_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_csr_matrix_is_viewed_not_copied(dtype):
    X = sp.csr_matrix(sparse_blobs(dtype=dtype))
    view = check_sparse(X)
    assert view.dtype == dtype and view.shape == X.shape
    for ours, theirs in ((view.data, X.data), (view.indices, X.indices), (view.indptr, X.indptr)):
        assert np.shares_memory(ours, theirs)
    assert check_sparse(view) is view  # converted once: fit_transform passes it on as it is


def test_integer_sparse_data_becomes_float64():
    X = sp.csr_matrix((sparse_blobs() * 10).astype(np.int64))
    km = KMeans(4, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float64
    assert check_sparse(X.astype(np.float32), dtype=np.float64).dtype == np.float64


def test_predict_like_methods_take_sparse_and_dense_rows_alike():
    X = sparse_blobs()
    Xs = sp.csr_matrix(X)
    km = KMeans(4, random_state=0).fit(Xs)
    np.testing.assert_array_equal(km.predict(Xs), km.labels_)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    np.testing.assert_allclose(km.transform(Xs), km.transform(X), rtol=1e-10, atol=1e-10)
    assert km.score(Xs) == pytest.approx(km.score(X), rel=1e-12)
    assert km.score(Xs) == pytest.approx(-km.inertia_, rel=1e-12)
    np.testing.assert_array_equal(KMeans(4, random_state=0).fit_predict(Xs), km.labels_)
    np.testing.assert_allclose(KMeans(4, random_state=0).fit_transform(Xs), km.transform(X), rtol=1e-10, atol=1e-10)
    on_dense = KMeans(4, random_state=0).fit(X)
    np.testing.assert_array_equal(on_dense.predict(Xs), on_dense.labels_)
    # float32 rows for a float64 model are converted once
    np.testing.assert_array_equal(km.predict(Xs.astype(np.float32)), km.predict(X.astype(np.float32)))


def test_sample_weight_on_sparse_rows():
    X = sparse_blobs()
    w = np.random.default_rng(1).uniform(0, 2, X.shape[0])
    dense = KMeans(4, random_state=0).fit(X, sample_weight=w)
    sparse = KMeans(4, random_state=0).fit(sp.csr_matrix(X), sample_weight=w)
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)
    np.testing.assert_allclose(sparse.cluster_centers_, dense.cluster_centers_, rtol=1e-12, atol=1e-12)
    assert sparse.score(sp.csr_matrix(X), sample_weight=w) == pytest.approx(dense.score(X, sample_weight=w), rel=1e-12)


def malformed(kind):
    X = sp.csr_matrix(sparse_blobs(n=10, d=5))
    data, indices, indptr = X.data.copy(), X.indices.copy(), X.indptr.copy()
    if kind == "nan":
        data[2] = np.nan
    elif kind == "inf":
        data[2] = np.inf
    elif kind == "column":
        indices[2] = 7
    elif kind == "negative column":
        indices[2] = -1
    elif kind == "indptr":
        indptr[3], indptr[4] = indptr[4], indptr[3]
    elif kind == "lengths":
        data = data[:-1]
    return _raw(data, indices, indptr, X.shape)


def _raw(data, indices, indptr, shape):
    """A csr_matrix over the given arrays without scipy's own checks."""
    m = sp.csr_matrix(shape, dtype=data.dtype)
    m.data, m.indices, m.indptr = data, indices, indptr
    return m


@pytest.mark.parametrize(
    "kind, message",
    [
        ("nan", r"CSR data contain NaN or infinity \(row 0, column"),
        ("inf", r"CSR data contain NaN or infinity \(row 0, column"),
        ("column", r"CSR column index 7 out of range \[0, 5\) in row 0"),
        ("negative column", r"CSR column index -1 out of range \[0, 5\) in row 0"),
        ("indptr", r"CSR indptr decreases at row 3"),
        ("lengths", r"CSR indices and data differ in length"),
    ],
)
def test_malformed_sparse_input_is_refused_by_fit_and_predict(kind, message):
    X = malformed(kind)
    with pytest.raises(ValueError, match=message):
        KMeans(2, random_state=0).fit(X)
    km = KMeans(2, random_state=0).fit(sparse_blobs(n=10, d=5))
    with pytest.raises(ValueError, match=message):
        km.predict(X)


def test_sparse_input_of_the_wrong_width_or_empty_is_refused():
    km = KMeans(2, random_state=0).fit(sp.csr_matrix(sparse_blobs(n=50, d=5)))
    with pytest.raises(ValueError, match="X has 6 features, but KMeans is expecting 5 features"):
        km.predict(sp.csr_matrix(np.ones((3, 6))))
    with pytest.raises(ValueError, match="0 sample"):
        KMeans(2).fit(sp.csr_matrix((0, 5)))
    with pytest.raises(ValueError, match=r"n_samples=1 should be >= n_clusters=2\."):
        KMeans(2).fit(sp.csr_matrix(np.ones((1, 5))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_minibatch_kmeans_on_sparse_rows_is_the_dense_fit(dtype):
    X = sparse_blobs(n=3000, dtype=dtype)
    w = np.random.default_rng(2).uniform(0.5, 2, X.shape[0]).astype(dtype)
    dense = MiniBatchKMeans(4, batch_size=256, random_state=0).fit(X, sample_weight=w)
    sparse = MiniBatchKMeans(4, batch_size=256, random_state=0).fit(sp.csr_matrix(X), sample_weight=w)
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)
    assert sparse.n_steps_ == dense.n_steps_
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(sparse.cluster_centers_, dense.cluster_centers_, rtol=rtol, atol=rtol)
    streamed = {}
    for kind, data in (("dense", X), ("sparse", sp.csr_matrix(X))):
        km = MiniBatchKMeans(4, random_state=0)
        for start in range(0, X.shape[0], 500):
            km.partial_fit(data[start:start + 500])
        streamed[kind] = km
    np.testing.assert_allclose(streamed["sparse"].cluster_centers_, streamed["dense"].cluster_centers_, rtol=rtol, atol=rtol)
    np.testing.assert_array_equal(streamed["sparse"].labels_, streamed["dense"].labels_)
