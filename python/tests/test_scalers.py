"""linfa.StandardScaler, linfa.MinMaxScaler and linfa.MaxAbsScaler: scikit-learn's estimator
checks, agreement with scikit-learn 1.2 (float64 to 1e-12 relative; float32 output to float32
rounding, since linfa maps in double and rounds once where scikit-learn rounds every float32
operation), partial_fit, sample weights, dtypes, errors, persistence and pipelines.

Tolerances are relative to the largest magnitude of the reference (``close``)."""

import json
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import linfa
from conftest import assert_releases_gil, close
from linfa import MaxAbsScaler, MinMaxScaler, NotFittedError, StandardScaler, _linfa

SCALERS = [StandardScaler, MinMaxScaler, MaxAbsScaler]
SCALER_IDS = [cls.__name__ for cls in SCALERS]
# Configurations compared with scikit-learn's class of the same name and parameters.
CONFIGS = [
    (StandardScaler, {}),
    (StandardScaler, {"with_mean": False}),
    (StandardScaler, {"with_std": False}),
    (StandardScaler, {"with_mean": False, "with_std": False}),
    (MinMaxScaler, {}),
    (MinMaxScaler, {"feature_range": (-3, 0.5)}),
    (MinMaxScaler, {"feature_range": (-1, 2), "clip": True}),
    (MaxAbsScaler, {}),
]
CONFIG_IDS = [
    "-".join([cls.__name__] + ([f"{k}={v}" for k, v in params.items()] or ["default"])) for cls, params in CONFIGS
]
# The fitted attributes scikit-learn gives each scaler.
ATTRIBUTES = {
    StandardScaler: ["mean_", "var_", "scale_", "n_samples_seen_"],
    MinMaxScaler: ["min_", "scale_", "data_min_", "data_max_", "data_range_", "n_samples_seen_"],
    MaxAbsScaler: ["max_abs_", "scale_", "n_samples_seen_"],
}
# The float32 output of a map computed in double and rounded once, against scikit-learn's
# float32 operations each rounded: some float32 epsilons of the output's magnitude.
F32_REL = 1e-6


def features(n, d, seed=0):
    """Features of very different spreads and offsets (so any mix-up of them shows), each
    offset within a few spreads: well-conditioned data, on which two correct implementations
    agree to a few roundings (large offsets are tested on their own)."""
    rng = np.random.RandomState(seed)
    spread = 10.0 ** rng.uniform(-2, 3, d)
    return (rng.randn(n, d) + rng.uniform(-4, 4, d)) * spread


def sklearn_twin(estimator):
    """scikit-learn's scaler of the same name and parameters."""
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    return getattr(preprocessing, type(estimator).__name__)(**estimator.get_params())


def assert_same_attributes(ours, ref, rel):
    for name in ATTRIBUTES[type(ours)] + ["n_features_in_"]:
        mine, theirs = getattr(ours, name), getattr(ref, name)
        if theirs is None:
            assert mine is None, name
            continue
        assert np.asarray(mine).dtype == np.asarray(theirs).dtype, (name, np.asarray(mine).dtype)
        if name == "n_samples_seen_":
            assert mine == pytest.approx(theirs, rel=1e-12)
        else:
            close(mine, theirs, rel)


# ---------------------------------------------------------------- scikit-learn's estimator checks


def _parametrize_with_checks():
    try:
        from sklearn.utils.estimator_checks import parametrize_with_checks
    except ImportError:
        return pytest.mark.skip(reason="scikit-learn is not installed")
    return parametrize_with_checks([cls(**params) for cls, params in CONFIGS])


@_parametrize_with_checks()
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
def test_check_estimator_as_a_whole(cls):
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(cls())  # nothing is marked as an expected failure


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
def test_tags_preserve_float32_and_refuse_nan(cls):
    tags = cls()._more_tags()
    assert tags["preserves_dtype"] == [np.float64, np.float32]
    assert not tags.get("allow_nan", False)  # NaN is refused, unlike scikit-learn's scalers


# ---------------------------------------------------------------- agreement with scikit-learn


@pytest.mark.parametrize("cls, params", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("shape", [(500, 7), (3, 40), (1, 3)])
def test_float64_matches_sklearn(cls, params, shape):
    X = features(*shape)
    ours = cls(**params).fit(X)
    ref = sklearn_twin(ours).fit(X)
    assert_same_attributes(ours, ref, 1e-12)
    held_out = features(50, shape[1], seed=1) * 1.5
    for data in [X, held_out]:
        close(ours.transform(data), ref.transform(data), 1e-12)
        close(ours.inverse_transform(data), ref.inverse_transform(data), 1e-12)
    close(ours.fit_transform(X), ref.fit_transform(X), 1e-12)


@pytest.mark.parametrize("cls, params", CONFIGS, ids=CONFIG_IDS)
def test_float32_stays_float32_and_matches_sklearn(cls, params):
    X = features(400, 6).astype(np.float32)
    ours = cls(**params).fit(X)
    ref = sklearn_twin(ours).fit(X)
    # statistics: StandardScaler's in float64 (both sum float32 data in double), the
    # others' in float32 (X's own values, or one float32 rounding of a double result)
    assert_same_attributes(ours, ref, 1e-12 if cls is StandardScaler else F32_REL)
    for method in ["transform", "inverse_transform", "fit_transform"]:
        out = getattr(ours, method)(X)
        assert out.dtype == np.float32, method
        close(out, getattr(ref, method)(X), F32_REL)


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.bool_])
def test_other_dtypes_become_float64(cls, dtype):
    X = (features(30, 3) > 0).astype(dtype) if dtype is np.bool_ else (features(30, 3) / 100).astype(dtype)
    scaler = cls().fit(X)
    assert scaler.transform(X).dtype == np.float64
    as_float64 = X.astype(np.float64)
    np.testing.assert_array_equal(scaler.transform(X), cls().fit(as_float64).transform(as_float64))


def test_standard_scaler_statistics_are_float64_for_float32_data():
    X = features(50, 4).astype(np.float32)
    scaler = StandardScaler().fit(X)
    assert scaler.mean_.dtype == scaler.var_.dtype == scaler.scale_.dtype == np.float64
    close(scaler.mean_, X.astype(np.float64).mean(axis=0), 1e-14)
    close(scaler.var_, X.astype(np.float64).var(axis=0), 1e-13)


# ---------------------------------------------------------------- StandardScaler's parameters


@pytest.mark.parametrize(
    "with_mean, with_std, present",
    [
        (True, True, {"mean_", "var_", "scale_"}),
        (False, True, {"mean_", "var_", "scale_"}),  # the mean is learnt, not subtracted
        (True, False, {"mean_"}),
        (False, False, set()),
    ],
)
def test_with_mean_with_std_attributes_and_map(with_mean, with_std, present):
    X = features(100, 4)
    scaler = StandardScaler(with_mean=with_mean, with_std=with_std).fit(X)
    for name in ["mean_", "var_", "scale_"]:
        assert (getattr(scaler, name) is not None) == (name in present), name
    expected = X.copy()
    if with_mean:
        expected -= X.mean(axis=0)
    if with_std:
        expected /= X.std(axis=0)
    close(scaler.transform(X), expected, 1e-13)
    close(scaler.inverse_transform(scaler.transform(X)), X, 1e-13)
    assert scaler.n_samples_seen_ == 100 and isinstance(scaler.n_samples_seen_, np.int64)


def test_parameters_changed_between_fits_apply():
    X = features(60, 3)
    scaler = StandardScaler().fit(X)
    scaler.set_params(with_std=False).fit(X)
    assert scaler.var_ is None and scaler.scale_ is None
    close(scaler.transform(X), X - X.mean(axis=0), 1e-14)


# ---------------------------------------------------------------- partial_fit


@pytest.mark.parametrize("cls, params", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_partial_fit_over_batches_equals_fit(cls, params, dtype):
    X = features(997, 5).astype(dtype)
    whole = cls(**params).fit(X)
    streamed = cls(**params)
    for batch in np.array_split(X, [1, 2, 100, 101, 600]):
        assert streamed.partial_fit(batch) is streamed
    for name in ATTRIBUTES[cls]:
        mine, theirs = getattr(streamed, name), getattr(whole, name)
        if theirs is None:
            assert mine is None
        else:
            close(mine, theirs, 1e-13)
    close(streamed.transform(X), whole.transform(X), 1e-12 if dtype is np.float64 else F32_REL)
    assert streamed.n_samples_seen_ == 997


@pytest.mark.parametrize("cls, params", CONFIGS, ids=CONFIG_IDS)
def test_partial_fit_matches_sklearns_partial_fit(cls, params):
    X = features(300, 4)
    ours = cls(**params)
    ref = sklearn_twin(ours)
    for batch in np.array_split(X, 7):
        ours.partial_fit(batch)
        ref.partial_fit(batch)
    assert_same_attributes(ours, ref, 1e-12)
    close(ours.transform(X), ref.transform(X), 1e-12)


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
def test_fit_forgets_and_partial_fit_continues(cls):
    X, other = features(50, 3), features(40, 3, seed=2) * 7
    scaler = cls().partial_fit(other).fit(X)
    assert scaler.n_samples_seen_ == 50
    np.testing.assert_array_equal(scaler.transform(X), cls().fit(X).transform(X))
    scaler.partial_fit(other)
    assert scaler.n_samples_seen_ == 90
    close(scaler.transform(X), cls().fit(np.vstack([X, other])).transform(X), 1e-13)


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
def test_partial_fit_keeps_the_model_dtype_and_checks_features(cls):
    X = features(20, 3).astype(np.float32)
    scaler = cls().partial_fit(X)
    scaler.partial_fit(X.astype(np.float64))  # converted to the model's float32
    assert scaler.transform(X).dtype == np.float32 and scaler.n_samples_seen_ == 40
    with pytest.raises(ValueError, match=f"X has 2 features, but {cls.__name__} is expecting 3"):
        scaler.partial_fit(X[:, :2])
    assert scaler.n_samples_seen_ == 40  # a refused batch changes nothing


def test_partial_fit_of_a_stream_with_a_large_offset_is_stable():
    # Chan, Golub and LeVeque's merge: no sums of squares of raw values
    rng = np.random.RandomState(0)
    X = 1e9 + rng.randn(2000, 3)
    scaler = StandardScaler()
    for batch in np.array_split(X, 50):
        scaler.partial_fit(batch)
    close(scaler.var_, X.var(axis=0), 1e-6)


# ---------------------------------------------------------------- sample weights


def test_integer_weights_equal_repeated_rows():
    X = features(40, 4)
    counts = np.random.RandomState(1).randint(1, 4, 40)
    weighted = StandardScaler().fit(X, sample_weight=counts)
    repeated = StandardScaler().fit(np.repeat(X, counts, axis=0))
    close(weighted.mean_, repeated.mean_, 1e-14)
    close(weighted.var_, repeated.var_, 1e-13)
    close(weighted.transform(X), repeated.transform(X), 1e-12)
    assert weighted.n_samples_seen_ == counts.sum() and isinstance(weighted.n_samples_seen_, np.float64)


@pytest.mark.parametrize(
    "params", [{}, {"with_mean": False}, {"with_std": False}, {"with_mean": False, "with_std": False}]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_weights_match_sklearn(params, dtype):
    X = features(200, 5).astype(dtype)
    w = np.random.RandomState(3).uniform(0, 3, 200)
    w[::7] = 0
    ours = StandardScaler(**params).fit(X, sample_weight=w)
    ref = sklearn_twin(ours).fit(X, sample_weight=w)
    assert_same_attributes(ours, ref, 1e-12)
    close(ours.transform(X), ref.transform(X), 1e-12 if dtype is np.float64 else F32_REL)
    close(ours.fit_transform(X, sample_weight=w), ref.fit_transform(X, sample_weight=w),
          1e-12 if dtype is np.float64 else F32_REL)


def test_weighted_partial_fit_matches_sklearn_and_zero_weights_drop_rows():
    X = features(120, 3)
    w = np.random.RandomState(4).uniform(0, 2, 120)
    ours, ref = StandardScaler(), sklearn_twin(StandardScaler())
    for rows in np.array_split(np.arange(120), 5):
        ours.partial_fit(X[rows], sample_weight=w[rows])
        ref.partial_fit(X[rows], sample_weight=w[rows])
    assert_same_attributes(ours, ref, 1e-12)
    w[:30] = 0
    close(StandardScaler().fit(X, sample_weight=w).transform(X),
          StandardScaler().fit(X[30:], sample_weight=w[30:]).transform(X), 1e-12)


def test_scalar_weight_and_weights_after_an_unweighted_fit():
    X = features(30, 2)
    np.testing.assert_allclose(StandardScaler().fit(X, sample_weight=2.5).transform(X),
                               StandardScaler().fit(X).transform(X), rtol=1e-13, atol=1e-13)
    scaler = StandardScaler().partial_fit(X)
    assert isinstance(scaler.n_samples_seen_, np.int64)
    scaler.partial_fit(X, sample_weight=np.full(30, 0.5))
    assert scaler.n_samples_seen_ == 45.0 and isinstance(scaler.n_samples_seen_, np.float64)
    scaler.partial_fit(X)  # once weighted, the count stays the total weight
    assert scaler.n_samples_seen_ == 75.0


@pytest.mark.parametrize(
    "weights, message",
    [
        (-np.ones(10), "sample weights must be non-negative"),
        (np.zeros(10), "must not all be zero"),
        (np.r_[np.nan, np.ones(9)], "sample weights contain NaN or infinity"),
        (np.ones(9), r"sample_weight.shape == \(9,\), expected \(10,\)"),
        (np.ones((10, 1)), "Sample weights must be 1D array or scalar"),
    ],
)
def test_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        StandardScaler().fit(features(10, 2), sample_weight=weights)


@pytest.mark.parametrize("cls", [MinMaxScaler, MaxAbsScaler], ids=["MinMaxScaler", "MaxAbsScaler"])
def test_minmax_and_maxabs_take_no_weights(cls):
    # as scikit-learn's: their fit has no sample_weight parameter
    X = features(10, 2)
    for call in [lambda: cls().fit(X, sample_weight=np.ones(10)),
                 lambda: cls().partial_fit(X, sample_weight=np.ones(10)),
                 lambda: cls().fit_transform(X, sample_weight=np.ones(10))]:
        with pytest.raises(TypeError, match="unexpected keyword argument 'sample_weight'"):
            call()


# ---------------------------------------------------------------- constant features


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("value", [0.0, 1.0, -3.7, 1e9])
def test_constant_features_get_scale_one(cls, dtype, value):
    X = np.column_stack([np.full(50, value), features(50, 1)[:, 0]]).astype(dtype)
    scaler = cls().fit(X)
    out = scaler.transform(X)
    assert np.all(np.isfinite(out))
    if cls is MaxAbsScaler and value:  # a constant is its own largest magnitude
        assert scaler.scale_[0] == abs(X[0, 0])
        np.testing.assert_array_equal(out[:, 0], np.sign(value))
    else:  # centred on itself, or 0: nothing to divide by
        assert scaler.scale_[0] == 1.0
        np.testing.assert_array_equal(out[:, 0], 0.0)
    if cls is StandardScaler:
        assert scaler.var_[0] == 0.0
    ref = sklearn_twin(scaler).fit(X)
    close(scaler.scale_, ref.scale_, 1e-12 if cls is StandardScaler else F32_REL)


def test_near_constant_features_follow_sklearns_rule():
    # a variance within the rounding error of the mean counts as none (scale 1), as scikit-learn
    X = np.array([[1e10], [1e10 + 1e-5], [1e10]] * 10)
    scaler = StandardScaler().fit(X)
    ref = sklearn_twin(scaler).fit(X)
    np.testing.assert_array_equal(scaler.scale_, ref.scale_)
    assert scaler.scale_[0] == 1.0


# ---------------------------------------------------------------- MinMaxScaler's range and clip


@pytest.mark.parametrize("feature_range", [(0, 1), (-1, 1), (1, 2), (-0.5, 0.6), (-1e3, 1e-3)])
def test_feature_range_maps_training_extremes(feature_range):
    X = features(80, 4)
    scaler = MinMaxScaler(feature_range)
    out = scaler.fit_transform(X)
    # X * scale_ + min_: exact up to the roundings of terms of magnitude |min_|
    bound = 4 * np.finfo(float).eps * (np.abs(scaler.min_) + np.abs(feature_range).max())
    assert np.all(np.abs(out.min(axis=0) - feature_range[0]) <= bound)
    assert np.all(np.abs(out.max(axis=0) - feature_range[1]) <= bound)


def test_clip_bounds_held_out_data_and_inverse_keeps_the_clip():
    X = features(60, 3)
    held_out = np.vstack([X.min(axis=0) - 100, X.max(axis=0) + 100, X[0]])
    plain = MinMaxScaler((-1, 2)).fit(X)
    clipped = MinMaxScaler((-1, 2), clip=True).fit(X)
    assert plain.transform(held_out).min() < -1 and plain.transform(held_out).max() > 2
    out = clipped.transform(held_out)
    np.testing.assert_array_equal(out[0], [-1, -1, -1])
    np.testing.assert_array_equal(out[1], [2, 2, 2])
    close(clipped.inverse_transform(out)[2], X[0], 1e-14)
    np.testing.assert_allclose(clipped.inverse_transform(out)[:2], [X.min(axis=0), X.max(axis=0)], rtol=1e-13)
    close(out, sklearn_twin(clipped).fit(X).transform(held_out), 1e-13)


# ---------------------------------------------------------------- round trips, copy, feature names


@pytest.mark.parametrize("cls, params", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inverse_transform_round_trip_and_x_is_never_modified(cls, params, dtype):
    X = features(70, 5).astype(dtype)
    before = X.copy()
    extra = {"copy": False} if cls is StandardScaler else {}
    scaler = cls(**params, copy=False).fit(X)
    back = scaler.inverse_transform(scaler.transform(X, **extra), **extra)
    assert back.dtype == dtype
    close(back, X, 1e-13 if dtype is np.float64 else 2 * F32_REL)
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
def test_feature_names(cls):
    pd = pytest.importorskip("pandas")
    X = features(30, 3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    scaler = cls().fit(frame)
    np.testing.assert_array_equal(scaler.feature_names_in_, ["a", "b", "c"])
    np.testing.assert_array_equal(scaler.get_feature_names_out(), ["a", "b", "c"])
    np.testing.assert_array_equal(scaler.transform(frame), scaler.transform(X))
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.transform(frame[["b", "a", "c"]])
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.partial_fit(frame[["b", "a", "c"]])
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        scaler.get_feature_names_out(["x", "y", "z"])
    scaler.fit(X)
    assert not hasattr(scaler, "feature_names_in_")
    np.testing.assert_array_equal(scaler.get_feature_names_out(), ["x0", "x1", "x2"])
    np.testing.assert_array_equal(scaler.get_feature_names_out(["p", "q", "r"]), ["p", "q", "r"])
    with pytest.raises(ValueError, match="input_features should have length equal to number of features"):
        scaler.get_feature_names_out(["p"])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[0.0, np.nan], [1.0, 1.0]]), r"NaN or infinity \(row 0, column 1\)"),
        (np.array([[0.0, 1.0], [np.inf, 1.0]]), r"NaN or infinity \(row 1, column 0\)"),
        (np.array([[0.0, 1.0], [-np.inf, 1.0]]), "NaN or infinity"),
        (np.zeros(5), "2-D array"),
        (np.zeros((0, 3)), "0 sample"),
        (np.zeros((5, 0)), "0 feature"),
        (np.ones((2, 2)) + 1j, "Complex data not supported"),
    ],
)
def test_bad_training_data(cls, X, message):
    for fit in [cls().fit, cls().partial_fit, cls().fit_transform]:
        with pytest.raises(ValueError, match=message):
            fit(X)


def test_standard_scaler_refuses_values_whose_squares_overflow():
    with pytest.raises(ValueError, match="squared deviations overflow double"):
        StandardScaler().fit(np.array([[1e200], [-1e200]]))


@pytest.mark.parametrize("cls, params", CONFIGS, ids=CONFIG_IDS)
def test_bad_test_data(cls, params):
    scaler = cls(**params).fit(features(20, 3))
    for method in ["transform", "inverse_transform"]:
        with pytest.raises(ValueError, match=f"X has 2 features, but {cls.__name__} is expecting 3"):
            getattr(scaler, method)(np.zeros((4, 2)))
        for bad in [np.nan, np.inf, -np.inf]:
            X = np.zeros((3, 3))
            X[2, 1] = bad
            with pytest.raises(ValueError, match=r"NaN or infinity \(row 2, column 1\)"):
                getattr(scaler, method)(X)
        with pytest.raises(ValueError, match="0 sample"):
            getattr(scaler, method)(np.zeros((0, 3)))


def test_min_max_scaler_refuses_sparse_input():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="dense data is required"):
        MinMaxScaler().fit(sparse.eye(5, format="csr"))


def sparse_data(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(2.0, 3.0, (300, 12)) * (rng.random((300, 12)) < 0.3)
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls, params", [(StandardScaler, {"with_mean": False}), (MaxAbsScaler, {})])
def test_sparse_rows_scale_as_scikit_learn_does(cls, params, dtype):
    sparse = pytest.importorskip("scipy.sparse")
    sklearn_preprocessing = pytest.importorskip("sklearn.preprocessing")
    X = sparse_data(dtype)
    Xs = sparse.csr_matrix(X)
    ours = cls(**params).fit(Xs)
    theirs = getattr(sklearn_preprocessing, cls.__name__)(**params).fit(Xs)
    for name in ("scale_", "var_", "max_abs_"):
        if hasattr(theirs, name):
            close(getattr(ours, name), getattr(theirs, name), 1e-12 if dtype == np.float64 else 1e-6)
    out = ours.transform(Xs)
    assert sparse.isspmatrix_csr(out) and out.dtype == dtype
    np.testing.assert_array_equal(out.indices, Xs.indices)  # the same structure: zeros stay unstored
    close(out.toarray(), theirs.transform(Xs).toarray(), 1e-12 if dtype == np.float64 else 1e-6)
    close(out.toarray(), cls(**params).fit(X).transform(X), 1e-12 if dtype == np.float64 else 1e-6)
    close(ours.inverse_transform(out).toarray(), X, 1e-12 if dtype == np.float64 else 1e-6)
    close(cls(**params).fit_transform(Xs.tocsc()).toarray(), out.toarray(), 0)
    # partial_fit over sparse batches equals fit on all of them
    batched = cls(**params)
    for start in range(0, 300, 100):
        batched.partial_fit(Xs[start:start + 100])
    close(batched.scale_, ours.scale_, 1e-12 if dtype == np.float64 else 1e-6)


def test_centring_sparse_input_is_refused_with_scikit_learns_message():
    sparse = pytest.importorskip("scipy.sparse")
    Xs = sparse.csr_matrix(sparse_data())
    message = "Cannot center sparse matrices: pass `with_mean=False` instead"
    with pytest.raises(ValueError, match=message):
        StandardScaler().fit(Xs)
    fitted = StandardScaler().fit(Xs.toarray())
    with pytest.raises(ValueError, match=message):
        fitted.transform(Xs)
    weights = np.linspace(0.5, 2, Xs.shape[0])
    weighted = StandardScaler(with_mean=False).fit(Xs, sample_weight=weights)
    close(weighted.var_, StandardScaler(with_mean=False).fit(Xs.toarray(), sample_weight=weights).var_, 1e-12)


@pytest.mark.parametrize(
    "cls, params, message",
    [
        (MinMaxScaler, {"feature_range": (2, 1)}, "Minimum of desired feature range must be smaller"),
        (MinMaxScaler, {"feature_range": (1, 1)}, "Minimum of desired feature range must be smaller"),
        (MinMaxScaler, {"feature_range": (0, np.inf)}, "feature_range must be finite"),
        (MinMaxScaler, {"feature_range": (np.nan, 1)}, "feature_range must be finite"),
        (MinMaxScaler, {"feature_range": (0, 1, 2)}, "feature_range must be a tuple"),
        (MinMaxScaler, {"feature_range": "01"}, "feature_range must be a tuple"),
        (MinMaxScaler, {"feature_range": 1}, "feature_range must be a tuple"),
        (MinMaxScaler, {"clip": "yes"}, "clip must be a bool"),
        (MinMaxScaler, {"copy": None}, "copy must be a bool"),
        (StandardScaler, {"with_mean": 1}, "with_mean must be a bool"),
        (StandardScaler, {"with_std": "no"}, "with_std must be a bool"),
        (StandardScaler, {"copy": 0}, "copy must be a bool"),
        (MaxAbsScaler, {"copy": "no"}, "copy must be a bool"),
    ],
)
def test_bad_params(cls, params, message):
    scaler = cls(**params)
    for fit in [scaler.fit, scaler.partial_fit]:
        with pytest.raises(ValueError, match=message):
            fit(features(10, 2))
    assert not scaler.__sklearn_is_fitted__()


def test_bad_params_leave_a_fitted_scaler_as_it_was():
    X = features(10, 2)
    scaler = MinMaxScaler().fit(X)
    scaler.set_params(feature_range=(1, 0))
    with pytest.raises(ValueError, match="Minimum of desired feature range"):
        scaler.partial_fit(X)
    assert scaler.n_samples_seen_ == 10
    with pytest.raises(ValueError, match="copy must be a bool"):
        StandardScaler().fit(X).transform(X, copy="yes")


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
def test_not_fitted(cls):
    for method in ["transform", "inverse_transform"]:
        with pytest.raises(NotFittedError):
            getattr(cls(), method)(np.eye(2))
    with pytest.raises(NotFittedError):
        cls().get_feature_names_out()


# ---------------------------------------------------------------- persistence


def fitted(cls, dtype=np.float64, weighted=False):
    params = {StandardScaler: {"with_mean": False}, MinMaxScaler: {"feature_range": (-2, 3), "clip": True},
              MaxAbsScaler: {}}[cls]
    X = features(40, 4).astype(dtype)
    extra = {"sample_weight": np.linspace(0.5, 2, 40)} if weighted else {}
    return cls(**params).fit(X, **extra), X


def assert_same_fit(back, scaler, X):
    assert type(back) is type(scaler) and back.get_params() == scaler.get_params()
    for name in ATTRIBUTES[type(scaler)] + ["n_features_in_"]:
        mine, theirs = getattr(back, name), getattr(scaler, name)
        assert type(mine) is type(theirs), name
        np.testing.assert_array_equal(mine, theirs)
        assert np.asarray(mine).dtype == np.asarray(theirs).dtype, name
    np.testing.assert_array_equal(back.transform(X), scaler.transform(X))
    np.testing.assert_array_equal(back.inverse_transform(X), scaler.inverse_transform(X))


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pickle_keeps_everything(cls, dtype):
    scaler, X = fitted(cls, dtype)
    back = pickle.loads(pickle.dumps(scaler))
    assert back._model.to_bytes() == scaler._model.to_bytes()
    assert_same_fit(back, scaler, X)
    # a partial fit continues from the unpickled state as from the original
    back.partial_fit(X[:5])
    np.testing.assert_array_equal(back.transform(X), scaler.partial_fit(X[:5]).transform(X))


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("json_format", [False, True])
def test_save_load_and_linfa_load(tmp_path, cls, dtype, json_format):
    scaler, X = fitted(cls, dtype)
    path = tmp_path / "scaler.linfa"
    scaler.save(path, json=json_format)
    for back in [cls.load(path), linfa.load(path), linfa.load(str(path))]:
        assert back._model.kind == cls._model_kind
        assert_same_fit(back, scaler, X)
    assert back.partial_fit(X).n_samples_seen_ == 80


def test_a_loaded_weighted_standard_scaler_counts_its_weight(tmp_path):
    scaler, X = fitted(StandardScaler, weighted=True)
    scaler.save(tmp_path / "w.linfa")
    back = linfa.load(tmp_path / "w.linfa")
    assert back.n_samples_seen_ == scaler.n_samples_seen_ and isinstance(back.n_samples_seen_, np.float64)
    assert back.partial_fit(X).n_samples_seen_ == pytest.approx(scaler.n_samples_seen_ + 40)


def test_model_kinds_are_the_cpp_ones():
    kinds = {"preprocessing.standard_scaler", "preprocessing.min_max_scaler", "preprocessing.max_abs_scaler"}
    assert kinds <= set(_linfa.model_kinds())
    assert {cls._model_kind for cls in SCALERS} == kinds
    for cls in SCALERS:
        assert fitted(cls)[0]._model.kind == cls._model_kind


# The bodies C++ writes (include/linfa/preprocessing/serialization.hpp), field by field.
CPP_FILES = {
    StandardScaler: ("preprocessing.standard_scaler",
                     {"with_mean": 1, "with_std": 0, "rows": 4, "weight": 4.0,
                      "mean": [1.0, -2.0], "m2": [8.0, 2.0]}),
    MinMaxScaler: ("preprocessing.min_max_scaler",
                   {"range_low": -1.0, "range_high": 1.0, "clip": 1, "rows": 4,
                    "data_min": [0.0, -4.0], "data_max": [4.0, 0.0]}),
    MaxAbsScaler: ("preprocessing.max_abs_scaler",
                   {"rows": 4, "data_min": [0.0, -4.0], "data_max": [2.0, 0.0]}),
}


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize("scalar", ["f32", "f64"])
def test_a_model_file_in_the_cpp_format_loads(tmp_path, cls, scalar):
    kind, body = CPP_FILES[cls]
    header = {"format_version": 2, "kind": kind, "scalar": scalar, "body_version": 1, "shape": [2]}
    path = tmp_path / "cpp.json"
    path.write_text(json.dumps({**header, **body}))
    scaler = linfa.load(path)
    assert type(scaler) is cls and scaler.n_features_in_ == 2
    X = np.array([[1.0, -1.0], [3.0, -3.0]], dtype=np.float32 if scalar == "f32" else np.float64)
    out = scaler.transform(X)
    assert out.dtype == X.dtype
    if cls is StandardScaler:
        assert scaler.get_params()["with_std"] is False and scaler.var_ is None
        np.testing.assert_array_equal(scaler.mean_, [1.0, -2.0])
        np.testing.assert_array_equal(out, X - [1.0, -2.0])
        assert scaler.n_samples_seen_ == 4 and isinstance(scaler.n_samples_seen_, np.int64)
    elif cls is MinMaxScaler:
        assert scaler.feature_range == (-1.0, 1.0) and scaler.clip is True
        np.testing.assert_array_equal(scaler.data_range_, [4.0, 4.0])
        np.testing.assert_array_equal(out, [[-0.5, 0.5], [0.5, -0.5]])
    else:
        np.testing.assert_array_equal(scaler.max_abs_, [2.0, 4.0])
        np.testing.assert_array_equal(out, [[0.5, -0.25], [1.5, -0.75]])


@pytest.mark.parametrize(
    "cls, change, message",
    [
        (StandardScaler, {"m2": [-1.0, 2.0]}, "m2 must be >= 0"),
        (StandardScaler, {"weight": 0.0}, "weight must be finite and positive"),
        (MinMaxScaler, {"range_low": 1.0}, "feature range must be finite and increasing"),
        (MaxAbsScaler, {"data_min": [3.0, -4.0]}, "data_min must not exceed data_max"),
        (MaxAbsScaler, {"rows": 0}, "rows must be at least 1"),
    ],
)
def test_a_damaged_model_file_is_an_oserror(tmp_path, cls, change, message):
    kind, body = CPP_FILES[cls]
    header = {"format_version": 2, "kind": kind, "scalar": "f64", "body_version": 1, "shape": [2]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**header, **body, **change}))
    with pytest.raises(OSError, match=message):
        linfa.load(path)


def test_class_load_refuses_another_kind(tmp_path):
    MaxAbsScaler().fit(np.eye(3)).save(tmp_path / "maxabs.linfa")
    with pytest.raises(OSError, match="not a 'preprocessing.standard_scaler' one"):
        StandardScaler.load(tmp_path / "maxabs.linfa")


# ---------------------------------------------------------------- scikit-learn's tools


def test_pipeline_with_pca_matches_sklearns():
    pytest.importorskip("sklearn")
    from sklearn.decomposition import PCA as SkPCA
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler as SkStandardScaler

    X = features(200, 6) @ np.random.RandomState(5).randn(6, 6)
    ours = make_pipeline(StandardScaler(), linfa.PCA(2)).fit(X)
    ref = make_pipeline(SkStandardScaler(), SkPCA(2)).fit(X)
    close(np.abs(ours.transform(X)), np.abs(ref.transform(X)), 1e-8)
    close(ours.named_steps["pca"].explained_variance_, ref.named_steps["pca"].explained_variance_, 1e-8)


def test_grid_search_over_scalers_and_ridge():
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    rng = np.random.RandomState(0)
    X = features(150, 5)
    y = (X - X.mean(axis=0)) / X.std(axis=0) @ rng.randn(5) + 0.1 * rng.randn(150)
    pipe = Pipeline([("scale", StandardScaler()), ("ridge", linfa.Ridge())])
    grid = {
        "scale": [StandardScaler(), StandardScaler(with_std=False), MinMaxScaler((-1, 1)), MaxAbsScaler()],
        "ridge__alpha": [1e-3, 1.0],
    }
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    assert search.best_score_ > 0.95
    assert type(search.best_params_["scale"]) is StandardScaler  # the others leave scales unequal
    # the weights of a pipeline's fit reach the scaler's
    Pipeline([("scale", StandardScaler()), ("ridge", linfa.Ridge())]).fit(
        X, y, scale__sample_weight=np.ones(150), ridge__sample_weight=np.ones(150)
    )


def test_column_transformer_and_clone():
    pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer

    X = features(50, 4)
    scaler = MinMaxScaler((-1, 1), clip=True)
    copy = clone(scaler)
    assert copy.get_params() == scaler.get_params() and not copy.__sklearn_is_fitted__()
    columns = ColumnTransformer([("std", StandardScaler(), [0, 1]), ("abs", MaxAbsScaler(), [2, 3])])
    out = columns.fit_transform(X)
    close(out[:, :2], StandardScaler().fit_transform(X[:, :2]), 1e-15)
    close(out[:, 2:], MaxAbsScaler().fit_transform(X[:, 2:]), 1e-15)


# ---------------------------------------------------------------- the GIL, and without scikit-learn


@pytest.mark.parametrize("cls", SCALERS, ids=SCALER_IDS)
@pytest.mark.parametrize("method", ["fit", "transform"])
def test_gil_is_released(cls, method):
    X = np.random.RandomState(0).rand(400_000, 48)
    if method == "fit":
        assert_releases_gil(lambda: cls().fit(X))
    else:
        scaler = cls().fit(X[:1000])
        assert_releases_gil(lambda: scaler.transform(X))


def test_scalers_work_without_sklearn():
    script = textwrap.dedent(
        """
        import sys
        sys.modules["sklearn"] = None  # any "import sklearn..." now raises ImportError
        import numpy as np
        import linfa
        X = np.array([[0.0, 1.0], [2.0, 5.0], [4.0, 3.0]])
        for cls in (linfa.StandardScaler, linfa.MinMaxScaler, linfa.MaxAbsScaler):
            scaler = cls().fit(X)
            assert np.allclose(scaler.inverse_transform(scaler.transform(X)), X)
            assert list(scaler.get_feature_names_out()) == ["x0", "x1"]
            scaler.partial_fit(X)
            assert scaler.n_samples_seen_ == 6
        assert np.allclose(linfa.StandardScaler().fit_transform(X).std(axis=0), 1.0)
        assert "sklearn" not in [m.split(".")[0] for m, v in sys.modules.items() if v is not None]
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=dict(os.environ), timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
