"""scikit-learn's own tests of GaussianMixture (sklearn/mixture/tests/test_gaussian_mixture.py),
run against linfa.GaussianMixture (see sklearn_suite.py)."""

import pytest

pytest.importorskip("sklearn")

import linfa  # noqa: E402
from sklearn_suite import install  # noqa: E402

# What cannot pass, by test name and parameters (re.search); strict: a pass is reported too.
EXPECTED_FAILURES = {
    r"test_sample$": (
        "checks sample covariances to 1 decimal on 20000 draws shared by 3 components: with linfa's RNG "
        "(other draws than numpy's) a low-weight component's sample variance misses by 0.2, about 1 standard error"
    ),
    r"test_gaussian_mixture_precisions_init_diag$": (
        "builds precisions_init from scikit-learn's KMeans labels and expects linfa's fit (initialised by linfa's "
        "KMeans, other random draws) to start from the same clustering and take as many iterations"
    ),
}

install(
    globals(),
    "sklearn.mixture.tests.test_gaussian_mixture",
    {"GaussianMixture": linfa.GaussianMixture},
    EXPECTED_FAILURES,
)
