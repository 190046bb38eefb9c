// The Gaussian mixture in the generic tests (core/model_example.hpp): three full components, seeded.
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa {

/// The Gaussian mixture in the generic tests: three full components, seeded with Rng(11).
template <Float F>
struct model_example<clustering::GaussianMixture<F>> {
    /// Hyper-parameters for three components with Rng(11).
    static clustering::GaussianMixtureParams<F> params() { return clustering::GaussianMixture<F>::params(3, Rng(11)); }
};

}  // namespace linfa
