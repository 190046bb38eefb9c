"""Exceptions. ``NotFittedError`` is scikit-learn's when it is installed (so ``except`` clauses
written for scikit-learn work), otherwise a class with the same bases."""

try:  # scikit-learn is optional
    from sklearn.exceptions import NotFittedError
except ImportError:

    class NotFittedError(ValueError, AttributeError):
        """Raised when a method that needs a fitted estimator is called before ``fit``."""


__all__ = ["NotFittedError"]
