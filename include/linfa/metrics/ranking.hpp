// The area under the ROC curve of binary scores, as scikit-learn's roc_auc_score: samples are
// ranked by decreasing score, each distinct score is one point (false positive rate, true
// positive rate) of the curve, and the area is the trapezoid sum over those points. Tied
// scores therefore form one diagonal step, which counts a tie between a positive and a
// negative as half a correct ranking. One sort: O(n log n).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "input.hpp"
#include "labels.hpp"

namespace linfa::metrics {

namespace ranking_detail {

/// Throws unless `y_true` holds exactly two distinct labels, one of them `pos_label`.
inline void require_binary(std::span<const std::int32_t> y_true, std::int32_t pos_label) {
    const std::vector<std::int32_t> present = labels_detail::sorted_union(y_true, {});
    if (present.size() != 2) {
        throw InvalidInput("roc_auc_score: expected exactly two classes in y_true, found " +
                           std::to_string(present.size()) + " (" + labels_detail::joined(present) + ")");
    }
    if (present[0] != pos_label && present[1] != pos_label) {
        throw InvalidInput("roc_auc_score: pos_label " + std::to_string(pos_label) + " is not in y_true; expected one of " +
                           labels_detail::joined(present));
    }
}

/// Sample indices by decreasing score (the order of ties does not matter: a tie is one point).
template <Float F>
std::vector<std::size_t> by_decreasing_score(std::span<const F> scores) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return order;
}

}  // namespace ranking_detail

/// The area under the ROC curve of `scores` (higher: more likely positive) for the binary
/// labels `y_true`, whose positive class is `pos_label`, weighted by `weights` (empty:
/// unweighted); scikit-learn's binary `roc_auc_score`, ties included. Throws InvalidInput for
/// no samples, lengths that differ, NaN or infinite scores, invalid weights, `y_true` not
/// holding exactly two classes one of which is `pos_label`, or a class of zero total weight.
template <Float F>
double roc_auc_score(std::span<const std::int32_t> y_true, std::span<const F> scores, std::int32_t pos_label = 1,
                     std::span<const F> weights = {}) {
    constexpr const char* metric = "roc_auc_score";
    input_detail::require_samples(metric, y_true.size());
    input_detail::require_length(metric, "scores", scores.size(), y_true.size(), "y_true");
    input_detail::require_finite_values<F>(metric, "scores", scores);
    input_detail::require_weights<F>(metric, weights, y_true.size());
    ranking_detail::require_binary(y_true, pos_label);
    const std::vector<std::size_t> order = ranking_detail::by_decreasing_score(scores);
    // Walk the curve one distinct score at a time, adding each step's trapezoid (doubled).
    double positives = 0, negatives = 0, doubled_area = 0;
    for (std::size_t start = 0; start < order.size();) {
        const double previous_positives = positives, previous_negatives = negatives;
        std::size_t end = start;
        for (; end < order.size() && scores[order[end]] == scores[order[start]]; ++end) {
            const std::size_t i = order[end];
            (y_true[i] == pos_label ? positives : negatives) += input_detail::weight_of(weights, i);
        }
        doubled_area += (negatives - previous_negatives) * (positives + previous_positives);
        start = end;
    }
    if (positives == 0 || negatives == 0) {
        throw InvalidInput(std::string(metric) + ": the " + (positives == 0 ? "positive" : "negative") +
                           " class has zero total weight; ROC AUC is undefined");
    }
    return doubled_area / 2 / (positives * negatives);
}

}  // namespace linfa::metrics
