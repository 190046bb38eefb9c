"""linfa.LinearRegression and linfa.Ridge: scikit-learn's linear_model interfaces over the C++
``linfa::linear::LinearRegression`` and ``linfa::linear::Ridge``.

``_LinearRegressor`` holds what both share, as scikit-learn's ``LinearModel`` +
``RegressorMixin`` do: the targets' checks and shapes (1-D y gives 1-D ``coef_``, a float
``intercept_`` and 1-D predictions; 2-D y gives one row / value per target), ``predict`` and
``score``, and scipy.sparse X (any format; a CSR matrix of float32 / float64 is used in place)
for ``fit`` and both; the rest (persistence, input conversion, fitted checks) is every
estimator's, in ``_base.py``."""

import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import LinfaEstimator, collectively, fit_function, register_estimator
from ._validation import check_bool, check_sample_weight, dense_targets, is_bool, is_int

try:  # scikit-learn is optional
    from sklearn.exceptions import UndefinedMetricWarning
except ImportError:
    UndefinedMetricWarning = UserWarning

# scikit-learn's Ridge solvers that linfa has, by name. Sparse X is always solved by conjugate
# gradients (the C++ fit of a CSR matrix), whatever the solver ("svd" excepted: refused);
# "sparse_cg" on dense X is linfa's direct solver, as "auto".
_RIDGE_SOLVERS = {
    "auto": _linfa.RidgeSolver.Auto,
    "cholesky": _linfa.RidgeSolver.Cholesky,
    "svd": _linfa.RidgeSolver.Svd,
    "sparse_cg": _linfa.RidgeSolver.Auto,
}
# scikit-learn's other solvers: iterative ones, not in linfa.
_OTHER_RIDGE_SOLVERS = ("lsqr", "sag", "saga", "lbfgs")


def _check_positive_flag(estimator):
    if check_bool(estimator.positive, "positive"):
        solver = getattr(estimator, "solver", None)
        which = f" with solver={solver!r}" if solver is not None else ""
        raise ValueError(
            f"linfa's {type(estimator).__name__}{which} does not support positive fitting "
            "(positive=True): linfa has no non-negative least squares solver; use "
            "scikit-learn's for non-negative coefficients"
        )


class _LinearRegressor(LinfaEstimator):
    """What LinearRegression and Ridge share on top of ``LinfaEstimator``: the checks of y,
    the shapes of the fitted attributes, ``predict`` and ``score``. Subclasses define
    ``__init__``, ``fit`` (through ``_fit_data``) and ``_model_kind``."""

    _estimator_type = "regressor"  # scikit-learn's is_regressor, default scoring, CV splits
    _accepts_sparse = True  # scipy.sparse X for fit, predict and score (a CSR view in C++)

    # ---------------------------------------------------------------- fitted use

    def predict(self, X):
        """Predicted targets of X (an array or a scipy.sparse matrix): shape (n_samples,)
        after a fit on 1-D y, else (n_samples, n_targets); in the model's dtype."""
        predicted = self._fitted_model().predict(self._check_test_data(X))
        return predicted.ravel() if self._targets_1d() else predicted

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of ``predict(X)`` for y (weighted by
        ``sample_weight``, averaged uniformly over targets), as scikit-learn's
        ``RegressorMixin.score``; computed in C++. NaN, with scikit-learn's
        UndefinedMetricWarning, for fewer than two samples (as scikit-learn's r2_score)."""
        model = self._fitted_model()
        X = self._check_test_data(X)
        y = self._check_targets(y, X.shape[0], X.dtype)
        if y.shape[1] != model.n_targets:
            raise ValueError(
                f"y has {y.shape[1]} target(s), but {type(self).__name__} was fitted on "
                f"{model.n_targets}"
            )
        if not np.all(np.isfinite(y)):  # (the C++ score checks the records only)
            raise ValueError("Input y contains NaN or infinity.")
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if X.shape[0] < 2:  # scikit-learn's r2_score
            warnings.warn(
                "R^2 score is not well-defined with less than two samples.",
                UndefinedMetricWarning,
                stacklevel=2,
            )
            return float("nan")
        return float(model.score(X, y, weights))

    # ---------------------------------------------------------------- internals

    def _fit_data(self, X, y, sample_weight, comm=None):
        """(X, its feature names, y as a C-contiguous n x t array of X's dtype, weights,
        the number of dimensions of y); with ``comm``, X may have no rows."""
        X, names = self._check_training_data(X, comm)
        targets, y_ndim = self._check_targets(y, X.shape[0], X.dtype, with_ndim=True)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        return X, names, targets, weights, y_ndim

    def _set_fitted_regressor(self, model, names, y_ndim):
        # y's dimensionality sets the shapes of the fitted attributes (read by
        # _fitted_attributes), so it is recorded with the model, once the fit has succeeded.
        self._y_ndim = y_ndim
        self._set_fitted(model, names)

    @staticmethod
    def _check_targets(y, n_samples, dtype, with_ndim=False):
        """y as a C-contiguous (n_samples, n_targets) array of `dtype` (a 1-D y: one target),
        and with `with_ndim` the number of dimensions y had."""
        array = dense_targets(y)
        if array.dtype.kind == "c":
            raise ValueError(f"Complex data not supported\ny has dtype {array.dtype}")
        if array.ndim not in (1, 2):
            raise ValueError(
                f"y must be 1-D (n_samples,) or 2-D (n_samples, n_targets), found shape {array.shape}"
            )
        if array.shape[0] != n_samples:
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"[{n_samples}, {array.shape[0]}]"
            )
        if array.ndim == 2 and array.shape[1] == 0:
            raise ValueError(f"y has 0 targets (shape={array.shape}); at least 1 is required")
        try:
            # values beyond float32's range become inf, which the C++ checks refuse by name
            with np.errstate(over="ignore"):
                array = np.ascontiguousarray(array, dtype=dtype)
        except (TypeError, ValueError) as error:
            raise ValueError(f"y must be numeric: {error}") from error
        ndim = array.ndim
        if ndim == 1:  # one target (reshape(n, -1) cannot size a column of no rows)
            array = array.reshape(n_samples, 1)
        return (array, ndim) if with_ndim else array

    def _targets_1d(self):
        ndim = self.__dict__.get("_y_ndim")
        if ndim is None:  # a loaded model: the file does not say; one target reads as 1-D y
            return self._model.n_targets == 1
        return ndim == 1

    def _fitted_attributes(self, model):
        coef = model.coef
        intercept = model.intercept
        if self._targets_1d():
            coef = coef.ravel()
            intercept = intercept[0]  # a NumPy scalar of the model's dtype
        if "_y_ndim" in self.__dict__ and not self.fit_intercept:
            intercept = 0.0  # as scikit-learn, for any number of targets
        return {"coef_": coef, "intercept_": intercept}

    def _more_tags(self):
        return {**super()._more_tags(), "requires_y": True, "multioutput": True}


@register_estimator
class LinearRegression(_LinearRegressor):
    """Ordinary least squares, fitted in C++ (linfa): the coefficients minimising the
    (weighted) sum of squared residuals, for one or several targets; on a rank-deficient design
    the solution of minimum norm, as scikit-learn's (LAPACK gelsd).

    Parameters follow ``sklearn.linear_model.LinearRegression``:

    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted, without effect: linfa never modifies X (it reads it in place, centring on
        the fly), so there is nothing to copy.
    n_jobs : int or None, default=None
        Accepted, without effect: the C++ code runs on OpenMP threads (``OMP_NUM_THREADS``).
    positive : bool, default=False
        Only False: ``positive=True`` raises ValueError (linfa has no non-negative least
        squares solver).

    Attributes (after ``fit``): ``coef_`` (shape (n_features,) for 1-D y, else (n_targets,
    n_features)), ``intercept_`` (a float for 1-D y, else shape (n_targets,); 0.0 without an
    intercept), ``rank_`` and ``singular_`` (rank and singular values of the centred, weighted
    X; not set after a fit on sparse X, as scikit-learn), ``n_features_in_``,
    ``feature_names_in_``; all in X's dtype (float32 or float64).

    Sparse X (scipy.sparse, any format; CSR float32 / float64 used without a copy) is fitted,
    like scikit-learn's LSQR, by conjugate gradients on the normal equations (CGLS) with the
    centring applied implicitly, so X stays sparse; the minimum-norm solution, the dense fit's
    to rounding on well-conditioned X. ``predict`` and ``score`` take sparse X too.
    """

    _model_kind = "linear_model.linear_regression"

    def __init__(self, *, fit_intercept=True, copy_X=True, n_jobs=None, positive=False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X, y, sample_weight=None, comm=None):
        """Least squares of y (shape (n_samples,) or (n_samples, n_targets)) on X (an array
        or a scipy.sparse matrix), with optional non-negative sample weights; returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X, y and
        sample_weight are this rank's rows of a dataset spread over the communicator's ranks,
        rank 0's rows first: every rank gets the model one process fits on all the rows, bit
        for bit (dense X only). Every rank must call it."""
        fit_intercept = self._check_params()
        checked = collectively(comm, lambda: self._fit_data(X, y, sample_weight, comm))
        X, names, targets, weights, y_ndim = checked
        model = fit_function("linear_regression_fit", X, comm)(X, targets, weights, fit_intercept)
        for name in ("rank_", "singular_"):  # a previous dense fit's: not this model's
            self.__dict__.pop(name, None)
        self._set_fitted_regressor(model, names, y_ndim)
        return self

    def _check_params(self):
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.copy_X, "copy_X")
        if self.n_jobs is not None and not is_int(self.n_jobs):
            raise ValueError(f"n_jobs must be None or an int, found {self.n_jobs!r}")
        _check_positive_flag(self)
        return fit_intercept

    def _fitted_attributes(self, model):
        attributes = super()._fitted_attributes(model)
        singular = model.singular
        if singular.size == 0:  # fitted on sparse X: neither is computed (nor set by scikit-learn)
            return attributes
        return {**attributes, "rank_": int(model.rank), "singular_": singular}


@register_estimator
class Ridge(_LinearRegressor):
    """Ridge regression (linear least squares with an L2 penalty), fitted in C++ (linfa):
    minimises ||y - Xw||^2 + alpha ||w||^2 per target (weighted residuals with sample
    weights), the intercept unpenalised.

    Parameters follow ``sklearn.linear_model.Ridge``:

    alpha : float >= 0 or array of one per target, default=1.0
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted, without effect (linfa never modifies X).
    max_iter : int or None, default=None
        Sparse X only: the most conjugate-gradient iterations per target (None: 10 x
        n_features, scipy's default, as scikit-learn's "sparse_cg"). Dense X is solved
        directly: no effect there.
    tol : float, default=1e-4
        Sparse X only: the conjugate gradients stop when the residual of the normal equations
        is at most tol x ||X^T y|| (per target). Dense X is solved directly: no effect there
        (as scikit-learn's "cholesky" and "svd" ignore it).
    solver : {"auto", "cholesky", "svd", "sparse_cg"}, default="auto"
        Dense X: "auto", "cholesky" and "sparse_cg" factor X^T X + alpha I by Cholesky (falling
        back to the SVD when that fails, as scikit-learn does): "sparse_cg" is accepted for
        scikit-learn's sake but solves dense X directly, not by conjugate gradients (the exact
        solution; tol and max_iter unused); "svd" uses the SVD of X.
        Sparse X (scipy.sparse, any format; CSR float32 / float64 used without a copy): solved
        by conjugate gradients on the normal equations with the centring applied implicitly (X
        stays sparse), to ``tol``, whichever of "auto", "sparse_cg" and (only with
        ``fit_intercept=False``, as scikit-learn) "cholesky" is asked for. As scikit-learn,
        "cholesky" and "svd" with ``fit_intercept=True`` on sparse X raise ValueError, and "svd"
        on sparse X raises TypeError ("SVD solver does not support sparse inputs currently").
        scikit-learn's other iterative solvers ("lsqr", "sag", "saga", "lbfgs") raise
        ValueError.
    positive : bool, default=False
        Only False (``positive=True`` needs scikit-learn's "lbfgs" solver): ValueError.
    random_state : any, default=None
        Accepted, without effect: only scikit-learn's "sag" and "saga" solvers draw numbers.

    Attributes (after ``fit``): ``coef_``, ``intercept_`` (shapes as ``LinearRegression``),
    ``n_iter_`` (always None: the direct solvers have none, as scikit-learn's "cholesky" and
    "svd", and the C++ conjugate gradients of sparse X do not report their count, as
    scikit-learn's "sparse_cg" does not either), ``n_features_in_``, ``feature_names_in_``.
    """

    _model_kind = "linear_model.ridge"

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        copy_X=True,
        max_iter=None,
        tol=1e-4,
        solver="auto",
        positive=False,
        random_state=None,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None, comm=None):
        """Ridge regression of y (shape (n_samples,) or (n_samples, n_targets)) on X (an array
        or a scipy.sparse matrix), with optional non-negative sample weights; returns self.

        With ``comm`` (an mpi4py communicator), X, y and sample_weight are this rank's rows of
        a dataset spread over the communicator's ranks, as ``LinearRegression.fit``; every rank
        gets the single-process model, bit for bit (dense X only)."""
        fit_intercept, solver = self._check_params()
        checked = collectively(comm, lambda: self._fit_data(X, y, sample_weight, comm))
        X, names, targets, weights, y_ndim = checked
        if not isinstance(X, np.ndarray):  # sparse X, now the extension's CSR view
            self._check_sparse_solver(fit_intercept)
        alphas = self._check_alpha(targets.shape[1])
        max_iter = 0 if self.max_iter is None else int(self.max_iter)  # 0: 10 x n_features
        model = fit_function("ridge_fit", X, comm)(
            X, targets, weights, alphas, fit_intercept, solver, float(self.tol), max_iter
        )
        self._set_fitted_regressor(model, names, y_ndim)
        return self

    def _check_sparse_solver(self, fit_intercept):
        """scikit-learn's refusals of sparse X: "cholesky" and "svd" cannot fit an intercept on
        it (ValueError), "svd" cannot take it at all (TypeError)."""
        if fit_intercept and self.solver in ("cholesky", "svd"):
            raise ValueError(
                f"solver='{self.solver}' does not support fitting the intercept on sparse data. "
                "Please set the solver to 'auto' or 'sparse_cg', or set `fit_intercept=False`"
            )
        if self.solver == "svd":
            raise TypeError("SVD solver does not support sparse inputs currently")

    def _fitted_attributes(self, model):
        # None, as scikit-learn's "cholesky" and "svd" (no iterations) and "sparse_cg" (its
        # count is not reported; nor is the C++ one for sparse X)
        return {**super()._fitted_attributes(model), "n_iter_": None}

    def _check_alpha(self, n_targets):
        alpha = self.alpha
        if isinstance(alpha, (str, bytes)) or is_bool(alpha):
            raise ValueError(f"alpha must be a float >= 0 or an array of them, found {alpha!r}")
        try:
            alphas = np.asarray(alpha, dtype=np.float64).ravel()
        except (TypeError, ValueError) as error:
            raise ValueError(f"alpha must be a float >= 0 or an array of them, found {alpha!r}") from error
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or np.any(alphas < 0):
            raise ValueError(f"alpha must be finite and >= 0, found {alpha!r}")
        if alphas.size not in (1, n_targets):
            raise ValueError(
                "Number of targets and number of penalties do not correspond: "
                f"{alphas.size} != {n_targets}"
            )
        return [float(a) for a in alphas]

    def _check_params(self):
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.copy_X, "copy_X")
        if self.max_iter is not None and (not is_int(self.max_iter) or self.max_iter < 1):
            raise ValueError(f"max_iter must be None or an int >= 1, found {self.max_iter!r}")
        if (
            not isinstance(self.tol, numbers.Real)
            or is_bool(self.tol)
            or not np.isfinite(self.tol)
            or self.tol < 0
        ):
            raise ValueError(f"tol must be a finite float >= 0, found {self.tol!r}")
        _check_positive_flag(self)
        solver = self.solver
        if not isinstance(solver, str) or solver not in _RIDGE_SOLVERS:
            what = (
                "is one of scikit-learn's iterative solvers, not in linfa"
                if solver in _OTHER_RIDGE_SOLVERS
                else "is unknown"
            )
            raise ValueError(
                f"solver={solver!r} {what}; linfa's Ridge supports solver='auto', 'cholesky', "
                "'svd' or 'sparse_cg'"
            )
        return fit_intercept, _RIDGE_SOLVERS[solver]
