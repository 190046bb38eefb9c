"""The scikit-learn model of the Python peers (sk_server.py, sk_rest_server.py): a KMeans
holding exactly the centroids of a linfa model file, read from its JSON encoding."""
import json
import numpy as np
from sklearn.cluster import KMeans


def kmeans_with_centroids(path):
    centroids = np.array(json.load(open(path))["centroids"], dtype=np.float64)
    # Fitting on the centroids themselves, started at the centroids, leaves them in place
    # (every centroid is its own cluster) up to the rounding of scikit-learn's data centring;
    # then the exact values are put back.
    model = KMeans(len(centroids), init=centroids, n_init=1, max_iter=1).fit(centroids)
    assert np.allclose(model.cluster_centers_, centroids)
    model.cluster_centers_ = centroids
    return model
