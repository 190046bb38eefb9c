"""linfa.LogisticRegression: scikit-learn's LogisticRegression interface (the "lbfgs" solver,
L2 or no penalty) over the C++ ``linfa::linear::LogisticRegression``; labels, ``predict``,
``predict_proba`` and ``score`` are every classifier's (``_classifier.py``). X may be a
scipy.sparse matrix for ``fit`` and every predict-like method, as scikit-learn's lbfgs
solver allows."""

import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import collectively, distributed_function, native_function, register_estimator
from ._classifier import LinfaClassifier, class_codes, classes_over_ranks, encode_labels
from ._validation import check_bool, check_sample_weight, is_bool, is_int

try:  # scikit-learn is optional
    from sklearn.exceptions import ConvergenceWarning
except ImportError:
    ConvergenceWarning = UserWarning

_MULTI_CLASS = {
    "auto": _linfa.MultiClass.Auto,
    "multinomial": _linfa.MultiClass.Multinomial,
    "ovr": _linfa.MultiClass.OneVsRest,
}


def _is_real(value):
    return isinstance(value, numbers.Real) and not is_bool(value)


@register_estimator
class LogisticRegression(LinfaClassifier):
    """Logistic regression, fitted in C++ (linfa) by L-BFGS: minimises the (sample- and
    class-weighted) log-loss plus ||W||^2 / (2 C), the intercepts unpenalised, as
    scikit-learn's LogisticRegression with ``solver="lbfgs"``.

    Parameters follow ``sklearn.linear_model.LogisticRegression``:

    penalty : {"l2", None}, default="l2"
        None (or scikit-learn 1.2's deprecated "none") fits without a penalty; "l1" and
        "elasticnet" need solvers linfa does not have (ValueError).
    dual : bool, default=False
        Only False (the dual form is liblinear's).
    tol : float >= 0, default=1e-4
        L-BFGS stops when the largest gradient component is at most tol, or when an
        iteration lowers the objective by less than SciPy's relative ``ftol``.
    C : float > 0, default=1.0
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1
        Accepted, without effect (liblinear's).
    class_weight : dict, "balanced" or None, default=None
    random_state : any, default=None
        Accepted, without effect: L-BFGS draws no random numbers.
    solver : "lbfgs", default="lbfgs"
        The only solver; scikit-learn's others raise ValueError.
    max_iter : int >= 1, default=100
    multi_class : {"auto", "multinomial", "ovr"}, default="auto"
    verbose : int, default=0
        Accepted, without effect.
    warm_start : bool, default=False
        Start from the previous fit's coefficients when the classes and features match.
    n_jobs : int or None, default=None
        Accepted, without effect: the C++ code runs on OpenMP threads (``OMP_NUM_THREADS``).
    l1_ratio : None
        Only None (elastic-net penalties are not supported).

    Attributes (after ``fit``): ``classes_``, ``coef_`` (shape (1, n_features) for two
    classes, else (n_classes, n_features)), ``intercept_``, ``n_iter_``, ``n_features_in_``,
    ``feature_names_in_``; coefficients in X's dtype (float32 or float64).

    Sparse X (scipy.sparse, any format; CSR float32 / float64 used without a copy) is fitted
    with the same loss, scored and differentiated entry by entry, so the model is the dense
    fit's to rounding; ``decision_function``, ``predict``, ``predict_proba``,
    ``predict_log_proba`` and ``score`` take sparse X too.
    """

    _model_kind = "linear_model.logistic_regression"
    _accepts_sparse = True  # scipy.sparse X for fit and every predict-like method

    def __init__(
        self,
        penalty="l2",
        *,
        dual=False,
        tol=1e-4,
        C=1.0,
        fit_intercept=True,
        intercept_scaling=1,
        class_weight=None,
        random_state=None,
        solver="lbfgs",
        max_iter=100,
        multi_class="auto",
        verbose=0,
        warm_start=False,
        n_jobs=None,
        l1_ratio=None,
    ):
        self.penalty = penalty
        self.dual = dual
        self.tol = tol
        self.C = C
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.multi_class = multi_class
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.l1_ratio = l1_ratio

    def fit(self, X, y, sample_weight=None, comm=None):
        """Fits the classes of y (any labels) on X (an array or a scipy.sparse matrix), with
        optional non-negative sample weights; returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X, y and
        sample_weight are this rank's rows of a dataset spread over the communicator's ranks,
        rank 0's rows first: every rank gets the model one process fits on all the rows, bit
        for bit (dense X only; the classes are those of every rank's y). Every rank must call
        it; warm_start is refused."""
        C, fit_intercept, multi_class = self._check_params()

        def checks():
            X_, names = self._check_training_data(X, comm)
            if comm is not None:  # checked below without comm; here every rank hears of a bad one
                check_sample_weight(sample_weight, X_.shape[0], X_.dtype)
            return X_, names, *encode_labels(y, X_.shape[0])

        X, names, classes, labels = collectively(comm, checks)
        if comm is not None:
            classes, labels = classes_over_ranks(comm, classes, y, X.shape[0])
        if classes.shape[0] < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {classes[0]!r}"
            )
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        class_weight, balanced = self._class_weights(classes)
        args = (X, labels, weights, C, fit_intercept, int(self.max_iter), float(self.tol),
                multi_class, class_weight, balanced)
        if comm is None:
            warm = self._warm_model(X.dtype, classes, X.shape[1])
            model = native_function("logistic_regression_fit", X.dtype)(*args, warm)
        else:
            if check_bool(self.warm_start, "warm_start"):
                raise ValueError("fit with comm does not warm start: set warm_start=False")
            model = distributed_function("logistic_regression_fit", X, comm)(*args)
        if not model.converged:
            if max(model.n_iter) >= self.max_iter:  # SciPy's words for each way L-BFGS stops short
                why = "(status=1):\nSTOP: TOTAL NO. of ITERATIONS REACHED LIMIT"
            else:  # stuck: no step along the search direction lowered the objective enough
                why = "(status=2):\nABNORMAL_TERMINATION_IN_LNSRCH"
            warnings.warn(
                f"lbfgs failed to converge {why}.\n\n"
                f"Increase the number of iterations (max_iter={self.max_iter}) or scale the data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._set_fitted_classifier(model, names, classes)
        return self

    def decision_function(self, X):
        """Class scores: shape (n_samples,) for two classes (the second class's score),
        else (n_samples, n_classes)."""
        scores = self._fitted_model().decision_function(self._check_test_data(X))
        return scores.ravel() if scores.shape[1] == 1 else scores

    def _fitted_attributes(self, model):
        return {
            **super()._fitted_attributes(model),
            "coef_": model.coef,
            "intercept_": model.intercept,
            "n_iter_": np.asarray(model.n_iter, dtype=np.int32),
        }

    # ---------------------------------------------------------------- internals

    def _warm_model(self, dtype, classes, n_features):
        """The previous model to start from, with warm_start and matching classes, features and
        dtype; else None."""
        if not check_bool(self.warm_start, "warm_start"):
            return None
        model = self.__dict__.get("_model")
        if model is None or model.dtype != dtype or model.n_features != n_features:
            return None
        previous = self.__dict__.get("classes_")
        if previous is None or len(previous) != len(classes) or not np.all(previous == classes):
            return None
        return model

    def _class_weights(self, classes):
        """({int32 label: weight}, balanced) for C++ from class_weight."""
        weight = self.class_weight
        if weight is None:
            return {}, False
        if isinstance(weight, str):
            if weight != "balanced":
                raise ValueError(f"class_weight must be a dict, 'balanced' or None, found {weight!r}")
            return {}, True
        if not isinstance(weight, dict):
            raise ValueError(f"class_weight must be a dict, 'balanced' or None, found {weight!r}")
        model_labels = class_codes(classes)  # the int32 label of each class, in classes_ order
        result = {}
        for key, value in weight.items():
            found = np.flatnonzero(classes == key)
            if found.size == 0:
                raise ValueError(f"Class label {key} not present.")
            if not _is_real(value) or not np.isfinite(value) or value < 0:
                raise ValueError(f"class_weight values must be finite and >= 0, found {value!r} for {key!r}")
            result[int(model_labels[found[0]])] = float(value)
        return result, False

    def _check_params(self):
        penalty = self.penalty
        if penalty == "none":
            warnings.warn(
                "`penalty='none'`has been deprecated in 1.2 and will be removed in 1.4. To keep "
                "the past behaviour, set `penalty=None`.",
                FutureWarning,
                stacklevel=3,
            )
            penalty = None
        if penalty is None and (self.C != 1.0 or self.l1_ratio is not None):
            warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters", stacklevel=3)
        if penalty not in ("l2", None):
            raise ValueError(
                f"penalty={penalty!r} is not supported: linfa's LogisticRegression has the "
                "'lbfgs' solver, which supports penalty='l2' or None"
            )
        if self.solver != "lbfgs":
            raise ValueError(f"solver={self.solver!r} is not supported: linfa has solver='lbfgs' only")
        if check_bool(self.dual, "dual"):
            raise ValueError("dual=True is not supported (the dual form is liblinear's)")
        if self.l1_ratio is not None and penalty is not None:
            raise ValueError("l1_ratio is only used with penalty='elasticnet'; it must be None")
        if not _is_real(self.C) or not self.C > 0:
            raise ValueError(f"C must be a float > 0, found {self.C!r}")
        if not _is_real(self.tol) or not np.isfinite(self.tol) or self.tol < 0:
            raise ValueError(f"tol must be a finite float >= 0, found {self.tol!r}")
        if not is_int(self.max_iter) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, found {self.max_iter!r}")
        if not isinstance(self.multi_class, str) or self.multi_class not in _MULTI_CLASS:
            raise ValueError(f"multi_class must be 'auto', 'multinomial' or 'ovr', found {self.multi_class!r}")
        if self.n_jobs is not None and not is_int(self.n_jobs):
            raise ValueError(f"n_jobs must be None or an int, found {self.n_jobs!r}")
        C = float("inf") if penalty is None else float(self.C)
        return C, check_bool(self.fit_intercept, "fit_intercept"), _MULTI_CLASS[self.multi_class]
