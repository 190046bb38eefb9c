"""linfa.metrics against sklearn.metrics 1.2 on random data: several seeds, weighted and
unweighted, binary and multiclass, float32 and float64 (float64 to 1e-12 relative; float32 to
what float32 inputs allow), labels of other types, scikit-learn's edge cases, the errors, and
the GIL released by the silhouette."""

import warnings

import numpy as np
import pytest

import linfa
import linfa.metrics as lm
from conftest import assert_releases_gil, close

sk = pytest.importorskip("sklearn.metrics")

SEEDS = [0, 1, 2]
DTYPES = [np.float64, np.float32]


def tolerance(dtype):
    return 1e-12 if dtype == np.float64 else 2e-5


def weights_for(rng, n, weighted, dtype=np.float64):
    return rng.uniform(0.1, 3.0, n).astype(dtype) if weighted else None


# ---------------------------------------------------------------------- regression


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("targets", [1, 3])
@pytest.mark.parametrize("name", ["r2_score", "mean_squared_error", "mean_absolute_error"])
def test_regression_matches_sklearn(name, targets, dtype, weighted, seed):
    rng = np.random.RandomState(seed)
    n = 300
    y = (rng.randn(n, targets) * 3 + 1).astype(dtype)
    pred = (y + rng.randn(n, targets)).astype(dtype)
    if targets == 1:
        y, pred = y.ravel(), pred.ravel()
    w = weights_for(rng, n, weighted, dtype)
    ours = getattr(lm, name)(y, pred, sample_weight=w)
    ref = getattr(sk, name)(y.astype(np.float64), pred.astype(np.float64), sample_weight=w)
    assert isinstance(ours, float)
    close(ours, ref, tolerance(dtype))


def test_r2_edge_cases_as_sklearn():
    constant = np.full(5, 2.0)
    assert lm.r2_score(constant, constant) == sk.r2_score(constant, constant) == 1.0
    assert lm.r2_score(constant, constant + 1) == sk.r2_score(constant, constant + 1) == 0.0
    Y = np.column_stack([np.arange(5.0), constant])
    P = np.column_stack([np.arange(5.0) + 0.5, constant])
    close(lm.r2_score(Y, P), sk.r2_score(Y, P), 1e-15)
    with pytest.warns(Warning):
        reference = sk.r2_score([1.0], [2.0])
    assert np.isnan(lm.r2_score([1.0], [2.0])) and np.isnan(reference)


def test_regression_errors():
    with pytest.raises(ValueError, match="y_pred is 2 x 1, expected the shape of y_true, 3 x 1"):
        lm.r2_score([1.0, 2, 3], [1.0, 2])
    with pytest.raises(ValueError, match="y_pred contain NaN or infinity"):
        lm.mean_squared_error([1.0, 2], [1.0, np.nan])
    with pytest.raises(ValueError, match="y_true contain NaN or infinity"):
        lm.mean_absolute_error([1.0, np.inf], [1.0, 2])
    with pytest.raises(ValueError, match="need at least one sample"):
        lm.r2_score(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="non-negative"):
        lm.r2_score([1.0, 2], [1.0, 2], sample_weight=[1.0, -1])
    with pytest.raises(ValueError, match="sample_weight.shape"):
        lm.r2_score([1.0, 2], [1.0, 2], sample_weight=[1.0, 1, 1])


# ---------------------------------------------------------------------- labels


def label_pair(rng, n, k, agreement=0.6):
    y = rng.randint(0, k, n)
    pred = np.where(rng.uniform(size=n) < agreement, y, rng.randint(0, k, n))
    return y, pred


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [2, 5])
def test_accuracy_and_confusion_match_sklearn(k, weighted, seed):
    rng = np.random.RandomState(seed)
    y, pred = label_pair(rng, 400, k)
    w = weights_for(rng, 400, weighted)
    close(lm.accuracy_score(y, pred, sample_weight=w), sk.accuracy_score(y, pred, sample_weight=w), 1e-12)
    ours = lm.confusion_matrix(y, pred, sample_weight=w)
    ref = sk.confusion_matrix(y, pred, sample_weight=w)
    assert ours.dtype == ref.dtype
    close(ours, ref, 1e-12)
    labels = [k - 1, 0, 7]
    close(lm.confusion_matrix(y, pred, labels=labels, sample_weight=w),
          sk.confusion_matrix(y, pred, labels=labels, sample_weight=w), 1e-12)


def test_labels_of_any_type():
    y = np.array(["cat", "dog", "emu", "dog", "cat"])
    pred = np.array(["cat", "emu", "emu", "dog", "dog"])
    assert lm.accuracy_score(y, pred) == sk.accuracy_score(y, pred)
    np.testing.assert_array_equal(lm.confusion_matrix(y, pred), sk.confusion_matrix(y, pred))
    np.testing.assert_array_equal(lm.confusion_matrix(y, pred, labels=["emu", "cat"]),
                                  sk.confusion_matrix(y, pred, labels=["emu", "cat"]))
    for average in ["micro", "macro", "weighted"]:
        close(lm.f1_score(y, pred, average=average), sk.f1_score(y, pred, average=average), 1e-15)
    binary = y[y != "emu"], pred[y != "emu"]
    binary = binary[0], np.where(binary[1] == "emu", "dog", binary[1])
    close(lm.precision_score(*binary, pos_label="dog"), sk.precision_score(*binary, pos_label="dog"), 1e-15)
    negative = np.array([-7, 3, 3]), np.array([-7, -7, 3])
    close(lm.recall_score(*negative, pos_label=-7), sk.recall_score(*negative, pos_label=-7), 1e-15)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize("average", [None, "binary", "micro", "macro", "weighted"])
def test_precision_recall_f1_match_sklearn(average, k, weighted, seed):
    if average == "binary" and k > 2:
        pytest.skip("binary averaging needs binary labels")
    rng = np.random.RandomState(seed)
    y, pred = label_pair(rng, 300, k, agreement=0.5)
    w = weights_for(rng, 300, weighted)
    ours = lm.precision_recall_fscore_support(y, pred, average=average, sample_weight=w)
    ref = sk.precision_recall_fscore_support(y, pred, average=average, sample_weight=w)
    for a, b in zip(ours[:3], ref[:3]):
        close(a, b, 1e-12)
    if average is None:
        assert ours[3].dtype == ref[3].dtype
        close(ours[3], ref[3], 1e-12)
    else:
        assert ours[3] is None and ref[3] is None
    for name, index in [("precision_score", 0), ("recall_score", 1), ("f1_score", 2)]:
        close(getattr(lm, name)(y, pred, average=average or "macro", sample_weight=w),
              getattr(sk, name)(y, pred, average=average or "macro", sample_weight=w), 1e-12)
    if average not in (None, "binary"):
        labels = [1, k + 3]  # one absent label: zeros, as zero_division=0
        ours = lm.precision_recall_fscore_support(y, pred, labels=labels, average=average, sample_weight=w)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn's zero_division warning
            ref = sk.precision_recall_fscore_support(y, pred, labels=labels, average=average, sample_weight=w)
        for a, b in zip(ours[:3], ref[:3]):
            close(a, b, 1e-12)


@pytest.mark.filterwarnings("ignore")
def test_zero_division_as_sklearn():
    cases = [([0, 0, 0], [1, 1, 0]), ([0, 0], [0, 0]), ([1, 1], [0, 0]), ([0, 1, 1], [0, 0, 0])]
    for y, pred in cases:
        for average in ["binary", "micro", "macro", "weighted", None]:
            ours = lm.precision_recall_fscore_support(y, pred, average=average)
            ref = sk.precision_recall_fscore_support(y, pred, average=average)
            for a, b in zip(ours[:3], ref[:3]):
                close(a, b, 0)
    ours = lm.precision_recall_fscore_support([0, 0], [0, 1], average="weighted", labels=[1])
    ref = sk.precision_recall_fscore_support([0, 0], [0, 1], average="weighted", labels=[1])
    assert ours[:3] == tuple(ref[:3])


def test_label_metric_errors():
    with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
        lm.f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="pos_label=3 is not a valid label"):
        lm.precision_score([0, 1], [1, 0], pos_label=3)
    with pytest.raises(ValueError, match="average has to be one of"):
        lm.recall_score([0, 1], [1, 0], average="samples")
    with pytest.raises(ValueError, match="y_pred has 2 values, expected 3"):
        lm.accuracy_score([0, 1, 1], [1, 0])
    with pytest.raises(ValueError, match="y_pred has 2 values, expected 3"):
        lm.f1_score([0, 1, 1], [1, 0], average="macro")
    with pytest.raises(ValueError, match="need at least one sample"):
        lm.accuracy_score([], [])
    with pytest.raises(ValueError, match="non-negative"):
        lm.confusion_matrix([0, 1], [1, 0], sample_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="expected at least one of labels"):
        lm.confusion_matrix([0, 1], [1, 0], labels=[5])
    with pytest.raises(ValueError, match="at least one label"):
        lm.confusion_matrix([0, 1], [1, 0], labels=[])
    with pytest.raises(ValueError, match="must be 1-D"):
        lm.accuracy_score(np.zeros((3, 2)), np.zeros((3, 2)))


# ---------------------------------------------------------------------- log loss


def probabilities(rng, n, k, dtype):
    p = rng.dirichlet(np.ones(k), n)
    p[rng.uniform(size=n) < 0.05, 0] = 0.0  # zeros to clip
    return p.astype(dtype)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [2, 4])
def test_log_loss_matches_sklearn(k, dtype, weighted, seed):
    rng = np.random.RandomState(seed)
    n = 250
    y = rng.randint(0, k, n)
    p = probabilities(rng, n, k, dtype)
    w = weights_for(rng, n, weighted, dtype)
    close(lm.log_loss(y, p, sample_weight=w), sk.log_loss(y, p, sample_weight=w), tolerance(dtype))
    unnormalised = (p * rng.uniform(0.5, 2.0, (n, 1))).astype(dtype)
    with np.errstate(all="ignore"):
        ref = sk.log_loss(y, unnormalised, sample_weight=w)
    close(lm.log_loss(y, unnormalised, sample_weight=w), ref, tolerance(dtype))
    if k == 2:  # one column: the probability of the larger label
        close(lm.log_loss(y, p[:, 1], sample_weight=w), sk.log_loss(y, p[:, 1], sample_weight=w), tolerance(dtype))


def test_log_loss_labels_and_types():
    y = ["spam", "ham", "ham", "spam"]
    p = [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]
    close(lm.log_loss(y, p), sk.log_loss(y, p), 1e-15)
    y3 = [0, 0, 2, 2]
    p3 = np.array([[0.5, 0.2, 0.3], [0.7, 0.1, 0.2], [0.1, 0.1, 0.8], [0.2, 0.3, 0.5]])
    close(lm.log_loss(y3, p3, labels=[0, 1, 2]), sk.log_loss(y3, p3, labels=[0, 1, 2]), 1e-15)


def test_log_loss_errors():
    with pytest.raises(ValueError, match="at least two labels"):
        lm.log_loss([1, 1], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="expected one column per label"):
        lm.log_loss([0, 1, 2], [[0.5, 0.5]] * 3)
    with pytest.raises(ValueError, match=r"y_true contains labels not in labels: \[3\]"):
        lm.log_loss([0, 3], [[0.5, 0.5]] * 2, labels=[0, 1])
    with pytest.raises(ValueError, match="probabilities contain NaN or infinity"):
        lm.log_loss([0, 1], [[0.5, np.nan], [0.5, 0.5]])
    with pytest.raises(ValueError, match="probabilities has 3 rows, expected 2"):
        lm.log_loss([0, 1], [[0.5, 0.5]] * 3)
    with pytest.raises(ValueError, match="non-negative"):
        lm.log_loss([0, 1], [[0.5, 0.5]] * 2, sample_weight=[-1.0, 1.0])


# ---------------------------------------------------------------------- ROC AUC


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ties", [False, True])
def test_roc_auc_matches_sklearn(ties, dtype, weighted, seed):
    rng = np.random.RandomState(seed)
    n = 500
    y = rng.randint(0, 2, n)
    scores = y * 0.7 + rng.randn(n)
    if ties:
        scores = np.round(scores, 1)  # many tied scores, across both classes
    scores = scores.astype(dtype)
    w = weights_for(rng, n, weighted, dtype)
    close(lm.roc_auc_score(y, scores, sample_weight=w), sk.roc_auc_score(y, scores, sample_weight=w), 1e-12)
    labels = np.where(y == 1, "yes", "no")  # "yes" > "no": the positive class
    close(lm.roc_auc_score(labels, scores), sk.roc_auc_score(labels, scores), 1e-12)


def test_roc_auc_errors():
    with pytest.raises(ValueError, match="Only one class present in y_true"):
        lm.roc_auc_score([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="binary y_true only"):
        lm.roc_auc_score([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="scores has 3 values, expected 2"):
        lm.roc_auc_score([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="scores contain NaN or infinity"):
        lm.roc_auc_score([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="positive class has zero total weight"):
        lm.roc_auc_score([0, 1], [0.1, 0.2], sample_weight=[1.0, 0.0])


# ---------------------------------------------------------------------- silhouette


def clustered(rng, n, d, k, dtype):
    centres = rng.randn(k, d) * 3
    labels = rng.randint(0, k, n)
    return (centres[labels] + rng.randn(n, d)).astype(dtype), labels


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [2, 5])
def test_silhouette_matches_sklearn(k, dtype, seed):
    rng = np.random.RandomState(seed)
    X, labels = clustered(rng, 700, 4, k, dtype)
    rel = 1e-12 if dtype == np.float64 else 1e-4
    close(lm.silhouette_samples(X, labels), sk.silhouette_samples(X, labels), rel)
    close(lm.silhouette_score(X, labels), sk.silhouette_score(X, labels), rel)


def test_silhouette_singletons_duplicates_and_label_types():
    X = np.array([[0.0], [1.0], [10.0], [10.0], [10.0]])
    labels = np.array(["a", "a", "b", "c", "c"])  # "b" alone: 0
    close(lm.silhouette_samples(X, labels), sk.silhouette_samples(X, labels), 1e-15)
    close(lm.silhouette_score(X, labels), sk.silhouette_score(X, labels), 1e-15)


def test_silhouette_errors():
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match="expected between 2 and n_samples - 1 \\(3\\) distinct labels, found 1"):
        lm.silhouette_score(X, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="found 4"):
        lm.silhouette_score(X, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="labels has 3 values, expected 4"):
        lm.silhouette_samples(X, [0, 1, 1])
    with pytest.raises(ValueError, match="records contain NaN or infinity"):
        lm.silhouette_score(np.array([[0.0], [np.nan], [1.0]]), [0, 0, 1])
    with pytest.raises(ValueError, match="metric='euclidean' only"):
        lm.silhouette_score(X, [0, 0, 1, 1], metric="cosine")


def test_silhouette_releases_the_gil():
    X, labels = clustered(np.random.RandomState(0), 3000, 8, 4, np.float64)
    assert_releases_gil(lambda: lm.silhouette_score(X, labels))


def test_metrics_is_a_submodule_of_linfa():
    assert linfa.metrics is lm
    assert set(lm.__all__) <= set(dir(lm))
