// Classification metrics on predicted labels and probabilities: accuracy, the confusion matrix
// and the log loss, optionally weighted, as scikit-learn computes them. Labels are any int32
// values; Python maps labels of other types onto 0..k-1 first. Precision, recall and F1 are in
// precision_recall.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "../core/classes.hpp"
#include "../core/matrix.hpp"
#include "input.hpp"
#include "labels.hpp"

namespace linfa::metrics {

namespace classification_detail {

// The index in `classes` of the true label of sample `i`; throws InvalidInput naming both
// when the label is not one of the classes.
inline std::size_t class_of(const ClassSet& classes, std::int32_t label, std::size_t i) {
    const auto all = classes.labels();
    const auto it = std::lower_bound(all.begin(), all.end(), label);
    if (it == all.end() || *it != label) {
        throw InvalidInput("log_loss: y_true holds label " + std::to_string(label) + " (sample " + std::to_string(i) +
                           "), expected one of the classes [" + labels_detail::joined(all) + "]");
    }
    return static_cast<std::size_t>(it - all.begin());
}

}  // namespace classification_detail

/// The (weighted) fraction of samples whose predicted label equals the true one; scikit-learn's
/// `accuracy_score`. `weights` is empty (unweighted) or one per sample. Throws InvalidInput for
/// no samples, label vectors of different lengths, or invalid weights (not one finite
/// non-negative value per sample, or all zero).
template <Float F = double>
double accuracy_score(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                      std::span<const F> weights = {}) {
    input_detail::require_label_pair("accuracy_score", y_true, y_pred);
    input_detail::require_weights<F>("accuracy_score", weights, y_true.size());
    double correct = 0;
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        if (y_true[i] == y_pred[i]) correct += input_detail::weight_of(weights, i);
    }
    return correct / input_detail::total_weight(weights, y_true.size());
}

/// The confusion matrix: entry (i, j) is the (weighted) number of samples whose true label is
/// `labels[i]` and predicted label `labels[j]`; scikit-learn's `confusion_matrix`. `labels`
/// empty: the sorted union of both label vectors; otherwise its order gives the rows, and
/// samples with a true or predicted label outside it are left out. Throws InvalidInput for no
/// samples, lengths that differ, invalid weights, `labels` holding a label twice, or none of
/// `labels` occurring in `y_true`.
template <Float F = double>
Matrix<double> confusion_matrix(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                                std::span<const std::int32_t> labels = {}, std::span<const F> weights = {}) {
    constexpr const char* metric = "confusion_matrix";
    input_detail::require_label_pair(metric, y_true, y_pred);
    input_detail::require_weights<F>(metric, weights, y_true.size());
    const std::vector<std::int32_t> present = labels_detail::sorted_union(y_true, y_pred);
    const labels_detail::LabelPositions rows(metric, labels.empty() ? std::span<const std::int32_t>(present) : labels);
    const auto k = static_cast<Eigen::Index>(rows.size());
    Matrix<double> counts = Matrix<double>::Zero(k, k);
    bool any_true_label = false;
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const std::int32_t t = rows.find(y_true[i]), p = rows.find(y_pred[i]);
        any_true_label |= t >= 0;
        if (t >= 0 && p >= 0) counts(t, p) += input_detail::weight_of(weights, i);
    }
    if (!any_true_label) {
        throw InvalidInput(std::string(metric) + ": expected at least one of labels [" + labels_detail::joined(labels) +
                           "] in y_true, found none");
    }
    return counts;
}

/// The (weighted) mean cross-entropy of `probabilities` (n_samples x classes.size(), column k
/// the probability of `classes.label(k)`) for the true labels; scikit-learn 1.2's `log_loss`
/// with eps="auto": probabilities are clipped to [eps, 1 - eps] with eps the machine epsilon of
/// F, each row is then divided by its sum (rows need not sum to 1), and the loss of a sample is
/// -ln of its true class's share. Throws InvalidInput for no samples, fewer than two classes,
/// a row count or width of `probabilities` that does not match, NaN or infinite
/// probabilities, a label of `y_true` that is not one of `classes`, or invalid weights.
template <Float F>
double log_loss(std::span<const std::int32_t> y_true, const MatrixView<F>& probabilities, const ClassSet& classes,
                std::span<const F> weights = {}) {
    constexpr const char* metric = "log_loss";
    input_detail::require_samples(metric, y_true.size());
    if (classes.size() < 2) {
        throw InvalidInput(std::string(metric) + ": need at least two classes, found " + std::to_string(classes.size()));
    }
    input_detail::require_length(metric, "probabilities", static_cast<std::size_t>(probabilities.rows()),
                                 y_true.size(), "y_true", "rows");
    if (static_cast<std::size_t>(probabilities.cols()) != classes.size()) {
        throw InvalidInput(std::string(metric) + ": probabilities have " + std::to_string(probabilities.cols()) +
                           " columns, expected one per class (" + std::to_string(classes.size()) + ")");
    }
    require_finite<F>(probabilities, std::string(metric) + ": probabilities");
    input_detail::require_weights<F>(metric, weights, y_true.size());
    const F eps = std::numeric_limits<F>::epsilon(), low = eps, high = F(1) - eps;
    double loss = 0;
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const auto row = probabilities.row(static_cast<Eigen::Index>(i));
        const std::size_t truth = classification_detail::class_of(classes, y_true[i], i);
        double row_sum = 0;
        for (Eigen::Index k = 0; k < row.size(); ++k) row_sum += double(std::clamp(row[k], low, high));
        const double share = double(std::clamp(row[static_cast<Eigen::Index>(truth)], low, high)) / row_sum;
        loss += input_detail::weight_of(weights, i) * -std::log(share);
    }
    return loss / input_detail::total_weight(weights, y_true.size());
}

}  // namespace linfa::metrics
