// K-Means in the generic tests (core/model_example.hpp): three clusters, seeded.
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa {

/// K-Means in the generic tests: three clusters, seeded with Rng(11).
template <Float F>
struct model_example<clustering::KMeans<F>> {
    /// Hyper-parameters for three clusters with Rng(11).
    static clustering::KMeansParams<F> params() { return clustering::KMeans<F>::params_with_rng(3, Rng(11)); }
};

}  // namespace linfa
