// PCA in the generic tests (core/model_example.hpp): two components, the exact solver.
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// PCA in the generic tests: two components, seeded with Rng(3).
template <Float F>
struct model_example<decomposition::Pca<F>> {
    /// Two components, the automatic solver, drawing from Rng(3).
    static decomposition::PcaParams<F> params() { return decomposition::Pca<F>::params(Rng(3)).n_components(2); }
};

}  // namespace linfa
