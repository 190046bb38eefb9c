"""scikit-learn's own tests of its scalers (sklearn/preprocessing/tests/test_data.py), run
against linfa.StandardScaler, linfa.MinMaxScaler and linfa.MaxAbsScaler (see
sklearn_suite.py: only the tests that build one of them are run; those of the other
preprocessing estimators and functions test scikit-learn only)."""

import pytest

pytest.importorskip("sklearn")

import linfa  # noqa: E402
from sklearn_suite import install  # noqa: E402

NAN = (
    "NaN in X: scikit-learn's scalers treat NaN as missing (ignored by fit, kept by transform, "
    "n_samples_seen_ counted per feature); linfa refuses NaN and infinity by design (ValueError)"
)
# What cannot pass, by test name and parameters (re.search); strict: a pass is reported too.
# The first matching pattern gives the reason.
EXPECTED_FAILURES = {
    r"^test_scaler_n_samples_seen_with_nan\[": NAN,
    r"^test_standard_scaler_sample_weight\[(array|sparse_cs[rc])-Xw2-": NAN,
    r"^test_standard_scaler_sparse_partial_fit_finite_variance\[X_21\]$": NAN,
    r"^test_standard_scaler_dtype\[(True|False)-None\]$": (
        "float16 X: scikit-learn keeps float16 (one of its FLOAT_DTYPES) as transform's output "
        "dtype; linfa's C++ models compute in float32 or float64, and every linfa estimator "
        "converts other dtypes, float16 included, to float64 (float32 and float64 pass)"
    ),
    r"^test_scaler_2d_arrays$": (
        "asserts that transform(X, copy=False) returns X itself, scaled in place; linfa never "
        "modifies X and always returns a new array (copy is accepted without effect)"
    ),
    r"^test_standard_scaler_raise_error_for_1d_input$": (
        "matches scikit-learn's wording 'Expected 2D array, got 1D array instead'; linfa's "
        "check_array (linfa/_validation.py, shared by every estimator) raises the ValueError "
        "worded 'Expected a 2-D array for X of shape (n_samples, n_features), got a 1-D array'"
    ),
}

REPLACEMENTS = {
    "StandardScaler": linfa.StandardScaler,
    "MinMaxScaler": linfa.MinMaxScaler,
    "MaxAbsScaler": linfa.MaxAbsScaler,
}


def _parametrize_with_linfa_instances(test):
    """Replaces, in `test`'s parametrize marks, the scikit-learn scaler instances built when
    the module was imported (before ``install`` replaced the classes: ``parametrize("scaler",
    [StandardScaler(with_mean=False), ...])``) by linfa instances with the same parameters,
    so that such a test exercises linfa's class too. The other scikit-learn estimators of
    such a list (``RobustScaler(...)``) are left out: with them the test runs scikit-learn
    only."""
    marks = []
    for mark in getattr(test, "pytestmark", []):
        values = mark.args[1] if mark.name == "parametrize" else None
        if isinstance(values, (list, tuple)) and any(_replaced(v) for v in values):
            values = [_as_linfa(v) for v in values if _replaced(v) or not _is_sklearn(v)]
            mark = pytest.mark.parametrize(mark.args[0], values, **mark.kwargs).mark
        marks.append(mark)
    test.pytestmark = marks


def _is_sklearn(value):
    return type(value).__module__.startswith("sklearn.") and hasattr(value, "get_params")


def _replaced(value):
    return _is_sklearn(value) and type(value).__name__ in REPLACEMENTS


def _as_linfa(value):
    return REPLACEMENTS[type(value).__name__](**value.get_params()) if _replaced(value) else value


for _name in install(globals(), "sklearn.preprocessing.tests.test_data", REPLACEMENTS, EXPECTED_FAILURES):
    _parametrize_with_linfa_instances(globals()["test_sklearn__" + _name])
