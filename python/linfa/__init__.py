"""linfa: fast machine learning with a header-only C++20 core.

``from linfa import KMeans, MiniBatchKMeans`` gives scikit-learn compatible K-Means estimators
(full batch, and mini-batch with ``partial_fit`` for streams) whose work runs in C++ (OpenMP,
the GIL released) and whose model files are the C++ library's own, so a model fitted here can
be served by ``linfa-serve`` or loaded with ``linfa::load``. scikit-learn is
optional: it is only used, when installed, for its ``NotFittedError`` class and estimator tags.
"""

from ._errors import NotFittedError
from ._kmeans import KMeans
from ._minibatch import MiniBatchKMeans

__all__ = ["KMeans", "MiniBatchKMeans", "NotFittedError", "__version__"]
__version__ = "0.1.0"
