// The input checks every metric shares: equal lengths, no empty input, finite values, valid
// sample weights. Each throws linfa::InvalidInput naming the metric, what it expected and what
// it found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "../core/error.hpp"
#include "../core/validation.hpp"

namespace linfa::metrics::input_detail {

/// Throws unless `found` == `expected` ("log_loss: probabilities has 3 rows, expected 4 (one per
/// sample of y_true)"); `unit` names what is counted.
inline void require_length(const char* metric, const char* what, std::size_t found, std::size_t expected,
                           const char* reference, const char* unit = "values") {
    if (found != expected) {
        throw InvalidInput(std::string(metric) + ": " + what + " has " + std::to_string(found) + " " + unit + ", expected " +
                           std::to_string(expected) + " (one per sample of " + reference + ")");
    }
}

/// Throws when there are no samples.
inline void require_samples(const char* metric, std::size_t n_samples) {
    if (n_samples == 0) throw InvalidInput(std::string(metric) + ": need at least one sample, found 0");
}

/// Throws unless `weights` is empty (unweighted) or one valid weight per sample.
template <Float F>
void require_weights(const char* metric, std::span<const F> weights, std::size_t n_samples) {
    if (weights.empty()) return;
    require_length(metric, "sample_weight", weights.size(), n_samples, "y_true");
    require_valid_weights<F>(weights);
}

/// Throws when a value of `values` is NaN or infinite; `what` names them ("y_pred").
template <Float F>
void require_finite_values(const char* metric, const char* what, std::span<const F> values) {
    const MatrixView<F> column(values.data(), static_cast<Eigen::Index>(values.size()), 1);
    require_finite<F>(column, std::string(metric) + ": " + what);
}

/// The weight of sample `i` in double (1 when unweighted).
template <Float F>
double weight_of(std::span<const F> weights, std::size_t i) {
    return weights.empty() ? 1.0 : double(weights[i]);
}

/// The total weight of `n_samples` samples.
template <Float F>
double total_weight(std::span<const F> weights, std::size_t n_samples) {
    if (weights.empty()) return double(n_samples);
    double total = 0;
    for (const F w : weights) total += double(w);
    return total;
}

/// Throws unless both label lists hold one label per sample and there is at least one sample.
inline void require_label_pair(const char* metric, std::span<const std::int32_t> y_true,
                               std::span<const std::int32_t> y_pred) {
    require_samples(metric, y_true.size());
    require_length(metric, "y_pred", y_pred.size(), y_true.size(), "y_true");
}

}  // namespace linfa::metrics::input_detail
