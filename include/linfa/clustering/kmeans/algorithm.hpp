// Fitting: validate the data, then for each run initialise and iterate, keeping the run with
// the lowest inertia.
#pragma once

#include <string>

#include "../../core/validation.hpp"
#include "init.hpp"
#include "lloyd.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa::clustering {

template <Float F>
struct KMeansFitter {
    static KMeansWithLabels<F> fit(const KMeansParams<F>& params, const DatasetView<F>& data) {
        require_clusterable(params, data);
        Rng rng = params.rng();
        const double tol_scaled = kmeans_detail::scaled_tolerance(data, params.tolerance());
        // Precomputed centroids make every run the same: one is enough.
        const std::size_t runs = params.init_method() == InitMethod::Precomputed ? 1 : params.n_runs();
        Labels labels, best_labels;
        std::optional<KMeans<F>> best;
        for (std::size_t run = 0; run < runs; ++run) {
            auto on_iteration = [&](std::uint64_t iteration, double inertia) {
                if (params.on_iteration()) params.on_iteration()(run, iteration, inertia);
            };
            auto result = kmeans_detail::lloyd(data, kmeans_detail::initial_centroids(params, data, rng), tol_scaled,
                                               params.max_n_iterations(), labels, on_iteration);
            if (!best || result.inertia < best->inertia()) {
                best = KMeans<F>(std::move(result.centroids), result.inertia, result.n_iterations);
                std::swap(labels, best_labels);
            }
        }
        return {std::move(*best), std::move(best_labels)};
    }

    static void require_clusterable(const KMeansParams<F>& params, const DatasetView<F>& data) {
        auto invalid = [](const std::string& what) { throw KMeansInputError("KMeans: " + what); };
        if (data.n_features() == 0) invalid("records have zero features; need at least one");
        if (data.n_samples() < params.n_clusters()) {
            invalid("n_samples = " + std::to_string(data.n_samples()) + " must be at least n_clusters = " +
                    std::to_string(params.n_clusters()));
        }
        if (data.n_samples() > static_cast<std::size_t>(INT32_MAX)) {
            invalid("more than 2^31 - 1 samples are not supported, found " + std::to_string(data.n_samples()));
        }
        if (params.init_method() == InitMethod::Precomputed &&
            static_cast<std::size_t>(params.init_centroids().cols()) != data.n_features()) {
            invalid("init_centroids have " + std::to_string(params.init_centroids().cols()) +
                    " features, the records have " + std::to_string(data.n_features()));
        }
        require_trainable(data, /*finite_checked=*/true);  // by scaled_tolerance, in its pass
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

}  // namespace linfa::clustering
