"""linfa.DBSCAN: scikit-learn's DBSCAN over the C++ ``linfa::clustering::DbscanParams``.

DBSCAN labels the data it is given and leaves no model (nothing to predict new data with, as
in scikit-learn), so this estimator holds arrays, not a C++ model: it has no ``save``."""

import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import native_function
from ._neighbors import _ALGORITHMS, _check_metric, _check_sparse_fit
from ._params import ParamsMixin
from ._validation import _scipy_csr, check_array, check_sample_weight, feature_names_of, is_bool, is_int



class DBSCAN(ParamsMixin):
    """Density-based clustering, computed in C++ (linfa): a sample with at least
    ``min_samples`` samples (itself included; or that much sample weight) within ``eps`` is a
    core sample; core samples within ``eps`` of one another share a cluster; other samples
    within ``eps`` of a core sample are border samples of its cluster; the rest is noise (-1).
    The radius queries run in parallel over linfa's KD-tree, ball tree or blocked brute force
    (sparse brute force for sparse X);
    memory grows with the number of neighbour pairs, never n x n.

    Parameters follow ``sklearn.cluster.DBSCAN``: ``eps=0.5``, ``min_samples=5``,
    ``metric`` ("euclidean", "manhattan", "chebyshev", "minkowski" and their aliases, or
    "precomputed": X is a square matrix of distances, dense or sparse, a sparse one's missing
    entries being no neighbours),
    ``metric_params`` (None, or ``{"p": p}``), ``algorithm`` ("auto", "ball_tree", "kd_tree",
    "brute"), ``leaf_size=30``, ``p`` (Minkowski's power, >= 1; None: 2) and ``n_jobs``
    (accepted and ignored: the threads are OpenMP's, ``OMP_NUM_THREADS``).

    Attributes (after ``fit``): ``labels_`` (int64), ``core_sample_indices_`` (increasing),
    ``components_`` (the core samples' rows of X), ``n_features_in_``, ``feature_names_in_``.

    Differences worth knowing: a border sample within ``eps`` of core samples of two clusters
    joins the cluster of its first such core neighbour in row order (scikit-learn: whichever
    cluster's expansion reaches it first), so labels never depend on the thread count; core
    samples, noise and the clusters' numbering are scikit-learn's. A callable metric is refused
    (ValueError). Sparse X (scipy.sparse, CSR without a copy) is clustered by sparse brute force
    with the clusters of its dense form, as scikit-learn does: euclidean or manhattan only, and
    a warning when a tree was asked for; ``components_`` is then a CSR matrix.
    """

    def __init__(
        self,
        eps=0.5,
        *,
        min_samples=5,
        metric="euclidean",
        metric_params=None,
        algorithm="auto",
        leaf_size=30,
        p=None,
        n_jobs=None,
    ):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.metric_params = metric_params
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        """Clusters X (y is ignored), with optional sample weights counting towards
        ``min_samples``. Returns self."""
        eps, min_samples, metric, p, leaf_size = self._check_params()
        names = feature_names_of(X)
        if metric == "precomputed":
            X, offsets, indices = _neighbourhoods_within(X, eps)
            weights = check_sample_weight(sample_weight, X.shape[0], np.float64)
            labels, core = _linfa.dbscan_label_neighbourhoods(offsets, indices, weights, min_samples)
        else:
            X = check_array(X, accept_sparse=True)
            if isinstance(X, (_linfa.CsrF32, _linfa.CsrF64)):
                _check_sparse_fit(self.algorithm, metric, p)
            weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
            labels, core = native_function("dbscan_fit_predict", X.dtype)(
                X, weights, eps, min_samples, metric, p, self.algorithm, leaf_size
            )
        self.labels_ = labels.astype(np.int64)
        self.core_sample_indices_ = core
        self.components_ = (_scipy_csr(X) if isinstance(X, (_linfa.CsrF32, _linfa.CsrF64)) else X)[core].copy()
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif "feature_names_in_" in self.__dict__:
            del self.feature_names_in_
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """``fit``, then the labels of X's samples (-1 for noise)."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def _check_params(self):
        """(eps, min_samples, metric name, p, leaf_size), with scikit-learn's rules."""
        eps = self.eps
        if not isinstance(eps, numbers.Real) or is_bool(eps) or not np.isfinite(eps) or eps <= 0:
            raise ValueError(f"The 'eps' parameter of DBSCAN must be a float in the range (0.0, inf). Got {eps!r} instead.")
        min_samples = self.min_samples
        if not is_int(min_samples) or min_samples < 1:
            raise ValueError(
                f"The 'min_samples' parameter of DBSCAN must be an int in the range [1, inf). Got {min_samples!r} instead."
            )
        leaf_size = self.leaf_size
        if not is_int(leaf_size) or leaf_size < 1:
            raise ValueError(
                f"The 'leaf_size' parameter of DBSCAN must be an int in the range [1, inf). Got {leaf_size!r} instead."
            )
        if self.algorithm not in _ALGORITHMS:
            raise ValueError(f"The 'algorithm' parameter of DBSCAN must be a str among {set(_ALGORITHMS)}. Got {self.algorithm!r} instead.")
        if self.metric == "precomputed":
            return float(eps), int(min_samples), "precomputed", 2.0, int(leaf_size)
        if self.metric_params is not None and not isinstance(self.metric_params, dict):
            raise ValueError(f"metric_params must be None or a dict, found {self.metric_params!r}")
        if "p" in (self.metric_params or {}) and self.p is not None:
            warnings.warn(
                "Parameter p is found in metric_params. The corresponding parameter from __init__ is ignored.",
                SyntaxWarning,
                stacklevel=3,
            )
        metric, p = _check_metric(self.metric, self.p, self.metric_params)
        return float(eps), int(min_samples), metric, float(p), int(leaf_size)

    def _more_tags(self):
        return {"preserves_dtype": [np.float64, np.float32]}


def _neighbourhoods_within(D, eps):
    """(D checked, offsets, indices): each sample's neighbours within eps in a square matrix of
    precomputed distances, as compressed rows. A sparse matrix's stored entries are its only
    distances, with each sample its own neighbour (its diagonal made explicit, as
    scikit-learn's DBSCAN does) and D itself left untouched."""
    sparse = hasattr(D, "tocsr") and hasattr(D, "nnz")
    if sparse:
        D = D.tocsr(copy=True).astype(np.float64)
        with warnings.catch_warnings():  # setting the diagonal changes the sparsity: intended
            warnings.simplefilter("ignore")
            D.setdiag(D.diagonal())
        D.sum_duplicates()
        values = D.data
    else:
        D = check_array(D, dtype=np.float64)
        values = D
    n = D.shape[0]
    if D.shape[1] != n:
        raise ValueError(f"Precomputed matrix must be square. Input is a {D.shape[0]}x{D.shape[1]} matrix.")
    if not np.all(np.isfinite(values)):
        raise ValueError("Input contains NaN or infinity: precomputed distances must be finite.")
    if (values < 0).any():
        raise ValueError("Negative values in data passed to precomputed distance matrix.")
    if sparse:
        within = values <= eps
        rows = np.repeat(np.arange(n), np.diff(D.indptr))[within]
        indices = D.indices[within].astype(np.int64)
    else:
        rows, indices = np.nonzero(D <= eps)
        indices = indices.astype(np.int64)
    offsets = np.zeros(n + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum(np.bincount(rows, minlength=n))
    return D, offsets, np.ascontiguousarray(indices)


def dbscan(
    X,
    eps=0.5,
    *,
    min_samples=5,
    metric="minkowski",
    metric_params=None,
    algorithm="auto",
    leaf_size=30,
    p=2,
    sample_weight=None,
    n_jobs=None,
):
    """scikit-learn's ``sklearn.cluster.dbscan`` over linfa's DBSCAN: (core_sample_indices,
    labels) of X, with the parameters of ``DBSCAN``."""
    found = DBSCAN(
        eps,
        min_samples=min_samples,
        metric=metric,
        metric_params=metric_params,
        algorithm=algorithm,
        leaf_size=leaf_size,
        p=p,
        n_jobs=n_jobs,
    ).fit(X, sample_weight=sample_weight)
    return found.core_sample_indices_, found.labels_
