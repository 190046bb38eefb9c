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
#include "sparse.hpp"

namespace linfa {

/// A magnitude in short scientific notation ("1e+200"; std::to_string would print 200 digits).
inline std::string short_number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

/// The largest input magnitude a model accepts, for models whose arithmetic breaks on finite
/// values past some size (distance-based ones: nn/distance_bound.hpp). A model declares it as
/// `input_bound()`; its predict and linfa-serve refuse larger values with `reason`. The
/// default bound accepts every finite value.
struct InputBound {
    /// Largest accepted absolute value (infinity: every finite value).
    double magnitude = std::numeric_limits<double>::infinity();
    std::string reason;  ///< what would go wrong past it, e.g. "squared distances would overflow"
};

/// The largest F within `bound` (the bound itself rounded down to F).
template <Float F>
F bound_limit(const InputBound& bound) {
    const double largest = double(std::numeric_limits<F>::max());
    return bound.magnitude >= largest                         ? std::numeric_limits<F>::max()
           : double(F(bound.magnitude)) > bound.magnitude ? std::nextafter(F(bound.magnitude), F(0))
                                                          : F(bound.magnitude);
}

/// Throws InvalidInput for `value`, found at `where` in `what`: NaN or infinity, or past
/// `bound` (whose limit in F is `limit`).
template <Float F>
[[noreturn]] void throw_out_of_bound(const std::string& what, const std::string& where, F value, const InputBound& bound, F limit) {
    if (!std::isfinite(value)) throw InvalidInput(what + " contain NaN or infinity (" + where + ")");
    throw InvalidInput(what + " contain a value too large (" + where + ": " + short_number(double(value)) + "): " + bound.reason + " " +
                       (std::is_same_v<F, float> ? "float" : "double") + "; the largest accepted magnitude is " +
                       short_number(double(limit)));
}

/// Throws when any value is NaN or infinite, naming the first offending row and column, or,
/// when a `bound` is given, finite but larger in magnitude than it.
template <Float F>
void require_finite(const MatrixView<F>& values, const std::string& what, const InputBound& bound = {}) {
    // Written out rather than through bound_limit / throw_out_of_bound: this body is inlined
    // into every fit, and a change in its size changes what GCC inlines around it, which has
    // changed LogisticRegression's last bits between the OpenMP and the serial build (its
    // sums are contracted to FMA as the inlining goes; see the determinism test).
    const std::size_t cols = static_cast<std::size_t>(values.cols());
    const double largest = double(std::numeric_limits<F>::max());
    const F limit = bound.magnitude >= largest      ? std::numeric_limits<F>::max()
                    : double(F(bound.magnitude)) > bound.magnitude ? std::nextafter(F(bound.magnitude), F(0))
                                                                   : F(bound.magnitude);
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
                                                  "): " + bound.reason + " " +
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

/// The same for sparse records, whose values were checked finite when their view was made.
template <Float F, SparseIndex I>
void require_trainable(const SparseDatasetView<F, I>& data) {
    if (data.n_features() == 0) throw InvalidInput("records have zero features; need at least one");
    require_valid_weights<F>(data.weights());
}

}  // namespace linfa
