// Lloyd's iteration on sparse (CSR) rows, the pass that kmeans_detail::iterate_pass drives
// (run, update, finish), and the convergence tolerance of sparse data. The assignment is
// sparse_assign.hpp's, row by row. The update sums each cluster's rows in row order, one
// cluster per task (the rows sorted by label first), into dense k x d sums: each sum has one
// order whatever the thread count, and there is one k x d accumulator, not one per chunk
// (k x d doubles can be large with text features: 50 x 50,000 is 20 MB).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../../core/parallel.hpp"
#include "../../core/sparse.hpp"
#include "assign.hpp"
#include "errors.hpp"
#include "sparse_assign.hpp"

namespace linfa::clustering::kmeans_detail {

/// Mean of the per-feature variances of sparse records (unweighted, as scikit-learn), times
/// `tolerance`: a pass for the means, then one for the deviations of the stored values (each
/// implicit zero adds mean^2), in row order.
template <Float F, SparseIndex I>
double scaled_tolerance(const SparseDatasetView<F, I>& data, double tolerance) {
    const CsrView<F, I>& x = data.records();
    const std::size_t n = x.rows(), d = x.cols();
    std::vector<double> mean(d, 0.0), squares(d, 0.0);
    std::vector<std::size_t> stored(d, 0);
    for (std::size_t e = 0; e < x.nnz(); ++e) mean[std::size_t(x.indices()[e])] += double(x.data()[e]);
    for (double& m : mean) m /= double(n);
    for (std::size_t e = 0; e < x.nnz(); ++e) {
        const auto f = std::size_t(x.indices()[e]);
        const double deviation = double(x.data()[e]) - mean[f];
        squares[f] = multiply_add(deviation, deviation, squares[f]);
        ++stored[f];
    }
    double variance_sum = 0;
    for (std::size_t f = 0; f < d; ++f) variance_sum += multiply_add(double(n - stored[f]) * mean[f], mean[f], squares[f]) / double(n);
    if (!std::isfinite(variance_sum)) {
        throw KMeansInputError("KMeans: records span too wide a range: squared deviations overflow double "
                               "(values up to about 1e150 in magnitude are supported)");
    }
    return tolerance * variance_sum / double(d);
}

/// The update step on sparse rows: the weighted mean of each cluster, its rows summed in row
/// order, one cluster per task; an empty cluster takes the positive-weight row farthest from
/// its centroid (ClusterSums' rule), which leaves its own cluster. Shared by the Lloyd and
/// Hamerly passes, so that the same labels give the same centroids bit for bit.
template <Float F, SparseIndex I>
class SparseUpdate {
public:
    SparseUpdate(const SparseDatasetView<F, I>& data, std::size_t n_clusters)
        : data_(data), k_(n_clusters), d_(data.n_features()), sums_(k_ * d_) {}

    /// The centroids after `previous` for `labels`. `distances()` returns each row's squared
    /// distance to its centroid in the pass that gave the labels; it is called only when a
    /// cluster is empty.
    template <class Distances>
    Matrix<F> centroids(const Matrix<F>& previous, const std::int32_t* labels, Distances&& distances) {
        const std::vector<std::size_t> order = rows_by_cluster(labels);
        std::vector<double> weights(k_, 0.0);
        std::fill(sums_.begin(), sums_.end(), 0.0);
        for_each_chunk(plan_chunks(k_, 1, k_), [&](std::size_t, std::size_t first, std::size_t last) {
            for (std::size_t j = first; j < last; ++j) {
                for (std::size_t r = starts_[j]; r < starts_[j + 1]; ++r) {
                    const std::size_t i = order[r];
                    const double w = double(data_.weight(i));
                    weights[j] += w;
                    add_row(j, i, w);
                }
            }
        });
        Matrix<F> next = previous;
        if (std::any_of(weights.begin(), weights.end(), [](double w) { return !(w > 0); })) {
            relocate_empty(labels, distances(), weights, next);
        }
        for (std::size_t j = 0; j < k_; ++j) {
            if (!(weights[j] > 0)) continue;  // kept as set above
            for (std::size_t f = 0; f < d_; ++f) next(Eigen::Index(j), Eigen::Index(f)) = F(sums_[j * d_ + f] / weights[j]);
        }
        return next;
    }

private:
    /// The rows of each cluster, in row order: cluster j's are order[starts_[j] .. starts_[j + 1]).
    std::vector<std::size_t> rows_by_cluster(const std::int32_t* labels) {
        const std::size_t n = data_.n_samples();
        starts_.assign(k_ + 1, 0);
        for (std::size_t i = 0; i < n; ++i) ++starts_[std::size_t(labels[i]) + 1];
        for (std::size_t j = 0; j < k_; ++j) starts_[j + 1] += starts_[j];
        std::vector<std::size_t> order(n), next(starts_.begin(), starts_.end() - 1);
        for (std::size_t i = 0; i < n; ++i) order[next[std::size_t(labels[i])]++] = i;
        return order;
    }

    /// sums_[j] += w x row i (a negative w takes it out again).
    void add_row(std::size_t j, std::size_t i, double w) {
        const auto x = data_.records().row(i);
        double* sum = sums_.data() + j * d_;
        for (std::size_t e = 0; e < x.indices.size(); ++e) {
            double& s = sum[std::size_t(x.indices[e])];
            s = multiply_add(w, double(x.values[e]), s);
        }
    }

    void relocate_empty(const std::int32_t* labels, const std::vector<double>& distances, std::vector<double>& weights,
                        Matrix<F>& next) {
        std::vector<std::size_t> empty;
        for (std::size_t j = 0; j < k_; ++j)
            if (!(weights[j] > 0)) empty.push_back(j);
        const std::vector<std::size_t> far = farthest_rows(empty.size(), distances);
        for (std::size_t e = 0; e < far.size(); ++e) {
            const std::size_t i = far[e], j = empty[e];
            const auto from = std::size_t(labels[i]);
            const double w = double(data_.weight(i));
            add_row(from, i, -w);
            add_row(j, i, w);
            weights[from] -= w;
            weights[j] = w;
            next.row(Eigen::Index(j)).setZero();
            const auto x = data_.records().row(i);
            for (std::size_t v = 0; v < x.indices.size(); ++v) next(Eigen::Index(j), Eigen::Index(x.indices[v])) = x.values[v];
        }
    }

    /// Up to `count` positive-weight rows, farthest from their centroid first (ties: the lower
    /// row).
    std::vector<std::size_t> farthest_rows(std::size_t count, const std::vector<double>& distances) const {
        std::vector<std::size_t> rows;
        for (std::size_t i = 0; i < data_.n_samples(); ++i)
            if (data_.weight(i) > 0) rows.push_back(i);
        count = std::min(count, rows.size());
        std::partial_sort(rows.begin(), rows.begin() + std::ptrdiff_t(count), rows.end(), [&](std::size_t a, std::size_t b) {
            return distances[a] > distances[b] || (distances[a] == distances[b] && a < b);
        });
        rows.resize(count);
        return rows;
    }

    SparseDatasetView<F, I> data_;
    std::size_t k_, d_;
    std::vector<double> sums_;         // k x d weighted sums
    std::vector<std::size_t> starts_;  // k + 1 offsets into rows_by_cluster's order
};

/// One Lloyd iteration over sparse rows: assignment (labels, each row's distance to its
/// centroid), then the update from the labels.
template <Float F, SparseIndex I>
class SparseLloydPass {
public:
    using Stats = PassStats;  ///< what `run` reports

    SparseLloydPass(const SparseDatasetView<F, I>& data, std::size_t n_clusters)
        : data_(data),
          norms_(row_squared_norms(data.records())),
          distances_(data.n_samples()),
          previous_(data.n_samples()),
          update_(data, n_clusters) {}

    /// Assigns every row to its nearest centroid, updating `labels`.
    Stats run(const Matrix<F>& centroids, std::int32_t* labels) {
        const std::size_t n = data_.n_samples();
        std::copy(labels, labels + n, previous_.begin());
        Stats stats;
        stats.inertia = sparse_assign(data_, SparseCentroids<F>(centroids), norms_, labels, distances_.data());
        for (std::size_t i = 0; i < n; ++i) stats.n_changed += previous_[i] != labels[i];
        return stats;
    }

    /// The update step (SparseUpdate), relocating from the distances of the last run.
    Matrix<F> update(const Matrix<F>& previous, const std::int32_t* labels) {
        return update_.centroids(previous, labels, [&]() -> const std::vector<double>& { return distances_; });
    }

    /// After the last update: the labels of the final centroids and their inertia (that of
    /// the last pass when it changed nothing and the update moved nothing).
    double finish(const Matrix<F>& centroids, std::int32_t* labels, const Stats* settled) {
        if (settled) return settled->inertia;
        return sparse_assign(data_, SparseCentroids<F>(centroids), norms_, labels);
    }

private:
    SparseDatasetView<F, I> data_;
    std::vector<double> norms_;           // ||x_i||^2, once per fit
    std::vector<double> distances_;       // each row's squared distance to its centroid, last pass
    std::vector<std::int32_t> previous_;  // the labels before the last pass
    SparseUpdate<F, I> update_;
};

}  // namespace linfa::clustering::kmeans_detail
