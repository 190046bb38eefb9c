// Precision, recall and F1 of predicted labels, per label or averaged (binary, micro, macro,
// weighted), optionally weighted by sample, as scikit-learn computes them with
// zero_division=0: a ratio whose denominator is zero counts as 0.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/matrix.hpp"
#include "input.hpp"
#include "labels.hpp"

namespace linfa::metrics {

/// How precision, recall and F1 of several labels become one number.
enum class Average {
    Binary,   ///< the scores of `pos_label` alone; the labels must be binary (two values at most)
    Micro,    ///< the scores of the counts summed over labels
    Macro,    ///< the unweighted mean of the per-label scores
    Weighted  ///< the mean of the per-label scores weighted by each label's (weighted) support
};

/// What `precision_recall_fscore` averages, and over which labels.
struct ScoreOptions {
    Average average = Average::Binary;  ///< how the per-label scores are combined
    std::int32_t pos_label = 1;         ///< the positive label (Average::Binary only)
    /// The labels scored (not Binary); empty: the sorted union of y_true and y_pred.
    std::vector<std::int32_t> labels = {};
};

/// Averaged precision, recall and F1.
struct PrecisionRecallF1 {
    double precision = 0;  ///< true positives / predicted positives
    double recall = 0;     ///< true positives / actual positives
    double f1 = 0;         ///< harmonic mean of precision and recall
};

/// Precision, recall, F1 and support of each label, in the order of `labels`.
struct PerLabelScores {
    std::vector<std::int32_t> labels;  ///< the labels scored
    Eigen::VectorXd precision;         ///< per label: true positives / predicted positives
    Eigen::VectorXd recall;            ///< per label: true positives / actual positives
    Eigen::VectorXd f1;                ///< per label: harmonic mean of precision and recall
    Eigen::VectorXd support;           ///< per label: (weighted) number of samples with that true label
};

namespace precision_recall_detail {

/// Per-label (weighted) counts of true positives, predictions and true labels.
struct LabelCounts {
    Eigen::VectorXd true_positive, predicted, actual;
};

/// The counts of every label of `positions` (a sample with a label outside it counts nowhere).
template <Float F>
LabelCounts count_labels(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                         const labels_detail::LabelPositions& positions, std::span<const F> weights) {
    const auto k = static_cast<Eigen::Index>(positions.size());
    LabelCounts counts{Eigen::VectorXd::Zero(k), Eigen::VectorXd::Zero(k), Eigen::VectorXd::Zero(k)};
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const double w = input_detail::weight_of(weights, i);
        const std::int32_t t = positions.find(y_true[i]), p = positions.find(y_pred[i]);
        if (t >= 0) counts.actual[t] += w;
        if (p >= 0) counts.predicted[p] += w;
        if (t >= 0 && y_true[i] == y_pred[i]) counts.true_positive[t] += w;
    }
    return counts;
}

/// numerator / denominator, or 0 when the denominator is 0 (scikit-learn's zero_division=0).
inline double ratio_or_zero(double numerator, double denominator) {
    return denominator == 0 ? 0.0 : numerator / denominator;
}

/// Precision, recall and F1 of one set of counts.
inline PrecisionRecallF1 scores_of(double true_positive, double predicted, double actual) {
    PrecisionRecallF1 s;
    s.precision = ratio_or_zero(true_positive, predicted);
    s.recall = ratio_or_zero(true_positive, actual);
    s.f1 = ratio_or_zero(2 * s.precision * s.recall, s.precision + s.recall);
    return s;
}

/// The labels scored: [pos_label] for Binary (after checking the labels are binary), else the
/// caller's list or the sorted union of both label vectors.
inline std::vector<std::int32_t> labels_to_score(const char* metric, std::span<const std::int32_t> y_true,
                                                 std::span<const std::int32_t> y_pred, const ScoreOptions& options) {
    std::vector<std::int32_t> present = labels_detail::sorted_union(y_true, y_pred);
    if (options.average != Average::Binary) return options.labels.empty() ? present : options.labels;
    if (present.size() > 2) {
        throw InvalidInput(std::string(metric) + ": Average::Binary expects at most two distinct labels, found " +
                           std::to_string(present.size()) + " (" + labels_detail::joined(present) +
                           "); choose Micro, Macro or Weighted");
    }
    const bool pos_present = std::find(present.begin(), present.end(), options.pos_label) != present.end();
    if (!pos_present && present.size() == 2) {
        throw InvalidInput(std::string(metric) + ": pos_label " + std::to_string(options.pos_label) +
                           " is not a valid label; expected one of " + labels_detail::joined(present));
    }
    return {options.pos_label};
}

/// The per-label scores of `counts`.
inline PerLabelScores per_label(std::vector<std::int32_t> labels, const LabelCounts& counts) {
    const auto k = static_cast<Eigen::Index>(labels.size());
    PerLabelScores out{std::move(labels), Eigen::VectorXd(k), Eigen::VectorXd(k), Eigen::VectorXd(k), counts.actual};
    for (Eigen::Index j = 0; j < k; ++j) {
        const PrecisionRecallF1 s = scores_of(counts.true_positive[j], counts.predicted[j], counts.actual[j]);
        out.precision[j] = s.precision, out.recall[j] = s.recall, out.f1[j] = s.f1;
    }
    return out;
}

/// The sum of `values`, added in index order (Eigen's vectorised sums add in an order that
/// depends on the build's register width).
inline double sum_in_order(const Eigen::VectorXd& values) {
    double total = 0;
    for (const double v : values) total += v;
    return total;
}

/// The weighted mean of `values`; `weights` empty: the plain mean.
inline double mean_of(const Eigen::VectorXd& values, const Eigen::VectorXd* weights) {
    if (!weights) return sum_in_order(values) / double(values.size());
    double total = 0;
    for (Eigen::Index j = 0; j < values.size(); ++j) total += values[j] * (*weights)[j];
    return total / sum_in_order(*weights);
}

/// The per-label scores averaged with `weights` (the supports, for Average::Weighted; all
/// zero: every score is 0) or uniformly (null `weights`).
inline PrecisionRecallF1 averaged(const PerLabelScores& s, const Eigen::VectorXd* weights) {
    if (weights && sum_in_order(*weights) == 0) return {};
    return {mean_of(s.precision, weights), mean_of(s.recall, weights), mean_of(s.f1, weights)};
}

}  // namespace precision_recall_detail

/// Precision, recall, F1 and support of each label of `labels` (empty: the sorted union of
/// `y_true` and `y_pred`), weighted by `weights` (empty: unweighted); scikit-learn's
/// `precision_recall_fscore_support` with average=None and zero_division=0. Throws
/// InvalidInput for no samples, lengths that differ, invalid weights, or `labels` holding a
/// label twice.
template <Float F = double>
PerLabelScores precision_recall_fscore_support(std::span<const std::int32_t> y_true,
                                               std::span<const std::int32_t> y_pred,
                                               std::span<const std::int32_t> labels = {},
                                               std::span<const F> weights = {}) {
    constexpr const char* metric = "precision_recall_fscore_support";
    input_detail::require_label_pair(metric, y_true, y_pred);
    input_detail::require_weights<F>(metric, weights, y_true.size());
    std::vector<std::int32_t> scored =
        labels.empty() ? labels_detail::sorted_union(y_true, y_pred) : std::vector<std::int32_t>(labels.begin(), labels.end());
    const labels_detail::LabelPositions positions(metric, scored);
    const auto counts = precision_recall_detail::count_labels<F>(y_true, y_pred, positions, weights);
    return precision_recall_detail::per_label(std::move(scored), counts);
}

/// Precision, recall and F1 averaged as `options` says, weighted by `weights` (empty:
/// unweighted); scikit-learn's `precision_recall_fscore_support` with zero_division=0 (a ratio
/// with a zero denominator counts as 0; Weighted with no true sample of any scored label gives
/// zeros). Throws InvalidInput for no samples, lengths that differ, invalid weights, labels
/// holding one twice, and with Average::Binary for more than two distinct labels or a
/// `pos_label` absent from two present ones.
template <Float F = double>
PrecisionRecallF1 precision_recall_fscore(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                                          const ScoreOptions& options = {}, std::span<const F> weights = {}) {
    namespace detail = precision_recall_detail;
    constexpr const char* metric = "precision_recall_fscore";
    input_detail::require_label_pair(metric, y_true, y_pred);
    input_detail::require_weights<F>(metric, weights, y_true.size());
    std::vector<std::int32_t> scored = detail::labels_to_score(metric, y_true, y_pred, options);
    const labels_detail::LabelPositions positions(metric, scored);
    const detail::LabelCounts counts = detail::count_labels<F>(y_true, y_pred, positions, weights);
    if (options.average == Average::Micro) {
        return detail::scores_of(detail::sum_in_order(counts.true_positive), detail::sum_in_order(counts.predicted),
                                 detail::sum_in_order(counts.actual));
    }
    const PerLabelScores scores = detail::per_label(std::move(scored), counts);
    return detail::averaged(scores, options.average == Average::Weighted ? &counts.actual : nullptr);
}

/// The precision of `precision_recall_fscore` (true positives / predicted positives); throws
/// as it does.
template <Float F = double>
double precision_score(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                       const ScoreOptions& options = {}, std::span<const F> weights = {}) {
    return precision_recall_fscore<F>(y_true, y_pred, options, weights).precision;
}

/// The recall of `precision_recall_fscore` (true positives / actual positives); throws as it
/// does.
template <Float F = double>
double recall_score(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                    const ScoreOptions& options = {}, std::span<const F> weights = {}) {
    return precision_recall_fscore<F>(y_true, y_pred, options, weights).recall;
}

/// The F1 score of `precision_recall_fscore` (harmonic mean of precision and recall); throws
/// as it does.
template <Float F = double>
double f1_score(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                const ScoreOptions& options = {}, std::span<const F> weights = {}) {
    return precision_recall_fscore<F>(y_true, y_pred, options, weights).f1;
}

}  // namespace linfa::metrics
