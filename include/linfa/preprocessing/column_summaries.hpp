// What the scalers learn from data, per column, in one pass over the records: weighted moments
// (StandardScaler) and extremes (MinMaxScaler, MaxAbsScaler). Each summary merges with another
// one, which gives both the parallel reduction (chunk summaries merged in chunk order, so the
// same result bit for bit on any thread count and any number of processes: see
// core/chunk_summaries.hpp) and `fit_with` (a batch merged into the model). Sums are in double
// for either scalar type.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../core/chunk_summaries.hpp"
#include "../core/chunked_rows.hpp"
#include "../core/dataset.hpp"
#include "../core/parallel.hpp"
#include "../core/sparse.hpp"
#include "../core/validation.hpp"
#include "errors.hpp"

namespace linfa::preprocessing {

/// Weighted moments of each column: the rows seen, their total weight, the weighted mean and
/// the weighted sum of squared deviations from it (`m2`; the variance is m2 / weight).
struct ColumnMoments {
    std::uint64_t rows = 0;  ///< rows seen (weighted or not)
    double weight = 0;       ///< total weight (`rows` when unweighted)
    Eigen::VectorXd mean;    ///< weighted mean of each column
    Eigen::VectorXd m2;      ///< weighted sum of squared deviations from the mean

    /// No rows yet, `d` columns.
    static ColumnMoments empty(std::size_t d) {
        return {0, 0.0, Eigen::VectorXd::Zero(Eigen::Index(d)), Eigen::VectorXd::Zero(Eigen::Index(d))};
    }

    /// The weighted variance of each column (divided by the total weight, as numpy's var).
    Eigen::VectorXd variance() const {
        return weight > 0 ? Eigen::VectorXd(m2 / weight) : Eigen::VectorXd::Zero(m2.size());
    }

    /// As a ChunkSummary (core/chunk_summaries.hpp): rows, weight, then each column's mean
    /// and m2, as doubles (rows exact below 2^53).
    std::size_t width() const { return 2 + 2 * std::size_t(mean.size()); }
    void write(double* out) const {  ///< Writes it as width() doubles.
        out[0] = double(rows), out[1] = weight;
        std::copy_n(mean.data(), mean.size(), out + 2);
        std::copy_n(m2.data(), m2.size(), out + 2 + mean.size());
    }
    void read(const double* in) {  ///< Sets it (same columns) from what write() wrote.
        rows = std::uint64_t(in[0]), weight = in[1];
        std::copy_n(in + 2, mean.size(), mean.data());
        std::copy_n(in + 2 + mean.size(), m2.size(), m2.data());
    }
    void merge(const ColumnMoments& other) { *this = merged(other); }  ///< merged(), in place.

    /// The moments of these rows and `other`'s together (Chan, Golub and LeVeque's update:
    /// no sums of squares of raw values, so no cancellation when the mean is large).
    ColumnMoments merged(const ColumnMoments& other) const {
        ColumnMoments out = weight > 0 ? *this : other;  // either side may have no weight yet
        if (weight > 0 && other.weight > 0) {
            const double total = weight + other.weight;
            const Eigen::VectorXd delta = other.mean - mean;
            out.weight = total;
            out.mean = mean + delta * (other.weight / total);
            out.m2 = m2 + other.m2 + delta.cwiseAbs2() * (weight * other.weight / total);
        }
        out.rows = rows + other.rows;
        return out;
    }
};

/// The smallest and largest value of each column.
struct ColumnExtremes {
    std::uint64_t rows = 0;  ///< rows seen
    Eigen::VectorXd min;     ///< smallest value of each column (+inf before any row)
    Eigen::VectorXd max;     ///< largest value of each column (-inf before any row)

    /// No rows yet, `d` columns.
    static ColumnExtremes empty(std::size_t d) {
        const double inf = std::numeric_limits<double>::infinity();
        return {0, Eigen::VectorXd::Constant(Eigen::Index(d), inf), Eigen::VectorXd::Constant(Eigen::Index(d), -inf)};
    }

    /// As a ChunkSummary (core/chunk_summaries.hpp): rows, then each column's min and max.
    std::size_t width() const { return 1 + 2 * std::size_t(min.size()); }
    void write(double* out) const {  ///< Writes it as width() doubles.
        out[0] = double(rows);
        std::copy_n(min.data(), min.size(), out + 1);
        std::copy_n(max.data(), max.size(), out + 1 + min.size());
    }
    void read(const double* in) {  ///< Sets it (same columns) from what write() wrote.
        rows = std::uint64_t(in[0]);
        std::copy_n(in + 1, min.size(), min.data());
        std::copy_n(in + 1 + min.size(), max.size(), max.data());
    }
    void merge(const ColumnExtremes& other) { *this = merged(other); }  ///< merged(), in place.

    /// The extremes of these rows and `other`'s together.
    ColumnExtremes merged(const ColumnExtremes& other) const {
        return {rows + other.rows, min.cwiseMin(other.min), max.cwiseMax(other.max)};
    }

    /// The largest magnitude of each column.
    Eigen::VectorXd max_abs() const { return min.cwiseAbs().cwiseMax(max.cwiseAbs()); }
};

namespace summary_detail {

/// Rows summed at a time inside a chunk: small enough to stay in cache for the second look
/// at them (the deviations from the block's mean), so the data are read from memory once.
inline constexpr std::size_t block_rows = 256;

/// The weighted moments of rows [begin, end) of `data`, and whether a block's sums were not
/// finite (then the moments are incomplete).
template <Float F>
bool chunk_moments(const DatasetView<F>& data, std::size_t begin, std::size_t end, ColumnMoments& out) {
    const std::size_t d = data.n_features();
    std::vector<double> sum(d), squares(d);
    for (std::size_t first = begin; first < end; first += block_rows) {
        const std::size_t last = std::min(end, first + block_rows);
        // Sums of deviations from the block's first row: small sums, exact for constant
        // features (whose mean is then their value, not a rounded sum divided).
        const F* shift = data.records().data() + first * d;
        std::fill(sum.begin(), sum.end(), 0.0);
        double weight = 0;
        for (std::size_t i = first; i < last; ++i) {
            const double w = double(data.weight(i));
            const F* x = data.records().data() + i * d;
            for (std::size_t j = 0; j < d; ++j) sum[j] += w * (double(x[j]) - double(shift[j]));
            weight += w;
        }
        // NaN or infinity anywhere in the block makes a sum NaN or infinite (0 * inf is
        // NaN, so rows of weight 0 are checked too).
        bool finite = true;
        for (std::size_t j = 0; j < d; ++j) finite &= std::isfinite(sum[j]);
        if (!finite) return false;
        ColumnMoments block = ColumnMoments::empty(d);
        block.rows = last - first;
        if (weight > 0) {
            for (std::size_t j = 0; j < d; ++j) block.mean[Eigen::Index(j)] = double(shift[j]) + sum[j] / weight;
            std::fill(squares.begin(), squares.end(), 0.0);
            const double* mean = block.mean.data();
            for (std::size_t i = first; i < last; ++i) {
                const double w = double(data.weight(i));
                const F* x = data.records().data() + i * d;
                for (std::size_t j = 0; j < d; ++j) {
                    const double deviation = double(x[j]) - mean[j];
                    squares[j] += w * deviation * deviation;
                }
            }
            block.weight = weight;
            block.m2 = Eigen::Map<const Eigen::VectorXd>(squares.data(), Eigen::Index(d));
        }
        out = out.merged(block);
    }
    return true;
}

/// The extremes of rows [begin, end) of `data`, and whether they are all finite.
template <Float F>
bool chunk_extremes(const DatasetView<F>& data, std::size_t begin, std::size_t end, ColumnExtremes& out) {
    const std::size_t d = data.n_features();
    std::vector<F> low(d, std::numeric_limits<F>::infinity()), high(d, -std::numeric_limits<F>::infinity());
    std::vector<F> poison(d, F(0));  // x * 0 is NaN exactly for NaN and infinite x
    for (std::size_t i = begin; i < end; ++i) {
        const F* x = data.records().data() + i * d;
        for (std::size_t j = 0; j < d; ++j) {
            low[j] = x[j] < low[j] ? x[j] : low[j];
            high[j] = x[j] > high[j] ? x[j] : high[j];
            poison[j] += x[j] * F(0);
        }
    }
    out.rows = end - begin;
    for (std::size_t j = 0; j < d; ++j) out.min[Eigen::Index(j)] = double(low[j]), out.max[Eigen::Index(j)] = double(high[j]);
    bool finite = true;
    for (std::size_t j = 0; j < d; ++j) finite &= poison[j] == F(0);
    return finite;
}

}  // namespace summary_detail

/// The checks every scaler's `fit_with` makes before summarising `batch`: at least one sample
/// and one feature, valid weights (or none, unless `weighted`), and the feature count of the
/// model being updated (`model_features`, if any). `who` names the scaler in the message.
/// Finiteness is left to the summary's pass.
template <class Data>
void require_batch(const Data& batch, const char* who, bool weighted, std::optional<std::size_t> model_features) {
    const std::string name(who);
    if (batch.n_samples() == 0) throw ScalerInputError(name + ": need at least 1 sample, found 0");
    if (!weighted && batch.has_weights()) throw ScalerInputError(name + ": sample weights are not supported");
    if (batch.n_features() == 0) throw InvalidInput("records have zero features; need at least one");
    require_valid_weights(batch.weights());
    if (model_features && *model_features != batch.n_features()) {
        throw ScalerInputError(name + ": the batch has " + std::to_string(batch.n_features()) + " features, the model " +
                               std::to_string(*model_features));
    }
}

/// The weighted moments of the columns of `rows` (core/chunked_rows.hpp: this process's rows,
/// or every rank's), in one pass; throws InvalidInput for NaN or infinite records (the
/// finiteness check rides on the same pass) and for records whose squared deviations overflow
/// double. The same bit for bit on any thread count and any number of processes.
template <Float F, ChunkedRows<F> Rows>
ColumnMoments column_moments_of(const Rows& rows) {
    auto total = summarised_chunks<F>(rows, ColumnMoments::empty(rows.n_features()), summary_detail::chunk_moments<F>);
    if (!total.mean.allFinite() || !total.m2.allFinite()) throw_overflow();
    return total;
}

/// column_moments_of this process's rows.
template <Float F>
ColumnMoments column_moments(const DatasetView<F>& data) {
    return column_moments_of<F>(LocalChunks<F>{data});
}

/// The extremes of the columns of `rows` (this process's, or every rank's), in one pass;
/// throws InvalidInput for NaN or infinite records (the finiteness check rides on the pass).
template <Float F, ChunkedRows<F> Rows>
ColumnExtremes column_extremes_of(const Rows& rows) {
    return summarised_chunks<F>(rows, ColumnExtremes::empty(rows.n_features()), summary_detail::chunk_extremes<F>);
}

/// column_extremes_of this process's rows.
template <Float F>
ColumnExtremes column_extremes(const DatasetView<F>& data) {
    return column_extremes_of<F>(LocalChunks<F>{data});
}

/// The weighted moments of sparse records' columns, the values not stored counting as zeros:
/// the means (from sums of deviations from each column's first stored value, so a constant
/// column's mean is its value exactly, as on dense rows), then the squared deviations of the
/// stored values plus mean^2 for the weight of the rows that store nothing in the column. In
/// row order, so the same on any thread count. (A CsrView holds finite values only.) Throws
/// InvalidInput when the squared deviations overflow double.
template <Float F, SparseIndex I>
ColumnMoments column_moments(const SparseDatasetView<F, I>& data) {
    const std::size_t d = data.n_features();
    const CsrView<F, I>& x = data.records();
    ColumnMoments out = ColumnMoments::empty(d);
    out.rows = data.n_samples();
    std::vector<double> stored_weight(d, 0.0), shift(d, 0.0), shifted_sum(d, 0.0);
    std::vector<char> seen(d, 0);
    for (std::size_t i = 0; i < x.rows(); ++i) {
        const double w = double(data.weight(i));
        out.weight += w;
        const auto row = x.row(i);
        for (std::size_t e = 0; e < row.indices.size(); ++e) {
            const auto j = std::size_t(row.indices[e]);
            if (!seen[j]) seen[j] = 1, shift[j] = double(row.values[e]);
            shifted_sum[j] = multiply_add(w, double(row.values[e]) - shift[j], shifted_sum[j]);
            stored_weight[j] += w;
        }
    }
    if (!(out.weight > 0)) return out;
    for (std::size_t j = 0; j < d; ++j) {  // the rows not storing j hold 0: a deviation of -shift
        const double sum = multiply_add(-(out.weight - stored_weight[j]), shift[j], shifted_sum[j]);
        out.mean[Eigen::Index(j)] = shift[j] + sum / out.weight;
    }
    for (std::size_t i = 0; i < x.rows(); ++i) {
        const double w = double(data.weight(i));
        const auto row = x.row(i);
        for (std::size_t e = 0; e < row.indices.size(); ++e) {
            const auto j = Eigen::Index(row.indices[e]);
            const double deviation = double(row.values[e]) - out.mean[j];
            out.m2[j] = multiply_add(w * deviation, deviation, out.m2[j]);
        }
    }
    for (Eigen::Index j = 0; j < out.m2.size(); ++j) {
        out.m2[j] = multiply_add((out.weight - stored_weight[std::size_t(j)]) * out.mean[j], out.mean[j], out.m2[j]);
    }
    if (!out.mean.allFinite() || !out.m2.allFinite()) throw_overflow();
    return out;
}

/// The extremes of sparse records' columns, the values not stored counting as zeros.
template <Float F, SparseIndex I>
ColumnExtremes column_extremes(const SparseDatasetView<F, I>& data) {
    const std::size_t d = data.n_features();
    const CsrView<F, I>& x = data.records();
    ColumnExtremes out = ColumnExtremes::empty(d);
    out.rows = data.n_samples();
    std::vector<std::size_t> stored(d, 0);
    for (std::size_t e = 0; e < x.nnz(); ++e) {
        const auto j = Eigen::Index(x.indices()[e]);
        out.min[j] = std::min(out.min[j], double(x.data()[e]));
        out.max[j] = std::max(out.max[j], double(x.data()[e]));
        ++stored[std::size_t(j)];
    }
    for (std::size_t j = 0; j < d; ++j) {
        if (stored[j] == x.rows()) continue;  // every row stores the column: no implicit zero
        out.min[Eigen::Index(j)] = std::min(out.min[Eigen::Index(j)], 0.0);
        out.max[Eigen::Index(j)] = std::max(out.max[Eigen::Index(j)], 0.0);
    }
    return out;
}

}  // namespace linfa::preprocessing
