"""KMeans, MiniBatchKMeans, PCA, GaussianMixture, LinearRegression, Ridge, ElasticNet, Lasso,
LogisticRegression, GaussianNB and the scalers .fit(X_local, ..., comm=MPI.COMM_WORLD) under mpirun: `mpirun -n 3 python3 -m mpi4py` runs the
script below, whose ranks each fit their share of the rows (one rank's share may be none) and
compare the model (and the gathered labels) with a fit of all the rows in one process; ranks whose
X differ in dtype are refused on every rank."""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import linfa

pytestmark = pytest.mark.skipif(
    shutil.which("mpirun") is None or not hasattr(linfa._linfa, "fit_distributed_f64"),
    reason="needs mpirun and a linfa built with MPI",
)

SCRIPT = textwrap.dedent(
    """
    import sys
    import warnings
    import numpy as np
    import scipy.sparse
    from mpi4py import MPI
    import sklearn.base
    from linfa import (PCA, ElasticNet, GaussianMixture, GaussianNB, KMeans, Lasso, LinearRegression, LogisticRegression,
                       MaxAbsScaler, MinMaxScaler, MiniBatchKMeans, Ridge, StandardScaler)

    comm = MPI.COMM_WORLD
    rng = np.random.default_rng(3)
    X = (rng.uniform(-10, 10, (5, 4))[np.arange(9001) % 5] + rng.normal(size=(9001, 4))).astype(np.float32)
    w = rng.uniform(0.5, 2, 9001).astype(np.float32)
    cuts = [0, 6000, 6001, 9001] if comm.size == 3 else np.linspace(0, 9001, comm.size + 1).astype(int)
    mine = slice(cuts[comm.rank], cuts[comm.rank + 1])
    for kwargs, weights in (({"init": "k-means++", "n_init": 2}, None), ({"init": X[:5], "n_init": 1}, w),
                            ({"init": "k-means||", "n_init": 1}, w), ({"init": "random", "n_init": 2}, w)):
        one = KMeans(n_clusters=5, random_state=7, **kwargs).fit(X, sample_weight=weights)
        many = KMeans(n_clusters=5, random_state=7, **kwargs).fit(
            X[mine], sample_weight=None if weights is None else weights[mine], comm=comm)
        labels = np.concatenate(comm.allgather(many.labels_))
        assert np.array_equal(many.cluster_centers_, one.cluster_centers_), "centres differ"
        assert many.inertia_ == one.inertia_ and many.n_iter_ == one.n_iter_
        assert np.array_equal(labels, one.labels_), "labels differ"
    for bad, error in ((dict(init=lambda X, k, random_state: X[:k]), ValueError), (dict(sparse=True), TypeError)):
        rows = scipy.sparse.csr_matrix(X[mine]) if bad.pop("sparse", False) else X[mine]
        try:
            KMeans(n_clusters=5, **bad).fit(rows, comm=comm)
            raise AssertionError(f"{bad or 'sparse X'} with comm was accepted")
        except error:
            pass
    with warnings.catch_warnings():  # one row per rank: fewer clusters locally than k
        warnings.simplefilter("error")
        KMeans(n_clusters=3, init=X[:3], n_init=1).fit(X[comm.rank:comm.rank + 1], comm=comm)

    fitted = ("cluster_centers_", "inertia_", "n_iter_", "n_steps_")
    for kwargs, weights in (({"batch_size": 256, "max_iter": 3, "n_init": 2}, None),
                            ({"batch_size": 300, "init": "random", "tol": 1e-3, "reassignment_ratio": 0.05}, w),
                            ({"init": "k-means||", "max_iter": 2}, w)):
        one = MiniBatchKMeans(n_clusters=7, random_state=2, **kwargs).fit(X, sample_weight=weights)
        many = MiniBatchKMeans(n_clusters=7, random_state=2, **kwargs).fit(
            X[mine], sample_weight=None if weights is None else weights[mine], comm=comm)
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"MiniBatchKMeans {kwargs}: {name} differs"
        assert np.array_equal(np.concatenate(comm.allgather(many.labels_)), one.labels_), f"MiniBatchKMeans {kwargs}: labels differ"
    np.random.seed(comm.rank)  # random_state=None: numpy's global RNG, different on each rank
    for estimator in (KMeans(n_clusters=5, n_init=1), MiniBatchKMeans(n_clusters=5, max_iter=2),
                      GaussianMixture(n_components=3, max_iter=3)):
        model = estimator.fit(X[mine], comm=comm)  # rank 0's seed on every rank
        fitted = model.means_ if isinstance(model, GaussianMixture) else model.cluster_centers_
        assert all(np.array_equal(fitted, other) for other in comm.allgather(fitted)), f"{estimator}: the ranks differ"
    try:
        MiniBatchKMeans(n_clusters=3, init=lambda X, k, random_state: X[:k]).fit(X[mine], comm=comm)
        raise AssertionError("MiniBatchKMeans with a callable init and comm was accepted")
    except ValueError:
        pass

    Y = np.hstack([X, X @ rng.normal(size=(4, 8)).astype(np.float32) + rng.normal(size=(9001, 8)).astype(np.float32)])
    fitted = ("components_", "explained_variance_", "explained_variance_ratio_", "singular_values_", "mean_",
              "noise_variance_", "n_samples_")
    for kwargs in ({}, {"n_components": 0.9, "whiten": True}, {"n_components": 3, "svd_solver": "randomized", "random_state": 5}):
        one = PCA(**kwargs).fit(Y)
        many = PCA(**kwargs).fit(Y[mine], comm=comm)
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"PCA {kwargs}: {name} differs"
    assert np.array_equal(PCA(n_components=2).fit_transform(Y[mine], comm=comm), PCA(n_components=2).fit(Y).transform(Y[mine]))
    for bad in ({"svd_solver": "randomized"}, {"n_components": 13}):  # no count; more than min(n, d) = 12
        try:
            PCA(**bad).fit(Y[mine], comm=comm)
            raise AssertionError(f"PCA {bad} with comm was accepted")
        except ValueError:
            pass

    fitted = ("weights_", "means_", "covariances_", "precisions_cholesky_", "lower_bound_", "n_iter_", "converged_")
    for kwargs in ({}, {"covariance_type": "diag", "init_params": "k-means++", "n_init": 2},
                   {"covariance_type": "spherical", "init_params": "random", "max_iter": 5}):
        one = GaussianMixture(n_components=5, random_state=4, **kwargs)
        labels_one = one.fit_predict(X)
        many = GaussianMixture(n_components=5, random_state=4, **kwargs)
        labels = np.concatenate(comm.allgather(many.fit_predict(X[mine], comm=comm)))
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"GaussianMixture {kwargs}: {name} differs"
        assert np.array_equal(labels, labels_one), f"GaussianMixture {kwargs}: labels differ"
    try:  # 3 rows in all, 5 components
        GaussianMixture(n_components=5).fit(X[comm.rank:comm.rank + 1], comm=comm)
        raise AssertionError("GaussianMixture with fewer rows than components was accepted")
    except ValueError:
        pass

    targets = np.column_stack([X @ np.arange(1, 5, dtype=np.float32), X[:, 0] ** 2]) + rng.normal(size=(9001, 2)).astype(np.float32)
    for estimator, y, weights in ((LinearRegression(), targets[:, 0], w), (LinearRegression(fit_intercept=False), targets, None),
                                  (Ridge(alpha=[0.5, 3.0], solver="svd"), targets, w), (Ridge(), targets[:, 1], None)):
        one = sklearn.base.clone(estimator).fit(X, y, sample_weight=weights)
        many = estimator.fit(X[mine], y[mine], sample_weight=None if weights is None else weights[mine], comm=comm)
        for name in ("coef_", "intercept_"):
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"{estimator}: {name} differs"
    try:
        Ridge().fit(scipy.sparse.csr_matrix(X[mine]), targets[mine, 0], comm=comm)
        raise AssertionError("Ridge with sparse X and comm was accepted")
    except TypeError:
        pass
    for estimator, y, weights in ((ElasticNet(alpha=0.1, precompute=True), targets[:, 0], w),
                                  (ElasticNet(alpha=0.5, l1_ratio=0.2, precompute="auto", fit_intercept=False), targets, None),
                                  (Lasso(alpha=0.05, precompute=True, selection="random", random_state=4, positive=True), targets, w)):
        one = sklearn.base.clone(estimator).fit(X, y, sample_weight=weights)
        many = estimator.fit(X[mine], y[mine], sample_weight=None if weights is None else weights[mine], comm=comm)
        for name in ("coef_", "intercept_", "n_iter_", "dual_gap_"):
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"{estimator}: {name} differs"
    many = Lasso(alpha=0.05, precompute=True, warm_start=True).fit(X[mine], targets[mine, 0], comm=comm)
    many.set_params(alpha=0.02).fit(X[mine], targets[mine, 0], comm=comm)  # from the previous coef_, on every rank
    one = Lasso(alpha=0.05, precompute=True, warm_start=True).fit(X, targets[:, 0]).set_params(alpha=0.02).fit(X, targets[:, 0])
    assert np.array_equal(many.coef_, one.coef_) and many.n_iter_ == one.n_iter_, "Lasso warm start differs"
    if comm.rank == 2:  # another start on rank 2 alone: every rank starts from rank 0's coef_
        many.coef_ = many.coef_ * 2
    many.fit(X[mine], targets[mine, 0], comm=comm)
    assert all(np.array_equal(many.coef_, other) for other in comm.allgather(many.coef_)), "Lasso warm starts differ"
    np.random.seed(comm.rank)  # random_state=None: rank 0's seed orders the coordinates on every rank
    many = Lasso(alpha=0.05, precompute=True, selection="random").fit(X[mine], targets[mine, 0], comm=comm)
    assert all(np.array_equal(many.coef_, other) for other in comm.allgather(many.coef_)), "Lasso: the ranks differ"
    try:  # "auto" on 3 rows of 4 features (fewer than 2 rows per feature): the columns, refused on every rank
        ElasticNet(precompute="auto").fit(X[comm.rank:comm.rank + 1], targets[comm.rank:comm.rank + 1, 0], comm=comm)
        raise AssertionError("ElasticNet precompute='auto' on 3 rows of 4 features with comm was accepted")
    except ValueError as error:
        assert "precompute=True" in str(error), error
    for bad in ({}, {"precompute": X[:4].T @ X[:4]}):  # the default precompute=False: the columns
        try:
            ElasticNet(**bad).fit(X[mine], targets[mine, 0], comm=comm)
            raise AssertionError(f"ElasticNet {bad} with comm was accepted")
        except ValueError as error:
            assert "precompute=True" in str(error), error

    blob = np.arange(9001) % 5
    fitted = ("classes_", "coef_", "intercept_", "n_iter_")
    for y, kwargs, weights in ((np.array(["ant", "bee", "cat", "dog", "eel"])[blob], {}, None),
                               (blob * 10 - 7, {"multi_class": "ovr", "class_weight": "balanced"}, w),
                               (np.where(np.arange(9001) < 4000, "no", "yes"), {"C": 0.3, "class_weight": {"no": 2.0}}, w)):
        # the last: ranks 1 and 2 hold only "yes"
        one = LogisticRegression(max_iter=30, **kwargs).fit(X, y, sample_weight=weights)
        many = LogisticRegression(max_iter=30, **kwargs).fit(
            X[mine], y[mine], sample_weight=None if weights is None else weights[mine], comm=comm)
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"LogisticRegression {kwargs}: {name} differs"
        assert np.array_equal(many.predict(X[mine]), one.predict(X[mine]))
    for bad, error in ((dict(warm_start=True), ValueError), (dict(sparse=True), TypeError)):
        rows = scipy.sparse.csr_matrix(X[mine]) if bad.pop("sparse", False) else X[mine]
        try:
            LogisticRegression(**bad).fit(rows, blob[mine], comm=comm)
            raise AssertionError(f"LogisticRegression {bad or 'sparse X'} with comm was accepted")
        except error:
            pass

    fitted = ("classes_", "class_count_", "class_prior_", "theta_", "var_", "epsilon_")
    for y, kwargs, weights in ((np.array(["ant", "bee", "cat", "dog", "eel"])[blob], {}, w),
                               (np.where(np.arange(9001) < 4000, 3, 8), {"priors": [0.3, 0.7], "var_smoothing": 1e-3}, None)):
        one = GaussianNB(**kwargs).fit(X, y, sample_weight=weights)
        many = GaussianNB(**kwargs).fit(X[mine], y[mine], sample_weight=None if weights is None else weights[mine], comm=comm)
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"GaussianNB {kwargs}: {name} differs"
    try:  # two classes in all, three priors: refused on every rank
        GaussianNB(priors=[0.2, 0.3, 0.5]).fit(X[mine], blob[mine] % 2, comm=comm)
        raise AssertionError("GaussianNB with three priors for two classes was accepted")
    except ValueError:
        pass

    for estimator, weights, fitted in (
            (StandardScaler(), w, ("mean_", "var_", "scale_", "n_samples_seen_")),
            (StandardScaler(with_mean=False), None, ("mean_", "var_", "scale_", "n_samples_seen_")),
            (MinMaxScaler(feature_range=(-1, 2)), None, ("min_", "scale_", "data_min_", "data_max_", "n_samples_seen_")),
            (MaxAbsScaler(), None, ("max_abs_", "scale_", "n_samples_seen_"))):
        keywords = {} if weights is None else {"sample_weight": weights}
        one = sklearn.base.clone(estimator).fit(X, **keywords)
        many = estimator.fit(X[mine], **{key: value[mine] for key, value in keywords.items()}, comm=comm)
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"{estimator}: {name} differs"
            assert type(getattr(many, name)) is type(getattr(one, name)), f"{estimator}: {name}'s type differs"
    poisoned = X[mine].copy()
    if comm.rank == 2:
        poisoned[-1, 3] = np.nan
    try:  # named by its global row on every rank
        MaxAbsScaler().fit(poisoned, comm=comm)
        raise AssertionError("NaN on the last rank was accepted")
    except ValueError as error:
        assert "row 9000, column 3" in str(error), error

    gap = [0, 4500, 4500, 9001] if comm.size == 3 else cuts  # rank 1 holds no rows
    part = slice(gap[comm.rank], gap[comm.rank + 1])
    names = np.array(["ant", "bee", "cat", "dog", "eel"])[blob]
    for estimator, data, fitted in (
            (KMeans(n_clusters=5, random_state=7, n_init=1), (X,), ("cluster_centers_", "inertia_", "n_iter_")),
            (MiniBatchKMeans(n_clusters=5, random_state=7, max_iter=2), (X,), ("cluster_centers_", "inertia_", "n_steps_")),
            (PCA(n_components=3), (Y,), ("components_", "explained_variance_", "mean_", "n_samples_")),
            (GaussianMixture(n_components=5, random_state=4), (X,), ("weights_", "means_", "covariances_", "lower_bound_")),
            (Ridge(alpha=2.0), (X, targets), ("coef_", "intercept_")),
            (Lasso(alpha=0.1, precompute=True), (X, targets), ("coef_", "intercept_", "dual_gap_")),
            (LogisticRegression(max_iter=30), (X, names), ("classes_", "coef_", "intercept_", "n_iter_")),
            (GaussianNB(), (X, names), ("classes_", "theta_", "var_", "epsilon_")),
            (StandardScaler(), (X,), ("mean_", "var_", "n_samples_seen_"))):
        one = sklearn.base.clone(estimator).fit(*data)
        many = estimator.fit(*(whole[part] for whole in data), comm=comm)
        for name in fitted:
            assert np.array_equal(getattr(many, name), getattr(one, name)), f"{estimator}, an empty rank: {name} differs"
    # The empty rank passing an empty sample_weight, the others none: an unweighted fit.
    scaler = StandardScaler().fit(X[part], sample_weight=w[part] if comm.rank == 1 else None, comm=comm)
    assert type(scaler.n_samples_seen_) is np.int64 and scaler.n_samples_seen_ == 9001, scaler.n_samples_seen_
    try:  # labels that do not mix (ints on rank 0, strings elsewhere) fail on every rank
        GaussianNB().fit(X[mine], blob[mine] if comm.rank == 0 else names[mine], comm=comm)
        raise AssertionError("GaussianNB with int labels on rank 0 and strings elsewhere was accepted")
    except Exception as error:
        assert comm.rank == 0 or "rank 0 failed" in str(error), error
    # A bad input on one rank (here rank 1's sample_weight) fails on every rank: none waits for it.
    wrong = w[mine][:-1] if comm.rank == 1 else w[mine]
    for estimator, data in ((KMeans(n_clusters=5), (X,)), (MiniBatchKMeans(n_clusters=5), (X,)),
                            (LinearRegression(), (X, targets)), (Ridge(), (X, targets)),
                            (ElasticNet(precompute=True), (X, targets)), (LogisticRegression(), (X, names)), (GaussianNB(), (X, names)), (StandardScaler(), (X,))):
        try:
            estimator.fit(*(whole[mine] for whole in data), sample_weight=wrong, comm=comm)
            raise AssertionError(f"{estimator} with a bad sample_weight on rank 1 was accepted")
        except ValueError as error:
            assert comm.rank == 1 or "rank 1 failed" in str(error), error
    try:  # a wrong-width init array on rank 2 only
        KMeans(n_clusters=5, init=X[:5, :3] if comm.rank == 2 else X[:5], n_init=1).fit(X[mine], comm=comm)
        raise AssertionError("KMeans with a wrong-width init on rank 2 was accepted")
    except ValueError as error:
        assert comm.rank == 2 or "rank 2 failed" in str(error), error
    try:  # every rank must call the same C++ fit
        KMeans(n_clusters=5).fit(X[mine].astype(np.float64) if comm.rank == 0 else X[mine], comm=comm)
        raise AssertionError("ranks whose X differ in dtype were accepted")
    except ValueError as error:
        assert "rank 0: float64 x 4, rank 1: float32 x 4" in str(error), error
    print(f"rank {comm.rank}: the same model as one process")
    """
)


def test_fit_with_mpi4py_communicator(tmp_path):
    script = tmp_path / "distributed_fit.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_NUM_THREADS="1")
    result = subprocess.run(
        ["mpirun", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader", "--mca", "btl_vader_single_copy_mechanism", "none",
         "-n", "3", sys.executable, "-m", "mpi4py", str(script)],
        capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("the same model as one process") == 3
