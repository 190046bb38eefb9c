// LinearRegression in the generic tests (core/model_example.hpp).
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// LinearRegression in the generic tests: the default hyper-parameters.
template <Float F>
struct model_example<linear::LinearRegression<F>> {
    /// The default hyper-parameters (an intercept is fitted).
    static linear::LinearRegressionParams<F> params() { return linear::LinearRegression<F>::params(); }
};

}  // namespace linfa
