// The contracts every algorithm implements. Generic code (tests, the server, the Python layer,
// benchmarks) is written against these, not against a particular algorithm.
//
// The pattern, after Rust's linfa:
//   XParams       a builder of hyper-parameters with chainable setters;
//   check()       validates them and returns XValidParams, or throws linfa::InvalidParams;
//   fit(data)     on either returns the fitted model (there is no "unfitted model" state);
//   predict / predict_inplace / transform   on the fitted model.
#pragma once

#include <concepts>

#include "matrix.hpp"

namespace linfa {

/// `P` validates itself: `p.check()` returns the checked parameter type `P::Checked`.
template <class P>
concept ParamGuard = requires(const P& p) {
    typename P::Checked;
    { p.check() } -> std::same_as<typename P::Checked>;
};

/// Parameters `P` can be fitted on data `D`, giving a model.
template <class P, class D>
concept Fit = requires(const P& params, const D& data) {
    { params.fit(data) };
};

/// The model type that fitting `P` on `D` produces.
template <class P, class D>
    requires Fit<P, D>
using fitted_t = decltype(std::declval<const P&>().fit(std::declval<const D&>()));

/// Model `M` predicts targets for records `X`.
template <class M, class X>
concept Predict = requires(const M& model, const X& records) {
    { model.predict(records) };
};

/// Model `M` writes its predictions for `X` into a caller-provided `Y` (no allocation).
template <class M, class X, class Y>
concept PredictInplace = requires(const M& model, const X& records, Y& out) {
    { model.predict_inplace(records, out) };
};

/// Model `M` maps records `X` to a new representation.
template <class M, class X>
concept Transformer = requires(const M& model, const X& records) {
    { model.transform(records) };
};

}  // namespace linfa
