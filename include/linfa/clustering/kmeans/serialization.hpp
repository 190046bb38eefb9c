// K-Means model files: kind "clustering.kmeans", shape {n_clusters, n_features}; the body
// holds the inertia, the iteration count and the centroids.
#pragma once

#include <cmath>

#include "../../core/serialization.hpp"
#include "model.hpp"

namespace linfa {

template <Float F>
struct model_io<clustering::KMeans<F>> {
    using Model = clustering::KMeans<F>;
    using scalar_type = F;
    static constexpr std::string_view kind = "clustering.kmeans";

    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_clusters(), m.n_features()}; }

    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        w.value("inertia", m.inertia());
        w.value("n_iterations", m.n_iterations());
        w.matrix("centroids", m.centroids());
    }

    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 2 || header.shape[0] == 0 || header.shape[1] == 0 ||
            header.shape[0] > std::uint64_t(INT32_MAX) || header.shape[1] > std::uint64_t(INT32_MAX)) {
            io::fail("a K-Means model needs shape {n_clusters >= 1, n_features >= 1}");
        }
        const double inertia = r.template value<double>("inertia");
        const auto n_iterations = r.template value<std::uint64_t>("n_iterations");
        Matrix<F> centroids = r.template matrix<F>("centroids", header.shape[0], header.shape[1]);
        if (!std::isfinite(inertia) || inertia < 0) io::fail("inertia must be finite and >= 0");
        if (!centroids.allFinite()) io::fail("centroids contain NaN or infinity");
        return Model(std::move(centroids), inertia, n_iterations);
    }
};

}  // namespace linfa
