// The nearest-neighbour index: k nearest neighbours and radius queries over a fixed set of
// points, by brute force, a KD-tree or a ball tree (nn/brute_force.hpp, nn/trees.hpp).
// Whatever the algorithm, the answer is the same bit for bit: every reported distance comes
// from Metric::distance, neighbours are ordered by (distance, row), and the fast paths only
// skip points that provably cannot enter. Queries run in parallel over a chunk plan that
// depends on the sizes only, so the answer does not depend on the thread count either.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "../core/error.hpp"
#include "../core/matrix.hpp"
#include "../core/parallel.hpp"
#include "../core/validation.hpp"
#include "brute_force.hpp"
#include "metric.hpp"
#include "top_k.hpp"
#include "trees.hpp"

namespace linfa::nn {

/// How an index searches.
enum class IndexAlgorithm : std::uint8_t {
    automatic,  ///< chosen as scikit-learn's "auto" chooses (see NeighbourIndex)
    brute,      ///< every query against every point, in blocks
    kd_tree,    ///< a KD-tree (boxes)
    ball_tree   ///< a ball tree (centroids and radii)
};

/// The name of an algorithm as scikit-learn spells it ("auto", "brute", "kd_tree", "ball_tree").
inline std::string algorithm_name(IndexAlgorithm algorithm) {
    switch (algorithm) {
        case IndexAlgorithm::brute: return "brute";
        case IndexAlgorithm::kd_tree: return "kd_tree";
        case IndexAlgorithm::ball_tree: return "ball_tree";
        default: return "auto";
    }
}

/// The algorithm named `name` ("auto" | "brute" | "kd_tree" | "ball_tree"); throws
/// InvalidParams naming the value and the accepted ones for any other.
inline IndexAlgorithm parse_algorithm(std::string_view name) {
    if (name == "auto") return IndexAlgorithm::automatic;
    if (name == "brute") return IndexAlgorithm::brute;
    if (name == "kd_tree") return IndexAlgorithm::kd_tree;
    if (name == "ball_tree") return IndexAlgorithm::ball_tree;
    throw InvalidParams("algorithm must be one of auto, brute, kd_tree, ball_tree; found \"" + std::string(name) + "\"");
}

/// Options of a NeighbourIndex.
struct IndexOptions {
    /// The search algorithm.
    IndexAlgorithm algorithm = IndexAlgorithm::automatic;
    /// Most points in a tree leaf (>= 1; brute force ignores it).
    std::size_t leaf_size = 30;
    /// The distance.
    Metric metric{};
    /// The k the caller means to ask for, 0 if unknown: `automatic` picks brute force when
    /// it is at least half the points, as scikit-learn does with n_neighbors.
    std::size_t n_neighbors = 0;
};

/// The k nearest neighbours of each query: n_queries x k, each row ascending by
/// (distance, row index).
template <Float F>
struct KNeighbours {
    /// True metric distances (not squared).
    Matrix<F> distances;
    /// Rows of the indexed points.
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> indices;
};

/// The neighbours within a radius of each query, in CSR form: query q's neighbours are
/// entries [offsets[q], offsets[q + 1]) of `indices` and `distances`.
template <Float F>
struct RadiusNeighbours {
    /// n_queries + 1 offsets, starting at 0.
    std::vector<std::size_t> offsets;
    /// Rows of the indexed points, ascending within each query.
    std::vector<std::int64_t> indices;
    /// The matching distances.
    std::vector<F> distances;
};

/// The neighbours within a radius of every indexed point (itself included), in CSR form:
/// point i's neighbours are `indices[offsets[i]]` to `indices[offsets[i + 1] - 1]`, rows only,
/// in an order that depends on the points alone (not sorted; the same on any thread count).
struct RadiusGraph {
    /// size() + 1 offsets, starting at 0.
    std::vector<std::size_t> offsets;
    /// Rows of the indexed points.
    std::vector<std::int64_t> indices;
};

namespace index_detail {

/// Where the entries of each query lie when chunks of positions appended them to per-chunk
/// buffers, `counts[c]` entries per position in position order, and position p held query
/// `query_at(p)`: the CSR offsets by query, and each query's chunk and first entry there.
struct ChunkedEntries {
    std::vector<std::size_t> offsets, chunk_of, start_of;

    template <class QueryAt>
    ChunkedEntries(const ChunkPlan& chunks, const std::vector<std::vector<std::size_t>>& counts, QueryAt query_at)
        : offsets(chunks.n_rows + 1), chunk_of(chunks.n_rows), start_of(chunks.n_rows) {
        std::vector<std::size_t> count_of(chunks.n_rows);
        for (std::size_t c = 0; c < chunks.n_chunks; ++c) {
            std::size_t start = 0;
            for (std::size_t position = chunks.begin(c); position < chunks.end(c); ++position) {
                const std::size_t q = query_at(position), count = counts[c][position - chunks.begin(c)];
                count_of[q] = count, chunk_of[q] = c, start_of[q] = start;
                start += count;
            }
        }
        offsets[0] = 0;
        for (std::size_t q = 0; q < chunks.n_rows; ++q) offsets[q + 1] = offsets[q] + count_of[q];
    }

    /// Calls `copy(q, chunk, start, count, into)` for every query q, in parallel: its `count`
    /// entries from `start` in chunk `chunk`'s buffer go to CSR position `into`.
    template <class Copy>
    void gather(Copy&& copy) const {
        const std::size_t n = chunk_of.size();
        for_each_chunk(plan_chunks(n), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t q = begin; q < end; ++q) copy(q, chunk_of[q], start_of[q], offsets[q + 1] - offsets[q], offsets[q]);
        });
    }
};

}  // namespace index_detail

/// A nearest-neighbour index over a fixed set of points (one per row).
///
/// `IndexAlgorithm::automatic` resolves as scikit-learn's "auto": brute force when there are
/// more than 15 features or `options.n_neighbors` is at least half the points, the KD-tree
/// otherwise (it serves every metric of MetricKind). All algorithms answer the same, bit for
/// bit, on any number of threads.
///
/// \code
/// linfa::Matrix<double> points(4, 2);
/// points << 0, 0, 1, 0, 0, 1, 5, 5;
/// linfa::nn::NeighbourIndex<double> index(points, {});
/// auto nearest = index.kneighbors(points.topRows(1), 2);    // rows 0 and 1
/// auto close = index.radius_neighbors(points.topRows(1), 1.0);  // rows 0, 1 and 2
/// \endcode
template <Float F>
class NeighbourIndex {
public:
    /// Indexes `points` (taken over). Throws InvalidInput when there are no points or no
    /// features, or a value is NaN or infinite; InvalidParams when leaf_size is 0, the metric
    /// is invalid or the algorithm unknown.
    NeighbourIndex(Matrix<F> points, IndexOptions options) : options_(options) {
        if (options_.leaf_size == 0) throw InvalidParams("leaf_size must be at least 1; found 0");
        options_.metric.validate();
        if (options_.algorithm > IndexAlgorithm::ball_tree)
            throw InvalidParams("algorithm code must be 0..3 (auto, brute, kd_tree, ball_tree); found " +
                                std::to_string(int(options_.algorithm)));
        if (points.rows() == 0) throw InvalidInput("an index needs at least one point; found 0 rows");
        if (points.cols() == 0) throw InvalidInput("points have zero features; need at least one");
        require_finite<F>(MatrixView<F>(points.data(), points.rows(), points.cols()), "points");
        points_ = std::make_shared<const Matrix<F>>(std::move(points));
        metric_ = options_.metric.normalized();
        algorithm_ = resolve();
        auto search = std::make_shared<Search>();
        switch (algorithm_) {
            case IndexAlgorithm::brute: search->template emplace<Brute>(*points_, metric_); break;
            case IndexAlgorithm::kd_tree: search->template emplace<KdTree>(*points_, metric_, options_.leaf_size); break;
            default: search->template emplace<BallTree>(*points_, metric_, options_.leaf_size); break;
        }
        search_ = std::move(search);
    }

    /// Number of indexed points.
    std::size_t size() const { return std::size_t(points_->rows()); }
    /// Number of features per point.
    std::size_t n_features() const { return std::size_t(points_->cols()); }
    /// The indexed points, in their original order.
    const Matrix<F>& points() const { return *points_; }
    /// The algorithm in use (never `automatic`).
    IndexAlgorithm algorithm() const { return algorithm_; }
    /// The options the index was built with (the algorithm as given).
    const IndexOptions& options() const { return options_; }

    /// The k nearest points of each query row. Throws InvalidInput when k is 0 or more than
    /// size(), the queries have another number of features, or a value is NaN or infinite.
    KNeighbours<F> kneighbors(MatrixView<F> queries, std::size_t k) const {
        if (k == 0 || k > size())
            throw InvalidInput("k must be between 1 and the number of indexed points (" + std::to_string(size()) +
                               "); found " + std::to_string(k));
        check_queries(queries);
        const std::size_t nq = std::size_t(queries.rows());
        KNeighbours<F> out;
        out.distances.resize(Eigen::Index(nq), Eigen::Index(k));
        out.indices.resize(Eigen::Index(nq), Eigen::Index(k));
        const std::vector<std::size_t> order = query_order(queries);
        for_each_chunk(plan(nq), [&](std::size_t, std::size_t begin, std::size_t end) {
            visit([&](const auto& search) {
                search.kneighbors(queries, order.empty() ? nullptr : order.data(), begin, end, k, out.distances.data(),
                                  out.indices.data());
            });
        });
        return out;
    }

    /// The points within `radius` (distance <= radius, as scikit-learn) of each query row.
    /// Throws InvalidInput when the radius is negative or NaN, the queries have another
    /// number of features, or a value is NaN or infinite.
    RadiusNeighbours<F> radius_neighbors(MatrixView<F> queries, F radius) const {
        if (!(radius >= 0))
            throw InvalidInput("radius must be a non-negative number; found " + std::to_string(double(radius)));
        check_queries(queries);
        const std::size_t nq = std::size_t(queries.rows());
        const ChunkPlan chunks = plan(nq);
        std::vector<std::vector<std::size_t>> counts(chunks.n_chunks);
        std::vector<std::vector<index_detail::Candidate<F>>> found(chunks.n_chunks);
        const std::vector<std::size_t> order = query_order(queries);
        for_each_chunk(chunks, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            visit([&](const auto& search) {
                search.radius(queries, order.empty() ? nullptr : order.data(), begin, end, radius, counts[chunk], found[chunk]);
            });
        });
        const index_detail::ChunkedEntries where(chunks, counts, [&](std::size_t p) { return order.empty() ? p : order[p]; });
        RadiusNeighbours<F> out;
        out.indices.resize(where.offsets.back());
        out.distances.resize(where.offsets.back());
        where.gather([&](std::size_t, std::size_t chunk, std::size_t start, std::size_t count, std::size_t into) {
            const auto* from = found[chunk].data() + start;
            for (std::size_t e = 0; e < count; ++e) {
                out.indices[into + e] = from[e].index;
                out.distances[into + e] = from[e].distance;
            }
        });
        out.offsets = std::move(where.offsets);
        return out;
    }

    /// The neighbours within `radius` (distance <= radius, as radius_neighbors finds them) of
    /// every indexed point: DBSCAN's question, answered without distances or sorting, and on
    /// a tree without a distance for the points of a node wholly within the radius. Throws
    /// InvalidInput when the radius is negative or NaN.
    RadiusGraph radius_graph(F radius) const {
        if (!(radius >= 0))
            throw InvalidInput("radius must be a non-negative number; found " + std::to_string(double(radius)));
        RadiusGraph out;
        if (algorithm_ == IndexAlgorithm::brute) {
            RadiusNeighbours<F> found = radius_neighbors(MatrixView<F>(points_->data(), points_->rows(), points_->cols()), radius);
            out.offsets = std::move(found.offsets);
            out.indices = std::move(found.indices);
            return out;
        }
        const ChunkPlan chunks = plan(size());
        std::vector<std::vector<std::size_t>> counts(chunks.n_chunks);
        std::vector<std::vector<std::int64_t>> found(chunks.n_chunks);
        std::vector<std::int64_t> row_at(size());
        visit([&](const auto& search) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(search)>, Brute>) {
                for_each_chunk(chunks, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                    search.self_radius(begin, end, radius, counts[chunk], found[chunk]);
                    for (std::size_t p = begin; p < end; ++p) row_at[p] = search.row_at(p);
                });
            }
        });
        const index_detail::ChunkedEntries where(chunks, counts, [&](std::size_t p) { return std::size_t(row_at[p]); });
        out.indices.resize(where.offsets.back());
        where.gather([&](std::size_t, std::size_t chunk, std::size_t start, std::size_t count, std::size_t into) {
            std::copy_n(found[chunk].data() + start, count, out.indices.data() + into);
        });
        out.offsets = std::move(where.offsets);
        return out;
    }

private:
    using Brute = index_detail::BruteForce<F>;
    using KdTree = index_detail::Tree<F, index_detail::Box<F>>;
    using BallTree = index_detail::Tree<F, index_detail::Ball<F>>;

    using Search = std::variant<std::monostate, Brute, KdTree, BallTree>;

    template <class Fn>
    void visit(Fn&& fn) const {
        std::visit([&](const auto& search) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(search)>, std::monostate>) fn(search);
        }, *search_);
    }

    IndexAlgorithm resolve() const {
        if (options_.algorithm != IndexAlgorithm::automatic) return options_.algorithm;
        if (n_features() > 15 || (options_.n_neighbors > 0 && options_.n_neighbors >= size() / 2))
            return IndexAlgorithm::brute;
        return IndexAlgorithm::kd_tree;
    }

    /// The order in which a tree takes the queries: by the leaf each falls in, then by row
    /// (empty: in row order, brute force). It depends on the data only, and each query's
    /// answer does not depend on it at all: it only makes neighbouring queries share nodes.
    std::vector<std::size_t> query_order(const MatrixView<F>& queries) const {
        std::vector<std::size_t> order;
        const std::size_t nq = std::size_t(queries.rows());
        if (algorithm_ == IndexAlgorithm::brute || nq < 2) return order;
        std::vector<std::uint32_t> leaf(nq);
        for_each_chunk(plan_chunks(nq), [&](std::size_t, std::size_t begin, std::size_t end) {
            visit([&](const auto& search) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(search)>, Brute>) {
                    const auto part = search.leaves(queries, begin, end);
                    std::copy(part.begin(), part.end(), leaf.begin() + std::ptrdiff_t(begin));
                }
            });
        });
        order.resize(nq);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return leaf[a] < leaf[b]; });
        return order;
    }

    /// Chunks of queries: at least 64 for a tree, brute_query_rows for brute force (one GEMM
    /// block); sizes and the resolved algorithm decide it, never the thread count.
    ChunkPlan plan(std::size_t n_queries) const {
        return plan_chunks(n_queries, algorithm_ == IndexAlgorithm::brute ? index_detail::brute_query_rows : 64, 256);
    }

    void check_queries(const MatrixView<F>& queries) const {
        if (std::size_t(queries.cols()) != n_features())
            throw InvalidInput("queries must have " + std::to_string(n_features()) + " features (as the indexed points); found " +
                               std::to_string(queries.cols()));
        require_finite<F>(queries, "queries");
    }

    // shared and immutable: copies of an index share the points and the search structure
    std::shared_ptr<const Matrix<F>> points_;
    IndexOptions options_;
    Metric metric_;
    IndexAlgorithm algorithm_ = IndexAlgorithm::brute;
    std::shared_ptr<const Search> search_;
};

}  // namespace linfa::nn
