"""``ParamsMixin``: scikit-learn's parameter protocol without depending on scikit-learn.

Parameters are the keyword arguments of ``__init__``, stored under the same names;
``get_params``/``set_params`` find them by introspecting that signature, as scikit-learn
does, so ``clone``, grid search and pipelines treat these estimators like their own.
"""

import inspect


class ParamsMixin:
    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep=True):
        """The constructor parameters as a dict (``deep`` is accepted for compatibility:
        these estimators hold no nested estimators)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Sets constructor parameters; values are validated by ``fit``, not here."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {
            name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            if _same(value, default):
                continue
            changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a, b):
    """Whether a parameter value equals its default (arrays never do)."""
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # e.g. comparing arrays
        return False
