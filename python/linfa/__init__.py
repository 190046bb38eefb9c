"""linfa: fast machine learning with a header-only C++20 core.

scikit-learn compatible estimators whose work runs in C++ (OpenMP, the GIL released) and whose
model files are the C++ library's own, so a model fitted here can be served by ``linfa-serve``
or loaded with ``linfa::load``:

* ``KMeans``, ``MiniBatchKMeans`` (with ``partial_fit`` for streams): clustering;
* ``DBSCAN`` (and ``dbscan``): density-based clustering, fit-predict only;
* ``LinearRegression``, ``Ridge``: linear regression, one or several targets;
* ``ElasticNet``, ``Lasso``: sparse linear regression by coordinate descent;
* ``LogisticRegression``: binary, multinomial or one-vs-rest classification (L-BFGS);
* ``PCA``: principal component analysis (full or randomized);
* ``GaussianMixture``: Gaussian mixture models fitted by EM;
* ``GaussianNB`` (with ``partial_fit`` for streams): Gaussian naive Bayes classification;
* ``KNeighborsClassifier``, ``KNeighborsRegressor``, ``NearestNeighbors``, ``KDTree``,
  ``BallTree`` (also in ``linfa.neighbors``): exact nearest neighbours (brute force, KD-tree or ball tree);
* ``StandardScaler``, ``MinMaxScaler``, ``MaxAbsScaler`` (with ``partial_fit`` for streams):
  feature scaling;
* ``Pipeline``, ``make_pipeline``: transformers then a final model, saved as one model file.

``linfa.load(path)`` returns the estimator of any model file, written in C++ or Python.
scikit-learn is optional: it is only used, when installed, for its ``NotFittedError`` class
and estimator tags.
"""

from ._base import load
from ._dbscan import DBSCAN, dbscan
from ._elastic_net import ElasticNet, Lasso
from ._errors import NotFittedError
from ._gmm import GaussianMixture
from ._kmeans import KMeans
from ._linear import LinearRegression, Ridge
from ._logistic import LogisticRegression
from ._minibatch import MiniBatchKMeans
from ._naive_bayes import GaussianNB
from ._neighbors import BallTree, KDTree, KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from ._pipeline import Pipeline, make_pipeline
from ._pca import PCA
from ._preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from . import metrics
from . import neighbors

__all__ = [
    "BallTree",
    "DBSCAN",
    "ElasticNet",
    "GaussianMixture",
    "GaussianNB",
    "KDTree",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "KMeans",
    "Lasso",
    "LinearRegression",
    "LogisticRegression",
    "MaxAbsScaler",
    "MiniBatchKMeans",
    "MinMaxScaler",
    "NearestNeighbors",
    "NotFittedError",
    "PCA",
    "Pipeline",
    "Ridge",
    "StandardScaler",
    "dbscan",
    "load",
    "make_pipeline",
    "__version__",
]
__version__ = "0.1.0"
