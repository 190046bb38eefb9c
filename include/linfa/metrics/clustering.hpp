// The silhouette of a clustering (euclidean), as scikit-learn's silhouette_samples and
// silhouette_score, without an n x n distance matrix. For sample i in cluster A,
// a = mean distance to the other members of A, b = the smallest mean distance to the members
// of another cluster, and s = (b - a) / max(a, b) (0 in a singleton cluster, or when a = b = 0).
//
// How: rows are sorted by cluster once (stably), so that each cluster's members are one
// contiguous range. A block of at most `block_rows` rows meets each cluster's range in tiles
// of `tile_cols` rows: their dot products are one small GEMM, distances follow as
// sqrt(max(0, |x|^2 + |y|^2 - 2 x.y)) in double, and a row's sum over a tile adds eight lanes.
// Memory is one double copy of the records plus block x tile buffers per chunk. Row blocks are
// spread over threads with for_each_chunk and the score's sum is combined in chunk order, so
// the result is the same bit for bit on any thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "../core/classes.hpp"
#include "../core/matrix.hpp"
#include "../core/parallel.hpp"
#include "../nn/distance_bound.hpp"
#include "input.hpp"

namespace linfa::metrics {

namespace silhouette_detail {

/// Rows per GEMM: a destination with at most 32 rows at compile time is one Eigen never splits
/// over threads, so parallelism comes only from the chunks.
inline constexpr Eigen::Index block_rows = 32;
/// Columns per tile: keeps a block's buffers within the L2 cache.
inline constexpr Eigen::Index tile_cols = 256;

/// Rows of a block, at most `block_rows` of them.
using BlockMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, block_rows, Eigen::Dynamic>;

/// The records in double, their rows sorted by cluster, and where each cluster starts.
struct ClusterSortedRecords {
    Matrix<double> rows;                     ///< records, sorted by cluster, stable within one
    Eigen::VectorXd squared_norms;           ///< |x|^2 of each sorted row
    std::vector<std::size_t> original;       ///< sorted row -> its index in the caller's records
    std::vector<std::int32_t> cluster;       ///< sorted row -> its cluster (0..k-1)
    std::vector<std::size_t> cluster_begin;  ///< k + 1 offsets: cluster c is [begin[c], begin[c + 1])
};

/// Throws unless 2 <= n_clusters <= n - 1 (a silhouette needs another cluster to compare
/// with, and some cluster with two members).
inline void require_cluster_count(const char* metric, std::size_t n, std::size_t n_clusters) {
    if (n_clusters < 2 || n_clusters + 1 > n) {
        throw InvalidInput(std::string(metric) + ": expected between 2 and n_samples - 1 (" +
                           std::to_string(n > 0 ? n - 1 : 0) + ") distinct labels, found " + std::to_string(n_clusters));
    }
}

/// The records in double with their rows sorted (stably) by `clusters` (0..n_clusters-1).
template <Float F>
ClusterSortedRecords sort_by_cluster(const MatrixView<F>& records, const std::vector<std::int32_t>& clusters,
                                     std::size_t n_clusters) {
    ClusterSortedRecords sorted;
    const std::size_t n = clusters.size();
    sorted.cluster_begin.assign(n_clusters + 1, 0);
    for (const std::int32_t c : clusters) ++sorted.cluster_begin[std::size_t(c) + 1];
    for (std::size_t c = 0; c < n_clusters; ++c) sorted.cluster_begin[c + 1] += sorted.cluster_begin[c];
    std::vector<std::size_t> next(sorted.cluster_begin.begin(), sorted.cluster_begin.end() - 1);
    sorted.original.resize(n);
    sorted.cluster.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t at = next[std::size_t(clusters[i])]++;
        sorted.original[at] = i, sorted.cluster[at] = clusters[i];
    }
    sorted.rows.resize(records.rows(), records.cols());
    for (std::size_t at = 0; at < n; ++at) {
        sorted.rows.row(Eigen::Index(at)) = records.row(Eigen::Index(sorted.original[at])).template cast<double>();
    }
    sorted.squared_norms = sorted.rows.rowwise().squaredNorm();
    return sorted;
}

/// The sum of `n` values added in eight lanes, then the lanes pairwise: the same order on every
/// build, and vectorised.
inline double sum_in_lanes(const double* values, std::size_t n) {
    double lane[8] = {};
    std::size_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (std::size_t l = 0; l < 8; ++l) lane[l] += values[j + l];
    for (std::size_t l = 0; j < n; ++j, ++l) lane[l] += values[j];
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/// Per chunk: the buffers of one block of rows.
struct BlockScratch {
    BlockMatrix dots, distances;
    Matrix<double> cluster_sums;  ///< block row x cluster: sum of distances to its members
};

/// Adds to `s.cluster_sums` the distances of sorted rows [first, first + rows) to every row.
inline void add_cluster_distances(const ClusterSortedRecords& data, std::size_t first, Eigen::Index rows,
                                  BlockScratch& s) {
    const auto block = data.rows.middleRows(Eigen::Index(first), rows);
    const auto block_norms = data.squared_norms.segment(Eigen::Index(first), rows);
    s.cluster_sums.setZero(rows, Eigen::Index(data.cluster_begin.size() - 1));
    for (std::size_t c = 0; c + 1 < data.cluster_begin.size(); ++c) {
        for (std::size_t t = data.cluster_begin[c]; t < data.cluster_begin[c + 1]; t += std::size_t(tile_cols)) {
            const auto width = Eigen::Index(std::min<std::size_t>(std::size_t(tile_cols), data.cluster_begin[c + 1] - t));
            s.dots.noalias() = block * data.rows.middleRows(Eigen::Index(t), width).transpose();
            const auto tile_norms = data.squared_norms.segment(Eigen::Index(t), width).transpose();
            s.distances = ((-2.0 * s.dots.array()).colwise() + block_norms.array()).rowwise() + tile_norms.array();
            s.distances = s.distances.array().cwiseMax(0.0).sqrt();
            // a row's distance to itself is 0, whatever the rounding of the expanded form
            for (Eigen::Index r = 0; r < rows; ++r) {
                const std::size_t self = first + std::size_t(r);
                if (self >= t && self < t + std::size_t(width)) s.distances(r, Eigen::Index(self - t)) = 0;
                s.cluster_sums(r, Eigen::Index(c)) += sum_in_lanes(&s.distances(r, 0), std::size_t(width));
            }
        }
    }
}

/// The silhouette of sorted row `at`, whose sums of distances to each cluster are `sums`.
inline double silhouette_of(const ClusterSortedRecords& data, std::size_t at, const double* sums) {
    const auto own = std::size_t(data.cluster[at]);
    const auto size_of = [&](std::size_t c) { return double(data.cluster_begin[c + 1] - data.cluster_begin[c]); };
    if (size_of(own) == 1) return 0.0;
    const double a = sums[own] / (size_of(own) - 1);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c + 1 < data.cluster_begin.size(); ++c) {
        if (c != own) b = std::min(b, sums[c] / size_of(c));
    }
    const double scale = std::max(a, b);
    return scale > 0 ? (b - a) / scale : 0.0;
}

/// Every sample's silhouette (in the caller's order) and the per-chunk sums of them.
struct Silhouettes {
    Eigen::VectorXd samples;
    double total = 0;  ///< their sum, combined in chunk order
};

/// Checks the input, then computes every silhouette, one chunk of sorted rows per task.
template <Float F>
Silhouettes silhouettes(const char* metric, const MatrixView<F>& records, std::span<const std::int32_t> labels) {
    const auto n = static_cast<std::size_t>(records.rows());
    input_detail::require_samples(metric, n);
    input_detail::require_length(metric, "labels", labels.size(), n, "records");
    if (records.cols() == 0) throw InvalidInput(std::string(metric) + ": records need at least one feature, found 0");
    require_finite<F>(records, std::string(metric) + ": records",
                      nn::distance_input_bound<double>(static_cast<std::size_t>(records.cols())));
    const ClassSet classes = ClassSet::of(labels);
    require_cluster_count(metric, n, classes.size());
    const ClusterSortedRecords data = sort_by_cluster(records, classes.encode(labels), classes.size());

    Silhouettes out{Eigen::VectorXd(Eigen::Index(n)), 0.0};
    const ChunkPlan plan = plan_chunks(n, std::size_t(block_rows) * 4);
    PerChunk<double> chunk_sums(plan.n_chunks, 1);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        BlockScratch scratch;
        double sum = 0;
        for (std::size_t first = begin; first < end; first += std::size_t(block_rows)) {
            const auto rows = Eigen::Index(std::min<std::size_t>(std::size_t(block_rows), end - first));
            add_cluster_distances(data, first, rows, scratch);
            for (Eigen::Index r = 0; r < rows; ++r) {
                const std::size_t at = first + std::size_t(r);
                const double s = silhouette_of(data, at, &scratch.cluster_sums(r, 0));
                out.samples[Eigen::Index(data.original[at])] = s;
                sum += s;
            }
        }
        chunk_sums[chunk][0] = sum;
    });
    out.total = reduce_in_chunk_order(chunk_sums);
    return out;
}

}  // namespace silhouette_detail

/// The silhouette coefficient of every sample of `records` (n_samples x n_features, one
/// cluster label per sample in `labels`, any int32 values) under the euclidean distance;
/// scikit-learn's `silhouette_samples`. A sample alone in its cluster scores 0. Computed in
/// double, in blocks of rows, without an n x n matrix; the same bit for bit on any thread
/// count. Throws InvalidInput for no samples or features, a label count other than one per
/// sample, NaN or infinite records (or values so large their squared distances overflow), or
/// a number of distinct labels outside [2, n_samples - 1].
template <Float F>
Eigen::VectorXd silhouette_samples(const MatrixView<F>& records, std::span<const std::int32_t> labels) {
    return silhouette_detail::silhouettes("silhouette_samples", records, labels).samples;
}

/// The mean silhouette coefficient of all samples (see `silhouette_samples`); scikit-learn's
/// `silhouette_score` (euclidean, no sampling). Throws as silhouette_samples.
template <Float F>
double silhouette_score(const MatrixView<F>& records, std::span<const std::int32_t> labels) {
    const auto result = silhouette_detail::silhouettes("silhouette_score", records, labels);
    return result.total / double(records.rows());
}

}  // namespace linfa::metrics
