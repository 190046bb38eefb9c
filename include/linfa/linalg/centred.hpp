// What least-squares fits (LinearRegression, Ridge) and PCA need from the data, in one or two
// passes and never more memory than a few p x p matrices (p = features + targets):
//   - weighted column means of the records and targets (the centring of fit_intercept);
//   - the centred, weighted Gram matrix of [X | Y]: Z^T Z with Z = sqrt(w) ([X | Y] - mean),
//     which holds X^T X, X^T Y and Y^T Y of the centred problem (normal equations: fast, and
//     accurate when X is well conditioned);
//   - or the R factor of Z by a tall-skinny QR (TSQR: a QR per chunk, then one of the stacked
//     R factors), which solves ill-conditioned and rank-deficient problems to full accuracy
//     (the singular values of X are those of R).
// Every pass runs over the fixed chunks of core/parallel.hpp and combines per-chunk results
// in chunk order, so the outcome is the same bit for bit on any thread count. Products and
// sums are in double for either scalar type: the normal equations square the condition
// number, which float products (rounding ~1e-7) would turn into visible coefficient errors.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Core>
#include <Eigen/QR>

#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/parallel.hpp"

namespace linfa::linalg {

/// A row-major matrix of double.
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A column vector of double.
using VectorD = Eigen::VectorXd;

/// Rows multiplied at a time when forming the Gram matrix: big enough for an efficient rank
/// update, small enough for the block of centred rows to stay in cache.
inline constexpr std::size_t gram_block_rows = 512;

/// A chunk plan whose per-chunk p x p partial results stay within about 64 MiB in all.
inline ChunkPlan plan_for_width(std::size_t n_rows, std::size_t p) {
    const std::size_t per_chunk = std::max<std::size_t>(1, p * p * sizeof(double));
    const std::size_t max_chunks = std::clamp<std::size_t>((std::size_t(64) << 20) / per_chunk, 2, 64);
    return plan_chunks(n_rows, 4096, max_chunks);
}

/// The centring of a weighted least-squares problem: means of the records and of the
/// targets (zero when there is no intercept to fit), and the total weight.
struct Centring {
    /// Weighted column means of the records (n_features values); zeros when no intercept is
    /// fitted.
    VectorD x_mean, y_mean;
    /** \var linfa::linalg::Centring::y_mean
    Weighted column means of the targets (n_targets values; none without targets); zeros when
    no intercept is fitted. */
    /// Sum of the sample weights (n_samples when unweighted).
    double total_weight = 0;
};

/// Throws InvalidInput when centred sums overflowed double: finite records or targets of
/// magnitudes past about 1e150, whose squares summed over rows are infinite.
inline void require_finite_moments(bool finite) {
    if (!finite) {
        throw InvalidInput("records or targets span too wide a range: their squared deviations overflow double "
                           "(magnitudes up to about 1e150 are supported)");
    }
}

/// Per chunk of `plan`: the weighted sums of each column of the records and, when
/// `with_targets`, of the targets, then the total weight (d + t + 1 values per chunk).
template <Float F>
PerChunk<double> weighted_sums(const DatasetView<F>& data, bool with_targets, const ChunkPlan& plan) {
    const std::size_t d = data.n_features(), t = with_targets ? data.n_targets() : 0;
    PerChunk<double> partial(plan.n_chunks, d + t + 1);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        double* sums = partial[chunk];
        for (std::size_t i = begin; i < end; ++i) {
            const double w = double(data.weight(i));
            const F* x = data.records().data() + i * d;
            for (std::size_t j = 0; j < d; ++j) sums[j] += w * double(x[j]);
            if (t != 0) {
                const F* y = data.targets().data() + i * t;
                for (std::size_t j = 0; j < t; ++j) sums[d + j] += w * double(y[j]);
            }
            sums[d + t] += w;
        }
    });
    return partial;
}

/// The centring from the totals of weighted_sums over every chunk (d + t + 1 values).
inline Centring centring_from_sums(const std::vector<double>& totals, std::size_t d, std::size_t t, bool fit_intercept) {
    Centring c{VectorD::Zero(Eigen::Index(d)), VectorD::Zero(Eigen::Index(t)), 0.0};
    c.total_weight = totals[d + t];
    if (!fit_intercept) return c;
    for (std::size_t j = 0; j < d; ++j) c.x_mean[Eigen::Index(j)] = totals[j] / c.total_weight;
    for (std::size_t j = 0; j < t; ++j) c.y_mean[Eigen::Index(j)] = totals[d + j] / c.total_weight;
    return c;
}

/// Column means of the records and, when `with_targets`, of the continuous targets, weighted
/// by the sample weights; zeros when `fit_intercept` is false.
template <Float F>
Centring weighted_means(const DatasetView<F>& data, bool with_targets, bool fit_intercept) {
    const std::size_t d = data.n_features(), t = with_targets ? data.n_targets() : 0;
    const ChunkPlan plan = plan_chunks(data.n_samples());
    const PerChunk<double> partial = weighted_sums(data, with_targets, plan);
    std::vector<double> totals(d + t + 1, 0.0);
    reduce_in_chunk_order(partial, d + t + 1, totals.data());
    return centring_from_sums(totals, d, t, fit_intercept);
}

/// Per chunk of `plan`: the sum of its squared centred, weighted records (one value), whose
/// total over the chunks is the trace of the centred Gram matrix of X, without forming it.
template <Float F>
PerChunk<double> squared_deviation_sums(const DatasetView<F>& data, const Centring& c, const ChunkPlan& plan) {
    const std::size_t d = data.n_features();
    PerChunk<double> partial(plan.n_chunks, 1);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        double sum = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const F* x = data.records().data() + i * d;
            double row = 0;
            for (std::size_t j = 0; j < d; ++j) {
                const double e = double(x[j]) - c.x_mean[Eigen::Index(j)];
                row += e * e;
            }
            sum += double(data.weight(i)) * row;
        }
        partial[chunk][0] = sum;
    });
    return partial;
}

/// Rows [begin, begin + rows) of Z = sqrt(w) ([X | Y] - mean), as G (float or double).
template <class G, Float F>
void centred_block(const DatasetView<F>& data, bool with_targets, const Centring& c, std::size_t begin,
                   std::size_t rows, Eigen::Matrix<G, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& z) {
    const std::size_t d = data.n_features(), t = with_targets ? data.n_targets() : 0;
    z.resize(Eigen::Index(rows), Eigen::Index(d + t));
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t i = begin + r;
        const double scale = std::sqrt(double(data.weight(i)));
        const F* x = data.records().data() + i * d;
        G* out = z.data() + r * (d + t);
        for (std::size_t j = 0; j < d; ++j) out[j] = G(scale * (double(x[j]) - c.x_mean[Eigen::Index(j)]));
        if (t == 0) continue;
        const F* y = data.targets().data() + i * t;
        for (std::size_t j = 0; j < t; ++j) out[d + j] = G(scale * (double(y[j]) - c.y_mean[Eigen::Index(j)]));
    }
}

/// Per chunk of `plan`: the upper triangle of its rows' share of Z^T Z (p x p per chunk).
template <Float F>
PerChunk<double> gram_partials(const DatasetView<F>& data, bool with_targets, const Centring& c, const ChunkPlan& plan) {
    const std::size_t p = data.n_features() + (with_targets ? data.n_targets() : 0);
    PerChunk<double> partial(plan.n_chunks, p * p);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        Eigen::Map<MatrixD> gram(partial[chunk], Eigen::Index(p), Eigen::Index(p));
        MatrixD z;
        for (std::size_t b = begin; b < end; b += gram_block_rows) {
            centred_block<double>(data, with_targets, c, b, std::min(gram_block_rows, end - b), z);
            // A symmetric rank update (SYRK): half the work of a full product, and Eigen
            // never splits it over threads, so its rounding is fixed.
            gram.template selfadjointView<Eigen::Upper>().rankUpdate(z.transpose());
        }
    });
    return partial;
}

/// The Gram matrix from the upper triangle of the chunks' total: both triangles, checked finite.
inline MatrixD symmetric_gram(MatrixD total) {
    total.template triangularView<Eigen::StrictlyLower>() = total.transpose();
    require_finite_moments(total.allFinite());
    return total;
}

/// The Gram matrix Z^T Z (p x p, both triangles) of the centred, weighted [X | Y].
template <Float F>
MatrixD centred_gram(const DatasetView<F>& data, bool with_targets, const Centring& c) {
    const std::size_t p = data.n_features() + (with_targets ? data.n_targets() : 0);
    const ChunkPlan plan = plan_for_width(data.n_samples(), p);
    const PerChunk<double> partial = gram_partials(data, with_targets, c, plan);
    MatrixD total = MatrixD::Zero(Eigen::Index(p), Eigen::Index(p));
    reduce_in_chunk_order(partial, p * p, total.data());
    return symmetric_gram(std::move(total));
}

/// The upper-triangular R of a QR decomposition of `z` (min(rows, cols) x cols).
template <class Tall>  // a template, so that only the callers that use it instantiate the QR
MatrixD upper_factor(const Tall& z) {
    const Eigen::Index r = std::min(z.rows(), z.cols());
    const Eigen::HouseholderQR<MatrixD> qr(z);
    return qr.matrixQR().topRows(r).template triangularView<Eigen::Upper>();
}

/// The chunks of TSQR over n rows: at most ~16k rows each, so each thread holds one chunk of
/// Z in double.
inline ChunkPlan tsqr_plan(std::size_t n) { return plan_chunks(n, 4096, std::max<std::size_t>(64, n / 16384 + 1)); }

/// Per chunk of `plan`: the R factor of its rows of Z (TSQR's first level).
template <Float F>
std::vector<MatrixD> chunk_factors(const DatasetView<F>& data, bool with_targets, const Centring& c, const ChunkPlan& plan) {
    std::vector<MatrixD> factors(plan.n_chunks);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MatrixD z;
        centred_block<double>(data, with_targets, c, begin, end - begin, z);
        factors[chunk] = upper_factor(z);
    });
    return factors;
}

/// TSQR's second level: the R factor of the chunks' factors stacked in chunk order, checked finite.
inline MatrixD stacked_factor(const std::vector<MatrixD>& factors, std::size_t p) {
    Eigen::Index rows = 0;
    for (const auto& r : factors) rows += r.rows();
    MatrixD stacked(rows, Eigen::Index(p));
    rows = 0;
    for (const auto& r : factors) stacked.middleRows(rows, r.rows()) = r, rows += r.rows();
    MatrixD factor = upper_factor(stacked);
    require_finite_moments(factor.allFinite());
    return factor;
}

/// The R factor (at most p x p, upper triangular) of the centred, weighted [X | Y] by TSQR,
/// in double: accurate where the Gram matrix squares the condition number.
template <Float F>
MatrixD centred_r_factor(const DatasetView<F>& data, bool with_targets, const Centring& c) {
    const std::size_t p = data.n_features() + (with_targets ? data.n_targets() : 0);
    return stacked_factor(chunk_factors(data, with_targets, c, tsqr_plan(data.n_samples())), p);
}

/// What a least-squares fit needs from the rows of [X | Y], computed over the rows of one
/// process. A Moments type offers n_samples(), n_features(), n_targets(), centring(bool
/// fit_intercept), gram(const Centring&) (centred_gram) and r_factor(const Centring&)
/// (centred_r_factor); distributed fits supply one over rows spread across processes.
template <Float F>
struct LocalMoments {
    const DatasetView<F>& data;  ///< the rows, with continuous targets

    /// Rows.
    std::size_t n_samples() const { return data.n_samples(); }
    /// Features per row.
    std::size_t n_features() const { return data.n_features(); }
    /// Targets per row.
    std::size_t n_targets() const { return data.n_targets(); }
    /// weighted_means of records and targets.
    Centring centring(bool fit_intercept) const { return weighted_means(data, true, fit_intercept); }
    /// centred_gram of records and targets.
    MatrixD gram(const Centring& c) const { return centred_gram(data, true, c); }
    /// centred_r_factor of records and targets.
    MatrixD r_factor(const Centring& c) const { return centred_r_factor(data, true, c); }
};

}  // namespace linfa::linalg
