// The parameters of a Gaussian mixture (weights, means, covariances and the Cholesky factors of
// the precisions) and the row kernels that every pass over data shares: the weighted
// log-probability of a sample under each component (the E-step, predict, score), the
// log-sum-exp that turns them into responsibilities, and the sums the M-step gathers.
//
// Everything is computed in double, also for float records (each value is widened as it is
// read): the log-likelihoods of far samples and the sums of squared deviations need the range.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include <Eigen/Cholesky>

#include "../../core/chunked_rows.hpp"
#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/validation.hpp"
#include "errors.hpp"
#include "params.hpp"

namespace linfa::clustering::gmm_detail {

/// A mixture's parameters, in double, covariances and factors in the type's shape (see
/// CovarianceType). Full and tied factors P are upper triangular with P P^T the precision, as
/// scikit-learn's `precisions_cholesky_`.
struct Components {
    CovarianceType type = CovarianceType::Full;
    std::size_t k = 0, d = 0;
    std::vector<double> weights;     ///< k, summing to 1 after an M-step
    Matrix<double> means;            ///< k x d
    Matrix<double> covariances;      ///< the type's shape
    Matrix<double> precisions_chol;  ///< the type's shape
    std::vector<double> log_det;     ///< k: log det of each component's factor
    std::vector<double> log_weights; ///< k

    /// Recomputes log_det and log_weights from the factors and weights.
    void derive() {
        log_det.assign(k, 0.0);
        log_weights.assign(k, 0.0);
        for (std::size_t j = 0; j < k; ++j) {
            log_weights[j] = std::log(weights[j]);
            double sum = 0;
            switch (type) {
                case CovarianceType::Full:
                    for (std::size_t a = 0; a < d; ++a) sum += std::log(precisions_chol(Eigen::Index(j * d + a), Eigen::Index(a)));
                    break;
                case CovarianceType::Tied:
                    for (std::size_t a = 0; a < d; ++a) sum += std::log(precisions_chol(Eigen::Index(a), Eigen::Index(a)));
                    break;
                case CovarianceType::Diag:
                    for (std::size_t a = 0; a < d; ++a) sum += std::log(precisions_chol(Eigen::Index(j), Eigen::Index(a)));
                    break;
                case CovarianceType::Spherical:
                    sum = double(d) * std::log(precisions_chol(Eigen::Index(j), 0));
                    break;
            }
            log_det[j] = sum;
        }
    }

    /// The d x d factor (full: component j's; tied: the shared one), row-major.
    const double* factor(std::size_t j) const {
        return precisions_chol.data() + (type == CovarianceType::Full ? j * d * d : 0);
    }
};

/// Row scratch: the k x d deviations x - mean_j and d factor products.
struct RowScratch {
    std::vector<double> diffs, y, values;
    RowScratch(std::size_t k, std::size_t d) : diffs(k * d), y(d), values(k) {}
};

/// log(weight_j) + log N(x | mean_j, covariance_j) for every component j into `out` (k values),
/// leaving x - mean_j in `s.diffs`.
template <Float F>
void weighted_log_prob(const Components& c, const F* x, RowScratch& s, double* out) {
    const std::size_t k = c.k, d = c.d;
    const double constant = double(d) * std::log(2 * std::numbers::pi);
    for (std::size_t j = 0; j < k; ++j) {
        const double* mu = c.means.data() + j * d;
        double* diff = s.diffs.data() + j * d;
        for (std::size_t a = 0; a < d; ++a) diff[a] = double(x[a]) - mu[a];
        double sq = 0;
        switch (c.type) {
            case CovarianceType::Full:
            case CovarianceType::Tied: {
                // y = P^T diff, P upper triangular: row a of P adds diff[a] * P(a, b) to y[b >= a]
                const double* p = c.factor(j);
                double* y = s.y.data();
                std::fill(y, y + d, 0.0);
                for (std::size_t a = 0; a < d; ++a) {
                    const double da = diff[a];
                    const double* row = p + a * d;
                    for (std::size_t b = a; b < d; ++b) y[b] += da * row[b];
                }
                for (std::size_t b = 0; b < d; ++b) sq += y[b] * y[b];
                break;
            }
            case CovarianceType::Diag: {
                const double* p = c.precisions_chol.data() + j * d;
                for (std::size_t a = 0; a < d; ++a) {
                    const double t = diff[a] * p[a];
                    sq += t * t;
                }
                break;
            }
            case CovarianceType::Spherical: {
                const double p = c.precisions_chol(Eigen::Index(j), 0);
                for (std::size_t a = 0; a < d; ++a) sq += diff[a] * diff[a];
                sq *= p * p;
                break;
            }
        }
        out[j] = -0.5 * (constant + sq) + c.log_det[j] + c.log_weights[j];
    }
}

/// log sum_j exp(values[j]), with the largest term factored out (no overflow or underflow for
/// far samples); -infinity when every value is.
inline double log_sum_exp(const double* values, std::size_t k) {
    const double top = *std::max_element(values, values + k);
    if (!std::isfinite(top)) return top;
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += std::exp(values[j] - top);
    return top + std::log(sum);
}

/// Where the M-step sums of k components of d features sit in one block of doubles:
/// [log-likelihood sum, weight sum, nk (k), first moments (k x d), second moments].
/// Moments are about the centres the pass deviates from (the current means), so that they do
/// not cancel for data far from the origin. Full and tied keep d x d (upper triangle filled)
/// per component; diag and spherical d per component.
struct SumsLayout {
    CovarianceType type;
    std::size_t k, d;
    bool square() const { return type == CovarianceType::Full || type == CovarianceType::Tied; }
    std::size_t nk() const { return 2; }
    std::size_t first() const { return 2 + k; }
    std::size_t second() const { return first() + k * d; }
    std::size_t size() const { return second() + k * d * (square() ? d : 1); }
};

/// Adds one sample of weight w with responsibilities r (k) and deviations s.diffs to `sums`.
/// Zero responsibilities are skipped (they would add exact zeros).
inline void accumulate_row(const SumsLayout& L, const double* r, double w, const RowScratch& s, double* sums) {
    const std::size_t k = L.k, d = L.d;
    for (std::size_t j = 0; j < k; ++j) {
        const double rw = r[j] * w;
        if (rw == 0) continue;
        const double* diff = s.diffs.data() + j * d;
        sums[L.nk() + j] += rw;
        double* first = sums + L.first() + j * d;
        if (L.square()) {
            double* second = sums + L.second() + j * d * d;
            for (std::size_t a = 0; a < d; ++a) {
                const double t = rw * diff[a];
                first[a] += t;
                double* row = second + a * d;
                for (std::size_t b = a; b < d; ++b) row[b] += t * diff[b];
            }
        } else {
            double* second = sums + L.second() + j * d;
            for (std::size_t a = 0; a < d; ++a) {
                const double t = rw * diff[a];
                first[a] += t;
                second[a] += t * diff[a];
            }
        }
    }
}

/// The chunk plan of a pass gathering `per_chunk` doubles of sums per chunk: at most 64
/// chunks, fewer when their partial sums would pass 256 MiB (depends on the problem size only).
inline ChunkPlan plan_sums(std::size_t n, std::size_t per_chunk) {
    const std::size_t budget = std::size_t(1) << 25;
    return plan_chunks(n, 4096, std::clamp<std::size_t>(budget / std::max<std::size_t>(per_chunk, 1), 1, 64));
}

/// One pass over the rows: `row(held, i, scratch, partial)` for every row i of the chunks of
/// plan_sums held here (`held`: those rows), each chunk into its own block of sums, combined
/// in chunk order over every process's chunks (the same on any thread and process count).
template <Float F, ChunkedRows<F> Rows, class Row>
std::vector<double> gather(const Rows& rows, const SumsLayout& L, Row&& row) {
    const HeldChunks<F> held = rows.held(plan_sums(rows.n_samples(), L.size()));
    PerChunk<double> partial(held.plan.n_chunks, L.size());
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        RowScratch scratch(L.k, L.d);
        double* sums = partial[chunk];
        for (std::size_t i = begin; i < end; ++i) row(held.view, i, scratch, sums);
    });
    return rows.total(partial, L.size());
}

/// The error of a covariance that is not positive definite, naming the component (scikit-learn's
/// message first, so that code matching it still does).
inline GaussianMixtureInputError not_positive_definite(const std::string& which, double reg_covar) {
    return GaussianMixtureInputError(
        "Fitting the mixture model failed because some components have ill-defined empirical covariance "
        "(for instance caused by singleton or collapsed samples). Try to decrease the number of components, "
        "or increase reg_covar. (GaussianMixture: the covariance of " + which +
        " is not positive definite even with reg_covar = " + short_number(reg_covar) + ")");
}

/// Sets the factors of the precisions from `c.covariances` (scikit-learn's
/// _compute_precision_cholesky): P = L^-T for the Cholesky factor L of each covariance, or
/// 1 / sqrt of each variance. Throws GaussianMixtureInputError naming the first component
/// whose covariance is not positive definite.
template <class = void>
void compute_precisions_chol(Components& c, double reg_covar) {
    const std::size_t k = c.k, d = c.d;
    const auto D = Eigen::Index(d);
    c.precisions_chol.resize(c.covariances.rows(), c.covariances.cols());
    if (c.type == CovarianceType::Full || c.type == CovarianceType::Tied) {
        const std::size_t blocks = c.type == CovarianceType::Full ? k : 1;
        for (std::size_t j = 0; j < blocks; ++j) {
            const Eigen::MatrixXd cov = c.covariances.block(Eigen::Index(j * d), 0, D, D);
            Eigen::LLT<Eigen::MatrixXd> llt(cov);
            if (llt.info() != Eigen::Success) {
                throw not_positive_definite(c.type == CovarianceType::Full ? "component " + std::to_string(j) : "the tied components", reg_covar);
            }
            const Eigen::MatrixXd inverse_l = llt.matrixL().solve(Eigen::MatrixXd::Identity(D, D));
            c.precisions_chol.block(Eigen::Index(j * d), 0, D, D) = inverse_l.transpose();
        }
    } else {
        for (Eigen::Index j = 0; j < c.covariances.rows(); ++j) {
            for (Eigen::Index a = 0; a < c.covariances.cols(); ++a) {
                const double v = c.covariances(j, a);
                if (!(v > 0)) throw not_positive_definite("component " + std::to_string(j), reg_covar);
                c.precisions_chol(j, a) = 1.0 / std::sqrt(v);
            }
        }
    }
}

/// The M-step from gathered sums about `centres` (the means the deviations were taken from):
/// weights nk / sum nk (nk with scikit-learn's 10 eps), means, covariances plus reg_covar, and
/// the factors of the precisions. `normalise_weights` false keeps nk / n (scikit-learn's
/// initialisation). Throws as compute_precisions_chol.
template <class = void>
Components m_step(const SumsLayout& L, const std::vector<double>& sums, const Matrix<double>& centres, double reg_covar,
                  bool normalise_weights, double n_weight) {
    const std::size_t k = L.k, d = L.d;
    Components c;
    c.type = L.type;
    c.k = k;
    c.d = d;
    c.weights.resize(k);
    c.means.resize(Eigen::Index(k), Eigen::Index(d));
    c.covariances.resize(Eigen::Index(shaped_rows(L.type, k, d)), Eigen::Index(shaped_cols(L.type, d)));
    c.covariances.setZero();
    std::vector<double> nk(k), shift(d);
    double nk_total = 0;
    for (std::size_t j = 0; j < k; ++j) nk_total += nk[j] = sums[L.nk() + j] + 10 * std::numeric_limits<double>::epsilon();
    for (std::size_t j = 0; j < k; ++j) {
        c.weights[j] = nk[j] / (normalise_weights ? nk_total : n_weight);
        const double* first = sums.data() + L.first() + j * d;
        for (std::size_t a = 0; a < d; ++a) {
            shift[a] = first[a] / nk[j];
            c.means(Eigen::Index(j), Eigen::Index(a)) = centres(Eigen::Index(j), Eigen::Index(a)) + shift[a];
        }
        if (L.square()) {
            // about the new means: (S - nk shift shift^T) / nk
            const double* second = sums.data() + L.second() + j * d * d;
            const bool full = L.type == CovarianceType::Full;
            const std::size_t row0 = full ? j * d : 0;
            for (std::size_t a = 0; a < d; ++a) {
                for (std::size_t b = a; b < d; ++b) {
                    const double centred = second[a * d + b] - nk[j] * shift[a] * shift[b];
                    double& upper = c.covariances(Eigen::Index(row0 + a), Eigen::Index(b));
                    upper += full ? centred / nk[j] : centred;
                }
            }
        } else {
            const double* second = sums.data() + L.second() + j * d;
            double mean_variance = 0;
            for (std::size_t a = 0; a < d; ++a) {
                const double v = second[a] / nk[j] - shift[a] * shift[a] + reg_covar;
                if (L.type == CovarianceType::Diag) c.covariances(Eigen::Index(j), Eigen::Index(a)) = v;
                mean_variance += v;
            }
            if (L.type == CovarianceType::Spherical) c.covariances(Eigen::Index(j), 0) = mean_variance / double(d);
        }
    }
    if (L.square()) {
        const std::size_t blocks = L.type == CovarianceType::Full ? k : 1;
        for (std::size_t j = 0; j < blocks; ++j) {
            for (std::size_t a = 0; a < d; ++a) {
                const auto r = Eigen::Index(j * d + a);
                if (L.type == CovarianceType::Tied) {
                    for (std::size_t b = a; b < d; ++b) c.covariances(r, Eigen::Index(b)) /= nk_total;
                }
                c.covariances(r, Eigen::Index(a)) += reg_covar;
                for (std::size_t b = a + 1; b < d; ++b) {
                    c.covariances(Eigen::Index(j * d + b), Eigen::Index(a)) = c.covariances(r, Eigen::Index(b));
                }
            }
        }
    }
    compute_precisions_chol(c, reg_covar);
    c.derive();
    return c;
}

}  // namespace linfa::clustering::gmm_detail
