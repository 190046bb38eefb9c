"""linfa.KMeans: scikit-learn's KMeans interface over the C++ linfa::clustering::KMeans.

``_BaseKMeans`` holds what KMeans and MiniBatchKMeans (``_minibatch.py``) share, as in
scikit-learn: the fitted attributes, prediction and the checks of the common parameters; the
rest (persistence, input conversion, fitted checks) is every estimator's, in ``_base.py``."""

import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import LinfaEstimator, collectively, fit_function, register_estimator
from ._errors import ConvergenceWarning
from ._validation import _scipy_csr, check_array, check_bool, check_sample_weight, is_int

_INIT_NAMES = ("k-means++", "random", "k-means||")
# scikit-learn's names and linfa's: "elkan" (scikit-learn's bound-based exact method) maps to
# Hamerly's bound-based exact method. "auto" and "full" are deprecated in scikit-learn 1.2
# (a FutureWarning, then Lloyd's), as here.
_ALGORITHMS = {
    "lloyd": _linfa.KMeansAlgorithm.Lloyd,
    "elkan": _linfa.KMeansAlgorithm.Hamerly,
    "hamerly": _linfa.KMeansAlgorithm.Hamerly,
}
_DEPRECATED_ALGORITHMS = ("auto", "full")


def _random_state_for_init(random_state):
    """What a callable init receives as random_state: a numpy RandomState, as scikit-learn's
    check_random_state makes it (a Generator is passed on as it is)."""
    if random_state is None:
        return np.random.mtrand._rand
    if is_int(random_state):
        return np.random.RandomState(int(random_state) % 2**32)
    return random_state


def _print_iteration(kind, run, iteration, *values):
    """scikit-learn's verbose lines of KMeans, from the C++ fit's progress reports."""
    if kind == "iteration":
        if iteration == 0:
            print("Initialization complete")
        print(f"Iteration {iteration}, inertia {values[0]}.")
    elif values[0]:  # converged, strictly
        print(f"Converged at iteration {iteration}: strict convergence.")
    else:
        print(f"Converged at iteration {iteration}: center shift {values[1]} within tolerance {values[2]}.")


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

    def get_feature_names_out(self, input_features=None):
        """Output feature names of transform: "kmeans0", "kmeans1", ... (one per centre), as
        scikit-learn (the class name in lower case)."""
        return self._prefixed_feature_names(self._fitted_model().n_clusters, input_features)

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
        """("name", None) for a named method, ("precomputed", array in X's dtype) for an
        array, or ("callable", None) for a callable (see _call_init)."""
        init = self.init
        if isinstance(init, str):
            if init not in _INIT_NAMES:
                raise ValueError(
                    f"init must be one of {_INIT_NAMES}, a callable or an array, found {init!r}"
                )
            return init, None
        if callable(init):
            return "callable", None
        return "precomputed", self._checked_centres(init, X)

    def _call_init(self, X, random_state):
        """The centres a callable init returns for X (scikit-learn's call:
        ``init(X, n_clusters, random_state=random_state)``; a sparse X as scipy CSR),
        checked as an array init."""
        rows = _scipy_csr(X) if isinstance(X, (_linfa.CsrF32, _linfa.CsrF64)) else X
        return self._call_init_on(rows, X, random_state)

    def _call_init_on(self, rows, X, random_state=None):
        """The callable init's centres for `rows` (X or a subset of it), checked against X."""
        if random_state is None:
            random_state = _random_state_for_init(self.random_state)
        return self._checked_centres(self.init(rows, int(self.n_clusters), random_state=random_state), X)

    def _checked_centres(self, centres, X):
        """Initial centres in X's dtype (a copy), with scikit-learn's shape messages."""
        array = check_array(centres, dtype=X.dtype, name="init")
        if array is centres:  # the C++ side copies it, but never hand out the caller's array
            array = array.copy()
        if array.shape[0] != int(self.n_clusters):
            raise ValueError(
                f"The shape of the initial centers {array.shape} does not match "
                f"the number of clusters {self.n_clusters}."
            )
        if array.shape[1] != X.shape[1]:
            raise ValueError(
                f"The shape of the initial centers {array.shape} does not match "
                f"the number of features of the data {X.shape[1]}."
            )
        return array

    def _check_n_init(self, precomputed):
        """The runs to make: n_init, with "auto" resolved as scikit-learn 1.4 does (the
        random-init default for "random" and callables, 1 otherwise). Sets ``_n_init``."""
        n_init = self.n_init
        if isinstance(n_init, str) and n_init == "auto":
            random = callable(self.init) or (isinstance(self.init, str) and self.init == "random")
            self._n_init = self._random_init_runs if random else 1
            return self._n_init
        if not is_int(n_init) or n_init < 1:
            raise ValueError(f"n_init must be 'auto' or an int >= 1, found {n_init!r}")
        self._n_init = int(n_init)
        if precomputed and n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init in "
                f"{type(self).__name__} instead of n_init={n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
            self._n_init = 1
        return self._n_init

    def _check_enough_samples(self, X):
        """scikit-learn's error when X has fewer samples than clusters."""
        if is_int(self.n_clusters) and X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")

    def _warn_fewer_distinct_clusters(self, labels):
        """scikit-learn's ConvergenceWarning when the fit found fewer clusters than asked for
        (duplicate points: some centres coincide)."""
        distinct = len(np.unique(labels))
        if distinct < int(self.n_clusters):
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than "
                f"n_clusters ({self.n_clusters}). Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=3,
            )

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

    Parameters follow ``sklearn.cluster.KMeans`` (scikit-learn 1.2's, every one of them):

    n_clusters : int, default=8
    init : {"k-means++", "random", "k-means||"}, callable or array of shape (n_clusters, n_features)
        "k-means||" is Bahmani et al.'s parallel k-means++; an array gives the first centroids;
        a callable is called as ``init(X, n_clusters, random_state=random_state)`` once per run
        (X as given to fit, a sparse one as scipy CSR) and returns them.
    n_init : "auto" or int, default="auto"
        Independent initialisations (C++ ``n_runs``); the lowest inertia wins. "auto" follows
        scikit-learn 1.4: 10 for "random" and callables, 1 otherwise. (scikit-learn 1.2's default
        is 10 with a FutureWarning announcing "auto"; linfa's default is "auto" already.)
    max_iter : int, default=300
    tol : float, default=1e-4
        Relative to the mean per-feature variance of X, as scikit-learn. Iteration also stops
        when no label changes.
    verbose : int, default=0
        When > 0, prints scikit-learn's lines ("Initialization complete", "Iteration i, inertia
        x.", "Converged at iteration i: strict convergence." or "... center shift s within
        tolerance t.") to ``sys.stdout`` as the C++ fit reports them.
    random_state : None, int or numpy RandomState/Generator
        An int is the seed of the C++ RNG itself, so ``random_state=42`` fits the same model
        as ``KMeans<F>::params_with_rng(k, linfa::Rng(42))`` in C++.
    copy_x : bool, default=True
        Accepted for scikit-learn's signature; linfa never modifies X (it does not centre it),
        so there is nothing to copy either way.
    algorithm : {"lloyd", "elkan", "hamerly", "auto", "full"}, default="lloyd"
        The exact iteration (C++ ``KMeansAlgorithm``); all give the same clusters. "lloyd" is
        Lloyd's iteration. "elkan" and "hamerly" run Hamerly's bound-based method, linfa's
        counterpart of scikit-learn's Elkan variant: it skips distance computations that bounds
        prove useless (fastest with many clusters and few features). "auto" and "full" are
        deprecated as in scikit-learn 1.2: a FutureWarning, then Lloyd's. The iteration run is
        in ``_algorithm``.

    X may be a scipy.sparse matrix or array (CSR is used in place, other formats are converted
    once): fit and every predict-like method then work on the sparse rows, with dense centres,
    distances as ||x||^2 - 2 x.c + ||c||^2 ("elkan" and "hamerly" run Hamerly's iteration there
    too, the same model as Lloyd's bit for bit).

    Attributes (after ``fit``): ``cluster_centers_`` (in the dtype of X: float32 or float64),
    ``labels_``, ``inertia_``, ``n_iter_``, ``n_features_in_`` and, for DataFrames with string
    column names, ``feature_names_in_``.
    """

    _accepts_sparse = True

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
        copy_x=True,
        algorithm="lloyd",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, sample_weight=None, comm=None):
        """Clusters X (array-like or scipy.sparse matrix of shape (n_samples, n_features));
        returns self. A CSR matrix of float32 or float64 is used without a copy.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X is this rank's
        rows of a dataset spread over the communicator's ranks, rank 0's rows first: every
        rank gets the model one process fits on all the rows, bit for bit, and ``labels_`` of
        its own rows. Every rank calls fit with the same parameters. Dense X only; init
        "k-means++", "k-means||", "random" or an array."""
        def checks():
            X_, names = self._check_training_data(X, comm)
            verbose = self._check_params()
            if comm is None:
                self._check_enough_samples(X_)  # with comm, the C++ fit checks all the ranks' rows
            weights = check_sample_weight(sample_weight, X_.shape[0], X_.dtype)
            init_name, init_centroids = self._check_init(X_)
            n_runs = self._check_n_init(init_centroids is not None)
            if comm is not None and init_name == "callable":
                raise ValueError("fit with comm initialises with 'k-means++', 'k-means||', 'random' or an array, not a callable")
            return X_, names, verbose, weights, init_name, init_centroids, n_runs

        X, names, verbose, weights, init_name, init_centroids, n_runs = collectively(comm, checks)
        fit = fit_function("fit", X, comm)
        progress = _print_iteration if verbose and (comm is None or comm.Get_rank() == 0) else None  # one report

        def run(init_name, init_centroids, runs):
            return fit(
                X, weights, int(self.n_clusters), init_name, init_centroids, runs, int(self.max_iter),
                float(self.tol), self._seed(comm), progress, _ALGORITHMS[self._algorithm],
            )

        if init_name == "callable":  # one run per call of the callable; the lowest inertia wins
            random_state = _random_state_for_init(self.random_state)
            fits = [run("precomputed", self._call_init(X, random_state), 1) for _ in range(n_runs)]
            model, labels = min(fits, key=lambda fitted: fitted[0].inertia)
        else:
            model, labels = run(init_name, init_centroids, n_runs)
        if comm is None:  # a rank's own rows may hold fewer clusters than the whole data
            self._warn_fewer_distinct_clusters(labels)
        self._set_fitted(model, names)
        self.labels_ = labels
        return self

    def _check_params(self):
        """Checks the scalar parameters (and sets ``_algorithm``, with scikit-learn's warnings
        for the deprecated and the pointless choices); returns verbose as a bool."""
        verbose = self._check_common_params()
        check_bool(self.copy_x, "copy_x")
        algorithm = self.algorithm
        if not isinstance(algorithm, str) or algorithm not in (*_ALGORITHMS, *_DEPRECATED_ALGORITHMS):
            raise ValueError(
                f"algorithm must be one of {(*_ALGORITHMS, *_DEPRECATED_ALGORITHMS)}, found {algorithm!r}"
            )
        if algorithm in _DEPRECATED_ALGORITHMS:
            warnings.warn(
                f"algorithm='{algorithm}' is deprecated, it will be removed in 1.3. Using 'lloyd' instead.",
                FutureWarning,
                stacklevel=3,
            )
            algorithm = "lloyd"
        if algorithm in ("elkan", "hamerly") and is_int(self.n_clusters) and self.n_clusters == 1:
            warnings.warn(
                f"algorithm='{algorithm}' doesn't make sense for a single cluster. Using 'full' instead.",
                RuntimeWarning,
                stacklevel=3,
            )
            algorithm = "lloyd"
        self._algorithm = algorithm
        return verbose
