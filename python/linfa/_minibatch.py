"""linfa.MiniBatchKMeans: scikit-learn's MiniBatchKMeans interface over the C++ mini-batch
K-Means (``linfa::clustering::MiniBatchKMeansParams``: ``fit`` and the one-batch ``fit_with``)."""

import math
import numbers
import warnings

import numpy as np

from . import _linfa
from ._base import collectively, fit_function, native_function
from ._kmeans import _BaseKMeans, _random_state_for_init
from ._validation import _scipy_csr, check_sample_weight, is_int


def _print_step(step, n_steps, batch_inertia, ewa_inertia, n_reassigned, stop):
    """scikit-learn's verbose lines of MiniBatchKMeans, from the C++ fit's step reports."""
    if n_reassigned:
        print(f"[MiniBatchKMeans] Reassigning {n_reassigned} cluster centers.")
    step += 1
    if math.isnan(ewa_inertia):
        print(f"Minibatch step {step}/{n_steps}: mean batch inertia: {batch_inertia}")
    else:
        print(f"Minibatch step {step}/{n_steps}: mean batch inertia: {batch_inertia}, ewa inertia: {ewa_inertia}")
    if stop == "small change":
        print(f"Converged (small centers change) at step {step}/{n_steps}")
    elif stop == "no improvement":
        print(f"Converged (lack of improvement in inertia) at step {step}/{n_steps}")


class MiniBatchKMeans(_BaseKMeans):
    """Mini-batch K-Means clustering (Sculley 2010), fitted in C++ (linfa).

    Each step assigns a small batch of samples to their nearest centres and moves every centre
    towards the mean of its batch samples, with a learning rate of (weight of its batch
    samples) / (weight the centre has gathered so far). Clusters left with little weight are
    moved onto random batch samples (``reassignment_ratio``). ``fit`` draws the batches from X;
    ``partial_fit`` takes one step per call, so data that does not fit in memory can be
    clustered batch by batch.

    Parameters follow ``sklearn.cluster.MiniBatchKMeans``:

    n_clusters : int, default=8
    init : {"k-means++", "random", "k-means||"}, callable or array of shape (n_clusters, n_features)
        A callable is called as ``init(X_subset, n_clusters, random_state=random_state)`` on
        init_size rows of X drawn with replacement (as scikit-learn), once, whatever n_init.
    max_iter : int, default=100
        Epochs: ``fit`` takes at most max_iter * n_samples / batch_size steps.
    batch_size : int, default=1024
    verbose : int, default=0
        When > 0, ``fit`` prints scikit-learn's lines ("Minibatch step i/n: mean batch inertia:
        ...", "Converged (small centers change) ...", "Converged (lack of improvement in
        inertia) ...") to ``sys.stdout`` as the C++ fit reports them.
    compute_labels : bool, default=True
        Whether ``fit`` and ``partial_fit`` set ``labels_`` (and ``partial_fit`` ``inertia_``).
    random_state : None, int or numpy RandomState/Generator
        An int is the seed of the C++ RNG. ``partial_fit`` draws one seed at its first call
        and keeps it, so a stream of batches is reproducible.
    tol : float, default=0.0
        Early stopping on the squared movement of the centres in one step, relative to the
        mean per-feature variance of X; 0 disables it.
    max_no_improvement : int or None, default=10
        Early stopping after this many steps without improvement of the smoothed batch
        inertia; None disables it.
    init_size : int or None, default=None
        Samples the initialisation runs on (default 3 * batch_size, at least 3 * n_clusters;
        at most n_samples). The value used is in ``_init_size``.
    n_init : "auto" or int, default="auto"
        Initialisations tried by ``fit``, each on its own random subset (the lowest inertia on
        a validation subset wins); "auto" is 3 for init="random", 1 otherwise.
    reassignment_ratio : float, default=0.01

    X may be a scipy.sparse matrix or array, as for KMeans (CSR used in place): ``fit``,
    ``partial_fit`` and the predict-like methods then work on the sparse rows.

    Attributes: ``cluster_centers_``, ``labels_``, ``inertia_`` (``fit``: of all of X;
    ``partial_fit``: of the last batch), ``n_iter_`` (epochs of the last ``fit``), ``n_steps_``
    (mini-batch steps taken in all), ``n_features_in_``, ``feature_names_in_``.

    The model carries the weight each centre has gathered, in memory, in pickles and in model
    files (``save``/``load``), so ``partial_fit`` continues exactly where it stopped.
    """

    _random_init_runs = 3
    _accepts_sparse = True

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        verbose=0,
        compute_labels=True,
        random_state=None,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, sample_weight=None, comm=None):
        """Clusters X by mini-batches drawn from it; returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X is this rank's
        rows of a dataset spread over the communicator's ranks, rank 0's rows first: every
        rank draws the same batches, which travel to every rank, and gets the model one
        process fits on all the rows, bit for bit, and ``labels_`` of its own rows. Every rank
        calls fit with the same parameters. Dense X only; init "k-means++", "k-means||",
        "random" or an array."""
        def checks():
            X_, names = self._check_training_data(X, comm)
            verbose = self._check_params()
            init = None  # without comm: checked with the init size, which may call a callable init
            if comm is None:
                self._check_enough_samples(X_)  # with comm, the C++ fit checks all the ranks' rows
            elif callable(self.init):
                raise ValueError("fit with comm initialises with 'k-means++', 'k-means||', 'random' or an array, not a callable")
            else:
                init = self._check_init(X_)  # an array's width, here where every rank hears of a mismatch
            return X_, names, verbose, init, check_sample_weight(sample_weight, X_.shape[0], X_.dtype)

        X, names, verbose, init, weights = collectively(comm, checks)
        n_samples = X.shape[0] if comm is None else comm.allreduce(X.shape[0])  # the init size is of all the rows
        init_size = self._check_init_size(n_samples)
        init_name, init_centroids = init if init is not None else self._initial_centres(X, init_size)
        n_runs = self._check_n_init(init_centroids is not None and not callable(self.init))
        model, labels = fit_function("minibatch_fit", X, comm)(
            X, weights, int(self.n_clusters), init_name, init_centroids, n_runs,
            int(self.max_iter), int(self.batch_size), float(self.tol),
            None if self.max_no_improvement is None else int(self.max_no_improvement),
            init_size, float(self.reassignment_ratio), self._seed(comm),
            _print_step if verbose and (comm is None or comm.Get_rank() == 0) else None,  # one report
        )
        if comm is None:  # a rank's own rows may hold fewer clusters than the whole data
            self._warn_fewer_distinct_clusters(labels)
        self.__dict__.pop("_stream_seed", None)  # a later partial_fit draws its own
        self._set_fitted(model, names)
        self._set_labels(labels)
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on X (the first call also initialises the centres from X,
        which then needs at least n_clusters samples); returns self."""
        model = self.__dict__.get("_model")
        if model is None:
            X, names = self._check_training_data(X)
            self._check_params()
            self._check_enough_samples(X)
            init_size = self._check_init_size(X.shape[0])
            init_name, init_centroids = self._initial_centres(X, init_size)
        else:  # the model's dtype and feature count, as predict
            names = self.__dict__.get("feature_names_in_")
            X = self._check_test_data(X)
            init_name, init_centroids, init_size = "k-means++", None, None  # unused: the model exists
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if "_stream_seed" not in self.__dict__:
            self._stream_seed = self._seed()
        n_clusters = int(self.n_clusters) if model is None else model.n_clusters
        model = native_function("minibatch_step", X.dtype)(
            model, X, weights, n_clusters, init_name, init_centroids, int(self.batch_size),
            init_size, float(self.reassignment_ratio), self._stream_seed,
        )
        n_iter = self.__dict__.get("n_iter_")
        self._set_fitted(model, names)
        if n_iter is None:  # scikit-learn: n_iter_ counts the epochs of fit only
            del self.n_iter_
        else:
            self.n_iter_ = n_iter
        if self.compute_labels:
            labels, inertia = model.predict_with_inertia(X, weights)
            self.labels_ = labels
            self.inertia_ = float(inertia)
        return self

    # ---------------------------------------------------------------- internals

    def _fitted_attributes(self, model):
        return {**super()._fitted_attributes(model), "n_steps_": int(model.n_steps)}

    def _set_labels(self, labels):
        if self.compute_labels:
            self.labels_ = labels
        elif "labels_" in self.__dict__:
            del self.labels_

    def _check_params(self):
        """Checks the scalar parameters; returns verbose as a bool."""
        verbose = self._check_common_params()
        if not is_int(self.batch_size) or self.batch_size < 1:
            raise ValueError(f"batch_size must be an int >= 1, found {self.batch_size!r}")
        if self.max_no_improvement is not None and (
            not is_int(self.max_no_improvement) or self.max_no_improvement < 0
        ):
            raise ValueError(
                f"max_no_improvement must be None or an int >= 0, found {self.max_no_improvement!r}"
            )
        if self.init_size is not None and (not is_int(self.init_size) or self.init_size < 1):
            raise ValueError(f"init_size must be None or an int >= 1, found {self.init_size!r}")
        ratio = self.reassignment_ratio
        if (
            not isinstance(ratio, numbers.Real)
            or isinstance(ratio, bool)
            or not np.isfinite(ratio)
            or ratio < 0
        ):
            raise ValueError(f"reassignment_ratio must be a finite float >= 0, found {ratio!r}")
        if not isinstance(self.compute_labels, (bool, np.bool_)):
            raise ValueError(f"compute_labels must be a bool, found {self.compute_labels!r}")
        return verbose

    def _check_init_size(self, n_samples):
        """The samples the initialisation runs on, as scikit-learn computes them (3 x the batch
        size, at least 3 x n_clusters, at most n_samples; an init_size below n_clusters is
        raised to 3 x n_clusters with its warning). Sets ``_init_size``."""
        batch_size = min(int(self.batch_size), n_samples)
        if self.init_size is None:
            size = 3 * batch_size
            if size < self.n_clusters:
                size = 3 * int(self.n_clusters)
        elif self.init_size < self.n_clusters:
            warnings.warn(
                f"init_size={self.init_size} should be larger than n_clusters={self.n_clusters}. "
                "Setting it to min(3*n_clusters, n_samples)",
                RuntimeWarning,
                stacklevel=3,
            )
            size = 3 * int(self.n_clusters)
        else:
            size = int(self.init_size)
        self._init_size = min(size, n_samples)
        return self._init_size

    def _initial_centres(self, X, init_size):
        """_check_init's answer, a callable init called on init_size rows of X drawn with
        replacement (scikit-learn's subset) and returned as ("precomputed", centres)."""
        init_name, init_centroids = self._check_init(X)
        if init_name != "callable":
            return init_name, init_centroids
        random_state = _random_state_for_init(self.random_state)
        rows = random_state.randint(0, X.shape[0], init_size) if init_size < X.shape[0] else slice(None)
        if isinstance(X, (_linfa.CsrF32, _linfa.CsrF64)):
            subset = _scipy_csr(X)[rows]
        else:
            subset = X[rows]
        return "precomputed", self._call_init_on(subset, X, random_state)
