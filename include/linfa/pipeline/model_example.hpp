// Pipelines in the generic tests: a StandardScaler, then PCA, then the final model's own
// example hyper-parameters, so every listed pipeline runs two steps of different kinds.
#pragma once

#include "../core/model_example.hpp"
#include "../decomposition/pca/model_example.hpp"
#include "../preprocessing/model_examples.hpp"
#include "params.hpp"

namespace linfa {

/// A pipeline ending in Final: scaled records, two principal components, then Final's example
/// hyper-parameters.
template <PipelineFinalModel Final, class Registry>
struct model_example<Pipeline<Final, Registry>> {
    /// The three models' example hyper-parameters.
    static auto params() {
        using F = typename model_io<Final>::scalar_type;
        return make_pipeline(model_example<preprocessing::StandardScaler<F>>::params(),
                             model_example<decomposition::Pca<F>>::params(), model_example<Final>::params());
    }
};

}  // namespace linfa
