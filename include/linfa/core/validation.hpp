// Input checks shared by all algorithms. Each throws linfa::InvalidInput with a message that
// names what was expected and what was found.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

#include "dataset.hpp"
#include "error.hpp"
#include "parallel.hpp"

namespace linfa {

/// A magnitude in short scientific notation ("1e+200"; std::to_string would print 200 digits).
inline std::string short_number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

/// The largest magnitude of values whose squared distances to one another stay finite in a
/// type whose largest value is `largest`: d terms of at most (2 |x|)^2 each.
inline double distance_safe_magnitude(double largest, std::size_t d) {
    return std::sqrt(largest / (4.0 * double(std::max<std::size_t>(d, 1))));
}

/// Throws when any value is NaN or infinite, naming the first offending row and column; with
/// `distance_safe`, also when a finite value is too large for squared distances between such
/// values to be finite in F (distance_safe_magnitude).
template <Float F>
void require_finite(const MatrixView<F>& values, const std::string& what, bool distance_safe = false) {
    const std::size_t cols = static_cast<std::size_t>(values.cols());
    const double safe = distance_safe_magnitude(double(std::numeric_limits<F>::max()), cols);
    const F limit = !distance_safe ? std::numeric_limits<F>::max()
                    : double(F(safe)) > safe ? std::nextafter(F(safe), F(0))
                                             : F(safe);
    for_each_chunk(plan_chunks(static_cast<std::size_t>(values.rows())),
                   [&](std::size_t, std::size_t begin, std::size_t end) {
                       const F* row = values.data() + begin * cols;
                       for (std::size_t i = begin; i < end; ++i, row += cols) {
                           bool within = true;  // false for NaN too
                           for (std::size_t j = 0; j < cols; ++j) within &= std::abs(row[j]) <= limit;
                           if (within) continue;
                           for (std::size_t j = 0; j < cols; ++j) {
                               if (std::abs(row[j]) <= limit) continue;
                               const std::string where = "row " + std::to_string(i) + ", column " + std::to_string(j);
                               if (!std::isfinite(row[j])) throw InvalidInput(what + " contain NaN or infinity (" + where + ")");
                               throw InvalidInput(what + " contain a value too large (" + where + ": " + short_number(double(row[j])) +
                                                  "): squared distances would overflow " +
                                                  (std::is_same_v<F, float> ? "float" : "double") +
                                                  "; the largest accepted magnitude is " + short_number(double(limit)));
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
