"""scikit-learn's own tests of LinearRegression (sklearn/linear_model/tests/test_base.py), run
against linfa.LinearRegression (see sklearn_suite.py: only the tests that build a
LinearRegression are run; the others test scikit-learn's private helpers)."""

import pytest

pytest.importorskip("sklearn")

import linfa  # noqa: E402
from sklearn_suite import install  # noqa: E402

POSITIVE = "positive=True (non-negative least squares) is not supported by linfa (ValueError)"

# What cannot pass, by test name and parameters (re.search); strict: a pass is reported too.
EXPECTED_FAILURES = {
    r"^test_linear_regression_positive": POSITIVE,
    # sparse X and positive=True: linfa refuses positive=True first (ValueError, not TypeError)
    r"^test_raises_value_error_if_positive_and_sparse$": POSITIVE,
}

install(
    globals(),
    "sklearn.linear_model.tests.test_base",
    {"LinearRegression": linfa.LinearRegression},
    EXPECTED_FAILURES,
)
