// The initial parameters of one EM run (scikit-learn's _initialize_parameters + _initialize):
// responsibilities from the chosen method, the parameters they imply, then whichever of
// weights_init, means_init and precisions_init were given in their place. Draws only from the
// caller's Rng.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../kmeans/algorithm.hpp"
#include "../kmeans/init.hpp"
#include "components.hpp"
#include "params.hpp"

namespace linfa::clustering::gmm_detail {

/// Total sample weight (n when unweighted).
template <Float F>
double total_weight(const DatasetView<F>& data) {
    if (!data.has_weights()) return double(data.n_samples());
    double total = 0;
    for (const F w : data.weights()) total += double(w);
    return total;
}

/// The parameters implied by responsibilities `resp(i, r)` (k values per sample), as
/// scikit-learn's _estimate_gaussian_parameters with weights nk / n: one pass for the means,
/// one for the covariances about them.
template <Float F, class Resp>
Components estimate_from_responsibilities(const DatasetView<F>& data, CovarianceType type, std::size_t k, double reg_covar,
                                          Resp&& resp) {
    const std::size_t d = data.n_features();
    const SumsLayout L{type, k, d};
    auto pass = [&](const Matrix<double>& centres) {
        return gather(data, L, [&](std::size_t i, const F* x, RowScratch& s, double* sums) {
            resp(i, s.values.data());
            for (std::size_t j = 0; j < k; ++j) {
                for (std::size_t a = 0; a < d; ++a) s.diffs[j * d + a] = double(x[a]) - centres(Eigen::Index(j), Eigen::Index(a));
            }
            accumulate_row(L, s.values.data(), double(data.weight(i)), s, sums);
        });
    };
    const Matrix<double> origin = Matrix<double>::Zero(Eigen::Index(k), Eigen::Index(d));
    const std::vector<double> first = pass(origin);
    Matrix<double> means(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (std::size_t j = 0; j < k; ++j) {
        const double nk = first[L.nk() + j] + 10 * std::numeric_limits<double>::epsilon();
        for (std::size_t a = 0; a < d; ++a) means(Eigen::Index(j), Eigen::Index(a)) = first[L.first() + j * d + a] / nk;
    }
    return m_step(L, pass(means), means, reg_covar, /*normalise_weights=*/false, total_weight(data));
}

/// The parameters of k components each holding one sample alone (k-means++ seeds, or random
/// samples): those samples as means, reg_covar as covariances, weights 1 / n each (scikit-learn's
/// one-hot responsibilities on those samples).
template <Float F>
Components from_seeds(const Matrix<F>& seeds, CovarianceType type, double reg_covar, double n_weight) {
    const std::size_t k = std::size_t(seeds.rows()), d = std::size_t(seeds.cols());
    const double nk = 1 + 10 * std::numeric_limits<double>::epsilon();
    Components c;
    c.type = type;
    c.k = k;
    c.d = d;
    c.weights.assign(k, nk / n_weight);
    c.means = seeds.template cast<double>() / nk;
    c.covariances = Matrix<double>::Zero(Eigen::Index(shaped_rows(type, k, d)), Eigen::Index(shaped_cols(type, d)));
    if (type == CovarianceType::Full || type == CovarianceType::Tied) {
        for (Eigen::Index r = 0; r < c.covariances.rows(); ++r) c.covariances(r, r % Eigen::Index(d)) = reg_covar;
    } else {
        c.covariances.setConstant(reg_covar);
    }
    compute_precisions_chol(c, reg_covar);
    return c;
}

/// Replaces the factors of `c` by those of the precisions given (in the type's shape): for
/// full and tied, the upper-triangular P with P P^T = precision (the Cholesky factor of the
/// precision with rows and columns reversed) and covariances their inverse; for diag and
/// spherical, square roots and reciprocals.
template <class = void>
void use_precisions(Components& c, const Matrix<double>& precisions) {
    const std::size_t d = c.d;
    const auto D = Eigen::Index(d);
    c.precisions_chol.resize(precisions.rows(), precisions.cols());
    c.covariances.resize(precisions.rows(), precisions.cols());
    if (c.type == CovarianceType::Full || c.type == CovarianceType::Tied) {
        for (Eigen::Index start = 0; start < precisions.rows(); start += D) {
            const Eigen::MatrixXd precision = precisions.block(start, 0, D, D);
            const Eigen::MatrixXd reversed = precision.reverse();
            Eigen::LLT<Eigen::MatrixXd> llt(reversed);  // checked positive definite by check()
            const Eigen::MatrixXd lower = llt.matrixL();
            c.precisions_chol.block(start, 0, D, D) = lower.reverse();
            Eigen::LLT<Eigen::MatrixXd> direct(precision);
            c.covariances.block(start, 0, D, D) = direct.solve(Eigen::MatrixXd::Identity(D, D));
        }
    } else {
        c.precisions_chol = precisions.array().sqrt().matrix();
        c.covariances = precisions.array().inverse().matrix();
    }
}

/// The parameters one EM run starts from (see the file comment). Throws
/// GaussianMixtureInputError when the initial covariances are not positive definite.
template <Float F>
Components initial_components(const GaussianMixtureParams<F>& params, const DatasetView<F>& data, Rng& rng) {
    const std::size_t k = params.n_components(), n = data.n_samples();
    const CovarianceType type = params.covariance_type();
    const double reg = params.reg_covar();
    Components c;
    const bool need_precisions = !params.precisions_init();
    auto from_labels = [&](const Labels& labels) {
        return estimate_from_responsibilities(data, type, k, reg, [&](std::size_t i, double* r) {
            std::fill(r, r + k, 0.0);
            r[labels[Eigen::Index(i)]] = 1;
        });
    };
    const bool all_given = params.weights_init() && params.means_init() && params.precisions_init();
    try {
        // With every parameter given, the responsibilities would be computed and thrown away
        // (scikit-learn runs its K-Means all the same): skip them, same parameters.
        if (!all_given) switch (params.init_method()) {
            case GmmInit::KMeans: {
                auto fitted = KMeans<F>::params_with_rng(k, Rng(rng())).n_runs(1).fit_predict(data);
                c = from_labels(fitted.labels);
                break;
            }
            case GmmInit::KMeansPlusPlus:
                c = from_seeds(kmeans_detail::init_kmeans_plusplus(data, k, rng), type, reg, total_weight(data));
                break;
            case GmmInit::RandomFromData:
                c = from_seeds(kmeans_detail::init_random(data, k, rng), type, reg, total_weight(data));
                break;
            case GmmInit::Random: {
                // n x k uniform responsibilities, normalised per sample (drawn in row order)
                Matrix<double> resp(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
                for (Eigen::Index i = 0; i < resp.rows(); ++i) {
                    for (Eigen::Index j = 0; j < resp.cols(); ++j) resp(i, j) = rng.uniform();
                    resp.row(i) /= resp.row(i).sum();
                }
                c = estimate_from_responsibilities(data, type, k, reg, [&](std::size_t i, double* r) {
                    for (std::size_t j = 0; j < k; ++j) r[j] = resp(Eigen::Index(i), Eigen::Index(j));
                });
                break;
            }
        }
    } catch (const GaussianMixtureInputError&) {
        if (need_precisions || !params.weights_init() || !params.means_init()) throw;  // scikit-learn ignores the initial covariances when precisions are given
    }
    c.type = type;
    c.k = k;
    c.d = data.n_features();
    if (params.weights_init()) c.weights = *params.weights_init();
    if (params.means_init()) c.means = *params.means_init();
    if (params.precisions_init()) use_precisions(c, *params.precisions_init());
    c.derive();
    return c;
}

}  // namespace linfa::clustering::gmm_detail
