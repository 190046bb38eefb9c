// The k-nearest-neighbours models in the generic tests (core/model_example.hpp).
#pragma once

#include "../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// KNeighborsClassifier in the generic tests: 5 distance-weighted neighbours, KD-tree.
template <Float F>
struct model_example<neighbors::KNeighborsClassifier<F>> {
    /// Distance weights and an explicit tree, so files carry non-default settings.
    static neighbors::KNeighborsClassifierParams<F> params() {
        return neighbors::KNeighborsClassifier<F>::params().weights(neighbors::Weights::distance).algorithm(nn::IndexAlgorithm::kd_tree);
    }
};

/// KNeighborsRegressor in the generic tests: 4 uniform neighbours, ball tree, manhattan.
template <Float F>
struct model_example<neighbors::KNeighborsRegressor<F>> {
    /// A ball tree with the manhattan metric, so files carry non-default settings.
    static neighbors::KNeighborsRegressorParams<F> params() {
        return neighbors::KNeighborsRegressor<F>::params()
            .n_neighbors(4)
            .algorithm(nn::IndexAlgorithm::ball_tree)
            .leaf_size(8)
            .metric(nn::Metric::parse("manhattan"));
    }
};

}  // namespace linfa
