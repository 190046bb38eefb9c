"""linfa.GaussianNB: scikit-learn's GaussianNB over the C++ ``linfa::naive_bayes::GaussianNb``;
labels, ``predict``, ``predict_proba``, ``predict_log_proba`` and ``score`` are every
classifier's (``_classifier.py``)."""

import numbers

import numpy as np

from ._base import collectively, fit_function, native_function, register_estimator
from ._classifier import LinfaClassifier, class_codes, classes_over_ranks, encode_labels, encode_labels_in
from ._validation import check_sample_weight, is_bool


@register_estimator
class GaussianNB(LinfaClassifier):
    """Gaussian naive Bayes, fitted in C++ (linfa): per class, a prior and an independent
    normal distribution of each feature, from the (weighted) means and variances of the
    class's samples, as scikit-learn's GaussianNB. One parallel pass over the data; the
    statistics are kept in float64 whatever X's dtype; ``partial_fit`` merges a batch into
    them (Chan's update), so batches give the model of their concatenation.

    Parameters follow ``sklearn.naive_bayes.GaussianNB``:

    priors : array-like of shape (n_classes,), default=None
        Prior probability of each class (non-negative, summing to 1); None: each class's
        share of the training weight.
    var_smoothing : float >= 0, default=1e-9
        Part of the largest feature variance added to every variance, for stability.

    Attributes (after ``fit``): ``classes_`` (any label values), ``class_count_``,
    ``class_prior_``, ``theta_`` and ``var_`` (n_classes x n_features), ``epsilon_`` (all
    float64), ``n_features_in_``, ``feature_names_in_``. ``predict_proba`` keeps float32 data
    float32.

    NaN and infinity are refused (ValueError), as scikit-learn does. After ``partial_fit``,
    ``epsilon_`` is the last batch's, and each batch's share of a class's ``var_`` carries that
    batch's epsilon, as in scikit-learn.
    """

    _model_kind = "naive_bayes.gaussian_nb"

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y, sample_weight=None, comm=None):
        """Learns each class's prior, means and variances from X and its labels y (any
        labels), with optional non-negative sample weights, forgetting any earlier fit.
        Returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X, y and
        sample_weight are this rank's rows of a dataset spread over the communicator's ranks,
        rank 0's rows first (any number, none included): every rank gets the model one process
        fits on all the rows, bit for bit (dense X only; the classes are those of every rank's
        y). Every rank must call it."""
        var_smoothing = self._check_var_smoothing()

        def checks():
            X_, names = self._check_training_data(X, comm)
            classes, labels = encode_labels(y, X_.shape[0])
            # With comm, the priors wait for every rank's classes.
            priors = self._check_priors(len(classes)) if comm is None else None
            return X_, names, classes, labels, priors, check_sample_weight(sample_weight, X_.shape[0], X_.dtype)

        X, names, classes, labels, priors, weights = collectively(comm, checks)
        if comm is not None:
            classes, labels = classes_over_ranks(comm, classes, y, X.shape[0])
            priors = self._check_priors(len(classes))
        model = fit_function("gaussian_nb_fit", X, comm)(X, labels, weights, priors, var_smoothing)
        self._set_fitted_classifier(model, names, classes)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Merges the batch X, y (and its sample weights) into what was learnt so far. The
        first call needs ``classes``, every label any batch will hold; later calls may repeat
        them (they must be the same) or leave them out. Returns self."""
        var_smoothing = self._check_var_smoothing()
        model = self.__dict__.get("_model")
        if model is None:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            known = np.unique(np.asarray(classes))
            X, names = self._check_training_data(X)
        else:
            known = self.classes_
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), known):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to partial_fit, was: {known!r}"
                )
            names = self.__dict__.get("feature_names_in_")
            X = self._check_test_data(X)
        labels = encode_labels_in(y, X.shape[0], known)
        priors = self._check_priors(len(known))
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        codes = None if model is not None else class_codes(known).tolist()
        model = native_function("gaussian_nb_partial_fit", X.dtype)(
            model, X, labels, weights, priors, var_smoothing, codes
        )
        self._set_fitted_classifier(model, names, known)
        return self

    def _check_var_smoothing(self):
        value = self.var_smoothing
        if not isinstance(value, numbers.Real) or is_bool(value) or not np.isfinite(value) or value < 0:
            raise ValueError(f"var_smoothing must be a finite float >= 0, found {value!r}")
        return float(value)

    def _check_priors(self, n_classes):
        """The priors as a list of floats, or None; scikit-learn's checks and messages."""
        if self.priors is None:
            return None
        priors = np.asarray(self.priors, dtype=np.float64)
        if priors.ndim != 1 or len(priors) != n_classes:
            raise ValueError("Number of priors must match number of classes.")
        if not np.all(np.isfinite(priors)):
            raise ValueError("Priors must be finite.")
        if not np.isclose(priors.sum(), 1.0):
            raise ValueError("The sum of the priors should be 1.")
        if (priors < 0).any():
            raise ValueError("Priors must be non-negative.")
        return priors.tolist()

    # ---------------------------------------------------------------- fitted use

    def predict_joint_log_proba(self, X):
        """log P(class) + log P(x | class) for each sample and class (unnormalised), in the
        model's dtype."""
        return self._fitted_model().joint_log_likelihood(self._check_test_data(X))

    def _fitted_attributes(self, model):
        return {
            **super()._fitted_attributes(model),
            "class_count_": model.class_count,
            "class_prior_": model.class_prior,
            "theta_": model.theta,
            "var_": model.var,
            "epsilon_": float(model.epsilon),
        }

    @classmethod
    def _params_from_model(cls, model):
        priors = model.priors
        return {"var_smoothing": float(model.var_smoothing), "priors": None if priors is None else np.asarray(priors)}
