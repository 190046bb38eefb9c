// Input checks shared by all algorithms. Each throws linfa::InvalidInput with a message that
// names what was expected and what was found.
#pragma once

#include <cmath>
#include <span>
#include <string>

#include "dataset.hpp"
#include "error.hpp"
#include "parallel.hpp"

namespace linfa {

/// Throws when any value is NaN or infinite, naming the first offending row and column.
template <Float F>
void require_finite(const MatrixView<F>& values, const std::string& what) {
    const std::size_t cols = static_cast<std::size_t>(values.cols());
    for_each_chunk(plan_chunks(static_cast<std::size_t>(values.rows())),
                   [&](std::size_t, std::size_t begin, std::size_t end) {
                       const F* row = values.data() + begin * cols;
                       for (std::size_t i = begin; i < end; ++i, row += cols) {
                           bool finite = true;
                           for (std::size_t j = 0; j < cols; ++j) finite &= std::isfinite(row[j]);
                           if (finite) continue;
                           for (std::size_t j = 0; j < cols; ++j) {
                               if (!std::isfinite(row[j])) {
                                   throw InvalidInput(what + " contain NaN or infinity (row " +
                                                      std::to_string(i) + ", column " +
                                                      std::to_string(j) + ")");
                               }
                           }
                       }
                   });
}

/// Throws unless every weight is finite and non-negative and at least one is positive.
template <Float F>
void require_valid_weights(std::span<const F> weights) {
    double total = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (!std::isfinite(weights[i])) {
            throw InvalidInput("sample weights contain NaN or infinity (sample " + std::to_string(i) + ")");
        }
        if (weights[i] < 0) {
            throw InvalidInput("sample weights must be non-negative, found " +
                               std::to_string(weights[i]) + " at sample " + std::to_string(i));
        }
        total += weights[i];
    }
    if (!weights.empty() && !(total > 0)) {
        throw InvalidInput("sample weights must not all be zero");
    }
}

/// Records and weights of a dataset that an algorithm is about to train on. `finite_checked`
/// says the caller validates finiteness itself, fused into a pass it makes anyway.
template <Float F>
void require_trainable(const DatasetView<F>& data, bool finite_checked = false) {
    if (data.n_features() == 0) throw InvalidInput("records have zero features; need at least one");
    if (!finite_checked) require_finite<F>(data.records(), "records");
    require_valid_weights<F>(data.weights());
}

}  // namespace linfa
