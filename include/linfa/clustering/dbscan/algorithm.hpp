// DBSCAN's fit_predict: every sample's neighbourhood from the shared neighbour index
// (NeighbourIndex::radius_graph, nn/index.hpp; sparse records by its sparse brute force, with
// the neighbourhoods of their dense form), core samples by (weighted) neighbourhood size,
// clusters as the connected components of core samples, then border samples.
//
// Deterministic on any thread count: the radius queries are (nn/ promises the same
// neighbours in the same order), and everything after them is either per-sample work that
// writes only its own sample or one sequential union-find pass whose outcome does not depend
// on the order of the neighbours. Memory is the neighbourhoods (O(n + edges)) and a few
// n-vectors; never n x n.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../../core/matrix.hpp"
#include "../../core/parallel.hpp"
#include "../../core/sparse.hpp"
#include "../../core/validation.hpp"
#include "../../nn/distance_bound.hpp"
#include "../../nn/index.hpp"
#include "errors.hpp"
#include "params.hpp"

namespace linfa::clustering {

/// What DBSCAN finds in the data it is given (there is no model to predict new data with).
struct DbscanClusters {
    /// Label of every sample: a cluster index 0, 1, ... (numbered by each cluster's lowest core
    /// sample, as scikit-learn numbers them), or `noise` (-1).
    Labels labels;
    /// The row of every core sample, increasing.
    std::vector<std::int64_t> core_sample_indices;
    /// Number of clusters (noise is not one).
    std::size_t n_clusters = 0;
    /// The label of samples in no cluster.
    static constexpr std::int32_t noise = -1;
};

/// Every sample's neighbourhood, as compressed rows: sample i's neighbours (itself included)
/// are `indices[offsets[i]]` to `indices[offsets[i + 1] - 1]`, each once, in any order. A
/// view: the arrays belong to the caller.
struct Neighbourhoods {
    /// n_samples + 1 increasing positions in `indices`, from 0 to `indices.size()`.
    std::span<const std::size_t> offsets;
    /// The neighbours' rows, in [0, n_samples), distinct within each neighbourhood.
    std::span<const std::int64_t> indices;
    /// Number of samples.
    std::size_t size() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

namespace dbscan_detail {

/// Union-find over sample rows in which a set's root is always its lowest row: linking the
/// larger root under the smaller keeps it so, and makes the outcome independent of the order
/// in which edges are joined.
class LowestRootSets {
public:
    explicit LowestRootSets(std::size_t n) : parent_(n) {
        for (std::size_t i = 0; i < n; ++i) parent_[i] = std::int64_t(i);
    }
    /// The lowest row of `row`'s set (halving the path on the way).
    std::int64_t root(std::int64_t row) {
        while (parent_[std::size_t(row)] != row) {
            const std::int64_t grandparent = parent_[std::size_t(parent_[std::size_t(row)])];
            parent_[std::size_t(row)] = grandparent;
            row = grandparent;
        }
        return row;
    }
    /// Joins the sets of `a` and `b`.
    void join(std::int64_t a, std::int64_t b) {
        a = root(a);
        b = root(b);
        if (a < b) parent_[std::size_t(b)] = a;
        else if (b < a) parent_[std::size_t(a)] = b;
    }

private:
    std::vector<std::int64_t> parent_;
};

/// Throws DbscanInputError unless `hoods` is well formed for `n_weights` weights (0: none).
inline void require_neighbourhoods(const Neighbourhoods& hoods, std::size_t n_weights) {
    auto bad = [](const std::string& what) { throw DbscanInputError("DBSCAN neighbourhoods: " + what); };
    if (hoods.offsets.empty() || hoods.offsets.front() != 0) bad("offsets must start at 0");
    if (hoods.offsets.back() != hoods.indices.size()) {
        bad("the last offset must be the number of neighbours, " + std::to_string(hoods.indices.size()) + ", found " +
            std::to_string(hoods.offsets.back()));
    }
    const std::size_t n = hoods.size();
    if (n_weights != 0 && n_weights != n) bad("expected " + std::to_string(n) + " sample weights, found " + std::to_string(n_weights));
    for (std::size_t i = 0; i < n; ++i) {
        if (hoods.offsets[i + 1] < hoods.offsets[i]) bad("offsets must not decrease (sample " + std::to_string(i) + ")");
    }
    std::vector<std::size_t> seen_by(n, n);  // the last sample whose neighbourhood held each row
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t e = hoods.offsets[i]; e < hoods.offsets[i + 1]; ++e) {
            const std::int64_t j = hoods.indices[e];
            if (j < 0 || std::size_t(j) >= n) bad("neighbour " + std::to_string(j) + " of sample " + std::to_string(i) + " is not a sample row");
            if (seen_by[std::size_t(j)] == i) bad("neighbour " + std::to_string(j) + " of sample " + std::to_string(i) + " is listed twice");
            seen_by[std::size_t(j)] = i;
        }
    }
}

/// Throws DbscanInputError unless every weight is finite. Negative weights are DBSCAN's to
/// take, as scikit-learn's: a sample of negative weight keeps its neighbours from being core.
template <Float F>
void require_finite_weights(std::span<const F> weights) {
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (!std::isfinite(weights[i])) throw DbscanInputError("DBSCAN: sample weights contain NaN or infinity (sample " + std::to_string(i) + ")");
    }
}

/// Whether each sample is a core sample: its neighbourhood (itself included) holds at least
/// `min_samples` samples, or that much sample weight when the data is weighted.
template <Float F>
std::vector<char> core_flags(const Neighbourhoods& hoods, std::span<const F> weights, std::size_t min_samples) {
    std::vector<char> core(hoods.size(), 0);
    for_each_chunk(plan_chunks(hoods.size()), [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t first = hoods.offsets[i], last = hoods.offsets[i + 1];
            if (weights.empty()) {
                core[i] = last - first >= min_samples;
                continue;
            }
            double weight = 0;  // in the neighbourhood's order: the same sum on any thread count
            for (std::size_t e = first; e < last; ++e) weight += double(weights[std::size_t(hoods.indices[e])]);
            core[i] = weight >= double(min_samples);
        }
    });
    return core;
}

}  // namespace dbscan_detail

namespace dbscan_detail {

/// label_neighbourhoods on neighbourhoods known to be well formed, with finite weights.
/// `symmetric`: j is i's neighbour exactly when i is j's (a radius query's neighbourhoods),
/// so each pair of core samples need be joined once, not twice.
template <Float F>
DbscanClusters label_valid(const Neighbourhoods& hoods, std::span<const F> weights, std::size_t min_samples, bool symmetric) {
    const std::size_t n = hoods.size();
    const std::vector<char> core = core_flags(hoods, weights, min_samples);

    LowestRootSets components(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!core[i]) continue;
        for (std::size_t e = hoods.offsets[i]; e < hoods.offsets[i + 1]; ++e) {
            const std::int64_t j = hoods.indices[e];
            if (core[std::size_t(j)] && (!symmetric || std::size_t(j) < i)) components.join(std::int64_t(i), j);
        }
    }

    DbscanClusters found;
    found.labels = Labels::Constant(Eigen::Index(n), DbscanClusters::noise);
    for (std::size_t i = 0; i < n; ++i) {  // rows increase, so each cluster's root comes first
        if (!core[i]) continue;
        found.core_sample_indices.push_back(std::int64_t(i));
        const auto root = std::size_t(components.root(std::int64_t(i)));
        if (root == i) found.labels[Eigen::Index(i)] = std::int32_t(found.n_clusters++);
        else found.labels[Eigen::Index(i)] = found.labels[Eigen::Index(root)];
    }
    for_each_chunk(plan_chunks(n), [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            if (core[i]) continue;
            std::int64_t first_core = std::int64_t(n);  // the lowest core row among the neighbours
            for (std::size_t e = hoods.offsets[i]; e < hoods.offsets[i + 1]; ++e) {
                const std::int64_t j = hoods.indices[e];
                if (core[std::size_t(j)]) first_core = std::min(first_core, j);
            }
            if (first_core < std::int64_t(n)) found.labels[Eigen::Index(i)] = found.labels[Eigen::Index(first_core)];
        }
    });
    return found;
}

}  // namespace dbscan_detail

/// DBSCAN's labelling of samples whose neighbourhoods are known (from a radius query, or a
/// precomputed distance matrix's entries within eps): core samples are those whose
/// neighbourhood holds `min_samples` samples (or that much of `weights`, one per sample, when
/// given, negative weights included); clusters are the connected components of core samples
/// (j in i's neighbourhood links them either way), numbered by their lowest row; a border
/// sample joins the cluster of its first core neighbour in row order. Throws
/// DbscanInputError when `hoods` is malformed or a weight is not finite.
template <Float F>
DbscanClusters label_neighbourhoods(const Neighbourhoods& hoods, std::span<const F> weights, std::size_t min_samples) {
    dbscan_detail::require_neighbourhoods(hoods, weights.size());
    dbscan_detail::require_finite_weights(weights);
    return dbscan_detail::label_valid(hoods, weights, min_samples, false);
}

namespace dbscan_detail {

/// Throws DbscanInputError unless `data` (a DatasetView or a SparseDatasetView) has samples,
/// features, records within the distance bound and finite weights.
template <class Data>
void require_clusterable(const Data& data) {
    try {
        if (data.n_samples() == 0) throw InvalidInput("DBSCAN needs at least 1 sample, found 0");
        if (data.n_features() == 0) throw InvalidInput("records have zero features; need at least one");
        nn::require_within_distance_bound(data.records(), "records");
    } catch (const DbscanInputError&) {
        throw;
    } catch (const InvalidInput& error) {
        throw DbscanInputError(std::string("DBSCAN: ") + error.what());
    }
    require_finite_weights(data.weights());
}

/// DBSCAN over the points of `index` with `weights` (checked).
template <Float F>
DbscanClusters cluster_index(const nn::NeighbourIndex<F>& index, std::span<const F> weights, const DbscanParams<F>& params) {
    const nn::RadiusGraph graph = index.radius_graph(F(params.eps()));
    return label_valid<F>({graph.offsets, graph.indices}, weights, params.min_samples(), true);
}

}  // namespace dbscan_detail

template <Float F>
DbscanClusters DbscanValidParams<F>::fit_predict(const DatasetView<F>& data) const {
    dbscan_detail::require_clusterable(data);
    const nn::NeighbourIndex<F> index(Matrix<F>(data.records()), params_.index_options());
    return dbscan_detail::cluster_index(index, data.weights(), params_);
}

template <Float F>
template <SparseIndex I>
DbscanClusters DbscanValidParams<F>::fit_predict(const SparseDatasetView<F, I>& data) const {
    dbscan_detail::require_clusterable(data);
    const nn::NeighbourIndex<F> index(data.records(), params_.index_options());
    return dbscan_detail::cluster_index(index, data.weights(), params_);
}

}  // namespace linfa::clustering
