import threading
import time

import numpy as np
import pytest


def make_blobs(n_per_blob=200, centres=((0.0, 0.0), (10.0, 10.0), (-10.0, 10.0)), seed=0, spread=1.0):
    """Well separated Gaussian blobs (no scikit-learn needed) and their true labels."""
    rng = np.random.RandomState(seed)
    centres = np.asarray(centres, dtype=np.float64)
    X = np.concatenate([c + spread * rng.randn(n_per_blob, centres.shape[1]) for c in centres])
    y = np.repeat(np.arange(len(centres)), n_per_blob)
    return X, y


def close(actual, expected, rel):
    """Asserts max |actual - expected| <= rel * max |expected| (elementwise over arrays; two
    empty arrays of the same shape are close)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = max(float(np.max(np.abs(expected))), np.finfo(float).tiny) if expected.size else 1.0
    error = float(np.max(np.abs(actual - expected))) if expected.size else 0.0
    assert error <= rel * scale, f"max error {error:.3g} > {rel:g} x {scale:.3g}"


@pytest.fixture
def blobs():
    return make_blobs()


def assert_releases_gil(call, min_seconds=0.3):
    """Asserts that `call()` runs without holding the GIL. A worker thread repeats the call
    (at least 3 times and `min_seconds` in all) while this thread ticks every millisecond.
    Were the GIL held in C++, no tick could happen inside a call, so the longest pause between
    ticks inside each call would cover most of it; summed over the calls and measured against
    their summed durations, the check holds for short calls and on a slow or busy machine."""
    spans = []

    def work():
        began = time.perf_counter()
        while len(spans) < 3 or time.perf_counter() - began < min_seconds:
            start = time.perf_counter()
            call()
            spans.append((start, time.perf_counter()))

    worker = threading.Thread(target=work)
    worker.start()
    ticks = []
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    assert len(spans) >= 3, "the call raised"
    paused = busy = 0.0
    for start, end in spans:
        inside = [start] + [t for t in ticks if start < t < end] + [end]
        paused += max(b - a for a, b in zip(inside, inside[1:]))
        busy += end - start
    assert paused < 0.5 * busy, (paused, busy, len(spans))


def pytest_collection_modifyitems(config, items):
    # the expected failures of scikit-learn's own test files (tests/sklearn_suite.py)
    from sklearn_suite import select_and_mark

    select_and_mark(config, items)
