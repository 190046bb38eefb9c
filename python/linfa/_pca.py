"""linfa.PCA: scikit-learn's decomposition.PCA interface over the C++
``linfa::decomposition::Pca``. The covariance and precision of the probabilistic model
(``get_covariance``, ``get_precision``) are computed here from the fitted attributes, exactly
as scikit-learn does; everything that touches the data runs in C++."""

import numbers

import numpy as np

from . import _linfa
from ._base import LinfaEstimator, collectively, fit_function, register_estimator
from ._validation import check_array, is_bool, is_int

_SOLVERS = {
    "auto": _linfa.PcaSolver.Auto,
    "full": _linfa.PcaSolver.Full,
    "randomized": _linfa.PcaSolver.Randomized,
}
_NORMALIZERS = ("auto", "QR", "LU", "none")


@register_estimator
class PCA(LinfaEstimator):
    """Principal component analysis, fitted in C++ (linfa): the directions of largest variance
    of the centred data, as scikit-learn's PCA (same components, signs, variances, noise
    variance and probabilistic PCA log-likelihood).

    Parameters follow ``sklearn.decomposition.PCA``:

    n_components : int >= 1, float in (0, 1) or None, default=None
        Components to keep: a count, the fewest whose explained variance ratio adds up to more
        than the fraction (full solver), or None for min(n_samples, n_features). scikit-learn's
        "mle" and n_components=0 are not supported (ValueError).
    copy : bool, default=True
        Accepted, without effect: linfa never modifies X (it is centred on the fly).
    whiten : bool, default=False
        Scale the transformed components to unit variance.
    svd_solver : {"auto", "full", "randomized"}, default="auto"
        "full": eigenvectors of the covariance matrix (every component, exact); "randomized":
        Halko et al.'s randomized range finder with power iterations; "auto" chooses as
        scikit-learn 1.2 (full when max(n_samples, n_features) <= 500 or n_components is
        None or a fraction; randomized when 1 <= n_components < 0.8 min(n_samples,
        n_features); full otherwise). "arpack" is not supported (ValueError).
    tol : float >= 0, default=0.0
        Accepted, without effect: scikit-learn uses it for "arpack" only.
    iterated_power : int >= 0 or "auto", default="auto"
        Power iterations of the randomized solver ("auto": 7 when n_components < 0.1
        min(n_samples, n_features), else 4, as scikit-learn).
    n_oversamples : int >= 1, default=10
        Extra random directions of the randomized solver.
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        Accepted and checked, without effect: linfa's power iterations always orthonormalise
        by QR (the most accurate of scikit-learn's choices).
    random_state : None, int or numpy RandomState/Generator
        Seeds the randomized solver: an int is the seed of the C++ RNG itself; the draws
        differ from scikit-learn's, the subspace found does not (beyond rounding) when the
        spectrum decays.

    Attributes (after ``fit``, in X's dtype: float32 or float64): ``components_``,
    ``explained_variance_``, ``explained_variance_ratio_``, ``singular_values_``, ``mean_``,
    ``noise_variance_``, ``n_components_``, ``n_samples_``, ``n_features_in_``,
    ``feature_names_in_``.
    """

    _model_kind = "decomposition.pca"

    def __init__(
        self,
        n_components=None,
        *,
        copy=True,
        whiten=False,
        svd_solver="auto",
        tol=0.0,
        iterated_power="auto",
        n_oversamples=10,
        power_iteration_normalizer="auto",
        random_state=None,
    ):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    # ---------------------------------------------------------------- fitting

    def fit(self, X, y=None, comm=None):
        """Finds the principal components of X (array-like of shape (n_samples,
        n_features)); y is ignored. Returns self.

        With ``comm`` (an mpi4py communicator, e.g. ``MPI.COMM_WORLD``), X is this rank's
        rows of a dataset spread over the communicator's ranks, rank 0's rows first: every
        rank gets the model one process fits on all the rows, bit for bit. Every rank calls
        fit with the same parameters; what depends on the number of rows is checked on all
        of them together, so svd_solver='randomized' needs an int n_components."""
        self._fit(X, comm)
        return self

    def fit_transform(self, X, y=None, comm=None):
        """Fits, then returns X in the components' coordinates (n_samples, n_components);
        with ``comm``, as ``fit``, and this rank's rows transformed."""
        X = self._fit(X, comm)
        return self._model.transform(X)

    def _fit(self, X, comm=None):
        """Fits on X; returns X as converted (C-contiguous float32 or float64)."""
        def checks():
            params = self._check_params()
            X_, names = self._check_training_data(X, comm)
            n_samples, n_features = X_.shape
            if comm is None and n_samples < 2:  # with comm, the C++ fit counts all the ranks' rows
                raise ValueError(
                    f"PCA needs at least 2 samples to estimate variances, found {n_samples} sample"
                )
            count_and_fraction = self._check_n_components(None if comm is not None else n_samples, n_features)
            return params, X_, names, *count_and_fraction

        params, X, names, count, fraction = collectively(comm, checks)
        fit = fit_function("pca_fit", X, comm)
        model = fit(
            X, count, fraction, params["whiten"], _SOLVERS[self.svd_solver],
            int(self.n_oversamples), params["iterations"], self._seed(comm),
        )
        self._set_fitted(model, names)
        return X

    def _check_params(self):
        if not is_bool(self.whiten):
            raise ValueError(f"whiten must be a bool, found {self.whiten!r}")
        if not is_bool(self.copy):
            raise ValueError(f"copy must be a bool, found {self.copy!r}")
        solver = self.svd_solver
        if not isinstance(solver, str) or solver not in _SOLVERS:
            what = "is not supported by linfa" if solver == "arpack" else "is unknown"
            raise ValueError(
                f"svd_solver={solver!r} {what}; linfa's PCA supports svd_solver='auto', "
                "'full' or 'randomized'"
            )
        if (
            not isinstance(self.tol, numbers.Real)
            or is_bool(self.tol)
            or not np.isfinite(self.tol)
            or self.tol < 0
        ):
            raise ValueError(f"tol must be a finite float >= 0, found {self.tol!r}")
        power = self.iterated_power
        if isinstance(power, str) and power == "auto":
            iterations = None
        elif is_int(power) and power >= 0:
            iterations = int(power)
        else:
            raise ValueError(f"iterated_power must be 'auto' or an int >= 0, found {power!r}")
        if not is_int(self.n_oversamples) or self.n_oversamples < 1:
            raise ValueError(f"n_oversamples must be an int >= 1, found {self.n_oversamples!r}")
        if self.power_iteration_normalizer not in _NORMALIZERS:
            raise ValueError(
                f"power_iteration_normalizer must be one of {_NORMALIZERS}, found "
                f"{self.power_iteration_normalizer!r}"
            )
        return {"whiten": bool(self.whiten), "iterations": iterations}

    def _check_n_components(self, n_samples, n_features):
        """(count, fraction) for the C++ fit: at most one of them set (neither: all).
        n_samples None (a distributed fit): the C++ fit checks the count against all the rows."""
        k = self.n_components
        most = None if n_samples is None else min(n_samples, n_features)
        solver = self.svd_solver
        if isinstance(k, str):
            if solver == "randomized":  # scikit-learn's message
                raise ValueError(
                    f"n_components={k!r} cannot be a string with svd_solver='randomized'"
                )
            raise ValueError(
                f"n_components={k!r} is not supported by linfa's PCA (scikit-learn's 'mle' "
                "dimension inference is not implemented); give an int, a float in (0, 1) or None"
            )
        if k is None:
            # scikit-learn: all min(n_samples, n_features) components, also when randomized
            if solver == "randomized" and most is None:
                raise ValueError(
                    "fit with comm and svd_solver='randomized' needs an int n_components: "
                    "min(n_samples, n_features) is known to the ranks only together"
                )
            return (most, None) if solver == "randomized" else (None, None)
        if is_int(k):
            if most is None:  # the C++ fit checks k <= min(n_samples, n_features)
                if k < 1:
                    raise ValueError(f"n_components={k!r} must be at least 1")
                return int(k), None
            if solver == "randomized" and not 1 <= k <= most:
                raise ValueError(
                    f"n_components={k!r} must be between 1 and min(n_samples, n_features)="
                    f"{most!r} with svd_solver='randomized'"
                )
            if k == 0:
                raise ValueError(
                    "n_components=0 is not supported by linfa's PCA (a model keeps at least one "
                    "component)"
                )
            if not 0 <= k <= most:
                raise ValueError(
                    f"n_components={k!r} must be between 0 and min(n_samples, n_features)="
                    f"{most!r} with svd_solver='full'"
                )
            return int(k), None
        if isinstance(k, numbers.Real) and not is_bool(k) and 0 < k < 1:
            if solver == "randomized":
                raise ValueError(
                    f"n_components={k!r} must be between 1 and min(n_samples, n_features)="
                    f"{most!r} with svd_solver='randomized'"
                )
            return None, float(k)
        raise ValueError(
            f"n_components must be None, an int >= 1 or a float in (0, 1), found {k!r}"
        )

    # ---------------------------------------------------------------- fitted use

    def transform(self, X):
        """X in the components' coordinates: shape (n_samples, n_components), divided by
        sqrt(explained_variance_) when whitening."""
        return self._fitted_model().transform(self._check_test_data(X))

    def inverse_transform(self, X):
        """Back from the components' coordinates (n_samples, n_components) to the data's
        (n_samples, n_features), whitening undone."""
        model = self._fitted_model()
        X = check_array(X, dtype=model.dtype)
        if X.shape[1] != model.n_components:
            raise ValueError(
                f"X has {X.shape[1]} components, but PCA has {model.n_components} "
                "(inverse_transform takes the output of transform)"
            )
        return model.inverse_transform(X)

    def score_samples(self, X):
        """Log-likelihood of every sample under the probabilistic PCA model (Tipping &
        Bishop 1999)."""
        return self._fitted_model().score_samples(self._check_test_data(X))

    def score(self, X, y=None):
        """Mean log-likelihood of the samples under the probabilistic PCA model."""
        return float(self._fitted_model().score(self._check_test_data(X)))

    def get_covariance(self):
        """The data covariance of the generative model: components_.T * S**2 * components_ +
        noise_variance_ * I (S**2: the explained variances), as scikit-learn computes it."""
        self._fitted_model()
        components, excess = self._scaled_components()
        covariance = np.dot(components.T * excess, components)
        covariance.flat[:: len(covariance) + 1] += self.noise_variance_
        return covariance

    def get_precision(self):
        """The inverse of ``get_covariance()``, by the matrix inversion lemma, as scikit-learn
        computes it."""
        self._fitted_model()
        noise = self.noise_variance_
        if np.isclose(noise, 0.0, atol=0.0):
            return np.linalg.inv(self.get_covariance())
        components, excess = self._scaled_components()
        precision = np.dot(components, components.T) / noise
        precision.flat[:: len(precision) + 1] += 1.0 / excess
        precision = np.dot(components.T, np.dot(np.linalg.inv(precision), components))
        precision /= -(noise**2)
        precision.flat[:: len(precision) + 1] += 1.0 / noise
        return precision

    def get_feature_names_out(self, input_features=None):
        """Output feature names: "pca0", "pca1", ... (one per component), as scikit-learn."""
        self._fitted_model()  # NotFittedError before n_components_ is read
        return self._prefixed_feature_names(self.n_components_, input_features)

    # ---------------------------------------------------------------- internals

    def _scaled_components(self):
        """(components, variances in excess of the noise) of the generative model."""
        components = self.components_
        variance = self.explained_variance_
        if self._model.whiten:  # the model's (a loaded one's too), as transform uses it
            components = components * np.sqrt(variance[:, np.newaxis])
        return components, np.maximum(variance - self.noise_variance_, 0.0)

    @classmethod
    def _params_from_model(cls, model):
        return {"n_components": int(model.n_components), "whiten": bool(model.whiten)}

    def _fitted_attributes(self, model):
        dtype = model.dtype.type
        return {
            "components_": model.components,
            "explained_variance_": model.explained_variance,
            "explained_variance_ratio_": model.explained_variance_ratio,
            "singular_values_": model.singular_values,
            "mean_": model.mean,
            "noise_variance_": dtype(model.noise_variance),
            "n_components_": int(model.n_components),
            "n_samples_": int(model.n_samples),
        }
