"""scikit-learn's own tests of its coordinate-descent models
(sklearn/linear_model/tests/test_coordinate_descent.py), run against linfa.ElasticNet and
linfa.Lasso (see sklearn_suite.py: only the tests that build one of them, directly or through
a helper, are run; those of the path functions, the CV classes and MultiTask* alone test
scikit-learn, which linfa does not replace)."""

import pytest

pytest.importorskip("sklearn")

import linfa  # noqa: E402
from sklearn_suite import install  # noqa: E402

CHECK_INPUT = (
    "check_input=False: linfa checks and converts its input always (C order is its native "
    "layout), so it fits C-ordered X correctly where scikit-learn must refuse it"
)
COPY_X = "copy_X=False: linfa never modifies X in place (the test expects the centring to overwrite X)"

# What cannot pass, by test name and parameters (re.search); strict: a pass is reported too.
EXPECTED_FAILURES = {
    r"^test_check_input_false\b": CHECK_INPUT,
    r"^test_enet_copy_X_False_check_input_False\b": COPY_X,
}

install(globals(), "sklearn.linear_model.tests.test_coordinate_descent",
        {"ElasticNet": linfa.ElasticNet, "Lasso": linfa.Lasso}, EXPECTED_FAILURES)
