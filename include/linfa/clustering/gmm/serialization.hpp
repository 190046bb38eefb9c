// Gaussian mixture model files: kind "clustering.gaussian_mixture", shape {n_components,
// n_features}. Body: covariance_type, weights (k), means (k x d), covariances and
// precisions_cholesky in the type's shape (full: tensor k x d x d; tied: d x d matrix; diag:
// k x d matrix; spherical: k values), converged, n_iter, lower_bound. Every value is validated
// on load: weights positive and summing to 1, finite means, finite covariances with positive
// variances, factors upper triangular with a positive diagonal.
#pragma once

#include <cmath>
#include <span>
#include <string_view>

#include "../../io/model_file.hpp"
#include "model.hpp"

namespace linfa::clustering::gmm_io_detail {

/// Writes a matrix in `type`'s shape under `name`.
template <class Writer>
void save_shaped(Writer& w, const char* name, CovarianceType type, const Matrix<double>& m, std::size_t k, std::size_t d) {
    if (type == CovarianceType::Full) {
        w.template tensor3<double>(name, {k, d, d}, std::span<const double>(m.data(), std::size_t(m.size())));
    } else if (type == CovarianceType::Spherical) {
        w.vector(name, std::span<const double>(m.data(), std::size_t(m.size())));
    } else {
        w.matrix(name, m);
    }
}

/// Reads a matrix in `type`'s shape, stored as CovarianceType describes.
template <class Reader>
Matrix<double> load_shaped(Reader& r, const char* name, CovarianceType type, std::uint64_t k, std::uint64_t d) {
    if (type == CovarianceType::Full) {
        const std::vector<double> values = r.template tensor3<double>(name, {k, d, d});
        return Eigen::Map<const Matrix<double>>(values.data(), Eigen::Index(k * d), Eigen::Index(d));
    }
    if (type == CovarianceType::Spherical) {
        const std::vector<double> values = r.template vector<double>(name, k);
        return Eigen::Map<const Matrix<double>>(values.data(), Eigen::Index(k), 1);
    }
    return r.template matrix<double>(name, type == CovarianceType::Tied ? d : k, d);
}

}  // namespace linfa::clustering::gmm_io_detail

namespace linfa {

/// Model files of GaussianMixture<F>: kind "clustering.gaussian_mixture", shape
/// {n_components, n_features}; the body holds the covariance type, weights, means, covariances
/// and factors of the precisions in the type's shape, converged, n_iter and the lower bound.
template <Float F>
struct model_io<clustering::GaussianMixture<F>> {
    /// The model type.
    using Model = clustering::GaussianMixture<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "clustering.gaussian_mixture";

    /// The header's shape: {n_components, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_components(), m.n_features()}; }

    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        using namespace clustering::gmm_io_detail;
        const std::size_t k = m.n_components(), d = m.n_features();
        w.enumeration("covariance_type", m.covariance_type());
        w.vector("weights", std::span<const double>(m.weights()));
        w.matrix("means", m.means());
        save_shaped(w, "covariances", m.covariance_type(), m.covariances(), k, d);
        save_shaped(w, "precisions_cholesky", m.covariance_type(), m.precisions_cholesky(), k, d);
        w.presence("converged", m.converged());
        w.value("n_iter", m.n_iter());
        w.value("lower_bound", m.lower_bound());
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape or type,
    /// weights that are not positive or do not sum to 1 (within 1e-6), non-finite means or
    /// covariances, variances that are not positive, factors that are not upper triangular with
    /// a positive diagonal, or a NaN or +infinite lower bound.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace clustering;
        using namespace clustering::gmm_io_detail;
        if (header.shape.size() != 2 || header.shape[0] == 0 || header.shape[1] == 0 ||
            header.shape[0] > std::uint64_t(INT32_MAX) || header.shape[1] > std::uint64_t(1) << 16) {
            io::fail("a Gaussian mixture needs shape {n_components >= 1, 1 <= n_features <= 65536}");
        }
        const std::uint64_t k = header.shape[0], d = header.shape[1];
        gmm_detail::Components c;
        c.type = r.enumeration("covariance_type", {CovarianceType::Full, CovarianceType::Tied, CovarianceType::Diag, CovarianceType::Spherical});
        c.k = k;
        c.d = d;
        c.weights = r.template vector<double>("weights", k);
        c.means = r.template matrix<double>("means", k, d);
        c.covariances = load_shaped(r, "covariances", c.type, k, d);
        c.precisions_chol = load_shaped(r, "precisions_cholesky", c.type, k, d);
        const bool converged = r.presence("converged");
        const auto n_iter = r.template value<std::uint64_t>("n_iter");
        const double lower_bound = r.template value<double>("lower_bound");
        double sum = 0;
        for (const double w : c.weights) {
            if (!std::isfinite(w) || !(w > 0)) io::fail("weights must be finite and > 0");
            sum += w;
        }
        if (!(std::abs(sum - 1) <= 1e-6)) io::fail("weights must sum to 1, found " + std::to_string(sum));
        if (!c.means.allFinite()) io::fail("means contain NaN or infinity");
        if (!c.covariances.allFinite()) io::fail("covariances contain NaN or infinity");
        if (!c.precisions_chol.allFinite()) io::fail("precisions_cholesky contain NaN or infinity");
        if (std::isnan(lower_bound) || lower_bound == std::numeric_limits<double>::infinity()) io::fail("lower_bound must not be NaN or +infinity");
        if (c.type == CovarianceType::Full || c.type == CovarianceType::Tied) {
            for (Eigen::Index row = 0; row < c.precisions_chol.rows(); ++row) {
                const Eigen::Index a = row % Eigen::Index(d);
                if (!(c.precisions_chol(row, a) > 0) || !(c.covariances(row, a) > 0)) io::fail("precisions_cholesky and covariances need a positive diagonal");
                for (Eigen::Index b = 0; b < a; ++b) {
                    if (c.precisions_chol(row, b) != 0) io::fail("precisions_cholesky must be upper triangular");
                }
            }
        } else if ((c.precisions_chol.array() <= 0).any() || (c.covariances.array() <= 0).any()) {
            io::fail("precisions_cholesky and covariances must be > 0");
        }
        c.derive();
        for (const double v : c.log_det) {
            if (!std::isfinite(v)) io::fail("precisions_cholesky give a non-finite log-determinant");
        }
        return Model(std::move(c), converged, n_iter, lower_bound);
    }
};

}  // namespace linfa
