// K-Means model files: kind "clustering.kmeans", shape {n_clusters, n_features}; the body
// holds the inertia, the iteration count and the centroids, then, optionally, the state a
// mini-batch step continues from: the cumulated weight of each cluster (a 1 x n_clusters f64
// matrix), the number of mini-batch steps and the reassignment schedule.
//
// Compatibility: the optional block is what is new, so the format version stays 1 and files
// written before it existed load unchanged (as models without cluster weights; such a model
// is saved again without the block, byte for byte as before). In the binary form the block
// is present when bytes remain after the centroids; in JSON when the field "cluster_weights"
// exists. Older builds read the JSON form of new files (they ignore the extra fields), but
// refuse the binary form ("unexpected bytes after the model").
#pragma once

#include <cmath>
#include <optional>
#include <string_view>
#include <type_traits>

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
        if (!m.has_cluster_weights()) return;  // the original format, unchanged
        const auto weights = m.cluster_weights();
        Matrix<double> row(1, static_cast<Eigen::Index>(weights.size()));
        for (std::size_t j = 0; j < weights.size(); ++j) row(0, static_cast<Eigen::Index>(j)) = weights[j];
        w.matrix("cluster_weights", row);
        w.value("n_steps", m.n_steps());
        w.value("samples_since_reassignment", m.samples_since_reassignment_);
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
        typename Model::StreamState state;
        if (auto weights = optional_cluster_weights(r, header.shape[0])) {
            if (!weights->allFinite() || (weights->array() < 0).any()) {
                io::fail("cluster_weights must be finite and >= 0");
            }
            state.cluster_weights.assign(weights->data(), weights->data() + weights->size());
            state.n_steps = r.template value<std::uint64_t>("n_steps");
            state.samples_since_reassignment = r.template value<std::uint64_t>("samples_since_reassignment");
        }
        return Model(std::move(centroids), inertia, n_iterations, std::move(state));
    }

private:
    /// The optional block's first field, or nothing when the file ends with the centroids.
    template <class Reader>
    static std::optional<Matrix<double>> optional_cluster_weights(Reader& r, std::uint64_t n_clusters) {
        if constexpr (std::is_same_v<Reader, io::Reader<cereal::JSONInputArchive>>) {
            try {
                return r.template matrix<double>("cluster_weights", 1, n_clusters);
            } catch (const cereal::Exception& e) {
                // cereal's JSON archive reports a missing field this way, leaving its position as
                // it was; anything else (a damaged field) is an error.
                if (std::string_view(e.what()).find("(cluster_weights) not found") == std::string_view::npos) throw;
                return std::nullopt;
            }
        } else {
            // Fewer bytes than the matrix's own dimensions: not the block (finish() refuses them).
            if (r.remaining() < 2 * sizeof(std::uint64_t)) return std::nullopt;
            return r.template matrix<double>("cluster_weights", 1, n_clusters);
        }
    }
};

}  // namespace linfa
