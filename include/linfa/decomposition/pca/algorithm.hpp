// Fitting PCA: validate, choose the solver as scikit-learn does, find the axes (spectrum.hpp,
// randomized.hpp), fix their signs, then derive the variances scikit-learn reports.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "../../core/validation.hpp"
#include "model.hpp"
#include "randomized.hpp"
#include "spectrum.hpp"

namespace linfa::decomposition {

namespace pca_detail {

/// scikit-learn 1.2's choice for svd_solver="auto".
template <Float F>
PcaSolver resolve_solver(const PcaParams<F>& params, std::size_t n, std::size_t d) {
    if (params.solver() != PcaSolver::Auto) return params.solver();
    const auto k = params.n_components();
    if (std::max(n, d) <= 500 || !k) return PcaSolver::Full;
    return double(*k) < 0.8 * double(std::min(n, d)) ? PcaSolver::Randomized : PcaSolver::Full;
}

/// How many components to keep out of the full spectrum: the count asked, all, or the fewest
/// whose cumulative variance ratio exceeds the fraction (scikit-learn's searchsorted + 1).
inline std::size_t components_to_keep(const std::optional<std::size_t>& count, const std::optional<double>& fraction,
                                      const VectorD& squared) {
    if (count) return *count;
    if (!fraction) return std::size_t(squared.size());
    const double total = squared.sum();
    double cumulative = 0;
    for (Eigen::Index j = 0; j < squared.size(); ++j) {
        cumulative += squared[j] / total;
        if (cumulative > *fraction) return std::size_t(j + 1);
    }
    return std::size_t(squared.size());
}

}  // namespace pca_detail

template <Float F>
Pca<F> PcaValidParams<F>::fit(const DatasetView<F>& data) const {
    if (data.has_weights()) throw PcaInputError("PCA: sample weights are not supported");
    if (data.n_samples() >= 2) require_trainable(data);  // fewer: fit_rows says why
    return fit_rows(LocalChunks<F>{data});
}

template <Float F>
template <ChunkedRows<F> Rows>
Pca<F> PcaValidParams<F>::fit_rows(const Rows& rows) const {
    using namespace pca_detail;
    const std::size_t n = rows.n_samples(), d = rows.n_features();
    if (n < 2) throw PcaInputError("PCA: need at least 2 samples, found " + std::to_string(n));
    const std::size_t most = std::min(n, d);
    if (params_.n_components() && *params_.n_components() > most) {
        throw PcaInputError("PCA: n_components=" + std::to_string(*params_.n_components()) +
                            " must be at most min(n_samples, n_features) = " + std::to_string(most));
    }
    const HeldChunks<F> held = rows.held(plan_chunks(n));  // every pass but the Gram matrix's
    const auto centring = linalg::centring_from_sums(rows.total(linalg::weighted_sums(held.view, false, held.plan), d + 1), d, 0, true);
    const double total = rows.total(linalg::squared_deviation_sums(held.view, centring, held.plan), 1)[0];  // all squared singular values
    linalg::require_finite_moments(std::isfinite(total));
    Spectrum spectrum;
    std::size_t k = 0;
    if (resolve_solver(params_, n, d) == PcaSolver::Full) {
        spectrum = full_spectrum<F>(rows, centring);
        k = components_to_keep(params_.n_components(), params_.variance_fraction(), spectrum.squared);
    } else {
        k = *params_.n_components();
        const std::size_t iterations = params_.n_power_iterations().value_or(double(k) < 0.1 * double(most) ? 7 : 4);
        spectrum = randomized_spectrum(rows, held, centring, k, params_.n_oversamples(), iterations, params_.rng());
    }
    const auto kept = Eigen::Index(k);
    MatrixD axes = spectrum.axes.topRows(kept);
    flip_signs(rows, held, centring, axes);

    // The variances scikit-learn reports: the full solver's total is the sum of the whole
    // spectrum, the randomized one's the data's variance (the same up to rounding).
    const double dof = double(n - 1);
    const double total_squared = spectrum.squared.size() == Eigen::Index(most) ? spectrum.squared.sum() : total;
    const VectorD squared = spectrum.squared.head(kept);
    const double left = spectrum.squared.size() == Eigen::Index(most)
                            ? spectrum.squared.tail(Eigen::Index(most - k)).sum()  // the variances left out
                            : std::max(0.0, total - squared.sum());
    typename Pca<F>::Parts parts;
    parts.components = axes.template cast<F>();
    parts.explained_variance = (squared / dof).template cast<F>();
    parts.explained_variance_ratio = (total_squared > 0 ? VectorD(squared / total_squared) : VectorD::Zero(kept)).template cast<F>();
    parts.singular_values = squared.cwiseSqrt().template cast<F>();
    parts.mean = centring.x_mean.template cast<F>();
    parts.noise_variance = k < most ? left / dof / double(most - k) : 0.0;
    parts.whiten = params_.whiten();
    parts.n_samples = n;
    if (!parts.explained_variance.allFinite() || !parts.singular_values.allFinite()) {
        throw PcaInputError(std::string("PCA: the variances of the records overflow ") + (std::is_same_v<F, float> ? "float" : "double") +
                            "; scale the data");
    }
    return Pca<F>(std::move(parts));
}

}  // namespace linfa::decomposition
