"""linfa.KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors, KDTree and BallTree:
scikit-learn's neighbours interfaces over the C++ ``linfa::nn::NeighbourIndex`` (brute force,
KD-tree or ball tree; all answer the same, bit for bit, ties in distance going to the lower
training row) and ``linfa::neighbors`` models.

Metrics: euclidean / l2, manhattan / l1 / cityblock, chebyshev / infinity, minkowski with a
finite p >= 1. Other metrics, callables, ``metric_params`` other than ``{"p": ...}`` and
callable ``weights`` raise ValueError.

scipy.sparse X (any format; CSR is used without a copy) is indexed by sparse brute force, as
scikit-learn does: a tree algorithm asked for warns and falls back, and the effective metric
must be euclidean or manhattan (scikit-learn's sparse metrics that linfa has). The neighbours
and distances are those of the dense form of X, bit for bit. A model fitted on dense X with a
tree refuses sparse queries, as scikit-learn's does; brute force takes either."""

import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import native_function, register_estimator, LinfaEstimator
from ._classifier import LinfaClassifier, encode_labels
from ._params import ParamsMixin
from ._validation import check_array, dense_targets, is_bool, is_sparse

_METRICS = ("euclidean", "l2", "manhattan", "l1", "cityblock", "chebyshev", "infinity", "minkowski", "p")
_ALGORITHMS = ("auto", "brute", "kd_tree", "ball_tree")


def _check_metric(metric, p, metric_params):
    """(metric name for C++, p): scikit-learn's names and checks, for the metrics linfa has."""
    if metric_params:
        extra = set(metric_params) - {"p"}
        if extra:
            raise ValueError(f"metric_params {sorted(extra)} are not supported by linfa (only 'p')")
        p = metric_params["p"]
    if callable(metric) or not isinstance(metric, str) or metric not in _METRICS:
        raise ValueError(
            f"Metric {metric!r} not valid; linfa supports {', '.join(_METRICS[:-1])} "
            "(callables and other metrics are not supported)"
        )
    if metric == "p":
        metric = "minkowski"
    if metric == "minkowski" and isinstance(p, numbers.Real) and p == np.inf:
        return "chebyshev", 2.0  # scikit-learn's effective metric for p = inf
    if metric == "minkowski":
        if p is None:
            p = 2
        if not isinstance(p, numbers.Real) or is_bool(p) or not np.isfinite(p) or p < 1:
            raise ValueError(f"p must be a finite number >= 1 for the minkowski metric, found {p!r}")
        return metric, float(p)
    return metric, 2.0


def _check_int(value, name, low=1):
    if not isinstance(value, numbers.Integral) or is_bool(value) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, found {value!r}")
    return int(value)


def _check_algorithm(algorithm):
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(_ALGORITHMS)}; found {algorithm!r}")
    return algorithm


def _effective_metric(metric, p):
    """scikit-learn's effective_metric_: minkowski with p = 1 / 2 is manhattan / euclidean."""
    if metric in ("l2",):
        return "euclidean"
    if metric in ("l1", "cityblock"):
        return "manhattan"
    if metric == "infinity":
        return "chebyshev"
    if metric == "minkowski" and p == 2:
        return "euclidean"
    if metric == "minkowski" and p == 1:
        return "manhattan"
    return metric


_SPARSE_METRICS = ("euclidean", "manhattan")


def _check_sparse_fit(algorithm, metric, p):
    """scikit-learn's rules for sparse training data: brute force (a warning when a tree was
    asked for) and a metric valid for sparse input."""
    if algorithm not in ("auto", "brute"):
        warnings.warn("cannot use tree with sparse input: using brute force")
    effective = _effective_metric(metric, p)
    if effective not in _SPARSE_METRICS:
        raise ValueError(
            f"Metric '{effective}' not valid for sparse input. Use "
            "sorted(sklearn.neighbors.VALID_METRICS_SPARSE['brute']) to get valid options. "
            "Metric can also be a callable function."
        )


def _is_csr_view(X):
    return isinstance(X, (_linfa.CsrF32, _linfa.CsrF64))


def _check_sparse_query(X, fit_method):
    """scikit-learn's error for sparse queries against a tree."""
    if _is_csr_view(X) and fit_method in ("kd_tree", "ball_tree"):
        raise ValueError(f"{fit_method} does not work with sparse matrices. Densify the data, or set algorithm='brute'")
    return X


def _scipy_records(native):
    """A scipy CSR matrix of the (data, indices, indptr, shape) a model or index returns."""
    import scipy.sparse

    data, indices, indptr, shape = native
    return scipy.sparse.csr_matrix((data, indices, indptr), shape=tuple(shape))


def _radius_lists(offsets, indices, distances, n_queries, return_distance, sort_results):
    """Object arrays of per-query index (and distance) arrays from the C++ CSR answer."""
    ind = np.empty(n_queries, dtype=object)
    dist = np.empty(n_queries, dtype=object)
    for q in range(n_queries):
        i = indices[offsets[q] : offsets[q + 1]]
        d = distances[offsets[q] : offsets[q + 1]]
        if sort_results:
            order = np.argsort(d, kind="stable")  # rows ascending: ties stay by row
            i, d = i[order], d[order]
        ind[q], dist[q] = i, d
    return (dist, ind) if return_distance else ind


class _KNeighborsMixin:
    """kneighbors / radius_neighbors over ``self._query_index()`` (a bound index or model) and
    the training rows ``self._fit_X``."""

    def _neighbours_of(self, X, n_neighbors):
        raise NotImplementedError

    def _fit_rows(self):
        """The training rows as the extension takes them: an array, or a CSR view."""
        X = self._fit_X
        return check_array(X, accept_sparse=True) if is_sparse(X) else X

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """(distances, indices) of the n_neighbors nearest training samples of each row of X,
        nearest first; X None: of each training sample, itself excluded (scikit-learn's
        rule)."""
        self._check_fitted()
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        k = _check_int(k, "n_neighbors")
        n_fit = self.n_samples_fit_
        query_is_train = X is None
        if query_is_train:
            X = self._fit_rows()
            k += 1
        else:
            X = self._check_query(X)
        if k > n_fit:
            shown = k - 1 if query_is_train else k
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {k}, "
                f"n_samples_fit = {n_fit}, n_samples = {X.shape[0]}"
                if not query_is_train
                else f"Expected n_neighbors < n_samples_fit, but n_neighbors = {shown}, n_samples_fit = {n_fit}"
            )
        dist, ind = self._neighbours_of(X, k)
        if query_is_train:
            n = X.shape[0]
            rows = np.arange(n)[:, None]
            mask = ind != rows
            # a sample missing from its own list (duplicates nearer): drop the last instead
            mask[np.sum(mask, axis=1) == k, -1] = False
            ind = ind[mask].reshape(n, k - 1)
            dist = dist[mask].reshape(n, k - 1)
        return (dist, ind) if return_distance else ind

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """Training samples within ``radius`` (distance <= radius) of each row of X, as object
        arrays of index (and distance) arrays; X None: of each training sample, itself
        excluded."""
        self._check_fitted()
        r = self.radius if radius is None else radius
        if not isinstance(r, numbers.Real) or np.isnan(r) or r < 0:
            raise ValueError(f"radius must be a number >= 0, found {r!r}")
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        query_is_train = X is None
        X = self._fit_rows() if query_is_train else self._check_query(X)
        offsets, indices, distances = self._index().radius_neighbors(X, float(r))
        result = _radius_lists(offsets, indices, distances, X.shape[0], True, sort_results)
        dist, ind = result
        if query_is_train:
            for q in range(X.shape[0]):
                keep = ind[q] != q
                ind[q], dist[q] = ind[q][keep], dist[q][keep]
        return (dist, ind) if return_distance else ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """scikit-learn's kneighbors_graph: a CSR matrix n_queries x n_samples_fit."""
        from scipy.sparse import csr_matrix

        k = self.n_neighbors if n_neighbors is None else n_neighbors
        dist, ind = self.kneighbors(X, k, return_distance=True)
        n_queries = ind.shape[0]
        if mode == "connectivity":
            data = np.ones(ind.size)
        elif mode == "distance":
            data = np.ravel(dist)
        else:
            raise ValueError(f'Unsupported mode, must be one of "connectivity", or "distance" but got "{mode}" instead')
        indptr = np.arange(0, n_queries * ind.shape[1] + 1, ind.shape[1])
        return csr_matrix((data, ind.ravel(), indptr), shape=(n_queries, self.n_samples_fit_))

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity", sort_results=False):
        """scikit-learn's radius_neighbors_graph: a CSR matrix n_queries x n_samples_fit."""
        from scipy.sparse import csr_matrix

        dist, ind = self.radius_neighbors(X, radius, return_distance=True, sort_results=sort_results)
        lengths = np.array([len(i) for i in ind], dtype=np.int64)
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        columns = np.concatenate(list(ind)) if len(ind) else np.empty(0, np.int64)
        if mode == "connectivity":
            data = np.ones(len(columns))
        elif mode == "distance":
            data = np.concatenate(list(dist)) if len(dist) else np.empty(0)
        else:
            raise ValueError(f'Unsupported mode, must be one of "connectivity", or "distance" but got "{mode}" instead')
        return csr_matrix((data, columns.astype(np.int64), indptr), shape=(len(ind), self.n_samples_fit_))


class NearestNeighbors(_KNeighborsMixin, ParamsMixin):
    """Unsupervised nearest neighbours, as scikit-learn's NearestNeighbors, over a C++ index
    (``linfa::nn::NeighbourIndex``). Parameters follow scikit-learn's: ``n_neighbors=5,
    radius=1.0, algorithm="auto", leaf_size=30, metric="minkowski", p=2, metric_params=None,
    n_jobs=None`` (n_jobs is ignored: OpenMP uses every core)."""

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30, metric="minkowski", p=2,
                 metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Indexes X. Returns self."""
        _check_int(self.n_neighbors, "n_neighbors")
        metric, p = _check_metric(self.metric, self.p, self.metric_params)
        algorithm = _check_algorithm(self.algorithm)
        leaf_size = _check_int(self.leaf_size, "leaf_size")
        X = check_array(_training_rows(X), accept_sparse=True)
        if _is_csr_view(X):
            _check_sparse_fit(algorithm, metric, p)
        self._built = native_index(X, algorithm, leaf_size, metric, p, self.n_neighbors)
        self._fit_X = _scipy_records(self._built.sparse_points) if self._built.sparse else X
        self.n_samples_fit_ = X.shape[0]
        self.n_features_in_ = X.shape[1]
        self.effective_metric_ = _effective_metric(metric, p)
        self.effective_metric_params_ = {"p": p} if metric == "minkowski" else {}
        self._fit_method = self._built.algorithm
        return self

    def _check_fitted(self):
        if "_built" not in self.__dict__:
            from ._errors import NotFittedError

            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator."
            )

    def __sklearn_is_fitted__(self):
        return "_built" in self.__dict__

    def _index(self):
        return self._built

    def _check_query(self, X):
        X = check_array(X, dtype=self._fit_X.dtype, accept_sparse=True)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input."
            )
        return _check_sparse_query(X, self._fit_method)

    def _neighbours_of(self, X, k):
        return self._built.kneighbors(X, k)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_built", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_fit_X" in state:
            metric, p = _check_metric(self.metric, self.p, self.metric_params)
            self._built = native_index(self._fit_rows(), self.algorithm, self.leaf_size, metric, p, self.n_neighbors)

    def _more_tags(self):
        return {"preserves_dtype": [np.float64, np.float32], "requires_y": False}


def _training_rows(X):
    """X, or the training rows of a fitted NearestNeighbors / KDTree / BallTree (scikit-learn
    accepts those as X)."""
    if isinstance(X, (NearestNeighbors, _FittedNeighbors)):
        return X._fit_X
    if isinstance(X, _BinaryTree):
        return X.data
    for name in ("_fit_X", "data"):  # scikit-learn's own fitted estimators and trees
        if type(X).__module__.startswith("sklearn.neighbors") and hasattr(X, name):
            return np.asarray(getattr(X, name))
    return X


def native_index(X, algorithm, leaf_size, metric, p, n_neighbors=0):
    """The C++ index of X's dtype (X an array or a CSR view)."""
    cls = _linfa.NeighbourIndexF32 if X.dtype == np.float32 else _linfa.NeighbourIndexF64
    return cls(X, algorithm, int(leaf_size), metric, float(p), int(n_neighbors))


class _BinaryTree:
    """scikit-learn's KDTree / BallTree interface over the C++ index with that algorithm."""

    _algorithm = None

    def __init__(self, X, leaf_size=40, metric="minkowski", **kwargs):
        p = kwargs.pop("p", 2)
        if kwargs:
            raise ValueError(f"unsupported arguments {sorted(kwargs)} (linfa takes leaf_size, metric and p)")
        self._metric, self._p = _check_metric(metric, p, None)
        self.leaf_size = _check_int(leaf_size, "leaf_size")
        self.data = check_array(X)
        self._built = native_index(self.data, self._algorithm, self.leaf_size, self._metric, self._p)

    def __getstate__(self):
        return {"data": self.data, "leaf_size": self.leaf_size, "metric": self._metric, "p": self._p}

    def __setstate__(self, state):
        self.__init__(state["data"], state["leaf_size"], state["metric"], p=state["p"])

    def _queries(self, X):
        X = check_array(np.atleast_2d(np.asarray(X)) if not hasattr(X, "shape") or np.ndim(X) == 1 else X, dtype=self.data.dtype)
        if X.shape[1] != self.data.shape[1]:
            raise ValueError("query data dimension must match training data dimension")
        return X

    def query(self, X, k=1, return_distance=True, dualtree=False, breadth_first=False, sort_results=True):
        """(distances, indices) of the k nearest points of each row of X, nearest first."""
        X = self._queries(X)
        k = _check_int(k, "k")
        if k > self.data.shape[0]:
            raise ValueError("k must be less than or equal to the number of training points")
        dist, ind = self._built.kneighbors(X, k)
        dist = dist.astype(np.float64, copy=False)
        return (dist, ind) if return_distance else ind

    def query_radius(self, X, r, return_distance=False, count_only=False, sort_results=False):
        """The points within r (one radius, or one per query) of each row of X: object arrays
        of indices (and distances), or counts with ``count_only``."""
        if count_only and return_distance:
            raise ValueError("count_only and return_distance cannot both be true")
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True")
        X = self._queries(X)
        radii = np.asarray(r, dtype=np.float64)
        if radii.ndim == 0:
            radii = np.full(X.shape[0], float(radii))
        if radii.shape != (X.shape[0],):
            raise ValueError("r must be a scalar or one radius per query")
        if not np.all(np.isfinite(radii)) or np.any(radii < 0):
            raise ValueError("r must be finite and >= 0")
        offsets, indices, distances = self._built.radius_neighbors(X, float(radii.max()) if len(radii) else 0.0)
        dist, ind = _radius_lists(offsets, indices, distances.astype(np.float64), X.shape[0], True, sort_results)
        if np.any(radii != radii.max()):
            for q in range(X.shape[0]):
                keep = dist[q] <= radii[q]
                ind[q], dist[q] = ind[q][keep], dist[q][keep]
        if count_only:
            return np.array([len(i) for i in ind], dtype=np.intp)
        return (ind, dist) if return_distance else ind


class KDTree(_BinaryTree):
    """scikit-learn's KDTree(X, leaf_size=40, metric="minkowski", p=2) over linfa's KD-tree:
    ``query`` and ``query_radius`` (exact; ties in distance to the lower row)."""

    _algorithm = "kd_tree"


class BallTree(_BinaryTree):
    """scikit-learn's BallTree(X, leaf_size=40, metric="minkowski", p=2) over linfa's ball tree:
    ``query`` and ``query_radius`` (exact; ties in distance to the lower row)."""

    _algorithm = "ball_tree"


class _FittedNeighbors(_KNeighborsMixin):
    """What both supervised estimators share: parameters, checks, kneighbors through the
    model."""

    _accepts_sparse = True  # scipy.sparse X for fit and every query (a CSR view in C++)

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30, p=2, metric="minkowski",
                 metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def _fit_settings(self):
        n_neighbors = _check_int(self.n_neighbors, "n_neighbors")
        weights = "uniform" if self.weights is None else self.weights
        if callable(weights) or weights not in ("uniform", "distance"):
            raise ValueError(
                f"weights not recognized: should be 'uniform', 'distance' or None (linfa takes no callable), found {weights!r}"
            )
        metric, p = _check_metric(self.metric, self.p, self.metric_params)
        return dict(
            n_neighbors=n_neighbors,
            weights=weights,
            algorithm=_check_algorithm(self.algorithm),
            leaf_size=_check_int(self.leaf_size, "leaf_size"),
            metric=metric,
            p=p,
        )

    def _check_fitted(self):
        self._fitted_model()

    def _neighbours_of(self, X, k):
        return self._fitted_model().kneighbors(X, k)

    def _check_query(self, X):
        return self._check_test_data(X)

    def _check_test_data(self, X):
        """Every query (predict, predict_proba, kneighbors, ...): scikit-learn's checks, and no
        sparse X for a tree."""
        return _check_sparse_query(super()._check_test_data(X), self._fitted_model().effective_algorithm)

    def _check_fit_data(self, X, settings):
        """X checked for fit (an array or a CSR view), and scikit-learn's rules for sparse X."""
        X, names = self._check_training_data(_training_rows(X))
        if _is_csr_view(X):
            _check_sparse_fit(settings["algorithm"], settings["metric"], settings["p"])
        return X, names

    @property
    def _fit_X(self):
        model = self._fitted_model()
        return _scipy_records(model.sparse_records) if model.sparse else model.records

    def _fit_rows(self):
        model = self._fitted_model()
        return check_array(_scipy_records(model.sparse_records), accept_sparse=True) if model.sparse else model.records

    def _index(self):
        model = self._fitted_model()
        cached = self.__dict__.get("_radius_index")
        if cached is None or cached[0] is not model:
            metric, p = model.metric, model.p
            cached = (model, native_index(self._fit_rows(), model.algorithm, model.leaf_size, metric, p, model.n_neighbors))
            self._radius_index = cached
        return cached[1]

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_radius_index", None)
        return state

    def _fitted_attributes(self, model):
        metric = model.metric
        return {
            "n_samples_fit_": int(model.n_samples),
            "effective_metric_": _effective_metric(metric, model.p),
            "effective_metric_params_": {"p": float(model.p)} if metric == "minkowski" else {},
            "_fit_method": model.effective_algorithm,
        }

    @classmethod
    def _params_from_model(cls, model):
        return {
            "n_neighbors": int(model.n_neighbors),
            "weights": model.weights,
            "algorithm": model.algorithm,
            "leaf_size": int(model.leaf_size),
            "metric": model.metric,
            "p": float(model.p),
        }


@register_estimator
class KNeighborsClassifier(_FittedNeighbors, LinfaClassifier):
    """k-nearest-neighbours classification, fitted and answered in C++ (linfa), as
    scikit-learn's KNeighborsClassifier: parameters ``n_neighbors=5, weights="uniform" |
    "distance", algorithm="auto", leaf_size=30, p=2, metric="minkowski", metric_params=None,
    n_jobs=None``. Ties in distance go to the earlier training sample; ties in votes to the
    smallest class. ``n_neighbors`` larger than the training set is refused at ``fit``."""

    _model_kind = "neighbors.kneighbors_classifier"

    def fit(self, X, y):
        """Keeps X and its labels y (any labels) and indexes X. Returns self."""
        settings = self._fit_settings()
        X, names = self._check_fit_data(X, settings)
        classes, labels = encode_labels(y, X.shape[0])
        model = native_function("kneighbors_classifier_fit", X.dtype)(X, labels, **settings)
        self._set_fitted_classifier(model, names, classes)
        self.outputs_2d_ = False
        return self

    def _fitted_attributes(self, model):
        return {**LinfaClassifier._fitted_attributes(self, model), **_FittedNeighbors._fitted_attributes(self, model)}

    def _more_tags(self):
        return {**super()._more_tags(), "requires_y": True}


@register_estimator
class KNeighborsRegressor(_FittedNeighbors, LinfaEstimator):
    """k-nearest-neighbours regression, fitted and answered in C++ (linfa), as scikit-learn's
    KNeighborsRegressor: parameters ``n_neighbors=5, weights="uniform" | "distance",
    algorithm="auto", leaf_size=30, p=2, metric="minkowski", metric_params=None, n_jobs=None``.
    1-D y gives 1-D predictions; 2-D y one column per target."""

    _model_kind = "neighbors.kneighbors_regressor"
    _estimator_type = "regressor"

    def fit(self, X, y):
        """Keeps X and its targets y and indexes X. Returns self."""
        settings = self._fit_settings()
        X, names = self._check_fit_data(X, settings)
        y = dense_targets(y)
        if y.dtype.kind == "c":
            raise ValueError("Complex data not supported")
        if y.ndim not in (1, 2):
            raise ValueError(f"y must be 1-D or 2-D, found shape {y.shape}")
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"Found input variables with inconsistent numbers of samples: [{X.shape[0]}, {y.shape[0]}]")
        y_ndim = y.ndim
        targets = np.ascontiguousarray(y.reshape(X.shape[0], -1), dtype=X.dtype)
        if not np.all(np.isfinite(targets)):
            raise ValueError("Input y contains NaN or infinity.")
        model = native_function("kneighbors_regressor_fit", X.dtype)(X, targets, **settings)
        self._y_ndim = y_ndim
        self._set_fitted(model, names)
        return self

    def predict(self, X):
        """The mean (or distance-weighted mean) target of each sample's neighbours."""
        predicted = self._fitted_model().predict(self._check_test_data(X))
        return predicted.ravel() if self.__dict__.get("_y_ndim", 2 if self._fitted_model().n_targets > 1 else 1) == 1 else predicted

    def score(self, X, y, sample_weight=None):
        """R^2 of ``predict(X)`` for y (scikit-learn's RegressorMixin.score)."""
        from ._validation import check_sample_weight

        predicted = self.predict(X)
        y = np.asarray(y, dtype=np.float64)
        weights = check_sample_weight(sample_weight, y.shape[0], np.float64)
        weights = np.ones(y.shape[0]) if weights is None else weights
        y2, p2 = y.reshape(y.shape[0], -1), predicted.reshape(y.shape[0], -1).astype(np.float64)
        numerator = (weights[:, None] * (y2 - p2) ** 2).sum(axis=0)
        mean = np.average(y2, axis=0, weights=weights)
        denominator = (weights[:, None] * (y2 - mean) ** 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(denominator != 0, 1 - numerator / denominator, np.where(numerator != 0, 0.0, 1.0))
        return float(np.mean(scores))

    def _fitted_attributes(self, model):
        return _FittedNeighbors._fitted_attributes(self, model)

    def _more_tags(self):
        return {**super()._more_tags(), "requires_y": True, "multioutput": True}
