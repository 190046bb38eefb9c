"""scikit-learn's own tests of its naive Bayes classifiers (sklearn/tests/test_naive_bayes.py),
run against linfa.GaussianNB (see sklearn_suite.py: only the tests that build a GaussianNB are
run; those of the discrete naive Bayes classifiers test scikit-learn only)."""

import inspect

import pytest

pytest.importorskip("sklearn")

import linfa  # noqa: E402
from sklearn_suite import install  # noqa: E402

# What cannot pass, by test name and parameters (re.search); strict: a pass is reported too.
EXPECTED_FAILURES = {
    r"^test_gnb_check_update_with_no_data$": (
        "calls scikit-learn's private static helper GaussianNB._update_mean_variance directly; "
        "linfa merges the moments in C++ (naive_bayes/class_moments.hpp) and has no such Python "
        "method. An empty batch is refused (ValueError) by partial_fit, as scikit-learn's does"
    ),
}

install(globals(), "sklearn.tests.test_naive_bayes", {"GaussianNB": linfa.GaussianNB}, EXPECTED_FAILURES)


def _install_class_parametrized(namespace):
    """The module's tests parametrized over its classes (``ALL_NAIVE_BAYES_CLASSES``, built when
    it was imported, before ``install`` replaced the names) do not name GaussianNB, so
    ``install`` leaves them out; they are added here, parametrized over linfa.GaussianNB only
    (with the other classes they test scikit-learn only)."""
    from sklearn import naive_bayes
    from sklearn.tests import test_naive_bayes as theirs

    for name, test in vars(theirs).items():
        for mark in getattr(test, "pytestmark", []):
            if mark.name == "parametrize" and naive_bayes.GaussianNB in list(mark.args[1]):
                argname = mark.args[0]
                wrapper = _calling(test, argname)
                only_linfa = pytest.mark.parametrize(argname, [linfa.GaussianNB], ids=["GaussianNB"])
                namespace["test_sklearn__" + name] = only_linfa(wrapper)


def _calling(test, argname):
    """A function of one argument `argname` (pytest reads it from the signature) that runs
    `test` with it."""

    def run(**kwargs):
        test(kwargs[argname])

    run.__signature__ = inspect.Signature([inspect.Parameter(argname, inspect.Parameter.POSITIONAL_OR_KEYWORD)])
    return run


_install_class_parametrized(globals())
