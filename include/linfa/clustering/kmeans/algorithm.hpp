// Fitting: validate the data, then for each run initialise and iterate, keeping the run with
// the lowest inertia.
#pragma once

#include <string>

#include "../../core/validation.hpp"
#include "hamerly.hpp"
#include "init.hpp"
#include "lloyd.hpp"
#include "model.hpp"
#include "params.hpp"
#include "sparse_init.hpp"
#include "sparse_hamerly.hpp"
#include "sparse_lloyd.hpp"

namespace linfa::clustering {

/// What `KMeansAlgorithm::Auto` runs for k clusters of d features: Hamerly once an
/// iteration's k x d distance work outweighs its per-row bookkeeping, Lloyd below. Measured
/// on blobs, 200k rows, converged fits (bench/README.md, "Lloyd or Hamerly"): Hamerly
/// 1.2-5.6x faster from k x d = 256 up to d = 64 (but 0.9x at d = 4, k = 64), 0.3-0.7x below.
inline KMeansAlgorithm resolve_algorithm(KMeansAlgorithm chosen, std::size_t k, std::size_t d) {
    if (chosen != KMeansAlgorithm::Auto) return chosen;
    return k >= 8 && k * d >= 256 ? KMeansAlgorithm::Hamerly : KMeansAlgorithm::Lloyd;
}

/// Fits K-Means on dense records (DatasetView<F>) or sparse ones (SparseDatasetView<F, I>):
/// the same runs, initialisations and convergence rule; the iteration differs (on sparse
/// rows Auto runs Lloyd's, see KMeansParams::algorithm).
template <Float F>
struct KMeansFitter {
    template <class Data>
    static KMeansWithLabels<F> fit(const KMeansParams<F>& params, const Data& data) {
        require_clusterable(params, data);
        Rng rng = params.rng();
        const double tol_scaled = kmeans_detail::scaled_tolerance(data, params.tolerance());
        auto best = best_of_runs(params, tol_scaled, [&](Labels& labels, auto& on_iteration) {
            return iterate(params, data, kmeans_detail::initial_centroids(params, data, rng), tol_scaled, labels, on_iteration);
        });
        best.model.count_cluster_weights(data, best.labels.data());  // so fit_with can continue from it
        return best;
    }

    /// The runs of a fit: `run(labels, on_iteration)` initialises and iterates once (a
    /// LloydResult, the labels of its rows in `labels`); returns the run of lowest inertia
    /// (the first of equals) with its labels, the callbacks of `params` called on the way.
    /// Precomputed centroids make every run the same: one is enough. Shared with the
    /// distributed fit (distributed/kmeans.hpp).
    template <class Run>
    static KMeansWithLabels<F> best_of_runs(const KMeansParams<F>& params, double tol_scaled, Run&& run) {
        const std::size_t runs = params.init_method() == InitMethod::Precomputed ? 1 : params.n_runs();
        Labels labels, best_labels;
        std::optional<KMeans<F>> best;
        for (std::size_t r = 0; r < runs; ++r) {
            auto on_iteration = [&](std::uint64_t iteration, double inertia) {
                if (params.on_iteration()) params.on_iteration()(r, iteration, inertia);
            };
            auto result = run(labels, on_iteration);
            if (result.converged && params.on_converged()) {
                params.on_converged()({r, result.n_iterations - 1, result.strict, result.last_shift, tol_scaled});
            }
            if (!best || result.inertia < best->inertia()) {
                best = KMeans<F>(std::move(result.centroids), result.inertia, result.n_iterations);
                std::swap(labels, best_labels);
            }
        }
        return {std::move(*best), std::move(best_labels)};
    }

    template <SparseIndex I, class OnIteration>
    static kmeans_detail::LloydResult<F> iterate(const KMeansParams<F>& params, const SparseDatasetView<F, I>& data,
                                                 Matrix<F> centroids, double tol_scaled, Labels& labels,
                                                 OnIteration& on_iteration) {
        const auto run = [&](auto&& pass) {
            return kmeans_detail::iterate_pass(pass, data.n_samples(), std::move(centroids), tol_scaled, params.max_n_iterations(),
                                               labels, on_iteration);
        };
        // Auto runs Lloyd's: on sparse rows Hamerly's rarely pays (sparse_hamerly.hpp).
        if (params.algorithm() == KMeansAlgorithm::Hamerly) return run(kmeans_detail::SparseHamerlyPass<F, I>(data, params.n_clusters()));
        return run(kmeans_detail::SparseLloydPass<F, I>(data, params.n_clusters()));
    }

    template <class OnIteration>
    static kmeans_detail::LloydResult<F> iterate(const KMeansParams<F>& params, const DatasetView<F>& data,
                                                 Matrix<F> centroids, double tol_scaled, Labels& labels,
                                                 OnIteration& on_iteration) {
        using namespace kmeans_detail;
        const std::uint64_t max_iter = params.max_n_iterations();
        if (resolve_algorithm(params.algorithm(), params.n_clusters(), data.n_features()) == KMeansAlgorithm::Hamerly)
            return kmeans_detail::iterate<HamerlyPass>(data, std::move(centroids), tol_scaled, max_iter, labels, on_iteration);
        return kmeans_detail::iterate<LloydPass>(data, std::move(centroids), tol_scaled, max_iter, labels, on_iteration);
    }

    template <class Data>
    static void require_clusterable(const KMeansParams<F>& params, const Data& data) {
        kmeans_detail::require_clusterable_shape("KMeans", params, data.n_samples(), data.n_features());
        // Finite records: checked by scaled_tolerance in its pass (dense), by CsrView (sparse).
        require_valid_weights<F>(data.weights());
    }
};

template <Float F>
KMeansWithLabels<F> KMeansValidParams<F>::fit_predict(const DatasetView<F>& data) const {
    return KMeansFitter<F>::fit(params_, data);
}

template <Float F>
KMeans<F> KMeansValidParams<F>::fit(const DatasetView<F>& data) const {
    return fit_predict(data).model;
}

template <Float F>
template <SparseIndex I>
KMeansWithLabels<F> KMeansValidParams<F>::fit_predict(const SparseDatasetView<F, I>& data) const {
    return KMeansFitter<F>::fit(params_, data);
}

template <Float F>
template <SparseIndex I>
KMeans<F> KMeansValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    return fit_predict(data).model;
}

}  // namespace linfa::clustering
