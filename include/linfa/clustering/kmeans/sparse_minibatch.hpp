// The parts of a mini-batch step (minibatch.hpp) for sparse (CSR) records: a batch gathered
// into an owning CSR matrix, and its per-cluster sums. The assignment is sparse_assign.hpp's;
// the sums are added row by row in batch order into dense k x d sums, so each has one order
// whatever the thread count. Each step touches the k x d sums once (cleared, then read by the
// update), as scikit-learn's sparse mini-batch step touches every centre it moves.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "../../core/sparse.hpp"
#include "sparse_assign.hpp"
#include "sparse_init.hpp"

namespace linfa::clustering::kmeans_detail {

/// Rows of a sparse dataset copied into an owning CSR matrix (a batch drawn by index).
template <Float F, SparseIndex I>
struct SparseGatheredRows {
    std::optional<CsrMatrix<F, I>> records;  ///< empty before the first gather
    std::vector<F> weights;                  ///< empty when the source is unweighted

    /// Copies `rows` of `data` (and their weights).
    void gather(const SparseDatasetView<F, I>& data, const std::vector<std::size_t>& rows) {
        records.emplace(sparse_rows(data, rows));
        weights.clear();
        if (data.has_weights()) {
            for (std::size_t i : rows) weights.push_back(data.weight(i));
        }
    }
    /// The gathered rows as a dataset.
    SparseDatasetView<F, I> view() const { return {records->view(), std::span<const F>(weights.data(), weights.size())}; }
};

/// Per-cluster weighted sums of a sparse batch, as BatchSums for dense ones.
template <Float F, SparseIndex I>
class SparseBatchSums {
public:
    SparseBatchSums(std::size_t n_clusters, std::size_t n_features) : k_(n_clusters), d_(n_features) {}

    /// Assigns every row of `batch` to its nearest centroid and sums, per cluster, the
    /// weighted rows and the weights. Returns the weighted inertia of the assignment.
    double run(const SparseDatasetView<F, I>& batch, const Matrix<F>& centroids) {
        const std::size_t n = batch.n_samples();
        labels_.resize(n);
        const double inertia =
            sparse_assign(batch, SparseCentroids<F>(centroids), row_squared_norms(batch.records()), labels_.data());
        sums_.assign(k_ * d_, 0.0);
        weights_.assign(k_, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto j = std::size_t(labels_[i]);
            const double w = double(batch.weight(i));
            weights_[j] += w;
            const auto x = batch.records().row(i);
            double* sum = sums_.data() + j * d_;
            for (std::size_t e = 0; e < x.indices.size(); ++e) {
                double& s = sum[std::size_t(x.indices[e])];
                s = multiply_add(w, double(x.values[e]), s);
            }
        }
        return inertia;
    }

    /// Batch weight of cluster j (after `run`).
    double weight(std::size_t j) const { return weights_[j]; }
    /// The d weighted sums of cluster j (after `run`).
    const double* sum(std::size_t j) const { return sums_.data() + j * d_; }

private:
    std::size_t k_, d_;
    std::vector<std::int32_t> labels_;
    std::vector<double> sums_, weights_;
};

/// The labels of every sparse row and their weighted inertia (the end of a mini-batch fit).
template <Float F, SparseIndex I>
double assign_with_inertia(const SparseDatasetView<F, I>& data, const Matrix<F>& centroids, std::int32_t* labels) {
    return sparse_assign(data, SparseCentroids<F>(centroids), row_squared_norms(data.records()), labels);
}

}  // namespace linfa::clustering::kmeans_detail
