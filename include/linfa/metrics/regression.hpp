// Regression metrics: R^2, mean squared error and mean absolute error of predicted continuous
// targets (n_samples x n_targets), optionally weighted, each averaged uniformly over targets
// as scikit-learn's default (multioutput="uniform_average"). Sums run in double, sample by
// sample, so a result does not depend on the thread count.
#pragma once

#include <cmath>
#include <limits>
#include <span>
#include <string>

#include "../core/matrix.hpp"
#include "input.hpp"

namespace linfa::metrics {

namespace regression_detail {

/// Checks both target matrices and the weights; `metric` names the caller in messages.
template <Float F>
void require_targets(const char* metric, const MatrixView<F>& y_true, const MatrixView<F>& y_pred,
                     std::span<const F> weights) {
    input_detail::require_samples(metric, static_cast<std::size_t>(y_true.rows()));
    if (y_true.cols() == 0) throw InvalidInput(std::string(metric) + ": need at least one target, found 0");
    if (y_pred.rows() != y_true.rows() || y_pred.cols() != y_true.cols()) {
        throw InvalidInput(std::string(metric) + ": y_pred is " + std::to_string(y_pred.rows()) + " x " +
                           std::to_string(y_pred.cols()) + ", expected the shape of y_true, " +
                           std::to_string(y_true.rows()) + " x " + std::to_string(y_true.cols()));
    }
    require_finite<F>(y_true, std::string(metric) + ": y_true");
    require_finite<F>(y_pred, std::string(metric) + ": y_pred");
    input_detail::require_weights<F>(metric, weights, static_cast<std::size_t>(y_true.rows()));
}

/// The weighted mean over samples of `loss(y_true - y_pred)` for target `j`.
template <Float F, class Loss>
double mean_loss(const MatrixView<F>& y_true, const MatrixView<F>& y_pred, std::span<const F> weights, Eigen::Index j,
                 Loss loss) {
    double sum = 0, weight = 0;
    for (Eigen::Index i = 0; i < y_true.rows(); ++i) {
        const double w = input_detail::weight_of(weights, std::size_t(i));
        sum += w * loss(double(y_true(i, j)) - double(y_pred(i, j)));
        weight += w;
    }
    return sum / weight;
}

/// `mean_loss` averaged uniformly over targets.
template <Float F, class Loss>
double average_loss(const MatrixView<F>& y_true, const MatrixView<F>& y_pred, std::span<const F> weights, Loss loss) {
    double total = 0;
    for (Eigen::Index j = 0; j < y_true.cols(); ++j) total += mean_loss(y_true, y_pred, weights, j, loss);
    return total / double(y_true.cols());
}

/// R^2 of target `j`: 1 - SS_res / SS_tot (weighted). A constant target (SS_tot = 0) scores 1
/// when predicted exactly and 0 otherwise, rather than an infinite or undefined ratio.
template <Float F>
double r2_of_target(const MatrixView<F>& y_true, const MatrixView<F>& y_pred, std::span<const F> weights,
                    Eigen::Index j) {
    double weight = 0, mean = 0;
    for (Eigen::Index i = 0; i < y_true.rows(); ++i) {
        const double w = input_detail::weight_of(weights, std::size_t(i));
        weight += w, mean += w * double(y_true(i, j));
    }
    mean /= weight;
    double residual = 0, spread = 0;
    for (Eigen::Index i = 0; i < y_true.rows(); ++i) {
        const double w = input_detail::weight_of(weights, std::size_t(i));
        const double e = double(y_true(i, j)) - double(y_pred(i, j)), s = double(y_true(i, j)) - mean;
        residual += w * e * e, spread += w * s * s;
    }
    if (spread != 0) return 1.0 - residual / spread;
    return residual == 0 ? 1.0 : 0.0;
}

}  // namespace regression_detail

/// The coefficient of determination R^2 of `y_pred` for `y_true` (both n_samples x n_targets),
/// weighted by `weights` (empty: unweighted), averaged uniformly over targets; scikit-learn's
/// `r2_score`. A constant target scores 1 when predicted exactly, else 0. NaN for fewer than
/// two samples, where R^2 is undefined. Throws InvalidInput for no samples or targets, shapes
/// that differ, NaN or infinite values, or weights that are not one non-negative finite value
/// per sample with a positive total.
template <Float F>
double r2_score(const MatrixView<F>& y_true, const MatrixView<F>& y_pred, std::span<const F> weights = {}) {
    regression_detail::require_targets("r2_score", y_true, y_pred, weights);
    if (y_true.rows() < 2) return std::numeric_limits<double>::quiet_NaN();
    double total = 0;
    for (Eigen::Index j = 0; j < y_true.cols(); ++j) total += regression_detail::r2_of_target(y_true, y_pred, weights, j);
    return total / double(y_true.cols());
}

/// The (weighted) mean of squared errors per target, averaged uniformly over targets;
/// scikit-learn's `mean_squared_error`. Throws as r2_score.
template <Float F>
double mean_squared_error(const MatrixView<F>& y_true, const MatrixView<F>& y_pred, std::span<const F> weights = {}) {
    regression_detail::require_targets("mean_squared_error", y_true, y_pred, weights);
    return regression_detail::average_loss(y_true, y_pred, weights, [](double e) { return e * e; });
}

/// The (weighted) mean of absolute errors per target, averaged uniformly over targets;
/// scikit-learn's `mean_absolute_error`. Throws as r2_score.
template <Float F>
double mean_absolute_error(const MatrixView<F>& y_true, const MatrixView<F>& y_pred, std::span<const F> weights = {}) {
    regression_detail::require_targets("mean_absolute_error", y_true, y_pred, weights);
    return regression_detail::average_loss(y_true, y_pred, weights, [](double e) { return std::abs(e); });
}

}  // namespace linfa::metrics
