import numpy as np
import pytest


def make_blobs(n_per_blob=200, centres=((0.0, 0.0), (10.0, 10.0), (-10.0, 10.0)), seed=0, spread=1.0):
    """Well separated Gaussian blobs (no scikit-learn needed) and their true labels."""
    rng = np.random.RandomState(seed)
    centres = np.asarray(centres, dtype=np.float64)
    X = np.concatenate([c + spread * rng.randn(n_per_blob, centres.shape[1]) for c in centres])
    y = np.repeat(np.arange(len(centres)), n_per_blob)
    return X, y


@pytest.fixture
def blobs():
    return make_blobs()


def pytest_collection_modifyitems(config, items):
    # the expected failures of scikit-learn's own test files (tests/sklearn_suite.py)
    from sklearn_suite import select_and_mark

    select_and_mark(config, items)
