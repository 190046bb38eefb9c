"""``linfa.neighbors``: the neighbour estimators and trees under scikit-learn's module name
(``from linfa.neighbors import KDTree`` as ``from sklearn.neighbors import KDTree``)."""

from ._neighbors import BallTree, KDTree, KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

__all__ = ["BallTree", "KDTree", "KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors"]
