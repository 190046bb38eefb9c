"""scikit-learn's own estimator contract, check by check (skipped without scikit-learn), for
KMeans and MiniBatchKMeans.

The one expected failure, check_sample_weights_invariance(kind="zeros"), is declared in
_BaseKMeans._more_tags exactly as scikit-learn declares it for its own KMeans and
MiniBatchKMeans: rows of weight zero still shift the random draws of the initialisation (and
of the mini-batches), so they are not equivalent to removing those rows."""

import pytest

pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks  # noqa: E402

from linfa import KMeans, MiniBatchKMeans  # noqa: E402


@parametrize_with_checks([KMeans(), MiniBatchKMeans()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [KMeans(), MiniBatchKMeans()], ids=["KMeans", "MiniBatchKMeans"])
def test_check_estimator_as_a_whole(estimator):
    # the single call the issue asks for; xfail-tagged checks are skipped by it
    check_estimator(estimator)
