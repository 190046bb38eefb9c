"""``linfa.cluster``: the clustering estimators under scikit-learn's module name
(``from linfa.cluster import DBSCAN`` as ``from sklearn.cluster import DBSCAN``)."""

from ._dbscan import DBSCAN, dbscan
from ._kmeans import KMeans
from ._minibatch import MiniBatchKMeans

__all__ = ["DBSCAN", "KMeans", "MiniBatchKMeans", "dbscan"]
