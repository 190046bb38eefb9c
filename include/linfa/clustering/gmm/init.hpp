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
#include "../../core/chunked_rows.hpp"
#include "components.hpp"
#include "params.hpp"

namespace linfa::clustering::gmm_detail {

/// Total sample weight of the rows (n when unweighted): per chunk of `plan`, added in chunk
/// order over every process's chunks.
template <Float F, ChunkedRows<F> Rows>
double total_weight(const Rows& rows, const ChunkPlan& plan) {
    const HeldChunks<F> held = rows.held(plan);
    PerChunk<double> partial(held.plan.n_chunks, 1);
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        double sum = 0;
        for (std::size_t i = begin; i < end; ++i) sum += double(held.view.weight(i));
        partial[chunk][0] = sum;
    });
    return rows.total(partial, 1)[0];
}

/// The parameters implied by responsibilities `resp(i, r)` (k values for row i of the chunks
/// of the passes' plan, plan_sums, held here), as scikit-learn's _estimate_gaussian_parameters
/// with weights nk / n: one pass for the means, one for the covariances about them.
template <Float F, ChunkedRows<F> Rows, class Resp>
Components estimate_from_responsibilities(const Rows& rows, CovarianceType type, std::size_t k, double reg_covar, Resp&& resp) {
    const std::size_t d = rows.n_features();
    const SumsLayout L{type, k, d};
    auto pass = [&](const Matrix<double>& centres) {
        return gather<F>(rows, L, [&](const DatasetView<F>& held, std::size_t i, RowScratch& s, double* sums) {
            const F* x = held.records().data() + i * d;
            resp(i, s.values.data());
            for (std::size_t j = 0; j < k; ++j) {
                for (std::size_t a = 0; a < d; ++a) s.diffs[j * d + a] = double(x[a]) - centres(Eigen::Index(j), Eigen::Index(a));
            }
            accumulate_row(L, s.values.data(), double(held.weight(i)), s, sums);
        });
    };
    const Matrix<double> origin = Matrix<double>::Zero(Eigen::Index(k), Eigen::Index(d));
    const std::vector<double> first = pass(origin);
    Matrix<double> means(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (std::size_t j = 0; j < k; ++j) {
        const double nk = first[L.nk() + j] + 10 * std::numeric_limits<double>::epsilon();
        for (std::size_t a = 0; a < d; ++a) means(Eigen::Index(j), Eigen::Index(a)) = first[L.first() + j * d + a] / nk;
    }
    const double n_weight = total_weight<F>(rows, plan_sums(rows.n_samples(), L.size()));
    return m_step(L, pass(means), means, reg_covar, /*normalise_weights=*/false, n_weight);
}

/// Uniform responsibilities of rows [begin, end) of n, normalised per row: k draws for every
/// row in row order (those outside the range drawn too, so that the stream is the one a
/// single process draws), kept for the rows in the range.
inline Matrix<double> uniform_responsibilities(std::size_t n, std::size_t k, std::size_t begin, std::size_t end, Rng& rng) {
    Matrix<double> resp(static_cast<Eigen::Index>(end - begin), static_cast<Eigen::Index>(k));
    for (std::size_t i = 0; i < n; ++i) {
        if (i < begin || i >= end) {
            for (std::size_t j = 0; j < k; ++j) (void)rng.uniform();
            continue;
        }
        const auto row = Eigen::Index(i - begin);
        for (Eigen::Index j = 0; j < resp.cols(); ++j) resp(row, j) = rng.uniform();
        resp.row(row) /= resp.row(row).sum();
    }
    return resp;
}

/// The K-Means fit behind GmmInit::KMeans: one run, seeded from the caller's Rng.
template <Float F>
KMeansValidParams<F> kmeans_init_params(std::size_t k, Rng& rng) {
    return KMeans<F>::params_with_rng(k, Rng(rng())).n_runs(1).check();
}

/// The seeding policy of initial_components over the rows of this process (LocalChunks):
/// the contract a seeding policy meets, distributed::ShardSeeds being the other model.
template <Float F>
struct LocalSeeds {
    const DatasetView<F>& data;  ///< every row

    /// The labels of `params`' K-Means fit on every row, for the rows of `plan`'s chunks held
    /// here (all of them).
    Labels kmeans_labels(const KMeansValidParams<F>& params, const ChunkPlan& /*plan*/) const { return params.fit_predict(data).labels; }
    /// k-means++ seeds over every row.
    Matrix<F> kmeans_plusplus(std::size_t k, Rng& rng) const { return kmeans_detail::init_kmeans_plusplus(data, k, rng); }
    /// k rows drawn as kmeans_detail::init_random draws them.
    Matrix<F> random_rows(std::size_t k, Rng& rng) const { return kmeans_detail::init_random(data, k, rng); }
    /// Uniform responsibilities (uniform_responsibilities) of the rows of `plan`'s chunks held here.
    Matrix<double> uniform_responsibilities(const ChunkPlan& /*plan*/, std::size_t k, Rng& rng) const {
        return gmm_detail::uniform_responsibilities(data.n_samples(), k, 0, data.n_samples(), rng);
    }
};

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

/// The parameters one EM run starts from (see the file comment), over `rows` (ChunkedRows),
/// the draws that need rows made by `seeds` (LocalSeeds' contract). Throws
/// GaussianMixtureInputError when the initial covariances are not positive definite.
template <Float F, ChunkedRows<F> Rows, class Seeds>
Components initial_components(const GaussianMixtureParams<F>& params, const Rows& rows, const Seeds& seeds, Rng& rng) {
    const std::size_t k = params.n_components(), d = rows.n_features();
    const CovarianceType type = params.covariance_type();
    const double reg = params.reg_covar();
    const ChunkPlan plan = plan_sums(rows.n_samples(), SumsLayout{type, k, d}.size());  // the passes' plan
    Components c;
    const bool need_precisions = !params.precisions_init();
    auto from_seeds_of = [&](const Matrix<F>& seeds_rows) { return from_seeds(seeds_rows, type, reg, total_weight<F>(rows, plan)); };
    const bool all_given = params.weights_init() && params.means_init() && params.precisions_init();
    try {
        // With every parameter given, the responsibilities would be computed and thrown away
        // (scikit-learn runs its K-Means all the same): skip them, same parameters.
        if (!all_given) switch (params.init_method()) {
            case GmmInit::KMeans: {
                const Labels labels = seeds.kmeans_labels(kmeans_init_params<F>(k, rng), plan);
                c = estimate_from_responsibilities<F>(rows, type, k, reg, [&](std::size_t i, double* r) {
                    std::fill(r, r + k, 0.0);
                    r[labels[Eigen::Index(i)]] = 1;
                });
                break;
            }
            case GmmInit::KMeansPlusPlus: c = from_seeds_of(seeds.kmeans_plusplus(k, rng)); break;
            case GmmInit::RandomFromData: c = from_seeds_of(seeds.random_rows(k, rng)); break;
            case GmmInit::Random: {
                const Matrix<double> resp = seeds.uniform_responsibilities(plan, k, rng);
                c = estimate_from_responsibilities<F>(rows, type, k, reg, [&](std::size_t i, double* r) {
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
    c.d = d;
    if (params.weights_init()) c.weights = *params.weights_init();
    if (params.means_init()) c.means = *params.means_init();
    if (params.precisions_init()) use_precisions(c, *params.precisions_init());
    c.derive();
    return c;
}

}  // namespace linfa::clustering::gmm_detail
