"""linfa must import and work where scikit-learn is not installed (every estimator)."""

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
    from linfa import LinearRegression, PCA, Ridge
    Xr = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
    yr = Xr @ np.array([2.0, -1.0]) + 0.5
    for model in (LinearRegression().fit(Xr, yr), Ridge(1e-12).fit(Xr, yr)):
        assert np.allclose(model.coef_, [2.0, -1.0]) and np.isclose(model.intercept_, 0.5)
        assert np.isclose(model.score(Xr, yr), 1.0)
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert np.isnan(LinearRegression().fit(Xr, yr).score(Xr[:1], yr[:1]))
    assert caught and issubclass(caught[0].category, UserWarning)
    pca = PCA(1).fit(Xr)
    assert pca.transform(Xr).shape == (4, 1) and pca.get_precision().shape == (2, 2)
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
