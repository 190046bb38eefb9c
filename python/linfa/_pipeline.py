"""``Pipeline`` and ``make_pipeline``: linfa transformers then a final linfa model, fitted
in order like scikit-learn's pipeline and kept as one C++ model (``linfa::Pipeline``), so
``save`` writes one model file that ``linfa::load``, ``linfa.load`` and linfa-serve read.

Parameters follow scikit-learn's protocol, nested ones included (``logisticregression__C``),
so grid search and ``clone`` work. Fit parameters go to one step by name, as in scikit-learn
(``fit(X, y, logisticregression__sample_weight=w)``). Predictions run every step in one C++
call (``transform_steps``), then the final estimator answers (its labels, its classes).
"""

import os
from collections import Counter
from contextlib import contextmanager

from . import _linfa
from ._base import LinfaEstimator, PicklesModel, estimator_for_model, register_estimator
from ._errors import NotFittedError
from ._params import ParamsMixin


class _IfFinalHas:
    """A method that exists only when the final estimator has `name` (scikit-learn's
    ``available_if``): ``hasattr(pipeline, "predict_proba")`` tells what the pipeline answers."""

    def __init__(self, method):
        self.method = method
        self.name = method.__name__

    def __get__(self, pipeline, owner=None):
        if pipeline is None:
            return self
        if not hasattr(pipeline._final_estimator, self.name):
            raise AttributeError(f"the final step of this pipeline has no {self.name!r}")
        return self.method.__get__(pipeline, owner)


@register_estimator
class Pipeline(PicklesModel, ParamsMixin):
    """Transformers then a final model, each a linfa estimator (``steps``: a list of
    ``(name, estimator)``): ``fit`` fits each transformer on the previous one's output and the
    final estimator on the last; the fitted pipeline answers what its final estimator answers.

    ``save`` writes one model file (kind ``pipeline.<final kind>``) holding every step's
    model; ``linfa.load`` returns a Pipeline of it with the steps' estimators rebuilt."""

    # linfa.load returns a Pipeline for every "pipeline.<final kind>" file.
    _model_kind = "pipeline"

    def __init__(self, steps):
        self.steps = steps

    # ---------------------------------------------------------------- parameters

    def get_params(self, deep=True):
        """``steps``, and with ``deep`` every step by name and its parameters as
        ``name__param``."""
        params = {"steps": self.steps}
        if deep:
            for name, estimator in self.steps:
                params[name] = estimator
                for key, value in estimator.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        """Sets ``steps``, replaces a step by name, or sets a step's parameter
        (``name__param``)."""
        if "steps" in params:
            self.steps = params.pop("steps")
        names = [name for name, _ in self.steps]
        nested = {}
        for key, value in params.items():
            name, _, inner = key.partition("__")
            if name not in names:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator Pipeline. Valid step names are: {names!r}."
                )
            if inner:
                nested.setdefault(name, {})[inner] = value
            else:
                self.steps = [(n, value if n == name else e) for n, e in self.steps]
        for name, inner_params in nested.items():
            self.named_steps[name].set_params(**inner_params)
        return self

    @property
    def named_steps(self):
        """The estimators by step name."""
        return dict(self.steps)

    @property
    def _final_estimator(self):
        return self.steps[-1][1]

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, index):
        """A step's estimator by position or name; a slice is an unfitted Pipeline of those
        steps (as scikit-learn's)."""
        if isinstance(index, str):
            return self.named_steps[index]
        if isinstance(index, slice):
            return type(self)(self.steps[index])
        return self.steps[index][1]

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, **fit_params):
        """Fits every transformer in order on the output of those before it, then the final
        estimator; ``fit_params`` go to one step each, named ``step__param``."""
        self._check_steps()
        routed = self._route(fit_params)
        self.__dict__.pop("_model", None)  # a failed fit leaves no stale pipeline behind
        Xt = X
        for position, (name, transformer) in enumerate(self.steps[:-1], start=1):
            with _named_step(position, name):
                Xt = transformer.fit(Xt, y, **routed[name]).transform(Xt)
        name, final = self.steps[-1]
        with _named_step(len(self.steps), name):
            final.fit(Xt, y, **routed[name])
        first = self.steps[0][1]
        self._model = _linfa.pipeline_of(
            [t._fitted_model() for _, t in self.steps[:-1]], final._fitted_model()
        )
        self.n_features_in_ = first.n_features_in_
        names = first.__dict__.get("feature_names_in_")
        if names is not None:
            self.feature_names_in_ = names
        elif "feature_names_in_" in self.__dict__:
            del self.feature_names_in_
        return self

    def _check_steps(self):
        if not self.steps:
            raise ValueError("a Pipeline needs at least one step")
        names = [name for name, _ in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {names!r}")
        for position, (name, estimator) in enumerate(self.steps, start=1):
            if not isinstance(estimator, LinfaEstimator):
                raise TypeError(
                    f"step {position} ({name!r}) is a {type(estimator).__name__}: a linfa.Pipeline "
                    "holds linfa estimators only (scikit-learn's Pipeline takes any)"
                )
            if position < len(self.steps) and not hasattr(estimator, "transform"):
                raise TypeError(f"step {position} ({name!r}) is not a transformer: only the last step may predict")

    def _route(self, fit_params):
        routed = {name: {} for name, _ in self.steps}
        for key, value in fit_params.items():
            name, _, param = key.partition("__")
            if name not in routed or not param:
                raise ValueError(
                    f"Pipeline.fit does not accept the {key!r} parameter. You can pass parameters to "
                    "specific steps of your pipeline using the stepname__parameter format."
                )
            routed[name][param] = value
        return routed

    # ---------------------------------------------------------------- answers

    def _fitted_model(self):
        model = self.__dict__.get("_model")
        if model is None:
            raise NotFittedError(
                "This Pipeline instance is not fitted yet. Call 'fit' with appropriate arguments "
                "before using this estimator."
            )
        return model

    def __sklearn_is_fitted__(self):
        return "_model" in self.__dict__

    def _final_input(self, X):
        """X through every transformer (one C++ call; sparse X step by step, each transformer
        keeping it sparse or not as it does alone): what the final estimator is given."""
        model = self._fitted_model()
        if model.n_steps == 0:
            return X
        first_name, first = self.steps[0]
        with _named_step(1, first_name):
            X = first._check_test_data(X)
        if isinstance(X, (_linfa.CsrF32, _linfa.CsrF64)):
            for position, (name, transformer) in enumerate(self.steps[:-1], start=1):
                with _named_step(position, name):
                    X = transformer.transform(X)
            return X
        return model.transform_steps(X)

    @_IfFinalHas
    def predict(self, X):
        """The final estimator's predictions for X."""
        return self._final_estimator.predict(self._final_input(X))

    @_IfFinalHas
    def predict_proba(self, X):
        """The final estimator's class probabilities for X."""
        return self._final_estimator.predict_proba(self._final_input(X))

    @_IfFinalHas
    def predict_log_proba(self, X):
        """The final estimator's log class probabilities for X."""
        return self._final_estimator.predict_log_proba(self._final_input(X))

    @_IfFinalHas
    def decision_function(self, X):
        """The final estimator's decision function for X."""
        return self._final_estimator.decision_function(self._final_input(X))

    @_IfFinalHas
    def transform(self, X):
        """The final estimator's transform of X."""
        return self._final_estimator.transform(self._final_input(X))

    @_IfFinalHas
    def score(self, X, y=None, sample_weight=None):
        """The final estimator's score of X (transformed) and y."""
        extra = {} if sample_weight is None else {"sample_weight": sample_weight}
        return self._final_estimator.score(self._final_input(X), y, **extra)

    @property
    def classes_(self):
        """The final estimator's classes."""
        return self._final_estimator.classes_

    @property
    def _estimator_type(self):
        return getattr(self._final_estimator, "_estimator_type", None)

    # ---------------------------------------------------------------- persistence

    def save(self, path, *, json=False):
        """Writes the pipeline as one C++ model file (binary unless ``json``)."""
        self._fitted_model().save(os.fspath(path), bool(json))

    @classmethod
    def load(cls, path):
        """The Pipeline of a pipeline model file (``linfa.load`` reads a file of any kind)."""
        model = _linfa.load(os.fspath(path))
        if not model.kind.startswith("pipeline."):
            raise OSError(f"model file holds a '{model.kind}' model, not a pipeline [{os.fspath(path)}]")
        return cls._from_model(model)

    @classmethod
    def _from_model(cls, model):
        estimators = [estimator_for_model(step) for step in model.steps]
        estimators.append(estimator_for_model(model.final))
        pipeline = cls(_named(estimators))
        pipeline._model = model
        pipeline.n_features_in_ = int(model.n_features)
        return pipeline

    def __repr__(self):
        return f"Pipeline(steps={self.steps!r})"


@contextmanager
def _named_step(position, name):
    """A ValueError raised inside names the step first, "pipeline step 2 (pca): ...", unless
    C++ already named it."""
    try:
        yield
    except ValueError as error:
        if str(error).startswith("pipeline step "):
            raise
        raise ValueError(f"pipeline step {position} ({name}): {error}") from error


def _named(estimators):
    """(name, estimator) pairs named as scikit-learn's make_pipeline names them: the class
    name in lower case, numbered when it repeats."""
    names = [type(e).__name__.lower() for e in estimators]
    repeated = {name for name, count in Counter(names).items() if count > 1}
    seen = Counter()
    named = []
    for name, estimator in zip(names, estimators):
        if name in repeated:
            seen[name] += 1
            name = f"{name}-{seen[name]}"
        named.append((name, estimator))
    return named


def make_pipeline(*steps):
    """A Pipeline of the linfa estimators `steps`, named after their classes (scikit-learn's
    ``make_pipeline``)."""
    return Pipeline(_named(list(steps)))
