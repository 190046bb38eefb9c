"""linfa.GaussianMixture: scikit-learn 1.2's GaussianMixture over the C++
``linfa::clustering::GaussianMixture``."""

import numbers
import sys
import warnings

import numpy as np

from ._base import LinfaEstimator, collectively, distributed_function, native_function, register_estimator
from ._errors import ConvergenceWarning
from ._validation import check_bool, is_bool, is_int

_COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
_INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")


def _check_shape(param, shape, name):
    if param.shape != tuple(shape):
        raise ValueError(f"The parameter '{name}' should have the shape of {tuple(shape)}, but got {param.shape}")


def _as_float_array(value, name):
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Input {name} contains NaN or infinity.")
    return array


@register_estimator
class GaussianMixture(LinfaEstimator):
    """Gaussian mixture, fitted by EM in C++ (linfa), as scikit-learn's GaussianMixture: each
    EM iteration is one parallel pass over X (E-step in log space through the Cholesky factors
    of the precisions, fused with the M-step sums, gathered in float64); the same model on any
    thread count.

    Parameters are scikit-learn 1.2's: ``n_components=1, *, covariance_type="full", tol=1e-3,
    reg_covar=1e-6, max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
    means_init=None, precisions_init=None, random_state=None, warm_start=False, verbose=0,
    verbose_interval=10``. An int ``random_state`` seeds the C++ RNG (draws differ from
    scikit-learn's); "kmeans" initialises from linfa's KMeans (one run).

    Attributes (after ``fit``): ``weights_``, ``means_``, ``covariances_``, ``precisions_``,
    ``precisions_cholesky_`` (float64, scikit-learn's shapes), ``converged_``, ``n_iter_``,
    ``lower_bound_``, ``n_features_in_``, ``feature_names_in_``.
    """

    _model_kind = "clustering.gaussian_mixture"

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, comm=None):
        """Fits the mixture to X (n_init runs of EM, keeping the highest lower bound; with
        ``warm_start`` after a first fit, one run from the fitted parameters). Returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X is this rank's
        rows of a dataset spread over the communicator's ranks, rank 0's rows first: every
        rank gets the model one process fits on all the rows, bit for bit. Every rank calls
        fit with the same parameters; the row counts are checked on all the ranks' rows
        together. warm_start and weighted 'random_from_data' are not distributed."""
        self.fit_predict(X, y, comm)
        return self

    def fit_predict(self, X, y=None, comm=None):
        """Fits, then returns the most probable component of every sample of X (with
        ``comm``, as ``fit``, and of this rank's rows)."""
        def checks():
            self._check_params()
            X_, names = self._check_training_data(X, comm)
            if comm is None:  # with comm, the C++ fit counts all the ranks' rows
                self._check_enough_samples(X_.shape[0], int(self.n_components), X_.shape)
            return X_, names, *self._check_initial_parameters(X_.shape[1])

        X, names, weights, means, precisions = collectively(comm, checks)
        k = int(self.n_components)
        model = self.__dict__.get("_model")
        warm = model if (self.warm_start and model is not None) else None
        if warm is not None and (warm.n_components != k or warm.covariance_type != self.covariance_type):
            warm = None
        if self.verbose:
            sys.stdout.flush()
        args = (X, k, self.covariance_type, float(self.tol), float(self.reg_covar), int(self.max_iter),
                int(self.n_init), self.init_params, weights, means, precisions, self._seed(comm))
        if comm is None:
            fitted = native_function("gmm_fit", X.dtype)(*args, warm, int(self.verbose), int(self.verbose_interval))
        else:
            if warm is not None:
                raise ValueError("fit with comm does not warm start: set warm_start=False")
            verbose = int(self.verbose) if comm.Get_rank() == 0 else 0  # one report, not one per rank
            fitted = distributed_function("gmm_fit", X, comm)(*args, verbose, int(self.verbose_interval))
        model, labels, bounds = fitted
        if not model.converged and self.max_iter > 0:
            runs = 1 if warm is not None else int(self.n_init)
            warnings.warn(
                "Initialization %d did not converge. Try different init parameters, "
                "or increase max_iter, tol or check for degenerate data." % runs,
                ConvergenceWarning,
            )
        self._set_fitted(model, names)
        self._lower_bounds = list(bounds)  # every iteration's, for comparisons (bench/python/gmm.py)
        return labels.astype(np.int64, copy=False)

    # ---------------------------------------------------------------- fitted use

    def predict(self, X):
        """The most probable component of each sample."""
        return self._fitted_model().predict(self._check_test_data(X)).astype(np.int64, copy=False)

    def predict_proba(self, X):
        """The posterior probability of each component for each sample: (n_samples, n_components)."""
        return self._fitted_model().predict_proba(self._check_test_data(X))

    def score_samples(self, X):
        """The log-likelihood of each sample under the mixture."""
        return self._fitted_model().score_samples(self._check_test_data(X))

    def score(self, X, y=None):
        """The mean log-likelihood of X under the mixture."""
        return float(self._fitted_model().score(self._check_test_data(X)))

    def bic(self, X):
        """Bayesian information criterion on X (lower is better)."""
        return float(self._fitted_model().bic(self._check_test_data(X)))

    def aic(self, X):
        """Akaike information criterion on X (lower is better)."""
        return float(self._fitted_model().aic(self._check_test_data(X)))

    def sample(self, n_samples=1):
        """(X, y): n_samples drawn from the mixture, grouped by component, and their components."""
        model = self._fitted_model()
        if not is_int(n_samples) or n_samples < 1:
            raise ValueError(
                "Invalid value for 'n_samples': %d . The sampling requires at least one sample." % n_samples
            )
        records, labels = model.sample(int(n_samples), self._seed())
        return records, labels.astype(np.int64, copy=False)

    # ---------------------------------------------------------------- internals

    @staticmethod
    def _check_enough_samples(n_samples, k, shape):
        if n_samples < 2:
            raise ValueError(f"Found array with {n_samples} sample(s) (shape={shape}) while a minimum of 2 is required.")
        if n_samples < k:
            raise ValueError(f"Expected n_samples >= n_components but got n_components = {k}, n_samples = {n_samples}")

    def _n_parameters(self):
        """Number of free parameters of the fitted model (scikit-learn's, for bic and aic)."""
        return int(self._fitted_model().n_parameters)

    def _fitted_attributes(self, model):
        k, d = int(model.n_components), int(model.n_features)
        shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[model.covariance_type]
        return {
            "weights_": np.asarray(model.weights),
            "means_": np.asarray(model.means),
            "covariances_": np.asarray(model.covariances).reshape(shape),
            "precisions_cholesky_": np.asarray(model.precisions_cholesky).reshape(shape),
            "precisions_": np.asarray(model.precisions).reshape(shape),
            "converged_": bool(model.converged),
            "n_iter_": int(model.n_iter),
            "lower_bound_": float(model.lower_bound),
        }

    @classmethod
    def _params_from_model(cls, model):
        return {"n_components": int(model.n_components), "covariance_type": model.covariance_type}

    def _check_params(self):
        def invalid(name, expected):
            raise ValueError(
                f"The '{name}' parameter of GaussianMixture must be {expected}. Got {getattr(self, name)!r} instead."
            )

        if not is_int(self.n_components) or self.n_components < 1:
            invalid("n_components", "an int in the range [1, inf)")
        if not isinstance(self.covariance_type, str) or self.covariance_type not in _COVARIANCE_TYPES:
            invalid("covariance_type", "a str among {'full', 'tied', 'diag', 'spherical'}")
        for name in ("tol", "reg_covar"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or is_bool(value) or not np.isfinite(value) or value < 0:
                invalid(name, "a float in the range [0.0, inf)")
        if not is_int(self.max_iter) or self.max_iter < 0:
            invalid("max_iter", "an int in the range [0, inf)")
        if not is_int(self.n_init) or self.n_init < 1:
            invalid("n_init", "an int in the range [1, inf)")
        if not isinstance(self.init_params, str) or self.init_params not in _INIT_PARAMS:
            invalid("init_params", "a str among {'kmeans', 'k-means++', 'random', 'random_from_data'}")
        check_bool(self.warm_start, "warm_start")
        if not is_int(self.verbose) or self.verbose < 0:
            invalid("verbose", "an int in the range [0, inf)")
        if not is_int(self.verbose_interval) or self.verbose_interval < 1:
            invalid("verbose_interval", "an int in the range [1, inf)")

    def _check_initial_parameters(self, n_features):
        """weights_init, means_init and precisions_init as C++ wants them (precisions in the
        stacked shape), with scikit-learn's checks and messages."""
        k = int(self.n_components)
        weights = means = precisions = None
        if self.weights_init is not None:
            w = _as_float_array(self.weights_init, "weights_init")
            _check_shape(w, (k,), "weights")
            if np.any(w < 0) or np.any(w > 1):
                raise ValueError(
                    "The parameter 'weights' should be in the range [0, 1], but got max value %.5f, min value %.5f"
                    % (np.min(w), np.max(w))
                )
            if not np.allclose(np.abs(1.0 - np.sum(w)), 0.0):
                raise ValueError("The parameter 'weights' should be normalized, but got sum(weights) = %.5f" % np.sum(w))
            weights = w.tolist()
        if self.means_init is not None:
            means = _as_float_array(self.means_init, "means_init")
            _check_shape(means, (k, n_features), "means")
            means = np.ascontiguousarray(means)
        if self.precisions_init is not None:
            t = self.covariance_type
            p = _as_float_array(self.precisions_init, "precisions_init")
            shape = {"full": (k, n_features, n_features), "tied": (n_features, n_features),
                     "diag": (k, n_features), "spherical": (k,)}[t]
            _check_shape(p, shape, f"{t} precision")
            if t in ("diag", "spherical"):
                if np.any(p <= 0.0):
                    raise ValueError(f"'{t} precision' should be positive")
            else:
                for block in p.reshape(-1, n_features, n_features):
                    if not (np.allclose(block, block.T) and np.all(np.linalg.eigvalsh(block) > 0.0)):
                        raise ValueError(f"'{t} precision' should be symmetric, positive-definite")
            precisions = np.ascontiguousarray(p.reshape(-1, 1 if t == "spherical" else n_features))
        return weights, means, precisions

    def _more_tags(self):
        return {**super()._more_tags(), "preserves_dtype": [np.float64]}
