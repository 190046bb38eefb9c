"""linfa.KMeans: scikit-learn's KMeans interface over the C++ linfa::clustering::KMeans.

``_BaseKMeans`` holds what KMeans and MiniBatchKMeans (``_minibatch.py``) share, as in
scikit-learn: the fitted attributes, prediction and the checks of the common parameters; the
rest (persistence, input conversion, fitted checks) is every estimator's, in ``_base.py``."""

import numbers
import sys
import warnings

import numpy as np

from . import _linfa
from ._base import LinfaEstimator, native_function, register_estimator
from ._validation import check_array, check_sample_weight, is_int

_INIT_NAMES = ("k-means++", "random", "k-means||")
# scikit-learn's names and linfa's: "elkan" (scikit-learn's bound-based exact method) maps to
# Hamerly's bound-based exact method; "full" is scikit-learn's old name for "lloyd".
_ALGORITHMS = {
    "lloyd": _linfa.KMeansAlgorithm.Lloyd,
    "full": _linfa.KMeansAlgorithm.Lloyd,
    "elkan": _linfa.KMeansAlgorithm.Hamerly,
    "hamerly": _linfa.KMeansAlgorithm.Hamerly,
    "auto": _linfa.KMeansAlgorithm.Auto,
}


class _BaseKMeans(LinfaEstimator):
    """What KMeans and MiniBatchKMeans share on top of ``LinfaEstimator``: the fitted
    attributes of the K-Means model, predict / transform / score, and the checks of the common
    parameters (``n_clusters``, ``init``, ``n_init``, ``max_iter``, ``tol``, ``verbose``).
    Subclasses define ``__init__`` and ``fit``."""

    _model_kind = "clustering.kmeans"
    # Runs of n_init="auto" for init="random" (scikit-learn: 10 for KMeans, 3 for MiniBatchKMeans).
    _random_init_runs = 10

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fits, then returns the cluster index of every sample of X."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fits, then returns the distances of every sample of X to every centre."""
        X, names = self._check_training_data(X)  # converted once, for both calls
        self.fit(X, sample_weight=sample_weight)
        self._set_feature_names(names)
        return self._model.transform(X)

    # ---------------------------------------------------------------- fitted use

    def predict(self, X, sample_weight="deprecated"):
        """Index of the nearest centre of every sample (``sample_weight`` is ignored, as in
        scikit-learn, where it has no effect on prediction)."""
        return self._fitted_model().predict(self._check_test_data(X))

    def transform(self, X):
        """Euclidean distances of every sample to every centre: shape (n_samples, n_clusters)."""
        return self._fitted_model().transform(self._check_test_data(X))

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the (weighted) inertia of X under this model: higher is better."""
        model = self._fitted_model()
        X = self._check_test_data(X)
        return model.score(X, check_sample_weight(sample_weight, X.shape[0], X.dtype))

    # ---------------------------------------------------------------- internals

    @classmethod
    def _params_from_model(cls, model):
        return {"n_clusters": model.n_clusters}

    def _fitted_attributes(self, model):
        return {
            "cluster_centers_": model.centroids,
            "inertia_": float(model.inertia),
            "n_iter_": int(model.n_iterations),
        }

    def _more_tags(self):
        return {
            **super()._more_tags(),
            "_xfail_checks": {
                "check_sample_weights_invariance": (
                    "zero sample_weight is not equivalent to removing samples: the random "
                    "initialisation depends on the order of all rows (as scikit-learn's KMeans)"
                ),
            },
        }

    def _check_init(self, X):
        """("name", None) for a named method, or ("precomputed", array in X's dtype)."""
        init = self.init
        if isinstance(init, str):
            if init not in _INIT_NAMES:
                raise ValueError(f"init must be one of {_INIT_NAMES} or an array, found {init!r}")
            return init, None
        if callable(init):
            raise ValueError("a callable init is not supported; pass an array of initial centres")
        centres = check_array(init, dtype=X.dtype, name="init")
        if centres is init:  # the C++ side copies it, but never hand out the caller's array
            centres = centres.copy()
        expected = (int(self.n_clusters), X.shape[1])
        if centres.shape != expected:
            raise ValueError(
                f"The shape of the initial centers {centres.shape} does not match "
                f"(n_clusters, n_features) = {expected}."
            )
        return "precomputed", centres

    def _check_n_init(self, precomputed):
        n_init = self.n_init
        if isinstance(n_init, str) and n_init == "auto":
            random = isinstance(self.init, str) and self.init == "random"
            return self._random_init_runs if random else 1
        if not is_int(n_init) or n_init < 1:
            raise ValueError(f"n_init must be 'auto' or an int >= 1, found {n_init!r}")
        if precomputed and n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init in "
                f"{type(self).__name__} instead of n_init={n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
            return 1
        return int(n_init)

    def _check_common_params(self):
        """Checks the parameters both estimators have; returns verbose as a bool."""
        if not is_int(self.n_clusters) or self.n_clusters < 1:
            raise ValueError(f"n_clusters must be an int >= 1, found {self.n_clusters!r}")
        if not is_int(self.max_iter) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, found {self.max_iter!r}")
        if (
            not isinstance(self.tol, numbers.Real)
            or isinstance(self.tol, bool)
            or not np.isfinite(self.tol)
            or self.tol < 0
        ):
            raise ValueError(f"tol must be a finite float >= 0, found {self.tol!r}")
        if not isinstance(self.verbose, (numbers.Integral, bool)) or self.verbose < 0:
            raise ValueError(f"verbose must be an int >= 0, found {self.verbose!r}")
        return bool(self.verbose)


@register_estimator
class KMeans(_BaseKMeans):
    """K-Means clustering, fitted in C++ (linfa).

    Parameters follow ``sklearn.cluster.KMeans``:

    n_clusters : int, default=8
    init : {"k-means++", "random", "k-means||"} or array of shape (n_clusters, n_features)
        "k-means||" is Bahmani et al.'s parallel k-means++; an array gives the first centroids.
    n_init : "auto" or int, default="auto"
        Independent initialisations (C++ ``n_runs``); the lowest inertia wins. "auto" follows
        scikit-learn 1.4: 10 for "random", 1 otherwise.
    max_iter : int, default=300
    tol : float, default=1e-4
        Relative to the mean per-feature variance of X, as scikit-learn. Iteration also stops
        when no label changes.
    verbose : int, default=0
        When > 0, prints "Iteration i, inertia x." lines (from C++, to the process' stdout).
    random_state : None, int or numpy RandomState/Generator
        An int is the seed of the C++ RNG itself, so ``random_state=42`` fits the same model
        as ``KMeans<F>::params_with_rng(k, linfa::Rng(42))`` in C++.
    algorithm : {"lloyd", "elkan", "hamerly", "auto", "full"}, default="lloyd"
        The exact iteration (C++ ``KMeansAlgorithm``); all give the same clusters. "lloyd"
        (and scikit-learn's old name "full") is Lloyd's iteration. "elkan" and "hamerly" run
        Hamerly's bound-based method, linfa's counterpart of scikit-learn's Elkan variant: it
        skips distance computations that bounds prove useless (fastest with many clusters and
        few features). "auto" lets linfa choose between the two by n_clusters and n_features.

    Attributes (after ``fit``): ``cluster_centers_`` (in the dtype of X: float32 or float64),
    ``labels_``, ``inertia_``, ``n_iter_``, ``n_features_in_`` and, for DataFrames with string
    column names, ``feature_names_in_``.
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        algorithm="lloyd",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.algorithm = algorithm

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, sample_weight=None):
        """Clusters X (array-like of shape (n_samples, n_features)); returns self."""
        X, names = self._check_training_data(X)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        init_name, init_centroids = self._check_init(X)
        n_runs = self._check_n_init(init_centroids is not None)
        verbose = self._check_params()
        if verbose:
            sys.stdout.flush()  # keep Python's buffered output before the C++ lines
        model, labels = native_function("fit", X.dtype)(
            X, weights, int(self.n_clusters), init_name, init_centroids, n_runs,
            int(self.max_iter), float(self.tol), self._seed(), verbose, _ALGORITHMS[self.algorithm],
        )
        self._set_fitted(model, names)
        self.labels_ = labels
        return self

    def _check_params(self):
        """Checks the scalar parameters; returns verbose as a bool."""
        verbose = self._check_common_params()
        if not isinstance(self.algorithm, str) or self.algorithm not in _ALGORITHMS:
            raise ValueError(
                f"algorithm must be one of {tuple(_ALGORITHMS)}, found {self.algorithm!r}"
            )
        return verbose
