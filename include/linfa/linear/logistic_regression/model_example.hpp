// LogisticRegression in the generic tests (core/model_example.hpp).
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// LogisticRegression in the generic tests: the three example classes, multinomial, C 0.5.
template <Float F>
struct model_example<linear::LogisticRegression<F>> {
    /// The defaults with C 0.5.
    static linear::LogisticRegressionParams<F> params() { return linear::LogisticRegression<F>::params().c(0.5); }
};

}  // namespace linfa
