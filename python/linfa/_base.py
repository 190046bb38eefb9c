"""What every linfa estimator shares, whatever its algorithm: ``LinfaEstimator``, the registry
of estimators by model kind, and ``linfa.load``.

An estimator holds a fitted C++ model (a class bound in python/src/, where
``def_model_file_members`` gives it ``kind``, ``dtype``, ``to_bytes`` and ``save``, and the
binding ``n_features``). Its module defines a subclass that states only:

* its parameters (``__init__``) and how a model file sets them (``_params_from_model``);
* its ``fit``, which converts X with ``_check_training_data``, calls the extension's
  function for X's dtype (``native_function``) and hands the model to ``_set_fitted``;
* the fitted attributes it exposes (``_fitted_attributes``);
* its model kind (``_model_kind``), and with ``@register_estimator`` that ``linfa.load``
  returns it for files of that kind (one estimator per kind).
"""

import os

import numpy as np

from . import _linfa
from ._errors import NotFittedError
from ._params import ParamsMixin
from ._validation import check_array, feature_names_of, is_int

_SCALAR_NAMES = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}

# C++ model kind ("clustering.kmeans") -> the estimator class linfa.load returns for it.
_ESTIMATOR_FOR_KIND = {}


def register_estimator(cls):
    """Class decorator: ``linfa.load`` returns a ``cls`` for model files of ``cls._model_kind``."""
    registered = _ESTIMATOR_FOR_KIND.setdefault(cls._model_kind, cls)
    if registered is not cls:
        raise RuntimeError(
            f"model kind {cls._model_kind!r} already has an estimator: {registered.__name__}"
        )
    return cls


def load(path):
    """The estimator of any model file written by an estimator's ``save`` or C++
    ``linfa::save``, of the class registered for the file's model kind (KMeans for K-Means
    files, also those MiniBatchKMeans wrote: the file does not say)."""
    return estimator_for_model(_linfa.load(os.fspath(path)))


def estimator_for_model(model):
    """The estimator of a bound C++ model, of the class registered for its kind (a pipeline's,
    "pipeline.<final kind>", is the Pipeline's)."""
    kind = "pipeline" if model.kind.startswith("pipeline.") else model.kind
    return _ESTIMATOR_FOR_KIND[kind]._from_model(model)


def native_function(name, dtype):
    """The extension's function `name` for arrays of `dtype` (float32 or float64): the
    bindings define each once per scalar type, as ``fit_f32`` and ``fit_f64``."""
    return getattr(_linfa, f"{name}_{_SCALAR_NAMES[np.dtype(dtype)]}")


def distributed_function(name, X, comm):
    """The extension's distributed fit `name` (e.g. "pca_fit" for ``pca_fit_distributed_f64``)
    for X's dtype, bound to the mpi4py communicator `comm` (its Fortran handle is passed as
    ``comm``, the last argument of every distributed binding; the rest as the caller passes them):
    what ``fit(..., comm=...)`` calls, on a dense X (``_check_training_data`` with ``comm``
    refuses sparse X, among the checks every rank hears of). RuntimeError for a build without
    MPI, ValueError on every rank when the ranks' X
    differ in dtype or feature count (one all-gather: the ranks must call the same C++ fit)."""
    if not hasattr(_linfa, f"{name}_distributed_f64"):
        raise RuntimeError("this build of linfa has no MPI support (LINFA_BUILD_MPI)")
    found = comm.allgather((X.dtype.name, X.shape[1]))  # every rank must call the same C++ fit
    if len(set(found)) > 1:
        ranks = ", ".join(f"rank {rank}: {dtype} x {features}" for rank, (dtype, features) in enumerate(found))
        raise ValueError(f"fit with comm needs the same dtype and feature count on every rank; found {ranks}")
    native = native_function(f"{name}_distributed", X.dtype)
    handle = comm.py2f()
    return lambda *args, **kwargs: native(*args, **kwargs, comm=handle)


def collectively(comm, checks):
    """``checks()``, this rank's checks of its own input, returning what they give. With
    ``comm`` (a distributed fit), every rank learns whether any rank's checks raised (one
    all-gather) and then raises too: the failing rank its own error, the others a ValueError
    naming it. A rank that raised alone would leave the others waiting in the fit's first
    collective."""
    if comm is None:
        return checks()
    try:
        result, failure = checks(), None
    except Exception as error:  # the other ranks must hear of it
        result, failure = None, error
    failures = comm.allgather(None if failure is None else f"{type(failure).__name__}: {failure}")
    if failure is not None:
        raise failure
    for rank, message in enumerate(failures):
        if message is not None:
            raise ValueError(f"rank {rank} failed: {message}")
    return result


def fit_function(name, X, comm):
    """The fit `name` for X's dtype: the extension's own without ``comm``, its distributed
    form bound to ``comm`` with it (``distributed_function``)."""
    return native_function(name, X.dtype) if comm is None else distributed_function(name, X, comm)


class PicklesModel:
    """Pickles the C++ model held in ``_model`` as its model file, the rest of the state as it
    is (for every estimator and the Pipeline)."""

    def __getstate__(self):
        state = self.__dict__.copy()
        model = state.pop("_model", None)
        if model is not None:
            state["_model_bytes"] = model.to_bytes()
        return state

    def __setstate__(self, state):
        state = dict(state)
        data = state.pop("_model_bytes", None)
        self.__dict__.update(state)
        if data is not None:
            self._model = _linfa.loads(data)


class LinfaEstimator(PicklesModel, ParamsMixin):
    """The plumbing of every linfa estimator around its C++ model: model files and pickling,
    the fitted check, ``n_features_in_`` / ``feature_names_in_`` and the checks of the data a
    fitted model is given, the conversion of X, and seeds from ``random_state``."""

    # The kind of the estimator's model files ("clustering.kmeans"), as C++ model_io<M>::kind.
    _model_kind = None

    # ---------------------------------------------------------------- persistence

    def save(self, path, *, json=False):
        """Writes the C++ model file (``linfa::save`` format; binary unless ``json``)."""
        self._fitted_model().save(os.fspath(path), bool(json))

    @classmethod
    def load(cls, path):
        """An estimator of this class around a model file written by ``save`` or C++
        ``linfa::save`` (``linfa.load`` reads a file of any kind).

        Its fitted attributes are those the file holds (no training labels, for instance); its
        parameters are the defaults except those the model determines, such as ``n_clusters``."""
        model = _linfa.load(os.fspath(path))
        if model.kind != cls._model_kind:  # an OSError, as C++ linfa::load<M> refuses such a file
            raise OSError(
                f"model file holds a '{model.kind}' model, not a '{cls._model_kind}' one for "
                f"{cls.__name__} (linfa.load reads any model file) [{os.fspath(path)}]"
            )
        return cls._from_model(model)

    @classmethod
    def _from_model(cls, model):
        estimator = cls(**cls._params_from_model(model))
        estimator._set_fitted(model, None)
        return estimator

    @classmethod
    def _params_from_model(cls, model):
        """The constructor parameters a loaded model determines (by default none)."""
        return {}

    # ---------------------------------------------------------------- fitted state

    def __sklearn_is_fitted__(self):
        return "_model" in self.__dict__

    def _fitted_model(self):
        model = self.__dict__.get("_model")
        if model is None:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return model

    def _set_fitted(self, model, feature_names):
        """Holds `model` and sets the fitted attributes from it; `feature_names` are those of
        the training data (None: it had none)."""
        self._model = model
        self.__dict__.update(self._fitted_attributes(model))
        self.n_features_in_ = int(model.n_features)
        self._set_feature_names(feature_names)

    def _fitted_attributes(self, model):
        """The public fitted attributes of `model`, by name (``{"cluster_centers_": ...}``)."""
        raise NotImplementedError

    def _set_feature_names(self, names):
        if names is not None:
            self.feature_names_in_ = names
        elif "feature_names_in_" in self.__dict__:
            del self.feature_names_in_

    # ---------------------------------------------------------------- input

    # Whether fit and the predict-like methods take scipy.sparse X (as the extension's CSR view).
    _accepts_sparse = False

    def _check_training_data(self, X, comm=None):
        """(X as a C-contiguous float32 or float64 array, or a CSR view where the estimator
        accepts sparse X; its feature names or None). float32 and float64 are kept, anything
        else becomes float64; such an array is not copied. With ``comm`` (a distributed fit)
        X may have no rows (the rank holds none of the dataset's) and must be dense."""
        names = feature_names_of(X)
        X = check_array(X, accept_sparse=self._accepts_sparse, min_samples=0 if comm is not None else 1)
        if comm is not None and not isinstance(X, np.ndarray):  # among the checks every rank hears of
            raise TypeError("fit with comm takes a dense array: sparse rows are not distributed yet")
        return X, names

    def _check_test_data(self, X):
        """X for the fitted model: its feature names and count must be the training data's; it
        is converted to the model's dtype."""
        model = self._fitted_model()
        self._check_feature_names(X)
        X = check_array(X, dtype=model.dtype, accept_sparse=self._accepts_sparse)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        return X

    def _prefixed_feature_names(self, count, input_features=None):
        """Output feature names as scikit-learn's ClassNamePrefixFeaturesOutMixin makes them:
        the class name in lower case and an index ("pca0", "kmeans1", ...). `input_features`,
        when given, must be the training data's."""
        self._fitted_model()
        if input_features is not None:
            names = np.asarray(input_features, dtype=object)
            fitted = self.__dict__.get("feature_names_in_")
            if len(names) != self.n_features_in_ or (fitted is not None and not np.array_equal(names, fitted)):
                raise ValueError("input_features is not equal to feature_names_in_")
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(count)], dtype=object)

    def _check_feature_names(self, X):
        fitted = self.__dict__.get("feature_names_in_")
        names = feature_names_of(X)
        if fitted is None or names is None:
            return
        if len(names) != len(fitted) or not np.all(names == fitted):
            raise ValueError(
                "The feature names should match those that were passed during fit: "
                f"fitted with {list(fitted)}, found {list(names)}."
            )

    def _seed(self, comm=None):
        """A 64-bit seed for the C++ RNG from random_state (None: numpy's global RNG). With
        ``comm`` (a distributed fit), rank 0's seed on every rank: numpy's global RNG, or a
        generator seeded per process, would give each rank its own draws, and the ranks would
        part ways."""
        seed = self._seed_of_state()
        return seed if comm is None else comm.bcast(seed, root=0)

    def _seed_of_state(self):
        state = self.random_state
        if state is None:
            state = np.random.mtrand._rand
        if is_int(state):
            if not 0 <= state < 2**64:
                raise ValueError(f"random_state must be in [0, 2**64), found {state!r}")
            return int(state)
        if isinstance(state, np.random.RandomState):
            return int(state.randint(0, 2**63 - 1, dtype=np.int64))
        if isinstance(state, np.random.Generator):
            return int(state.integers(0, 2**63 - 1))
        raise ValueError(
            f"random_state must be None, an int or a numpy RandomState/Generator, found {state!r}"
        )

    def _more_tags(self):
        # The C++ models compute in float32 or float64, whichever X has.
        return {"preserves_dtype": [np.float64, np.float32]}
