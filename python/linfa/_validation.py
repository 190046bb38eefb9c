"""Input conversion for the estimators: whatever the caller passes becomes a C-contiguous
float32 or float64 array, converted at most once. Arrays that already are one are passed on
as they are (the extension then views their buffer without a copy)."""

import numbers
import warnings

import numpy as np

from . import _linfa

_FLOATS = (np.float32, np.float64)


def is_int(value):
    """Whether `value` is an integer (Python's or numpy's), bool excluded."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_bool(value):
    """Whether `value` is a bool (Python's or numpy's)."""
    return isinstance(value, (bool, np.bool_))


def check_bool(value, name):
    """`value` as a bool; ValueError naming the parameter unless it is one."""
    if not is_bool(value):
        raise ValueError(f"{name} must be a bool, found {value!r}")
    return bool(value)


def feature_names_of(X):
    """Column names of a DataFrame when they are all strings (scikit-learn's rule), else None."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "iloc"):
        return None
    names = list(columns)
    if names and all(isinstance(n, str) for n in names):
        return np.asarray(names, dtype=object)
    return None


def is_sparse(X):
    """Whether X is a scipy.sparse matrix or array (of any format)."""
    module = type(X).__module__ or ""
    return module.startswith("scipy.sparse") or (hasattr(X, "tocsr") and hasattr(X, "nnz"))


def _reject_unsupported(X):
    if is_sparse(X):
        raise TypeError(
            "A sparse matrix was passed, but dense data is required. "
            "Use X.toarray() to convert to a dense numpy array."
        )
    _warn_sparse_columns(X)


_SPARSE_VIEWS = {np.dtype(np.float32): _linfa.CsrF32, np.dtype(np.float64): _linfa.CsrF64}


def check_sparse(X, *, dtype=None, name="X"):
    """A scipy.sparse X as the extension's checked view of its CSR arrays (CsrF32 / CsrF64).
    A CSR matrix or array of float32 or float64 (or of `dtype`) is viewed without a copy; any
    other format or dtype is converted once (to CSR, to float64). Index arrays of different
    integer types are both made int64."""
    if isinstance(X, tuple(_SPARSE_VIEWS.values())):
        if dtype is None or np.dtype(dtype) == X.dtype:
            return X
        X = _scipy_csr(X)
    if X.format != "csr":
        X = X.tocsr()
    target = np.dtype(dtype) if dtype is not None else (
        X.dtype if X.dtype.type in _FLOATS else np.dtype(np.float64)
    )
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{name} has dtype {X.dtype}")
    if X.dtype != target:
        X = X.astype(target)
    n_samples, n_features = _check_not_empty(X.shape)
    indices, indptr = X.indices, X.indptr
    if indices.dtype != indptr.dtype:
        indices, indptr = indices.astype(np.int64), indptr.astype(np.int64)
    return _SPARSE_VIEWS[target](
        np.ascontiguousarray(X.data), np.ascontiguousarray(indices), np.ascontiguousarray(indptr),
        n_samples, n_features,
    )


def _scipy_csr(view):
    """The scipy CSR matrix over a CsrF32 / CsrF64 view's arrays (no copy)."""
    import scipy.sparse

    return scipy.sparse.csr_matrix((view.data, view.indices, view.indptr), shape=view.shape)


def _warn_sparse_columns(X):
    """scikit-learn's warning for a DataFrame with some sparse columns (made dense here)."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "iloc") or hasattr(X, "sparse"):
        return
    if any(type(dtype).__name__ == "SparseDtype" for dtype in np.atleast_1d(dtypes)):
        warnings.warn(
            "pandas.DataFrame with sparse columns found. It will be converted to a dense "
            "numpy array.",
            UserWarning,
            stacklevel=4,
        )


def check_array(X, *, dtype=None, name="X", accept_sparse=False, min_samples=1):
    """X as a 2-D C-contiguous array of `dtype` (None: keep float32/float64, else float64) with
    at least `min_samples` rows (0: one rank's share of a distributed fit may be none);
    with `accept_sparse`, a sparse X as check_sparse makes it."""
    if accept_sparse and (is_sparse(X) or isinstance(X, tuple(_SPARSE_VIEWS.values()))):
        return check_sparse(X, dtype=dtype, name=name)
    _reject_unsupported(X)
    array = X if isinstance(X, np.ndarray) else np.asarray(X)
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{name} has dtype {array.dtype}")
    if array.ndim != 2:
        raise ValueError(_shape_message(array, name))
    target = np.dtype(dtype) if dtype is not None else (
        array.dtype if array.dtype.type in _FLOATS else np.dtype(np.float64)
    )
    # One conversion at most: to the target type and C order together.
    array = np.ascontiguousarray(array, dtype=target)
    _check_not_empty(array.shape, min_samples)
    return array


def _check_not_empty(shape, min_samples=1):
    """`shape` (2-D); scikit-learn's ValueError unless it has `min_samples` samples and a
    feature."""
    n_samples, n_features = shape
    if n_samples < min_samples:
        raise ValueError(
            f"Found array with {n_samples} sample(s) (shape={shape}) while a minimum of {min_samples} is required."
        )
    if n_features < 1:
        raise ValueError(f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 is required.")
    return n_samples, n_features


def _shape_message(array, name):
    if array.ndim < 2:
        return (
            f"Expected a 2-D array for {name} of shape (n_samples, n_features), got a "
            f"{array.ndim}-D array of shape {array.shape} instead. Reshape your data either using "
            "array.reshape(-1, 1) if your data has a single feature or array.reshape(1, -1) "
            "if it contains a single sample."
        )
    return (
        f"Found array with dim {array.ndim}. Expected a 2-D array for {name} of shape "
        f"(n_samples, n_features), got shape {array.shape}."
    )


def dense_targets(y):
    """y as a numpy array: ValueError when it is None, TypeError when it is sparse."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    module = type(y).__module__ or ""
    if module.startswith("scipy.sparse") or (hasattr(y, "tocsr") and hasattr(y, "nnz")):
        raise TypeError("A sparse matrix was passed for y, but dense data is required.")
    return y if isinstance(y, np.ndarray) else np.asarray(y)


def check_sample_weight(sample_weight, n_samples, dtype):
    """None, or one weight per sample as a 1-D C-contiguous array of `dtype`."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, sample_weight, dtype=dtype)
    weights = np.ascontiguousarray(np.asarray(sample_weight), dtype=dtype)
    if weights.ndim != 1:  # scikit-learn's message
        raise ValueError(
            f"Sample weights must be 1D array or scalar: sample_weight.shape == "
            f"{weights.shape}, expected ({n_samples},)."
        )
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {weights.shape}, expected ({n_samples},): "
            "one weight per sample, as a 1-D array."
        )
    return weights
