// The contracts every algorithm implements. Generic code (tests, the server, the Python layer,
// benchmarks) is written against these, not against a particular algorithm.
//
// The pattern, after Rust's linfa:
//   XParams       a builder of hyper-parameters with chainable setters;
//   check()       validates them and returns XValidParams, or throws linfa::InvalidParams;
//   fit(data)     on either returns the fitted model (there is no "unfitted model" state);
//   predict / predict_inplace / transform   on the fitted model.
// Params inherit `GuardedParams` (params.hpp), which writes the forwarding through `check()`
// once. Each algorithm's tests static_assert the concepts it models; generic code asks a model
// what it can do through them (labels, values, probabilities, transform), never its kind.
#pragma once

#include <concepts>
#include <optional>
#include <utility>

#include "matrix.hpp"

namespace linfa {

/// `P` validates itself: `p.check()` returns the checked parameter type `P::Checked`.
/// Requires: a member type `P::Checked`, and `p.check()` on a `const P&` returning exactly it.
template <class P>
concept ParamGuard = requires(const P& p) {
    typename P::Checked;
    { p.check() } -> std::same_as<typename P::Checked>;
};

/// Parameters `P` can be fitted on data `D`, giving a model.
/// Requires: `params.fit(data)` is valid for a `const P&` and a `const D&` (any return type).
template <class P, class D>
concept Fit = requires(const P& params, const D& data) {
    { params.fit(data) };
};

/// The model type that fitting `P` on `D` produces.
/// Requires: `Fit<P, D>`.
template <class P, class D>
    requires Fit<P, D>
using fitted_t = decltype(std::declval<const P&>().fit(std::declval<const D&>()));

/// Model `M` predicts targets for records `X`.
/// Requires: `model.predict(records)` is valid for a `const M&` and a `const X&`.
template <class M, class X>
concept Predict = requires(const M& model, const X& records) {
    { model.predict(records) };
};

/// Model `M` writes its predictions for `X` into a caller-provided `Y` (no allocation).
/// Requires: `model.predict_inplace(records, out)` is valid for a `const M&`, a `const X&`
/// and a mutable `Y&`.
template <class M, class X, class Y>
concept PredictInplace = requires(const M& model, const X& records, Y& out) {
    { model.predict_inplace(records, out) };
};

/// Model `M` maps records `X` to a new representation.
/// Requires: `model.transform(records)` is valid for a `const M&` and a `const X&`.
template <class M, class X>
concept Transformer = requires(const M& model, const X& records) {
    { model.transform(records) };
};

/// Parameters `P` fit a model `M` one batch `D` at a time (linfa's `FitWith`): the first call
/// takes `std::nullopt` and initialises a model from its batch, every later call takes the
/// model so far and returns it updated. Streams data that never fits in memory.
/// Requires: `params.fit_with(std::move(model), batch)`, with a `std::optional<M>` model and
/// a `const D&` batch, returns exactly `M`.
template <class P, class M, class D>
concept FitWith = requires(const P& params, std::optional<M> model, const D& batch) {
    { params.fit_with(std::move(model), batch) } -> std::same_as<M>;
};

/// Parameters `P` fitted on `D` also label every training sample in the same pass.
/// Requires: `params.fit_predict(data)` is valid for a `const P&` and a `const D&`.
template <class P, class D>
concept FitPredict = requires(const P& params, const D& data) {
    { params.fit_predict(data) };
};

/// Parameters `P` only label the data they are given and leave no model to predict new data
/// with (DBSCAN's shape): `fit_predict` without `fit`.
/// Requires: `FitPredict<P, D>` and not `Fit<P, D>`.
template <class P, class D>
concept FitPredictOnly = FitPredict<P, D> && !Fit<P, D>;

/// Model `M` gives class probabilities for `X` (one row per sample, one column per class).
/// Requires: `model.predict_proba(records)` is valid for a `const M&` and a `const X&`.
template <class M, class X>
concept PredictProba = requires(const M& model, const X& records) {
    { model.predict_proba(records) };
};

/// Transformer `M` can also map its output back to the input space.
/// Requires: `Transformer<M, X>`, and `model.inverse_transform(transformed)` valid for a
/// `const X&`.
template <class M, class X>
concept InverseTransformer = Transformer<M, X> && requires(const M& model, const X& transformed) {
    { model.inverse_transform(transformed) };
};

}  // namespace linfa
