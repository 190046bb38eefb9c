// Fitting ElasticNet: validate, centre (weighted means), scale rows by sqrt(sample weight)
// with the weights rescaled to sum to n, then coordinate descent per target (cd.hpp) on the
// Gram matrix or on a centred column-major copy of X; sparse records by sparse_cd.hpp.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "../../core/parallel.hpp"
#include "../../linalg/centred.hpp"
#include "../errors.hpp"
#include "../solvers.hpp"
#include "cd.hpp"
#include "sparse_cd.hpp"
#include "model.hpp"

namespace linfa::linear {
namespace enet_detail {

/// Auto forms the Gram matrix when there are at least this many samples per feature: its one
/// pass (a blocked rank update, several times faster per multiply than the memory-bound dot
/// products of a residual sweep) then costs about as much as a few residual sweeps, and every
/// sweep after it is independent of n.
inline constexpr std::size_t gram_samples_per_feature = 2;
/// Auto never forms a Gram matrix wider than this (its d x d doubles: 128 MiB).
inline constexpr std::size_t gram_max_features = 4096;

inline bool use_gram(Precompute how, std::size_t n, std::size_t d) {
    if (how == Precompute::Always) return true;
    if (how == Precompute::Never) return false;
    return n >= gram_samples_per_feature * d && d <= gram_max_features;
}

/// The centred records times sqrt(scale x weight), column-major, in the data's scalar type.
template <Float F>
ColMatrix<F> centred_columns(const DatasetView<F>& data, const linalg::Centring& c, double scale) {
    const std::size_t n = data.n_samples(), d = data.n_features();
    ColMatrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for_each_chunk(plan_chunks(n), [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const double root = std::sqrt(scale * double(data.weight(i)));
            const F* row = data.records().data() + i * d;
            for (std::size_t j = 0; j < d; ++j) {
                x(Eigen::Index(i), Eigen::Index(j)) = F(root * (double(row[j]) - c.x_mean[Eigen::Index(j)]));
            }
        }
    });
    return x;
}

/// Target column k, centred, times sqrt(scale x weight).
template <Float F>
Vector<F> centred_target(const DatasetView<F>& data, const linalg::Centring& c, double scale, std::size_t k) {
    const std::size_t n = data.n_samples(), t = data.n_targets();
    Vector<F> y(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
        const double root = std::sqrt(scale * double(data.weight(i)));
        y[Eigen::Index(i)] = F(root * (double(data.targets().data()[i * t + k]) - c.y_mean[Eigen::Index(k)]));
    }
    return y;
}

/// Descent for every target on `gram`, the Gram matrix of the centred [X | Y] (d + t wide),
/// times the weights' scale; fills coef (t x d).
template <Float F>
std::vector<Outcome> fit_on_gram(const MatrixD& gram, const ElasticNetParams<F>& p, const Penalty& pen, Order order, MatrixD& coef) {
    const auto d = coef.cols(), t = coef.rows();
    const MatrixD q = gram.topLeftCorner(d, d);
    std::vector<Outcome> outcomes;
    for (Eigen::Index k = 0; k < t; ++k) {
        const VectorD xy = gram.block(0, d + k, d, 1);
        const double yy = gram(d + k, d + k);
        VectorD w = p.start() ? VectorD(p.start()->row(k).transpose()) : VectorD::Zero(d);
        VectorD h = q * w;
        outcomes.push_back(descend([&] { return gram_sweep(q, xy, w, h, pen, order); },
                                   [&] { return gram_gap(xy, yy, w, h, pen); }, p.max_iter(), p.tol(), p.tol() * yy));
        coef.row(k) = w.transpose();
    }
    return outcomes;
}

/// Descent for every target on the columns of a centred copy of X; fills coef (t x d).
template <Float F>
std::vector<Outcome> fit_on_columns(const DatasetView<F>& data, const linalg::Centring& c, double scale,
                                    const ElasticNetParams<F>& p, const Penalty& pen, Order order, MatrixD& coef) {
    const auto d = Eigen::Index(data.n_features()), t = Eigen::Index(data.n_targets());
    const ColMatrix<F> x = centred_columns(data, c, scale);
    VectorD norms(d);
    for (Eigen::Index j = 0; j < d; ++j) norms[j] = x.col(j).template cast<double>().squaredNorm();
    std::vector<Outcome> outcomes;
    for (Eigen::Index k = 0; k < t; ++k) {
        const Vector<F> y = centred_target(data, c, scale, std::size_t(k));
        double yy = 0;
        for (Eigen::Index i = 0; i < y.size(); ++i) yy += double(y[i]) * double(y[i]);
        Vector<F> w = p.start() ? Vector<F>(p.start()->row(k).transpose().template cast<F>()) : Vector<F>::Zero(d);
        Vector<F> r = y;
        if (p.start()) r.noalias() -= x * w;
        outcomes.push_back(descend([&] { return residual_sweep<F>(x, norms, w, r, pen, order); },
                                   [&] { return residual_gap<F>(x, y, w, r, pen); }, p.max_iter(), p.tol(), p.tol() * yy));
        coef.row(k) = w.template cast<double>().transpose();
    }
    return outcomes;
}

}  // namespace enet_detail

template <Float F>
ElasticNet<F> ElasticNetValidParams<F>::fit(const DatasetView<F>& data) const {
    require_regression_data(data, "ElasticNet");
    if (gram_chosen(data.n_samples(), data.n_features())) return fit_moments(linalg::LocalMoments<F>{data});
    const auto descend = [&](const linalg::Centring& c, double scale, const auto& pen, auto order, auto& coef) {
        return enet_detail::fit_on_columns(data, c, scale, params_, pen, order, coef);
    };
    return fit_targets(data, linalg::weighted_means(data, true, params_.fit_intercept()), descend);
}

template <Float F>
bool ElasticNetValidParams<F>::gram_chosen(std::size_t n_samples, std::size_t n_features) const {
    return enet_detail::use_gram(params_.precompute(), n_samples, n_features);
}

template <Float F>
template <class Moments>
ElasticNet<F> ElasticNetValidParams<F>::fit_moments(const Moments& moments) const {
    const auto descend = [&](const linalg::Centring& c, double scale, const auto& pen, auto order, auto& coef) {
        linalg::MatrixD gram = moments.gram(c);
        if (scale != 1.0) gram *= scale;
        return enet_detail::fit_on_gram(gram, params_, pen, order, coef);
    };
    return fit_targets(moments, moments.centring(params_.fit_intercept()), descend);
}

template <Float F>
template <SparseIndex I>
ElasticNet<F> ElasticNetValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    require_regression_data(data, "ElasticNet");
    const linalg::SparseColumns<F, I> columns(data.records());
    const auto descend = [&](const linalg::Centring& c, double scale, const auto& pen, auto order, auto& coef) {
        const linalg::CentredSparseOperator<F, I> a(data, columns, c, scale);
        return enet_detail::fit_sparse(a, c, params_, pen, order, coef);
    };
    return fit_targets(data, linalg::weighted_means(data, columns, true, params_.fit_intercept()), descend);
}

template <Float F>
template <class Data, class Descend>
ElasticNet<F> ElasticNetValidParams<F>::fit_targets(const Data& data, const linalg::Centring& centring, Descend&& descend) const {
    const auto& p = params_;
    const std::size_t n = data.n_samples(), d = data.n_features(), t = data.n_targets();
    if (p.start() && (std::size_t(p.start()->rows()) != t || std::size_t(p.start()->cols()) != d)) {
        throw LinearParamsError("ElasticNet: the warm-start coefficients are " + std::to_string(p.start()->rows()) + " x " +
                                std::to_string(p.start()->cols()) + "; the data need n_targets x n_features = " +
                                std::to_string(t) + " x " + std::to_string(d));
    }
    // Sample weights rescaled to sum to n, as scikit-learn 1.2: the penalties then weigh the
    // same against the residuals with or without weights. Without weights the total weight is
    // n exactly (a sum of ones), so the scale is exactly 1.
    const double scale = double(n) / centring.total_weight;
    const enet_detail::Penalty pen{p.alpha() * p.l1_ratio() * double(n), p.alpha() * (1.0 - p.l1_ratio()) * double(n),
                                   p.positive()};
    Rng rng = p.rng();
    const enet_detail::Order order{p.selection() == Selection::Random ? &rng : nullptr};
    linear_detail::MatrixD coef(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(d));
    const std::vector<enet_detail::Outcome> outcomes = descend(centring, scale, pen, order, coef);
    const auto intercept = linear_detail::intercepts(coef, centring);
    if (!coef.allFinite() || !intercept.allFinite()) {
        throw LinearInputError("ElasticNet: Coordinate descent iterations resulted in non-finite parameter values; "
                               "the data may hold values too large to fit: scale them");
    }
    std::vector<std::uint64_t> n_iter;
    std::vector<double> gaps;
    std::vector<std::uint8_t> converged;
    for (const auto& o : outcomes) {
        n_iter.push_back(o.n_iter);
        gaps.push_back(o.gap / double(n));
        converged.push_back(o.converged ? 1 : 0);
    }
    return ElasticNet<F>(LinearPredictor<F>(linear_detail::in_scalar<F>(coef), linear_detail::in_scalar<F>(intercept)),
                         std::move(n_iter), std::move(gaps), std::move(converged));
}

}  // namespace linfa::linear
