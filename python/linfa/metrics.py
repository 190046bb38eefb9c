"""Scores of predictions and clusterings, computed in C++ (``linfa::metrics``) with
scikit-learn's signatures and results: ``r2_score``, ``mean_squared_error``,
``mean_absolute_error``, ``accuracy_score``, ``confusion_matrix``, ``precision_score``,
``recall_score``, ``f1_score``, ``precision_recall_fscore_support``, ``log_loss``,
``roc_auc_score`` (binary) and ``silhouette_score`` / ``silhouette_samples`` (euclidean).

Labels may be of any type NumPy can sort (integers, strings, ...): they are mapped onto
0..k-1 here before they reach C++. Values stay float32 when they are float32 and become
float64 otherwise. Undefined ratios count as 0 (scikit-learn's ``zero_division`` default,
without its warning). Invalid input raises ValueError.
"""

import numpy as np

from . import _linfa
from ._validation import check_array, check_sample_weight

__all__ = [
    "accuracy_score",
    "confusion_matrix",
    "f1_score",
    "log_loss",
    "mean_absolute_error",
    "mean_squared_error",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "recall_score",
    "roc_auc_score",
    "silhouette_samples",
    "silhouette_score",
]

_native = _linfa.metrics
_AVERAGES = {
    "binary": _native.Average.Binary,
    "micro": _native.Average.Micro,
    "macro": _native.Average.Macro,
    "weighted": _native.Average.Weighted,
}


def _native_function(name, dtype):
    suffix = "f32" if np.dtype(dtype) == np.float32 else "f64"
    return getattr(_native, f"{name}_{suffix}")


def _values_dtype(*arrays):
    """float32 when every array is float32 (no precision lost), else float64."""
    return np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64


def _weights(sample_weight, n_samples, dtype):
    return check_sample_weight(sample_weight, n_samples, dtype)


def _one_dimensional(y, name):
    """y as a 1-D array; a column vector (n, 1) is flattened, as scikit-learn does."""
    array = np.asarray(y)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), found shape {array.shape}")
    return array


def _indices(values, classes):
    """The position of each value in the sorted `classes`, as C++ wants labels: int32."""
    return np.ascontiguousarray(np.searchsorted(classes, values), dtype=np.int32)


def _encoded_pair(y_true, y_pred, labels=None):
    """y_true and y_pred (and `labels`) as int32 indices into the sorted union of all their
    values, and that union."""
    t = _one_dimensional(y_true, "y_true")
    p = _one_dimensional(y_pred, "y_pred")
    parts = [t, p] if labels is None else [t, p, np.asarray(labels).ravel()]
    classes = np.unique(np.concatenate(parts))
    encoded_labels = None if labels is None else _indices(np.asarray(labels).ravel(), classes)
    return _indices(t, classes), _indices(p, classes), encoded_labels, classes


# ---------------------------------------------------------------------- regression


def _regression(name, y_true, y_pred, sample_weight):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    dtype = _values_dtype(t, p)
    t, p = (np.ascontiguousarray(a.reshape(-1, 1) if a.ndim == 1 else a, dtype=dtype) for a in (t, p))
    weights = _weights(sample_weight, len(t), dtype)
    return float(_native_function(name, dtype)(t, p, weights))


def r2_score(y_true, y_pred, *, sample_weight=None):
    """R^2 (coefficient of determination), averaged uniformly over targets; a constant target
    scores 1 when predicted exactly, else 0; NaN for fewer than two samples."""
    return _regression("r2_score", y_true, y_pred, sample_weight)


def mean_squared_error(y_true, y_pred, *, sample_weight=None):
    """Mean squared error, averaged uniformly over targets."""
    return _regression("mean_squared_error", y_true, y_pred, sample_weight)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None):
    """Mean absolute error, averaged uniformly over targets."""
    return _regression("mean_absolute_error", y_true, y_pred, sample_weight)


# ---------------------------------------------------------------------- labels


def accuracy_score(y_true, y_pred, *, sample_weight=None):
    """The (weighted) fraction of correctly predicted labels."""
    t, p, _, _ = _encoded_pair(y_true, y_pred)
    return float(_native.accuracy_score(t, p, _weights(sample_weight, len(t), np.float64)))


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None):
    """Entry (i, j): the (weighted) number of samples of true label i predicted as j, for the
    sorted labels of both (or `labels`, in its order). int64 unless weighted by floats."""
    if labels is not None and np.asarray(labels).size == 0:
        raise ValueError("'labels' should contains at least one label.")
    t, p, chosen, _ = _encoded_pair(y_true, y_pred, labels)
    counts = np.asarray(_native.confusion_matrix(t, p, chosen, _weights(sample_weight, len(t), np.float64)))
    integral = sample_weight is None or np.asarray(sample_weight).dtype.kind in "iub"
    return counts.astype(np.int64) if integral else counts


def precision_recall_fscore_support(
    y_true, y_pred, *, labels=None, pos_label=1, average=None, sample_weight=None
):
    """Precision, recall, F1 and support: per label (``average=None``: arrays, support the
    number of true samples of each label) or averaged ("binary": `pos_label` only, "micro",
    "macro", "weighted"; support None)."""
    if average is not None and average not in _AVERAGES:
        raise ValueError(f"average has to be one of {[None, *_AVERAGES]}, found {average!r}")
    t, p, chosen, classes = _encoded_pair(y_true, y_pred, None if average == "binary" else labels)
    weights = _weights(sample_weight, len(t), np.float64)
    if average is None:
        precision, recall, f1, support = _native.precision_recall_fscore_support(t, p, chosen, weights)
        if sample_weight is None:
            support = support.astype(np.int64)
        return precision, recall, f1, support
    positive = _positive_index(t, p, classes, pos_label) if average == "binary" else 1
    scores = _native.precision_recall_fscore(t, p, _AVERAGES[average], positive, chosen, weights)
    return (*(float(s) for s in scores), None)


def _positive_index(t, p, classes, pos_label):
    """The index of `pos_label` among the classes, after scikit-learn's checks that the
    labels are binary and hold it; -1 (counts nothing) when only one other label occurs."""
    present = classes[np.unique(np.concatenate([t, p]))].tolist()
    if len(present) > 2:
        raise ValueError(
            "Target is multiclass but average='binary'. Please choose another average "
            "setting, one of [None, 'micro', 'macro', 'weighted']."
        )
    if pos_label not in present:
        if len(present) >= 2:
            raise ValueError(f"pos_label={pos_label} is not a valid label. It should be one of {present}")
        return -1
    return classes.tolist().index(pos_label)


def _one_score(index, y_true, y_pred, labels, pos_label, average, sample_weight):
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )[index]


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None):
    """Precision: true positives / predicted positives (see precision_recall_fscore_support)."""
    return _one_score(0, y_true, y_pred, labels, pos_label, average, sample_weight)


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None):
    """Recall: true positives / actual positives (see precision_recall_fscore_support)."""
    return _one_score(1, y_true, y_pred, labels, pos_label, average, sample_weight)


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None):
    """F1: the harmonic mean of precision and recall (see precision_recall_fscore_support)."""
    return _one_score(2, y_true, y_pred, labels, pos_label, average, sample_weight)


# ---------------------------------------------------------------------- probabilities, scores


def log_loss(y_true, y_pred, *, labels=None, sample_weight=None):
    """Mean cross-entropy of the predicted probabilities (n_samples x n_classes, columns in the
    sorted order of `labels` or of y_true's labels; 1-D: the probability of the larger of two),
    clipped to [eps, 1 - eps] (eps of the dtype) and renormalised as scikit-learn 1.2."""
    t = _one_dimensional(y_true, "y_true")
    classes = np.unique(t if labels is None else np.asarray(labels).ravel())
    if len(classes) == 1:
        raise ValueError(f"log_loss needs at least two labels (pass them with labels=), found {classes.tolist()}")
    probabilities = np.asarray(y_pred)
    dtype = np.float32 if probabilities.dtype == np.float32 else np.float64
    probabilities = probabilities.astype(dtype, copy=False)
    if probabilities.ndim == 1 or (probabilities.ndim == 2 and probabilities.shape[1] == 1):
        eps = np.finfo(dtype).eps
        positive = np.clip(probabilities.ravel(), eps, 1 - eps)
        probabilities = np.column_stack([1 - positive, positive])
    if probabilities.ndim != 2 or probabilities.shape[1] != len(classes):
        raise ValueError(
            f"y_pred has shape {probabilities.shape}: expected one column per label "
            f"({len(classes)}: {classes.tolist()}); pass the labels explicitly with labels="
        )
    indices = _indices(t, classes)
    unknown = classes[np.minimum(indices, len(classes) - 1)] != t
    if unknown.any():
        raise ValueError(f"y_true contains labels not in labels: {np.unique(t[unknown]).tolist()}")
    weights = _weights(sample_weight, len(t), dtype)
    native = _native_function("log_loss", dtype)
    return float(native(indices, np.ascontiguousarray(probabilities), list(range(len(classes))), weights))


def roc_auc_score(y_true, y_score, *, sample_weight=None):
    """Area under the ROC curve of binary y_true (the larger label positive) given scores
    (larger: more likely positive), ties counting half as in scikit-learn."""
    t = _one_dimensional(y_true, "y_true")
    classes = np.unique(t)
    if len(classes) == 1:
        raise ValueError("Only one class present in y_true. ROC AUC score is not defined in that case.")
    if len(classes) != 2:
        raise ValueError(f"roc_auc_score supports binary y_true only, found {len(classes)} classes")
    scores = _one_dimensional(y_score, "y_score")
    dtype = np.float32 if scores.dtype == np.float32 else np.float64
    positive = np.ascontiguousarray(t == classes[1], dtype=np.int32)
    weights = _weights(sample_weight, len(t), dtype)
    native = _native_function("roc_auc_score", dtype)
    return float(native(positive, np.ascontiguousarray(scores, dtype=dtype), 1, weights))


# ---------------------------------------------------------------------- clustering


def _silhouette_inputs(X, labels, metric):
    if metric != "euclidean":
        raise ValueError(f"linfa.metrics supports metric='euclidean' only, found {metric!r}")
    records = check_array(X)
    clusters = _one_dimensional(labels, "labels")
    return records, _indices(clusters, np.unique(clusters))


def silhouette_samples(X, labels, *, metric="euclidean"):
    """The silhouette coefficient of each sample (euclidean distance, computed in blocks
    without an n x n matrix); 0 for a sample alone in its cluster."""
    records, clusters = _silhouette_inputs(X, labels, metric)
    return np.asarray(_native_function("silhouette_samples", records.dtype)(records, clusters))


def silhouette_score(X, labels, *, metric="euclidean"):
    """The mean silhouette coefficient of all samples (see silhouette_samples)."""
    records, clusters = _silhouette_inputs(X, labels, metric)
    return float(_native_function("silhouette_score", records.dtype)(records, clusters))
