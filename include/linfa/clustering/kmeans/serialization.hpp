// K-Means model files: kind "clustering.kmeans", shape {n_clusters, n_features}.
//
// Body version 2 (written since the file header carries a body version):
//   inertia, n_iterations, centroids (n_clusters x n_features),
//   presence "has_stream_state", and when it is 1: cluster_weights (n_clusters f64, the
//   cumulated weight of each cluster), n_steps (mini-batch steps so far) and
//   samples_since_reassignment (the low-weight reassignment schedule): the state a
//   mini-batch step continues from.
// Body version 1 (files of format version 1, before the header had a body version): the same
// fields without the presence flag, the stream state as a 1 x n_clusters matrix that is there
// when the body goes on after the centroids. Both load; new files are written as version 2.
#pragma once

#include <cmath>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "../../io/model_file.hpp"
#include "model.hpp"

namespace linfa {

/// Model files of KMeans<F>: kind "clustering.kmeans", shape {n_clusters, n_features}. Body
/// version 2: inertia, n_iterations, centroids and, when present, the mini-batch state
/// (cluster weights, step count, reassignment schedule); version 1 bodies are read too.
template <Float F>
struct model_io<clustering::KMeans<F>> {
    /// The model type.
    using Model = clustering::KMeans<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "clustering.kmeans";
    /// The body version written; versions 1 and 2 are read.
    static constexpr std::uint32_t body_version = 2;

    /// The header's shape: {n_clusters, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_clusters(), m.n_features()}; }

    /// Writes the body (version 2) through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        w.value("inertia", m.inertia());
        w.value("n_iterations", m.n_iterations());
        w.matrix("centroids", m.centroids());
        w.presence("has_stream_state", m.has_cluster_weights());
        if (!m.has_cluster_weights()) return;
        w.vector("cluster_weights", m.cluster_weights());
        w.value("n_steps", m.n_steps());
        w.value("samples_since_reassignment", m.samples_since_reassignment_);
    }

    /// Reads a body of version 1 or 2 through an io::Reader; throws ModelFileError for a bad
    /// shape, a negative or non-finite inertia, non-finite centroids or cluster weights.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 2 || header.shape[0] == 0 || header.shape[1] == 0 ||
            header.shape[0] > std::uint64_t(INT32_MAX) || header.shape[1] > std::uint64_t(INT32_MAX)) {
            io::fail("a K-Means model needs shape {n_clusters >= 1, n_features >= 1}");
        }
        const std::uint64_t k = header.shape[0];
        const double inertia = r.template value<double>("inertia");
        const auto n_iterations = r.template value<std::uint64_t>("n_iterations");
        Matrix<F> centroids = r.template matrix<F>("centroids", k, header.shape[1]);
        if (!std::isfinite(inertia) || inertia < 0) io::fail("inertia must be finite and >= 0");
        if (!centroids.allFinite()) io::fail("centroids contain NaN or infinity");
        typename Model::StreamState state;
        if (header.body_version >= 2) {
            if (r.presence("has_stream_state")) state.cluster_weights = r.template vector<double>("cluster_weights", k);
        } else if (!r.at_end()) {  // version 1: the block is there when the body goes on
            const Matrix<double> row = r.template matrix<double>("cluster_weights", 1, k);
            state.cluster_weights.assign(row.data(), row.data() + row.size());
        }
        if (!state.cluster_weights.empty()) {
            for (const double w : state.cluster_weights) {
                if (!std::isfinite(w) || w < 0) io::fail("cluster_weights must be finite and >= 0");
            }
            state.n_steps = r.template value<std::uint64_t>("n_steps");
            state.samples_since_reassignment = r.template value<std::uint64_t>("samples_since_reassignment");
        }
        return Model(std::move(centroids), inertia, n_iterations, std::move(state));
    }
};

}  // namespace linfa
