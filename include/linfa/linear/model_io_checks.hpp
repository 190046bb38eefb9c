// The part of a linear regressor's model file that every such model shares: coefficients
// (n_targets x n_features) and intercepts, checked for shape and finiteness when read.
#pragma once

#include <span>

#include "../io/model_file.hpp"
#include "linear_model.hpp"

namespace linfa::linear_detail {

template <class Writer, Float F>
void save_predictor(Writer& w, const linear::LinearPredictor<F>& p) {
    w.matrix("coef", p.coef());
    w.vector("intercept", std::span<const F>(p.intercept().data(), std::size_t(p.intercept().size())));
}

template <Float F, class Reader>
linear::LinearPredictor<F> load_predictor(Reader& r, std::uint64_t n_targets, std::uint64_t n_features) {
    if (n_targets == 0 || n_features == 0 || n_targets > std::uint64_t(INT32_MAX) || n_features > std::uint64_t(INT32_MAX)) {
        io::fail("a linear model needs n_targets >= 1 and n_features >= 1");
    }
    Matrix<F> coef = r.template matrix<F>("coef", n_targets, n_features);
    const auto intercept = r.template vector<F>("intercept", n_targets);
    Vector<F> b = Eigen::Map<const Vector<F>>(intercept.data(), Eigen::Index(intercept.size()));
    if (!coef.allFinite() || !b.allFinite()) io::fail("coefficients and intercepts must be finite");
    return linear::LinearPredictor<F>(std::move(coef), std::move(b));
}

}  // namespace linfa::linear_detail
