"""Input conversion for the estimators: whatever the caller passes becomes a C-contiguous
float32 or float64 array, converted at most once. Arrays that already are one are passed on
as they are (the extension then views their buffer without a copy)."""

import numbers
import warnings

import numpy as np

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


def _reject_unsupported(X):
    module = type(X).__module__ or ""
    if module.startswith("scipy.sparse") or (hasattr(X, "tocsr") and hasattr(X, "nnz")):
        raise TypeError(
            "A sparse matrix was passed, but dense data is required. "
            "Use X.toarray() to convert to a dense numpy array."
        )
    _warn_sparse_columns(X)


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


def check_array(X, *, dtype=None, name="X"):
    """X as a 2-D C-contiguous array of `dtype` (None: keep float32/float64, else float64)."""
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
    n_samples, n_features = array.shape
    if n_samples < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={array.shape}) while a minimum of 1 is required."
        )
    if n_features < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={array.shape}) while a minimum of 1 is required."
        )
    return array


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
