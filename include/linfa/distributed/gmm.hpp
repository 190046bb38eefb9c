// Gaussian mixtures on rows spread over the ranks of a Communicator: the model one process
// fits on the same rows in the same global order (and seed), bit for bit. The EM fit is
// written over ChunkedRows (GaussianMixtureFitter::fit_rows) and ShardChunks gives it every
// rank's rows: each EM iteration's sums (log-likelihood, weights, per-component first and
// second moments) are per-chunk partials, one all-gather per iteration, added in chunk order.
// The initialisations draw what one process draws (ShardSeeds): K-Means labels from the
// distributed K-Means fit, moved to the rows they label; k-means++ and random rows through the
// distributed K-Means initialisation; uniform responsibilities drawn for every row on every
// rank, each rank keeping its own.
// Messages per EM iteration: one all-gather of at most 64 chunks x SumsLayout::size() doubles.
#pragma once

#include <optional>

#include "../clustering/gmm.hpp"
#include "../core/validation.hpp"
#include "chunks.hpp"
#include "communicator.hpp"
#include "kmeans.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// The seeding policy of gmm_detail::initial_components (gmm_detail::LocalSeeds' contract)
/// over the rows of every rank: `data` is this rank's rows as given (`given`), `rows` the same
/// rows as the fit holds them.
template <Float F, Communicator C>
struct ShardSeeds {
    const C& comm;                  ///< the ranks
    const DatasetView<F>& data;     ///< this rank's rows, as the caller gave them
    const RowLayout& given;         ///< every rank's rows, as given
    const ShardChunks<F, C>& rows;  ///< the rows as the fit holds them

    /// The labels of the distributed K-Means fit, moved to this rank's rows of `plan`'s chunks.
    Labels kmeans_labels(const clustering::KMeansValidParams<F>& params, const ChunkPlan& plan) const {
        const auto fitted = fit_predict(params, comm, data);
        const auto moved = move_rows(comm, fitted.labels.data(), 1, given, chunk_aligned_layout(plan, comm.size()));
        return Eigen::Map<const Labels>(moved.data(), Eigen::Index(moved.size()));
    }

    /// k-means++ seeds over every row (the distributed k-means++ of K-Means).
    Matrix<F> kmeans_plusplus(std::size_t k, Rng& rng) const {
        return kmeans_shard_detail::init_kmeans_plusplus(kmeans_rows(), k, rng);
    }

    /// k distinct rows as kmeans_detail::init_random draws them, uniformly or by weight (the
    /// distributed random initialisation of K-Means).
    Matrix<F> random_rows(std::size_t k, Rng& rng) const { return kmeans_shard_detail::init_random(kmeans_rows(), k, rng); }

    /// Uniform responsibilities of this rank's rows of `plan`'s chunks, drawn for every row.
    Matrix<double> uniform_responsibilities(const ChunkPlan& plan, std::size_t k, Rng& rng) const {
        const HeldChunks<F> held = rows.held(plan);
        const std::size_t begin = plan.begin(held.first_chunk);
        return clustering::gmm_detail::uniform_responsibilities(rows.n_samples(), k, begin, begin + held.view.n_samples(), rng);
    }

private:
    /// Every row as the K-Means initialisations read them.
    kmeans_shard_detail::DistributedRows<F, C> kmeans_rows() const { return kmeans_shard_detail::distributed_rows(rows); }
};

/// A Gaussian mixture fitted on the rows every rank of `comm` holds (`data`: this rank's rows,
/// any number including none); every rank returns the model one process fits on all the rows,
/// and `labels` are this rank's rows'. Throws on every rank when any rank's rows are bad
/// (non-finite values, negative weights, another feature count, weights on some ranks only).
/// Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
clustering::GaussianMixtureWithLabels<F> fit_predict(const clustering::GaussianMixtureValidParams<F>& params, const C& comm,
                                                     const DatasetView<F>& data) {
    using Fitter = clustering::GaussianMixtureFitter<F>;
    const auto& p = params.params();
    auto check_own = [](const DatasetView<F>& own) { require_trainable(as_checked_alone(own)); };
    const auto [given, shape] = agreed_rows(comm, data, "GaussianMixture", check_own, true);
    Fitter::require_fittable(p, given.total(), shape.features, std::nullopt);
    const ShardChunks<F, C> rows(comm, data, given, shape);
    auto model = Fitter::fit_rows(p, rows, ShardSeeds<F, C>{comm, data, given, rows}, std::nullopt);
    // The labels of this rank's rows, whose weights (which may all be zero here) play no part.
    Labels labels = data.n_samples() > 0 ? model.predict(DatasetView<F>(data.records())) : Labels();
    return {std::move(model), std::move(labels)};
}

/// `fit_predict` without the labels.
template <Float F, Communicator C>
clustering::GaussianMixture<F> fit(const clustering::GaussianMixtureValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    return fit_predict(params, comm, data).model;
}

}  // namespace linfa::distributed
