"""``linfa.mixture``: the mixture models under scikit-learn's module name
(``from linfa.mixture import GaussianMixture`` as ``from sklearn.mixture import GaussianMixture``)."""

from ._gmm import GaussianMixture

__all__ = ["GaussianMixture"]
