"""linfa.StandardScaler, linfa.MinMaxScaler and linfa.MaxAbsScaler: scikit-learn's
preprocessing scalers over the C++ ``linfa::preprocessing`` models.

``_Scaler`` holds what the three share, as scikit-learn's ``TransformerMixin`` and
``OneToOneFeatureMixin`` do: ``fit`` / ``partial_fit`` (a batch merged into the C++ model:
``fit_with``), ``transform``, ``inverse_transform``, ``fit_transform`` and
``get_feature_names_out``. Each subclass states its parameters, the arguments of its C++ fit
and its fitted attributes.

Unlike scikit-learn's scalers, which treat NaN as missing (ignored in fit, kept in transform),
linfa refuses NaN and infinity with a ValueError, so these estimators do not claim the
``allow_nan`` tag. StandardScaler(with_mean=False) and MaxAbsScaler take scipy.sparse X, as
scikit-learn's do (CSR viewed in place, other formats converted once) and return CSR of the
same structure; MinMaxScaler takes dense X only (scipy.sparse input: TypeError). X is never
modified: ``copy`` is accepted for compatibility only.
"""

import numbers

import numpy as np

from . import _linfa
from ._base import LinfaEstimator, collectively, fit_function, native_function, register_estimator
from ._validation import check_array, check_bool, check_sample_weight, is_bool

_SPARSE_VIEWS = (_linfa.CsrF32, _linfa.CsrF64)


def _scaled(result, X):
    """A scaler model's answer for X: an array for dense X; for sparse X (a CSR view) a scipy
    CSR matrix of X's shape from the (data, indices, indptr) the model returned."""
    if not isinstance(X, _SPARSE_VIEWS):
        return result
    import scipy.sparse

    return scipy.sparse.csr_matrix(result, shape=X.shape)


class _Scaler(LinfaEstimator):
    """What the three scalers share on top of ``LinfaEstimator``. Subclasses define
    ``__init__``, ``_model_kind``, ``_native`` (the prefix of the extension's functions:
    ``<native>_fit_f64``, ``<native>_partial_fit_f64``), ``_native_params`` (the checked
    parameters, as the trailing arguments of those functions) and ``_fitted_attributes``."""

    _native = None
    # keyword arguments fit, partial_fit and fit_transform take besides X and y
    _fit_keywords = ()

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, comm=None):
        """Learns the scaling of X (array-like of shape (n_samples, n_features)), forgetting
        any earlier fit; y is ignored. Returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X is this rank's rows
        of a dataset spread over the communicator's ranks, rank 0's rows first (any number,
        none included): every rank gets the model one process fits on all the rows, bit for
        bit (dense X only). Every rank must call it."""
        self._fit(X, reset=True, comm=comm)
        return self

    def partial_fit(self, X, y=None):
        """Merges the batch X into what was learnt so far (the first call learns from X
        alone), so that the batches together give the scaling of their concatenation; y is
        ignored. Returns self."""
        self._fit(X, reset=False)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        """``fit(X, **fit_params)`` then ``transform(X)``, converting X once."""
        unknown = sorted(set(fit_params) - set(self._fit_keywords))
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.fit() got an unexpected keyword argument {unknown[0]!r}"
            )
        X = self._fit(X, reset=True, **fit_params)
        return _scaled(self._model.transform(X), X)

    def _fit(self, X, reset, sample_weight=None, comm=None):
        """Fits on X (a new model when `reset` or unfitted, else the fitted one updated; with
        ``comm``, a new model on every rank's rows); returns X as converted (C-contiguous
        float32 or float64)."""
        params = self._native_params()
        if comm is not None:
            return self._fit_distributed(X, sample_weight, params, comm)
        model = None if reset else self.__dict__.get("_model")
        if model is None:
            X, names = self._check_training_data(X)
        else:  # the model's feature names, count and dtype, as transform
            names = self.__dict__.get("feature_names_in_")
            X = self._check_test_data(X)
        if isinstance(X, _SPARSE_VIEWS):
            self._check_sparse_input(fitting=True)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        data = (X, weights) if "sample_weight" in self._fit_keywords else (X,)
        if model is None:
            model = native_function(f"{self._native}_fit", X.dtype)(*data, *params)
        else:
            model = native_function(f"{self._native}_partial_fit", X.dtype)(model, *data, *params)
        self._before_set_fitted(reset, weights is not None)
        self._set_fitted(model, names)
        return X

    def _fit_distributed(self, X, sample_weight, params, comm):
        """``_fit`` over the ranks of ``comm``: each rank's checks of its own rows, heard by every
        rank, then the extension's distributed fit."""

        def checks():
            rows, names = self._check_training_data(X, comm)
            return rows, names, check_sample_weight(sample_weight, rows.shape[0], rows.dtype)

        X, names, weights = collectively(comm, checks)
        data = (X, weights) if "sample_weight" in self._fit_keywords else (X,)
        model = fit_function(f"{self._native}_fit", X, comm)(*data, *params)
        # Whether the fit was weighted: as C++ decides it, by the ranks that hold rows (one
        # without rows may pass an empty sample_weight, or none).
        self._before_set_fitted(True, any(comm.allgather(weights is not None and X.shape[0] > 0)))
        self._set_fitted(model, names)
        return X

    def _before_set_fitted(self, reset, weighted):
        """Hook run once a fit succeeded, before the fitted attributes are set."""

    def _check_sparse_input(self, fitting):
        """Hook run for sparse X before fit (`fitting`) and the transforms: raises when the
        scaler, as configured or as fitted, would move zeros (StandardScaler centring)."""

    def _native_params(self):
        """The checked parameters, as the C++ fit functions take them after the data."""
        raise NotImplementedError

    # ---------------------------------------------------------------- fitted use

    def transform(self, X):
        """X scaled, as a new array of the fitted model's dtype (X is not modified); sparse X
        (where the scaler takes it) as a new CSR matrix of the same structure."""
        model = self._fitted_model()
        X = self._check_test_data(X)
        if isinstance(X, _SPARSE_VIEWS):
            self._check_sparse_input(fitting=False)
        return _scaled(model.transform(X), X)

    def inverse_transform(self, X):
        """Scaled X back to the original scale, as a new array of the fitted model's dtype
        (sparse X: a new CSR matrix)."""
        model = self._fitted_model()
        X = check_array(X, dtype=model.dtype, accept_sparse=self._accepts_sparse)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        if isinstance(X, _SPARSE_VIEWS):
            self._check_sparse_input(fitting=False)
        return _scaled(model.inverse_transform(X), X)

    def get_feature_names_out(self, input_features=None):
        """The output feature names, one per input feature and the same: those given (which
        must match ``feature_names_in_``), else ``feature_names_in_``, else "x0", "x1", ...
        (scikit-learn's ``OneToOneFeatureMixin``)."""
        self._fitted_model()
        fitted = self.__dict__.get("feature_names_in_")
        if input_features is None:
            if fitted is not None:
                return fitted
            return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)
        names = np.asarray(input_features, dtype=object)
        if fitted is not None and not np.array_equal(fitted, names):
            raise ValueError("input_features is not equal to feature_names_in_")
        if len(names) != self.n_features_in_:
            raise ValueError(
                "input_features should have length equal to number of features "
                f"({self.n_features_in_}), got {len(names)}"
            )
        return names


@register_estimator
class StandardScaler(_Scaler):
    """Standardisation, fitted in C++ (linfa): each feature centred on its mean and divided by
    its standard deviation (weighted by ``sample_weight``; numpy's ``var``, dividing by the
    total weight), as scikit-learn's StandardScaler. A feature whose variance is within
    rounding of 0 is divided by 1 (scikit-learn's rule).

    Parameters follow ``sklearn.preprocessing.StandardScaler``:

    copy : bool, default=True
        Accepted, without effect: linfa never modifies X.
    with_mean : bool, default=True
        Centre each feature on its mean.
    with_std : bool, default=True
        Divide each feature by its standard deviation.

    Attributes (after ``fit``; float64 whatever X's dtype, as scikit-learn): ``mean_`` (None
    when neither centring nor scaling), ``var_`` and ``scale_`` (None without ``with_std``),
    ``n_samples_seen_`` (an int, or a float once sample weights were given: their total),
    ``n_features_in_``, ``feature_names_in_``. ``transform`` keeps float32 data float32.

    NaN and infinity are refused (ValueError); scikit-learn's scaler ignores NaN instead.
    Sample weights must be finite, non-negative and not all zero.
    """

    _model_kind = "preprocessing.standard_scaler"
    _native = "standard_scaler"
    _fit_keywords = ("sample_weight",)
    _accepts_sparse = True

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None, sample_weight=None, comm=None):
        """Learns the (weighted) mean and variance of each feature of X, forgetting any
        earlier fit; y is ignored. Returns self. With ``comm``: X and sample_weight are this
        rank's rows of a dataset spread over the communicator's ranks, as ``_Scaler.fit``."""
        self._fit(X, reset=True, sample_weight=sample_weight, comm=comm)
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """Merges the batch X (and its sample weights) into the means and variances learnt
        so far (Chan, Golub and LeVeque's update): the batches together give the statistics
        of their concatenation. y is ignored. Returns self."""
        self._fit(X, reset=False, sample_weight=sample_weight)
        return self

    def transform(self, X, copy=None):
        """X standardised, as a new array of the fitted model's dtype (``copy`` is accepted,
        without effect: X is not modified)."""
        self._check_copy(copy)
        return super().transform(X)

    def inverse_transform(self, X, copy=None):
        """Standardised X back to the original scale (``copy``: as in ``transform``)."""
        self._check_copy(copy)
        return super().inverse_transform(X)

    def _native_params(self):
        check_bool(self.copy, "copy")
        return check_bool(self.with_mean, "with_mean"), check_bool(self.with_std, "with_std")

    @staticmethod
    def _check_copy(copy):
        if copy is not None:
            check_bool(copy, "copy")

    def _check_sparse_input(self, fitting):
        centres = self.with_mean if fitting else self._fitted_model().with_mean
        if centres:  # scikit-learn's message
            raise ValueError(
                "Cannot center sparse matrices: pass `with_mean=False` instead. See docstring for "
                "motivation and alternatives."
            )

    def _before_set_fitted(self, reset, weighted):
        # n_samples_seen_ becomes a float once weights are given, as scikit-learn's (the flag
        # is one of the fitted attributes: a loaded model infers it from its total weight)
        self._weighted = weighted or (not reset and self.__dict__.get("_weighted", False))

    def _fitted_attributes(self, model):
        with_mean, with_std = bool(model.with_mean), bool(model.with_std)
        weighted = self.__dict__.get("_weighted")
        if weighted is None:  # a loaded model: the file holds the total weight, not the flag
            weighted = model.weight != model.rows
        if not weighted:
            seen = np.int64(model.rows)
        elif with_mean or with_std:
            seen = np.float64(model.weight)
        else:  # scikit-learn counts the rows then, not their weights, in X's dtype
            seen = model.dtype.type(model.rows)
        return {
            "_weighted": weighted,
            "mean_": model.mean if with_mean or with_std else None,
            "var_": model.variance if with_std else None,
            "scale_": model.scale if with_std else None,
            "n_samples_seen_": seen,
        }

    @classmethod
    def _params_from_model(cls, model):
        return {"with_mean": bool(model.with_mean), "with_std": bool(model.with_std)}


@register_estimator
class MinMaxScaler(_Scaler):
    """Min-max scaling, fitted in C++ (linfa): each feature mapped linearly from its training
    range [min, max] onto ``feature_range``, as scikit-learn's MinMaxScaler: ``X * scale_ +
    min_``. A feature whose range is within rounding of 0 gets ``scale_`` = high - low.

    Parameters follow ``sklearn.preprocessing.MinMaxScaler``:

    feature_range : (low, high), default=(0, 1)
        The range training data are mapped onto: finite, low < high.
    copy : bool, default=True
        Accepted, without effect: linfa never modifies X.
    clip : bool, default=False
        Clip transformed values of held-out data to ``feature_range``.

    Attributes (after ``fit``, in X's dtype: float32 or float64): ``min_``, ``scale_``,
    ``data_min_``, ``data_max_``, ``data_range_``, ``n_samples_seen_`` (int),
    ``n_features_in_``, ``feature_names_in_``.

    NaN and infinity are refused (ValueError); scikit-learn's scaler ignores NaN instead.
    """

    _model_kind = "preprocessing.min_max_scaler"
    _native = "min_max_scaler"

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def _native_params(self):
        check_bool(self.copy, "copy")
        clip = check_bool(self.clip, "clip")
        low, high = self._check_feature_range()
        return low, high, clip

    def _check_feature_range(self):
        value = self.feature_range
        try:
            low, high = value
            ok = all(isinstance(v, numbers.Real) and not is_bool(v) for v in (low, high))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"feature_range must be a tuple (min, max) of two numbers, found {value!r}")
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f"feature_range must be finite, found {value!r}")
        if low >= high:  # scikit-learn's message
            raise ValueError(
                f"Minimum of desired feature range must be smaller than maximum. Got {value!r}."
            )
        return float(low), float(high)

    def _fitted_attributes(self, model):
        dtype = model.dtype
        data_min = model.data_min.astype(dtype)
        data_max = model.data_max.astype(dtype)
        return {
            "min_": model.min.astype(dtype),
            "scale_": model.scale.astype(dtype),
            "data_min_": data_min,
            "data_max_": data_max,
            "data_range_": data_max - data_min,  # in X's dtype, as scikit-learn computes it
            "n_samples_seen_": int(model.rows),
        }

    @classmethod
    def _params_from_model(cls, model):
        low, high = model.feature_range
        return {"feature_range": (low, high), "clip": bool(model.clip)}


@register_estimator
class MaxAbsScaler(_Scaler):
    """Max-abs scaling, fitted in C++ (linfa): each feature divided by its largest training
    magnitude, so training data land in [-1, 1] unshifted, as scikit-learn's MaxAbsScaler. A
    feature whose largest magnitude is within rounding of 0 is divided by 1.

    Parameters follow ``sklearn.preprocessing.MaxAbsScaler``:

    copy : bool, default=True
        Accepted, without effect: linfa never modifies X.

    Attributes (after ``fit``, in X's dtype: float32 or float64): ``max_abs_``, ``scale_``,
    ``n_samples_seen_`` (int), ``n_features_in_``, ``feature_names_in_``.

    NaN and infinity are refused (ValueError); scikit-learn's scaler ignores NaN instead.
    A scipy.sparse X is scaled without being made dense (the result: CSR of its structure).
    """

    _model_kind = "preprocessing.max_abs_scaler"
    _native = "max_abs_scaler"
    _accepts_sparse = True

    def __init__(self, *, copy=True):
        self.copy = copy

    def _native_params(self):
        check_bool(self.copy, "copy")
        return ()

    def _fitted_attributes(self, model):
        dtype = model.dtype
        return {
            "max_abs_": model.max_abs.astype(dtype),
            "scale_": model.scale.astype(dtype),
            "n_samples_seen_": int(model.rows),
        }
