"""linfa.ElasticNet and linfa.Lasso: scikit-learn's coordinate-descent linear models over the
C++ ``linfa::linear::ElasticNet`` (Lasso is the same model with ``l1_ratio=1``: one model kind,
``linear_model.elastic_net``, which ``linfa.load`` returns as an ElasticNet).

Targets, ``predict``, ``score`` and scipy.sparse X are those of the other linear regressors
(``_LinearRegressor`` in _linear.py)."""

import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import collectively, fit_function, register_estimator
from ._linear import _LinearRegressor
from ._errors import ConvergenceWarning
from ._validation import check_bool, is_bool, is_int

_PRECOMPUTE = {False: _linfa.Precompute.Never, True: _linfa.Precompute.Always, "auto": _linfa.Precompute.Auto}
_SELECTION = {"cyclic": _linfa.Selection.Cyclic, "random": _linfa.Selection.Random}


def _check_real(value, name, low, high=None):
    if not isinstance(value, numbers.Real) or is_bool(value) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite float, found {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bounds}, found {value!r}")
    return float(value)


@register_estimator
class ElasticNet(_LinearRegressor):
    """Linear regression with combined L1 and L2 penalties, fitted in C++ (linfa) by
    coordinate descent: per target, minimises
    ``1/(2 n) ||y - Xw - b||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) ||w||^2 / 2``
    (sample weights rescaled to sum to n, as scikit-learn 1.2), the intercept unpenalised.

    Parameters follow ``sklearn.linear_model.ElasticNet``:

    alpha : float >= 0, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    precompute : bool or "auto", default=False
        True: descend on the Gram matrix X^T X (formed once, in double); False: on the columns
        of a centred copy of X; "auto": the Gram matrix when samples outnumber features (at
        least twice). A Gram array is checked as scikit-learn checks it (one entry; with an
        intercept to fit, a warning that it is recomputed), then formed again from X. Ignored
        for sparse X, as scikit-learn ignores it there.
    max_iter : int >= 1, default=1000
    copy_X : bool, default=True
        Accepted, without effect (linfa never modifies X).
    tol : float >= 0, default=1e-4
        Stop when the duality gap is below tol x ||y - mean(y)||^2, as scikit-learn.
    warm_start : bool, default=False
        Start from the ``coef_`` of the previous fit.
    positive : bool, default=False
    random_state : int, RandomState, Generator or None, default=None
        Seeds linfa's RNG for ``selection="random"`` (the draws differ from scikit-learn's).
    selection : {"cyclic", "random"}, default="cyclic"

    Attributes (after ``fit``): ``coef_``, ``intercept_`` (shapes as ``Ridge``), ``n_iter_`` (an
    int for 1-D y, else a list per target), ``dual_gap_`` (a float for 1-D y, else an array),
    ``sparse_coef_``, ``n_features_in_``, ``feature_names_in_``.

    Sparse X (scipy.sparse, any format; CSR float32 / float64 used without a copy) is fitted
    by coordinate descent over its columns with the centring and the sample weights applied
    implicitly, so X stays sparse: the dense fit's solution to within the same duality-gap
    tolerance (the same one, to rounding, when both converge tightly). ``predict`` and
    ``score`` take sparse X too.
    """

    _model_kind = "linear_model.elastic_net"

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        copy_X=True,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, check_input=True, comm=None):
        """Fits the model to X (an array or a scipy.sparse matrix) and y (shape (n_samples,)
        or (n_samples, n_targets)), with optional non-negative sample weights (a number: no
        weights); returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X, y and
        sample_weight are this rank's rows of a dataset spread over the communicator's ranks,
        rank 0's rows first: every rank gets the model one process fits on all the rows, bit
        for bit (dense X only). Every rank must call it. Over ranks the descent runs on the
        Gram matrix (a sum over rows): ``precompute`` must be True, or "auto" with at least
        two samples per feature over all ranks (and at most 4096 features). ``warm_start``
        starts every rank from rank 0's ``coef_``."""
        args = self._check_params()
        if comm is not None and args["precompute"] == _linfa.Precompute.Never:
            raise ValueError(
                "fit with comm descends on the Gram matrix: set precompute=True (or 'auto'); "
                "precompute=False descends on the columns of X, which one process alone holds"
            )
        if args["alpha"] == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are advised to use "
                "the LinearRegression estimator",
                stacklevel=2,
            )
        # scikit-learn's coordinate descent warns so too (penalties times n_samples)
        if args["alpha"] * args["l1_ratio"] == 0:
            warnings.warn(
                "Coordinate descent with no regularization may lead to unexpected results and "
                "is discouraged."
                if args["alpha"] == 0
                else "Coordinate descent without L1 regularization may lead to unexpected results "
                "and is discouraged. Set l1_ratio > 0 to add L1 regularization.",
                UserWarning,
                stacklevel=2,
            )
        if isinstance(sample_weight, numbers.Number):
            sample_weight = None
        checked = collectively(comm, lambda: self._checked_fit_data(X, y, sample_weight, args, comm))
        X, names, targets, weights, y_ndim = checked
        start = None
        if check_bool(self.warm_start, "warm_start") and "coef_" in self.__dict__:
            start = np.asarray(self.coef_, dtype=np.float64)
            start = np.ascontiguousarray(start.reshape(1, -1) if start.ndim == 1 else start)
        if comm is not None:  # every rank starts from rank 0's coefficients (or none), as from one model
            start = comm.bcast(start, root=0)
        seed = self._seed(comm) if self.selection == "random" else 0
        model = fit_function("elastic_net_fit", X, comm)(X, targets, weights, warm_start=start, seed=seed, **args)
        self._set_fitted_regressor(model, names, y_ndim)
        if not all(model.converged):
            warnings.warn(
                "Objective did not converge. You might want to increase the number of "
                "iterations, check the scale of the features or consider increasing "
                f"regularisation. Duality gap: {max(model.dual_gap):.3e}",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _checked_fit_data(self, X, y, sample_weight, args, comm):
        """``_fit_data``, then a Gram matrix given as ``precompute`` checked against X (dense X
        only, as scikit-learn; with ``comm`` refused, as one rank's rows cannot check it)."""
        X, names, targets, weights, y_ndim = self._fit_data(X, y, sample_weight, comm)
        if hasattr(self.precompute, "__array__") and isinstance(X, np.ndarray):
            if comm is not None:
                raise ValueError("fit with comm forms the Gram matrix itself: pass precompute=True, not an array")
            self._check_gram(np.asarray(self.precompute), X, weights, args["fit_intercept"])
        return X, names, targets, weights, y_ndim

    @staticmethod
    def _check_gram(gram, X, weights, fit_intercept):
        """A Gram matrix given as `precompute`, checked as scikit-learn does (its shape, and one
        entry against the centred, weighted X). linfa then forms the same matrix itself, from
        X: a Gram matrix that passes the check gives scikit-learn's result."""
        n, d = X.shape
        if gram.shape != (d, d):
            raise ValueError(f"precompute must be a ({d}, {d}) Gram matrix, found shape {gram.shape}")
        w = np.ones(n) if weights is None else weights.astype(np.float64) * (n / np.sum(weights))
        offset = np.average(X, axis=0, weights=w) if fit_intercept else np.zeros(d)
        if fit_intercept and not np.allclose(offset, np.zeros(d)):
            warnings.warn(
                "Gram matrix was provided but X was centered to fit intercept, or X was "
                "normalized : recomputing Gram matrix.",
                UserWarning,
                stacklevel=6,  # fit -> collectively -> its lambda -> _checked_fit_data -> here
            )
            return
        f1 = d // 2
        f2 = min(f1 + 1, d - 1)
        root = np.sqrt(w)
        expected = np.dot((X[:, f1] - offset[f1]) * root, (X[:, f2] - offset[f2]) * root)
        rtol = 1e-4 if np.float32 in (gram.dtype, X.dtype) else 1e-7
        if not np.isclose(expected, gram[f1, f2], rtol=rtol, atol=1e-5):
            raise ValueError(
                "Gram matrix passed in via 'precompute' parameter did not pass validation when a "
                f"single element was checked - please check that it was computed properly. For "
                f"element ({f1},{f2}) we computed {expected} but the user-supplied value was "
                f"{gram[f1, f2]}."
            )

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy.sparse CSR matrix."""
        from scipy import sparse

        return sparse.csr_matrix(self.coef_)

    def _fitted_attributes(self, model):
        attributes = super()._fitted_attributes(model)
        n_iter = [int(i) for i in model.n_iter]
        gaps = np.asarray(model.dual_gap, dtype=model.dtype)
        if self._targets_1d():
            return {**attributes, "n_iter_": n_iter[0], "dual_gap_": gaps[0]}
        return {**attributes, "n_iter_": n_iter, "dual_gap_": gaps}

    def _check_params(self):
        precompute = self.precompute
        if isinstance(precompute, str):
            if precompute != "auto":
                raise ValueError(f"precompute must be True, False, 'auto' or an array, found {precompute!r}")
        elif is_bool(precompute):
            precompute = bool(precompute)
        elif hasattr(precompute, "__array__"):
            precompute = True  # checked against X by _check_gram, then formed again in C++
        else:
            raise ValueError(f"precompute must be True, False, 'auto' or an array, found {precompute!r}")
        if not is_int(self.max_iter) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, found {self.max_iter!r}")
        if self.selection not in _SELECTION:
            raise ValueError(f"selection must be 'cyclic' or 'random', found {self.selection!r}")
        check_bool(self.copy_X, "copy_X")
        return {
            "alpha": _check_real(self.alpha, "alpha", 0.0),
            "l1_ratio": _check_real(self.l1_ratio, "l1_ratio", 0.0, 1.0),
            "fit_intercept": check_bool(self.fit_intercept, "fit_intercept"),
            "precompute": _PRECOMPUTE[precompute],
            "max_iter": int(self.max_iter),
            "tol": _check_real(self.tol, "tol", 0.0),
            "positive": check_bool(self.positive, "positive"),
            "selection": _SELECTION[self.selection],
        }


class Lasso(ElasticNet):
    """ElasticNet with ``l1_ratio=1``: the Lasso, ``1/(2 n) ||y - Xw - b||^2 + alpha ||w||_1``,
    fitted in C++ (linfa) by coordinate descent. Parameters, attributes and model files are
    ElasticNet's (``linfa.load`` returns a Lasso's file as an ElasticNet), without
    ``l1_ratio``; scikit-learn's signature."""

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute=False,
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
    ):
        super().__init__(
            alpha=alpha,
            l1_ratio=1.0,
            fit_intercept=fit_intercept,
            precompute=precompute,
            max_iter=max_iter,
            copy_X=copy_X,
            tol=tol,
            warm_start=warm_start,
            positive=positive,
            random_state=random_state,
            selection=selection,
        )
