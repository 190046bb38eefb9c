// GaussianNb in the generic tests (core/model_example.hpp).
#pragma once

#include "../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// GaussianNb in the generic tests: the defaults (priors from the data).
template <Float F>
struct model_example<naive_bayes::GaussianNb<F>> {
    /// The defaults.
    static naive_bayes::GaussianNbParams<F> params() { return naive_bayes::GaussianNb<F>::params(); }
};

}  // namespace linfa
