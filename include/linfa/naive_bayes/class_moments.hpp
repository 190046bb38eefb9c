// What Gaussian naive Bayes learns from data: the weighted moments of each feature within each
// class, in one pass over the records. Summaries merge (Chan, Golub and LeVeque's update), which
// gives both the parallel reduction (chunk summaries merged in chunk order, so the same result
// bit for bit on any thread count) and `fit_with` (a batch merged into the model). Sums are in
// double for either scalar type.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

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
};

/// What one pass over a batch learns: the weighted moments of each class, and the unweighted
/// moments of all its rows (scikit-learn's epsilon is a share of their largest variance).
struct BatchMoments {
    GroupMoments per_class;  ///< one group per class, rows weighted by their sample weights
    GroupMoments all_rows;   ///< one group: every row, each of weight 1
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

}  // namespace summary_detail

/// The moments of `data`'s classes (`class_of`: each row's class index, below `n_classes`)
/// and of all its rows, in one parallel pass over the records; throws InvalidInput for NaN or
/// infinite records (naming the first) and for records whose squared deviations overflow
/// double.
template <Float F>
BatchMoments batch_moments(const DatasetView<F>& data, std::span<const std::int32_t> class_of, std::size_t n_classes) {
    const std::size_t d = data.n_features();
    const BatchMoments none{GroupMoments::empty(n_classes, d), GroupMoments::empty(1, d)};
    const ChunkPlan plan = plan_chunks(data.n_samples());
    std::vector<BatchMoments> per_chunk(plan.n_chunks, none);
    std::vector<char> non_finite(plan.n_chunks, 0);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        summary_detail::BlockSums block(n_classes + 1, d);
        for (std::size_t first = begin; first < end; first += summary_detail::block_rows) {
            const std::size_t last = std::min(end, first + summary_detail::block_rows);
            if (!summary_detail::add_block(data, class_of, first, last, block, per_chunk[chunk])) {
                non_finite[chunk] = 1;
                return;
            }
        }
    });
    BatchMoments total = none;
    bool saw_non_finite = false;
    for (std::size_t c = 0; c < plan.n_chunks; ++c) {
        saw_non_finite |= non_finite[c] != 0;
        total.per_class.merge(per_chunk[c].per_class);
        total.all_rows.merge(per_chunk[c].all_rows);
    }
    if (saw_non_finite) require_finite<F>(data.records(), "records");
    if (saw_non_finite || !total.per_class.all_finite() || !total.all_rows.all_finite()) {
        throw InvalidInput("records span too wide a range: their squared deviations overflow double "
                           "(magnitudes up to about 1e150 are supported)");
    }
    return total;
}

}  // namespace linfa::naive_bayes
