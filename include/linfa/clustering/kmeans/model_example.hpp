// K-Means in the generic tests (core/model_example.hpp): three clusters, seeded.
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa {

template <Float F>
struct model_example<clustering::KMeans<F>> {
    static clustering::KMeansParams<F> params() { return clustering::KMeans<F>::params_with_rng(3, Rng(11)); }
};

}  // namespace linfa
