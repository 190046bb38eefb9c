// Mini-batch K-Means on rows spread over the ranks of a Communicator: the model
// MiniBatchKMeansValidParams::fit gives on the same rows in the same global order with the
// same parameters, bit for bit, for any number of ranks, threads per rank and shard sizes.
//
// How: the single-process fit (MiniBatchKMeansFitter) runs unchanged on every rank, over
// DistributedRows instead of a DatasetView. Every rank draws the same batch rows (global
// indices) from the same Rng; the ranks that hold them send them, with their weights, to every
// rank in one all-gather per step; every rank then takes the single-process step on the same
// batch, and so the same decisions (reassignments, early stopping) without further messages.
// The initialisation subsets travel the same way (an initialisation on all the rows runs the
// distributed k-means++, k-means|| or random picks). The final labels and inertia are one pass
// over each rank's own rows, whose per-chunk inertias are added in chunk order.
//
// The steps are replicated, not divided: a batch (1024 rows by default) is too small to split
// and its rows would have to travel anyway. What the ranks share is the data, which no rank
// holds whole, and the final pass. Each rank holds a label for every row during the fit
// (4 bytes a row), then keeps its own.
#pragma once

#include <span>
#include <vector>

#include "../clustering/kmeans.hpp"
#include "communicator.hpp"
#include "kmeans.hpp"
#include "kmeans_init.hpp"
#include "shard.hpp"

namespace linfa::distributed::kmeans_shard_detail {

/// A batch of DistributedRows drawn by global index (the Rows of MiniBatchParts): every rank
/// gets the same rows and weights, in draw order.
template <Float F, Communicator C>
struct GatheredShardRows : clustering::kmeans_detail::GatheredRows<F> {
    void gather(const DistributedRows<F, C>& data, const std::vector<std::size_t>& rows) {
        // Weights only when the rows carry them, as one process gathers them.
        this->records = gather_rows(data.comm, data.local, data.first_row, rows, data.weighted ? &this->weights : nullptr);
    }
};

/// assign_with_inertia over the ranks: this rank's rows' labels go to `labels` at their global
/// index (the other rows' are left as they are); the weighted inertia of every row, added in
/// chunk order.
template <Float F, Communicator C>
double assign_with_inertia(const DistributedRows<F, C>& rows, const Matrix<F>& centroids, std::int32_t* labels) {
    using namespace clustering::kmeans_detail;
    const auto per_chunk = assign_chunks<F, true>(rows.local, centroids, labels + rows.first_row, rows.chunks);
    return chunk_order_total(all_gather_joined(rows.comm, std::span<const double>(per_chunk)));
}

}  // namespace linfa::distributed::kmeans_shard_detail

namespace linfa::clustering::kmeans_detail {

/// How the mini-batch fit draws batches from DistributedRows and sums them: gathered to every
/// rank, then the single-process sums.
template <Float F, distributed::Communicator C>
struct MiniBatchParts<distributed::kmeans_shard_detail::DistributedRows<F, C>> {
    using Rows = distributed::kmeans_shard_detail::GatheredShardRows<F, C>;
    using Sums = BatchSums<F>;
};

}  // namespace linfa::clustering::kmeans_detail

namespace linfa::distributed {

/// Mini-batch K-Means fitted on the rows every rank of `comm` holds (`data`: this rank's rows,
/// which follow the rows of lower ranks in the global order). Every rank returns the same
/// model, the one MiniBatchKMeansValidParams::fit_predict gives on all the rows in one
/// process; `labels` are this rank's rows'. Collective: every rank must call it, with the same
/// parameters (an `on_step` hook runs on every rank). Dense rows only.
template <Float F, Communicator C>
clustering::KMeansWithLabels<F> fit_predict(const clustering::MiniBatchKMeansValidParams<F>& params, const C& comm,
                                            const DatasetView<F>& data) {
    using namespace clustering;
    const auto& p = params.params();
    const kmeans_shard_detail::ClusteringShard<F, C> shard(comm, data, "MiniBatchKMeans",
                                                           [&](const auto& all) {
        kmeans_detail::require_clusterable_shape("MiniBatchKMeans", p, all.n_samples(), all.n_features());
    });
    const kmeans_shard_detail::DistributedRows<F, C> rows = shard.rows();
    auto fitted = MiniBatchKMeansFitter<F>::fit(p, rows);
    fitted.labels = shard.as_given(fitted.labels.data() + rows.first_row);  // this rank's, of every row's
    return fitted;
}

/// `fit_predict` without the labels.
template <Float F, Communicator C>
clustering::KMeans<F> fit(const clustering::MiniBatchKMeansValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    return fit_predict(params, comm, data).model;
}

}  // namespace linfa::distributed
