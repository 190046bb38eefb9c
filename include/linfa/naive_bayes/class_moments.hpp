// What Gaussian naive Bayes learns from data: the weighted moments of each feature within each
// class, in one pass over the records. Summaries merge (Chan, Golub and LeVeque's update), which
// gives both the parallel reduction (chunk summaries merged in chunk order, so the same result
// bit for bit on any thread count and any number of processes: core/chunk_summaries.hpp) and
// `fit_with` (a batch merged into the model). Sums are in double for either scalar type.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "../core/chunk_summaries.hpp"
#include "../core/chunked_rows.hpp"
#include "../core/dataset.hpp"
#include "../core/parallel.hpp"
#include "../core/validation.hpp"

namespace linfa::naive_bayes {

/// Weighted moments of each feature within each of several groups of samples (the classes):
/// per group its total weight, per group and feature the weighted mean and the weighted sum of
/// squared deviations from it (`m2`; the variance is m2 / weight).
struct GroupMoments {
    Eigen::VectorXd weight;  ///< total weight of each group (0: no sample yet)
    Matrix<double> mean;     ///< groups x features: the weighted mean (0 for an empty group)
    Matrix<double> m2;       ///< groups x features: the weighted sum of squared deviations

    /// `groups` groups of `d` features, no sample yet.
    static GroupMoments empty(std::size_t groups, std::size_t d) {
        const auto k = Eigen::Index(groups), n = Eigen::Index(d);
        return {Eigen::VectorXd::Zero(k), Matrix<double>::Zero(k, n), Matrix<double>::Zero(k, n)};
    }

    /// Number of groups.
    std::size_t n_groups() const { return std::size_t(weight.size()); }
    /// Number of features.
    std::size_t n_features() const { return std::size_t(mean.cols()); }

    /// The weighted variance of each group and feature (divided by the group's weight; 0 for a
    /// group without weight).
    Matrix<double> variance() const {
        Matrix<double> var = Matrix<double>::Zero(mean.rows(), mean.cols());
        for (Eigen::Index g = 0; g < var.rows(); ++g) {
            if (weight[g] > 0) var.row(g) = m2.row(g) / weight[g];
        }
        return var;
    }

    /// Merges into group `g` the moments of other samples: their total weight `w`, and their
    /// means and sums of squared deviations (one per feature). No sums of raw squares, so no
    /// cancellation when a mean is large.
    void merge_group(std::size_t g, double w, const double* other_mean, const double* other_m2) {
        if (!(w > 0)) return;
        const auto row = Eigen::Index(g);
        const double past = weight[row], total = past + w;
        double* mu = mean.row(row).data();
        double* ssd = m2.row(row).data();
        const std::size_t d = n_features();
        if (past > 0) {
            const double share = w / total, cross = past * w / total;
            for (std::size_t j = 0; j < d; ++j) {
                const double delta = other_mean[j] - mu[j];
                mu[j] += delta * share;
                ssd[j] += other_m2[j] + delta * delta * cross;
            }
        } else {
            std::copy(other_mean, other_mean + d, mu);
            std::copy(other_m2, other_m2 + d, ssd);
        }
        weight[row] = total;
    }

    /// Merges every group of `other` (same groups and features) into this one.
    void merge(const GroupMoments& other) {
        for (std::size_t g = 0; g < n_groups(); ++g) {
            const auto row = Eigen::Index(g);
            merge_group(g, other.weight[row], other.mean.row(row).data(), other.m2.row(row).data());
        }
    }

    /// Whether every mean and sum of squares is finite.
    bool all_finite() const { return mean.allFinite() && m2.allFinite(); }

    /// How many doubles write() writes: each group's weight, then its means and m2.
    std::size_t width() const { return std::size_t(weight.size() + mean.size() + m2.size()); }
    /// Writes the moments as width() doubles (exactly).
    void write(double* out) const {
        out = std::copy_n(weight.data(), weight.size(), out);
        out = std::copy_n(mean.data(), mean.size(), out);
        std::copy_n(m2.data(), m2.size(), out);
    }
    /// Sets the moments (of the same shape) from what write() wrote.
    void read(const double* in) {
        std::copy_n(in, weight.size(), weight.data());
        std::copy_n(in += weight.size(), mean.size(), mean.data());
        std::copy_n(in += mean.size(), m2.size(), m2.data());
    }
};

/// What one pass over a batch learns: the weighted moments of each class, and the unweighted
/// moments of all its rows (scikit-learn's epsilon is a share of their largest variance).
struct BatchMoments {
    GroupMoments per_class;  ///< one group per class, rows weighted by their sample weights
    GroupMoments all_rows;   ///< one group: every row, each of weight 1

    /// As a ChunkSummary (core/chunk_summaries.hpp): the classes' moments, then all rows'.
    std::size_t width() const { return per_class.width() + all_rows.width(); }
    void write(double* out) const {  ///< Writes them as width() doubles.
        per_class.write(out);
        all_rows.write(out + per_class.width());
    }
    void read(const double* in) {  ///< Sets them (same shape) from what write() wrote.
        per_class.read(in);
        all_rows.read(in + per_class.width());
    }
    void merge(const BatchMoments& other) {  ///< Merges other's classes and rows into these.
        per_class.merge(other.per_class);
        all_rows.merge(other.all_rows);
    }
};

namespace summary_detail {

/// Rows summed at a time inside a chunk: small enough to stay in cache for the second look at
/// them (the deviations from the block's means), so the data are read from memory once.
inline constexpr std::size_t block_rows = 256;

/// Sums of one block of rows per group (the classes, then all rows as the last group).
struct BlockSums {
    std::vector<double> weight, sum, squares, mean;

    BlockSums(std::size_t groups, std::size_t d) : weight(groups), sum(groups * d), squares(groups * d), mean(groups * d) {}
    void clear() {
        std::fill(weight.begin(), weight.end(), 0.0);
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(squares.begin(), squares.end(), 0.0);
    }
};

/// Adds rows [first, last) to `chunk`; returns false when a record is NaN or infinite (the
/// unweighted sums of deviations then are: the check rides on the pass).
template <Float F>
bool add_block(const DatasetView<F>& data, std::span<const std::int32_t> class_of, std::size_t first, std::size_t last,
               BlockSums& block, BatchMoments& chunk) {
    const std::size_t d = data.n_features(), k = chunk.per_class.n_groups();
    const F* records = data.records().data();
    // Deviations from the block's first row: small sums, and exact means for constant features.
    const F* shift = records + first * d;
    block.clear();
    double* all_sum = block.sum.data() + k * d;
    for (std::size_t i = first; i < last; ++i) {
        const F* x = records + i * d;
        const std::size_t c = std::size_t(class_of[i]);
        const double w = double(data.weight(i));
        double* class_sum = block.sum.data() + c * d;
        for (std::size_t j = 0; j < d; ++j) {
            const double deviation = double(x[j]) - double(shift[j]);
            class_sum[j] += w * deviation;
            all_sum[j] += deviation;
        }
        block.weight[c] += w;
    }
    block.weight[k] = double(last - first);
    bool finite = true;
    for (std::size_t j = 0; j < d; ++j) finite &= std::isfinite(all_sum[j]);
    if (!finite) return false;
    for (std::size_t g = 0; g <= k; ++g) {
        if (!(block.weight[g] > 0)) continue;
        for (std::size_t j = 0; j < d; ++j) block.mean[g * d + j] = double(shift[j]) + block.sum[g * d + j] / block.weight[g];
    }
    const double* all_mean = block.mean.data() + k * d;
    double* all_squares = block.squares.data() + k * d;
    for (std::size_t i = first; i < last; ++i) {
        const F* x = records + i * d;
        const std::size_t c = std::size_t(class_of[i]);
        const double w = double(data.weight(i));
        const double* class_mean = block.mean.data() + c * d;
        double* class_squares = block.squares.data() + c * d;
        for (std::size_t j = 0; j < d; ++j) {
            const double class_deviation = double(x[j]) - class_mean[j], deviation = double(x[j]) - all_mean[j];
            class_squares[j] += w * class_deviation * class_deviation;
            all_squares[j] += deviation * deviation;
        }
    }
    for (std::size_t c = 0; c < k; ++c) {
        chunk.per_class.merge_group(c, block.weight[c], block.mean.data() + c * d, block.squares.data() + c * d);
    }
    chunk.all_rows.merge_group(0, block.weight[k], all_mean, all_squares);
    return true;
}

/// One chunk's moments (summarised_chunks' summarise): the rows of `begin`..`end` of `data`,
/// each of class class_of[i], block by block; false at the first block with a NaN or infinity.
struct ClassPass {
    std::span<const std::int32_t> class_of;  ///< the class index of each row held here
    std::size_t n_classes;

    template <Float F>
    bool operator()(const DatasetView<F>& data, std::size_t begin, std::size_t end, BatchMoments& chunk) const {
        BlockSums block(n_classes + 1, data.n_features());
        for (std::size_t first = begin; first < end; first += block_rows) {
            if (!add_block(data, class_of, first, std::min(end, first + block_rows), block, chunk)) return false;
        }
        return true;
    }
};

}  // namespace summary_detail

/// The moments of the classes of `rows` (core/chunked_rows.hpp: this process's rows, or every
/// rank's; `class_of`: the class index of each row held here, below `n_classes`) and of all
/// their rows, in one parallel pass over the records; throws InvalidInput for NaN or infinite
/// records (naming the first) and for records whose squared deviations overflow double. The
/// same bit for bit on any thread count and any number of processes.
template <Float F, ChunkedRows<F> Rows>
BatchMoments batch_moments_of(const Rows& rows, std::span<const std::int32_t> class_of, std::size_t n_classes) {
    const std::size_t d = rows.n_features();
    const BatchMoments none{GroupMoments::empty(n_classes, d), GroupMoments::empty(1, d)};
    BatchMoments total = summarised_chunks<F>(rows, none, summary_detail::ClassPass{class_of, n_classes});
    if (!total.per_class.all_finite() || !total.all_rows.all_finite()) throw_overflow();
    return total;
}

/// batch_moments_of this process's rows.
template <Float F>
BatchMoments batch_moments(const DatasetView<F>& data, std::span<const std::int32_t> class_of, std::size_t n_classes) {
    return batch_moments_of<F>(LocalChunks<F>{data}, class_of, n_classes);
}

}  // namespace linfa::naive_bayes
