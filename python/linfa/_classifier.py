"""What every linfa classifier shares on top of ``LinfaEstimator``, as scikit-learn's
``ClassifierMixin`` plus its label handling: ``classes_`` of any label values, ``predict``,
``predict_proba``, ``predict_log_proba`` and ``score`` (accuracy).

Labels reach C++ as int32 (linfa::ClassSet): integer labels that fit in int32 go as they are,
so a model file (and linfa-serve) answers the caller's own labels; any other labels (strings,
floats, huge integers) go as their index in ``classes_``, and ``classes_`` maps the model's
answers back. A bound classifier model has ``classes`` (int32, increasing), ``predict``
(labels) and ``predict_proba`` (one column per class)."""

import warnings

import numpy as np

from ._base import LinfaEstimator, collectively
from ._validation import check_sample_weight, dense_targets

try:  # scikit-learn is optional
    from sklearn.exceptions import DataConversionWarning
except ImportError:
    DataConversionWarning = UserWarning

_INT32 = np.iinfo(np.int32)


def encode_labels(y, n_samples):
    """(classes_, the int32 labels for C++): y's distinct values, sorted, and y as int32
    labels, its own values when they are integers within int32, else indices in classes_."""
    array = dense_targets(y)
    if array.ndim == 2 and array.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the shape "
            "of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"y should be a 1d array, got an array of shape {array.shape} instead.")
    if array.shape[0] != n_samples:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: [{n_samples}, {array.shape[0]}]"
        )
    _require_class_labels(array)
    classes = _integer_classes(array)
    if classes is not None:  # integers within int32: C++ gets them as they are
        return classes, np.ascontiguousarray(array, dtype=np.int32)
    classes, indices = np.unique(array, return_inverse=True)
    if _labels_are_values(classes):
        return classes, np.ascontiguousarray(array, dtype=np.int32)
    return classes, indices.astype(np.int32)


# Integer labels spanning at most this many values are counted rather than sorted.
_COUNTED_SPAN = 1 << 20


def _integer_classes(y):
    """The sorted distinct values of integer labels within int32 spanning few values, found by
    counting (one pass, where np.unique sorts every label); None for other labels."""
    if y.dtype.kind not in "iu" or y.size == 0:
        return None
    low, high = int(y.min()), int(y.max())
    if low < _INT32.min or high > _INT32.max or high - low >= _COUNTED_SPAN:
        return None
    present = np.bincount((y - low).astype(np.intp, copy=False), minlength=high - low + 1) > 0
    return (np.flatnonzero(present) + low).astype(y.dtype)


def _require_class_labels(y):
    """scikit-learn's check_classification_targets for 1-D y: refuses continuous values."""
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        if np.any(y != np.round(y)):
            raise ValueError("Unknown label type: 'continuous'")
    elif y.dtype.kind == "c":
        raise ValueError("Unknown label type: complex values")
    elif y.dtype.kind == "O":
        kinds = {type(v) for v in y}
        if any(v is None for v in y) or len({str in k.__mro__ for k in kinds}) > 1:
            raise ValueError("Unknown label type: mix of strings and other values in y")


class LinfaClassifier(LinfaEstimator):
    """A classifier: a subclass's ``fit`` encodes y with ``encode_labels``, fits C++ on the
    int32 labels and hands the model to ``_set_fitted_classifier`` with ``classes_``; its bound
    model answers ``classes``, ``predict`` and ``predict_proba``."""

    _estimator_type = "classifier"  # scikit-learn's is_classifier, default scoring, CV splits

    def _set_fitted_classifier(self, model, feature_names, classes):
        self._classes = classes
        self._set_fitted(model, feature_names)

    def _fitted_attributes(self, model):
        classes = self.__dict__.get("_classes")
        if classes is None:  # a loaded model: the file's labels
            classes = np.asarray(model.classes)
        return {"classes_": classes}

    def _answer_labels(self, labels):
        """The model's int32 labels as values of classes_."""
        model_classes = np.asarray(self._fitted_model().classes)
        return self.classes_[np.searchsorted(model_classes, labels)]

    def predict(self, X):
        """The most probable class of each sample, a value of ``classes_``."""
        return self._answer_labels(self._fitted_model().predict(self._check_test_data(X)))

    def predict_proba(self, X):
        """Probability of each class (columns in the order of ``classes_``), n_samples x
        n_classes, in the model's dtype."""
        return self._fitted_model().predict_proba(self._check_test_data(X))

    def predict_log_proba(self, X):
        """The logarithm of ``predict_proba`` (computed from log-probabilities where the model
        has them, so far from every class it stays finite)."""
        model = self._fitted_model()
        X = self._check_test_data(X)
        if hasattr(model, "predict_log_proba"):
            return model.predict_log_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(model.predict_proba(X))

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of ``predict(X)`` for the labels y, weighted by ``sample_weight``
        (scikit-learn's ``ClassifierMixin.score``)."""
        predicted = self.predict(X)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if y.shape != predicted.shape:
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: [{predicted.shape[0]}, {len(y)}]"
            )
        weights = check_sample_weight(sample_weight, predicted.shape[0], np.float64)
        return float(np.average(predicted == y, weights=weights))

    def _more_tags(self):
        return {**super()._more_tags(), "requires_y": True}


def _labels_are_values(classes):
    """Whether C++ knows these sorted classes by their own values (integers within int32), as
    ``encode_labels`` decides, rather than by their index."""
    return classes.dtype.kind in "iu" and classes[0] >= _INT32.min and classes[-1] <= _INT32.max


def class_codes(classes):
    """The int32 labels C++ knows the sorted, distinct ``classes`` by: their own values when
    they are integers within int32, else their indices (``encode_labels``' rule)."""
    if _labels_are_values(classes):
        return classes.astype(np.int32)
    return np.arange(classes.shape[0], dtype=np.int32)


def encode_labels_in(y, n_samples, classes):
    """y as the int32 labels of a model whose ``classes_`` are `classes` (sorted, distinct),
    for scikit-learn's ``partial_fit(classes=...)``: ValueError, in scikit-learn's words, when
    y holds a label that is not one of them."""
    y_classes, labels = encode_labels(y, n_samples)
    unknown = y_classes[~np.isin(y_classes, classes)]
    if unknown.size:
        raise ValueError(f"The target label(s) {unknown} in y do not exist in the initial classes {classes}")
    values = labels if _labels_are_values(y_classes) else y_classes[labels]
    return class_codes(classes)[np.searchsorted(classes, values)]


def classes_over_ranks(comm, classes, y, n_samples):
    """(classes, labels) for a fit over the ranks of ``comm``: the union of every rank's
    classes (a rank without rows holds none; one all-gather), and this rank's y as labels
    among them (``encode_labels_in``), which every rank hears of when it fails on one (labels
    of kinds that do not mix, such as ints on one rank and strings on another)."""
    held = [found for found in comm.allgather(classes) if found.size]
    classes = np.unique(np.concatenate(held)) if held else classes
    return classes, collectively(comm, lambda: encode_labels_in(y, n_samples, classes))
