"""Exceptions. ``NotFittedError`` is scikit-learn's when it is installed (so ``except`` clauses
written for scikit-learn work), otherwise a class with the same bases."""

try:  # scikit-learn is optional
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
except ImportError:

    class NotFittedError(ValueError, AttributeError):
        """Raised when a method that needs a fitted estimator is called before ``fit``."""

    class ConvergenceWarning(UserWarning):
        """Warned when a fit did not converge, or converged to a degenerate result."""


__all__ = ["ConvergenceWarning", "NotFittedError"]
