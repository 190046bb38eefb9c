// K-Means on rows spread over the ranks of a Communicator: the model one process fits on the
// same rows in the same global order with the same parameters, bit for bit, for any number
// of ranks, threads per rank and shard sizes.
//
// How: the rows are moved once so that every rank holds whole chunks of the plan one process
// would use (shard.hpp). Each rank runs the single-process pass over its chunks (LloydPass
// over a window), then one all-gather per iteration brings every chunk's accumulators and
// statistics to every rank, which adds them in chunk order: the same additions, in the same
// order, as one process. Every rank thus computes the same centroids and takes the same
// decisions (convergence, empty clusters) without further messages. An empty cluster costs
// one more all-gather: each rank's farthest candidates, with their rows.
//
// Supported so far: Lloyd's and Hamerly's iterations (Auto as in one process); k-means++,
// k-means||, random and precomputed initialisation; sample weights; any number of runs.
// Other settings are refused with InvalidParams.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../clustering/kmeans.hpp"
#include "chunks.hpp"
#include "communicator.hpp"
#include "kmeans_init.hpp"
#include "shard.hpp"

namespace linfa::distributed {

namespace kmeans_shard_detail {

using clustering::kmeans_detail::PassStats;

/// The pass `Pass` (LloydPass or HamerlyPass) over this rank's chunks, combined with every
/// other rank's (see the top); Hamerly's bounds stay with the rank's rows. What one rank
/// sends per iteration: for each of its chunks, the accumulators (ClusterSums::partial_size()
/// doubles), then the chunk's inertia and changed labels.
template <template <class> class Pass, Float F, Communicator C>
class ShardPass {
public:
    using Stats = PassStats;

    ShardPass(const C& comm, const DatasetView<F>& local, std::size_t k, const ChunkPlan& global,
              const ChunkPlan& local_chunks, std::size_t first_row)
        : comm_(comm), local_(local), d_(local.n_features()), first_row_(first_row), n_chunks_(global.n_chunks),
          pass_(local, k, local_chunks, first_row), stride_(pass_.sums().partial_size() + 2) {}

    Stats run(const Matrix<F>& centroids, std::int32_t* labels) {
        pass_.run(centroids, labels);
        const auto& chunk_stats = pass_.chunk_stats();
        std::vector<double> mine(chunk_stats.size() * stride_);
        for (std::size_t c = 0; c < chunk_stats.size(); ++c) {
            double* out = mine.data() + c * stride_;
            std::copy_n(pass_.sums().partial(c), stride_ - 2, out);
            out[stride_ - 2] = chunk_stats[c].inertia;
            out[stride_ - 1] = double(chunk_stats[c].n_changed);  // exact below 2^53
        }
        chunks_ = all_gather_joined(comm_, std::span<const double>(mine));
        if (chunks_.size() != n_chunks_ * stride_) throw DistributedError("K-Means: the ranks' chunks do not add up to the plan");
        Stats total;
        for (std::size_t c = 0; c < n_chunks_; ++c) {
            const double* chunk = chunks_.data() + c * stride_;
            total += Stats{chunk[stride_ - 2], std::size_t(chunk[stride_ - 1])};
        }
        return total;
    }

    Matrix<F> update(const Matrix<F>& previous, const std::int32_t* labels) {
        const auto& sums = pass_.sums();
        auto totals = sums.combine([&](std::size_t c) { return chunks_.data() + c * stride_; }, n_chunks_);
        Matrix<F> next = previous;
        const auto empty = sums.empty_clusters(totals);
        if (!empty.empty()) {
            const auto far = farthest_everywhere(previous, labels, empty.size());
            for (std::size_t e = 0; e < far.size(); ++e)
                sums.relocate(totals, next, empty[e], far[e].label, far[e].weight, far[e].row.data());
        }
        next = sums.means(totals, std::move(next));
        pass_.moved(previous, next);
        return next;
    }

    double finish(const Matrix<F>& centroids, std::int32_t* labels, const Stats* settled) {
        // Whether chunks are recomputed depends on global state only: every rank agrees.
        const auto per_chunk = pass_.finish_by_chunk(centroids, labels, settled != nullptr);
        if (!per_chunk) return settled->inertia;
        return clustering::kmeans_detail::chunk_order_total(all_gather_joined(comm_, std::span<const double>(*per_chunk)));
    }

private:
    struct Far {
        double distance;
        std::uint64_t global_row;
        std::size_t label;
        double weight;
        std::vector<F> row;
    };

    /// The `count` rows farthest from their centroid over all ranks (ClusterSums' rule: ties
    /// to the lower global row), with what relocating them needs.
    std::vector<Far> farthest_everywhere(const Matrix<F>& centroids, const std::int32_t* labels, std::size_t count) {
        const std::size_t width = 4 + d_;  // distance, global row, label, weight, then the row
        std::vector<double> mine;
        for (const auto& [distance, i] : pass_.sums().farthest_points(centroids, labels, count)) {
            mine.insert(mine.end(), {distance, double(first_row_ + i), double(labels[i]), double(local_.weight(i))});
            append_row(mine, local_, i);
        }
        const auto all = all_gather_joined(comm_, std::span<const double>(mine));
        std::vector<Far> candidates;
        for (std::size_t at = 0; at < all.size(); at += width) {
            Far far{all[at], std::uint64_t(all[at + 1]), std::size_t(all[at + 2]), all[at + 3], std::vector<F>(d_)};
            for (std::size_t f = 0; f < d_; ++f) far.row[f] = F(all[at + 4 + f]);  // exact: F values through double
            candidates.push_back(std::move(far));
        }
        std::sort(candidates.begin(), candidates.end(), [](const Far& a, const Far& b) {
            return a.distance > b.distance || (a.distance == b.distance && a.global_row < b.global_row);
        });
        candidates.resize(std::min(candidates.size(), count));
        return candidates;
    }

    const C& comm_;
    DatasetView<F> local_;
    std::size_t d_, first_row_, n_chunks_;
    Pass<F> pass_;
    std::size_t stride_;
    std::vector<double> chunks_;  // every chunk's record, from the last run
};

/// scaled_tolerance over every rank's chunks: the deviations from global row 0, summed in
/// chunk order. A NaN or infinite entry is named by the rank that holds it.
template <Float F, Communicator C>
double scaled_tolerance(const DistributedRows<F, C>& rows, double tolerance) {
    using namespace clustering::kmeans_detail;
    const DatasetView<F>& local = rows.local;
    const std::size_t d = local.n_features();
    const bool holds_row_0 = rows.first_row == 0 && local.n_samples() > 0;
    const auto x0 = all_gather_joined(rows.comm, holds_row_0 ? std::span<const F>(local.records().data(), d) : std::span<const F>());
    const auto totals = add_in_chunk_order(gather_chunks(rows.comm, deviation_sums(local, x0.data(), rows.chunks), 2 * d), 2 * d);
    if (const auto scaled = tolerance_from_sums(totals, rows.n_samples(), d, tolerance)) return *scaled;
    collectively(rows.comm, [&] {
        try {
            require_finite<F>(local.records(), "records");
        } catch (const InvalidInput& e) {  // name the row as the caller numbers it
            throw InvalidInput(std::string(e.what()) + "; this rank's row 0 is global row " + std::to_string(rows.first_row));
        }
    });
    throw_unsummable(local);  // finite everywhere: the overflow message
}

/// The shape of every rank's rows, as the single-process checks (require_clusterable) read
/// it; the weights are checked on each rank.
template <Float F>
struct AllRows {
    std::size_t n, d;
    std::size_t n_samples() const { return n; }
    std::size_t n_features() const { return d; }
    std::span<const F> weights() const { return {}; }
};

/// The rows of a distributed K-Means fit (Lloyd's, Hamerly's or mini-batch): each rank's weights
/// are checked and the ranks agree on the rows' shape, which `require_shape(AllRows)` checks on
/// every rank before any row moves; then the rows move to whole chunks of the default plan.
template <Float F, Communicator C>
class ClusteringShard {
public:
    /// Collective. `model` names the fit in messages ("KMeans").
    template <class RequireShape>
    ClusteringShard(const C& comm, const DatasetView<F>& data, const std::string& model, RequireShape&& require_shape)
        : agreed_(agreed_rows(comm, data, model, [](const DatasetView<F>& own) { require_valid_weights<F>(as_checked_alone(own).weights()); },
                              true)),
          chunks_(comm, data, agreed_.given, checked(agreed_, require_shape)) {}

    /// Every rank's rows, as the single-process K-Means code reads them.
    DistributedRows<F, C> rows() const { return distributed_rows(chunks_); }

    /// The labels of this rank's rows as held (`held`: rows().local's), back to the rows as
    /// the caller holds them. Collective.
    Labels as_given(const std::int32_t* held) const {
        const auto own = move_rows(chunks_.comm(), held, 1, chunks_.layout(), agreed_.given);
        return Eigen::Map<const Labels>(own.data(), Eigen::Index(own.size()));
    }

private:
    /// The agreed shape, once `require_shape` has passed it.
    template <class RequireShape>
    static const RowShape& checked(const AgreedRows& agreed, RequireShape& require_shape) {
        require_shape(AllRows<F>{agreed.given.total(), agreed.shape.features});
        return agreed.shape;
    }

    AgreedRows agreed_;
    ShardChunks<F, C> chunks_;
};

}  // namespace kmeans_shard_detail

/// Fits K-Means on the rows of every rank of `comm` (see the top of this file).
template <Float F>
struct KMeansShardFitter {
    /// The fit (see fit_predict below).
    template <Communicator C>
    static clustering::KMeansWithLabels<F> fit(const clustering::KMeansParams<F>& params, const C& comm,
                                               const DatasetView<F>& data) {
        using namespace clustering;
        const std::size_t k = params.n_clusters();
        auto require = [&](const kmeans_shard_detail::AllRows<F>& all) { require_supported(params, all); };
        const kmeans_shard_detail::ClusteringShard<F, C> shard(comm, data, "KMeans", require);
        const kmeans_shard_detail::DistributedRows<F, C> rows = shard.rows();
        const DatasetView<F>& local = rows.local;
        const ChunkPlan &plan = rows.plan, &chunks = rows.chunks;
        const std::size_t d = rows.n_features(), first_row = rows.first_row;

        Rng rng = params.rng();
        const double tol_scaled = kmeans_shard_detail::scaled_tolerance(rows, params.tolerance());
        auto best = KMeansFitter<F>::best_of_runs(params, tol_scaled, [&](Labels& labels, auto& on_iteration) {
            auto iterate = [&]<template <class> class Pass>() {
                kmeans_shard_detail::ShardPass<Pass, F, C> pass(comm, local, k, plan, chunks, first_row);
                Matrix<F> start = kmeans_detail::initial_centroids(params, rows, rng);  // the same on every rank
                return kmeans_detail::iterate_pass(pass, local.n_samples(), std::move(start), tol_scaled, params.max_n_iterations(), labels,
                                                   on_iteration);
            };
            return resolve_algorithm(params.algorithm(), k, d) == KMeansAlgorithm::Hamerly
                       ? iterate.template operator()<kmeans_detail::HamerlyPass>()
                       : iterate.template operator()<kmeans_detail::LloydPass>();
        });
        const std::size_t width = KMeans<F>::weight_copies * k;
        const auto all = gather_chunks(comm, best.model.cluster_weight_partials(local, best.labels.data(), chunks, first_row), width);
        best.model.set_cluster_weights([&](std::size_t c) { return all.data() + c * width; }, plan.n_chunks);

        best.labels = shard.as_given(best.labels.data());
        return best;
    }

private:
    static void require_supported(const clustering::KMeansParams<F>& params, const kmeans_shard_detail::AllRows<F>& all) {
        using namespace clustering;
        KMeansFitter<F>::require_clusterable(params, all);
        const std::size_t n = all.n, d = all.d, k = params.n_clusters();
        if (kmeans_detail::ClusterSums<F>::plan_for(n, k, d).chunk_rows != plan_chunks(n).chunk_rows) {
            throw InvalidParams("KMeans: distributed fits need k x (d + 1) <= 131072 so far (found k = " + std::to_string(k) +
                                ", d = " + std::to_string(d) + ")");
        }
    }
};

/// K-Means fitted on the rows every rank of `comm` holds (`data`: this rank's rows, which
/// follow the rows of lower ranks in the global order). Every rank returns the same model,
/// the one KMeansValidParams::fit gives on all the rows in one process; `labels` are this
/// rank's rows'. Collective: every rank must call it, with the same parameters.
template <Float F, Communicator C>
clustering::KMeansWithLabels<F> fit_predict(const clustering::KMeansValidParams<F>& params, const C& comm,
                                            const DatasetView<F>& data) {
    return KMeansShardFitter<F>::fit(params.params(), comm, data);
}

/// `fit_predict` without the labels.
template <Float F, Communicator C>
clustering::KMeans<F> fit(const clustering::KMeansValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    return fit_predict(params, comm, data).model;
}

}  // namespace linfa::distributed
