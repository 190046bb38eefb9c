"""linfa must import and work where scikit-learn is not installed."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    sys.modules["sklearn"] = None  # any "import sklearn..." now raises ImportError
    import numpy as np
    import linfa
    from linfa import KMeans, MiniBatchKMeans, NotFittedError
    assert NotFittedError.__module__.startswith("linfa"), NotFittedError.__module__
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    X = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0]])
    try:
        KMeans(2).predict(X)
    except NotFittedError:
        pass
    else:
        raise AssertionError("predict before fit must raise")
    km = KMeans(2, random_state=0).fit(X)
    assert sorted(np.bincount(km.labels_)) == [2, 2]
    params = km.get_params()
    assert params["n_clusters"] == 2 and params["init"] == "k-means++"
    km.set_params(n_clusters=1)
    assert km.n_clusters == 1
    mb = MiniBatchKMeans(2, random_state=0).fit(X)
    assert sorted(np.bincount(mb.labels_)) == [2, 2]
    mb.partial_fit(X)
    assert mb.n_steps_ > 1
    assert "sklearn" not in [m.split(".")[0] for m, v in sys.modules.items() if v is not None]
    print("ok")
    """
)


def test_import_and_fit_without_sklearn():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=dict(os.environ), timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
