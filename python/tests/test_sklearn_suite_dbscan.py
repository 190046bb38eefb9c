"""scikit-learn's own tests of DBSCAN (sklearn/cluster/tests/test_dbscan.py), run against
linfa.DBSCAN and linfa.dbscan (see sklearn_suite.py)."""

import pytest

pytest.importorskip("sklearn")

import linfa  # noqa: E402
from sklearn_suite import install  # noqa: E402

# What cannot pass, by test name and parameters (re.search); strict: a pass is reported too.
EXPECTED_FAILURES = {
    r"^test_dbscan_callable$": (
        "a callable metric is refused (ValueError): the neighbour index computes its metrics in C++, and "
        "calling Python per pair of samples would be the n^2 loop the index exists to avoid"
    ),
}

install(
    globals(),
    "sklearn.cluster.tests.test_dbscan",
    {"DBSCAN": linfa.DBSCAN, "dbscan": linfa.dbscan},
    EXPECTED_FAILURES,
)
