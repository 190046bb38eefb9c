// The nearest-neighbour index: k nearest neighbours and radius queries over a fixed set of
// points, by brute force, a KD-tree or a ball tree (nn/brute_force.hpp, nn/trees.hpp), or
// over sparse (CSR) points by sparse brute force (nn/sparse_brute_force.hpp).
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
#include "../core/sparse.hpp"
#include "../core/validation.hpp"
#include "brute_force.hpp"
#include "metric.hpp"
#include "sparse_brute_force.hpp"
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

/// A nearest-neighbour index over a fixed set of points (one per row), dense or sparse.
///
/// `IndexAlgorithm::automatic` resolves as scikit-learn's "auto": brute force when there are
/// more than 15 features or `options.n_neighbors` is at least half the points, the KD-tree
/// otherwise (it serves every metric of MetricKind). An index of sparse points is always
/// brute force, whatever the algorithm asked for (scikit-learn's rule for sparse input). All
/// algorithms answer the same, bit for bit, on any number of threads, and a sparse index
/// answers as a dense one over the same points would. Queries may be dense or sparse with
/// either kind of index: they are converted, which changes no answer.
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
        check_setup(options_, std::size_t(points.rows()), std::size_t(points.cols()));
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

    /// Indexes a copy of sparse `points` (each row's columns sorted), searched by sparse brute
    /// force. Throws as the dense constructor; the CsrView has checked the values.
    template <SparseIndex I>
    NeighbourIndex(const CsrView<F, I>& points, IndexOptions options) : options_(options) {
        check_setup(options_, std::size_t(points.rows()), std::size_t(points.cols()));
        sparse_points_ = std::make_shared<const CsrMatrix<F, std::int64_t>>(index_detail::sorted_copy(points));
        metric_ = options_.metric.normalized();
        algorithm_ = IndexAlgorithm::brute;
        sparse_search_ = std::make_shared<const SparseBrute>(*sparse_points_, metric_);
    }

    /// Number of indexed points.
    std::size_t size() const { return sparse() ? sparse_points_->rows() : std::size_t(points_->rows()); }
    /// Number of features per point.
    std::size_t n_features() const { return sparse() ? sparse_points_->cols() : std::size_t(points_->cols()); }
    /// Whether the points are sparse (sparse_points()) rather than dense (points()).
    bool sparse() const { return sparse_points_ != nullptr; }
    /// The indexed dense points, in their original order. Throws std::logic_error for a
    /// sparse index.
    const Matrix<F>& points() const {
        if (sparse()) throw std::logic_error("NeighbourIndex::points: the index is sparse (see sparse_points)");
        return *points_;
    }
    /// The indexed sparse points, in their original order, each row's columns increasing.
    /// Throws std::logic_error for a dense index.
    CsrView<F, std::int64_t> sparse_points() const {
        if (!sparse()) throw std::logic_error("NeighbourIndex::sparse_points: the index is dense (see points)");
        return sparse_points_->view();
    }
    /// The algorithm in use (never `automatic`).
    IndexAlgorithm algorithm() const { return algorithm_; }
    /// The options the index was built with (the algorithm as given).
    const IndexOptions& options() const { return options_; }

    /// The k nearest points of each query row. Throws InvalidInput when k is 0 or more than
    /// size(), the queries have another number of features, or a value is NaN or infinite.
    KNeighbours<F> kneighbors(MatrixView<F> queries, std::size_t k) const {
        check_k(k);
        check_queries(queries);
        if (sparse()) return kneighbors(sparse_copy(queries).view(), k);
        const std::size_t nq = std::size_t(queries.rows());
        KNeighbours<F> out = empty_answer(nq, k);
        const std::vector<std::size_t> order = query_order(queries);
        for_each_chunk(plan(nq), [&](std::size_t, std::size_t begin, std::size_t end) {
            visit([&](const auto& search) {
                search.kneighbors(queries, order.empty() ? nullptr : order.data(), begin, end, k, out.distances.data(),
                                  out.indices.data());
            });
        });
        return out;
    }

    /// The k nearest points of each sparse query row; throws as the dense `kneighbors`.
    template <SparseIndex I>
    KNeighbours<F> kneighbors(const CsrView<F, I>& queries, std::size_t k) const {
        check_k(k);
        check_features(queries.cols());
        if (!sparse()) {
            const Matrix<F> dense = to_dense(queries);
            return kneighbors(view(dense), k);
        }
        KNeighbours<F> out = empty_answer(queries.rows(), k);
        for_each_chunk(plan(queries.rows()), [&](std::size_t, std::size_t begin, std::size_t end) {
            sparse_search_->kneighbors(queries, begin, end, k, out.distances.data(), out.indices.data());
        });
        return out;
    }

    /// The points within `radius` (distance <= radius, as scikit-learn) of each query row.
    /// Throws InvalidInput when the radius is negative or NaN, the queries have another
    /// number of features, or a value is NaN or infinite.
    RadiusNeighbours<F> radius_neighbors(MatrixView<F> queries, F radius) const {
        check_radius(radius);
        check_queries(queries);
        if (sparse()) return radius_neighbors(sparse_copy(queries).view(), radius);
        const std::vector<std::size_t> order = query_order(queries);
        return gather_radius(std::size_t(queries.rows()), order, [&](std::size_t begin, std::size_t end, auto& counts, auto& found) {
            visit([&](const auto& search) {
                search.radius(queries, order.empty() ? nullptr : order.data(), begin, end, radius, counts, found);
            });
        });
    }

    /// The points within `radius` of each sparse query row; throws as the dense
    /// `radius_neighbors`.
    template <SparseIndex I>
    RadiusNeighbours<F> radius_neighbors(const CsrView<F, I>& queries, F radius) const {
        check_radius(radius);
        check_features(queries.cols());
        if (!sparse()) {
            const Matrix<F> dense = to_dense(queries);
            return radius_neighbors(view(dense), radius);
        }
        return gather_radius(queries.rows(), {}, [&](std::size_t begin, std::size_t end, auto& counts, auto& found) {
            sparse_search_->radius(queries, begin, end, radius, counts, found);
        });
    }

    /// The neighbours within `radius` (distance <= radius, as radius_neighbors finds them) of
    /// every indexed point: DBSCAN's question, answered without distances or sorting, and on
    /// a tree without a distance for the points of a node wholly within the radius. Throws
    /// InvalidInput when the radius is negative or NaN.
    RadiusGraph radius_graph(F radius) const {
        check_radius(radius);
        RadiusGraph out;
        if (algorithm_ == IndexAlgorithm::brute) {
            RadiusNeighbours<F> found = sparse() ? radius_neighbors(sparse_points_->view(), radius)
                                                 : radius_neighbors(view(*points_), radius);
            out.offsets = std::move(found.offsets);
            out.indices = std::move(found.indices);
            return out;
        }
        return tree_radius_graph(radius);
    }

private:
    using Brute = index_detail::BruteForce<F>;
    using KdTree = index_detail::Tree<F, index_detail::Box<F>>;
    using BallTree = index_detail::Tree<F, index_detail::Ball<F>>;
    using SparseBrute = index_detail::SparseBruteForce<F>;

    using Search = std::variant<std::monostate, Brute, KdTree, BallTree>;

    /// radius_graph on a tree.
    RadiusGraph tree_radius_graph(F radius) const {
        RadiusGraph out;
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

    /// The answer of a radius search of `nq` queries in CSR form: `search(begin, end, counts,
    /// found)` appends the neighbours of positions [begin, end) of a chunk, position p being
    /// query `order[p]` (p itself when `order` is empty).
    template <class SearchChunk>
    RadiusNeighbours<F> gather_radius(std::size_t nq, const std::vector<std::size_t>& order, SearchChunk&& search) const {
        const ChunkPlan chunks = plan(nq);
        std::vector<std::vector<std::size_t>> counts(chunks.n_chunks);
        std::vector<std::vector<index_detail::Candidate<F>>> found(chunks.n_chunks);
        for_each_chunk(chunks, [&](std::size_t chunk, std::size_t begin, std::size_t end) { search(begin, end, counts[chunk], found[chunk]); });
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

    /// Throws InvalidParams for invalid options, InvalidInput for no points or no features.
    static void check_setup(const IndexOptions& options, std::size_t rows, std::size_t cols) {
        if (options.leaf_size == 0) throw InvalidParams("leaf_size must be at least 1; found 0");
        options.metric.validate();
        if (options.algorithm > IndexAlgorithm::ball_tree)
            throw InvalidParams("algorithm code must be 0..3 (auto, brute, kd_tree, ball_tree); found " +
                                std::to_string(int(options.algorithm)));
        if (rows == 0) throw InvalidInput("an index needs at least one point; found 0 rows");
        if (cols == 0) throw InvalidInput("points have zero features; need at least one");
    }

    /// Chunks of queries: at least 64 for a tree or sparse points, brute_query_rows for dense
    /// brute force (one GEMM block); sizes and the resolved algorithm decide it, never the
    /// thread count.
    ChunkPlan plan(std::size_t n_queries) const {
        const bool gemm_blocks = algorithm_ == IndexAlgorithm::brute && !sparse();
        return plan_chunks(n_queries, gemm_blocks ? index_detail::brute_query_rows : index_detail::sparse_query_rows, 256);
    }

    void check_k(std::size_t k) const {
        if (k == 0 || k > size())
            throw InvalidInput("k must be between 1 and the number of indexed points (" + std::to_string(size()) +
                               "); found " + std::to_string(k));
    }

    static void check_radius(F radius) {
        if (!(radius >= 0)) throw InvalidInput("radius must be a non-negative number; found " + std::to_string(double(radius)));
    }

    void check_features(std::size_t n_query_features) const {
        if (n_query_features != n_features())
            throw InvalidInput("queries must have " + std::to_string(n_features()) + " features (as the indexed points); found " +
                               std::to_string(n_query_features));
    }

    void check_queries(const MatrixView<F>& queries) const {
        check_features(std::size_t(queries.cols()));
        require_finite<F>(queries, "queries");
    }

    static KNeighbours<F> empty_answer(std::size_t nq, std::size_t k) {
        KNeighbours<F> out;
        out.distances.resize(Eigen::Index(nq), Eigen::Index(k));
        out.indices.resize(Eigen::Index(nq), Eigen::Index(k));
        return out;
    }

    /// Dense queries for a sparse index (checked already).
    static CsrMatrix<F, std::int64_t> sparse_copy(const MatrixView<F>& queries) { return CsrMatrix<F, std::int64_t>::from_dense(queries); }

    static MatrixView<F> view(const Matrix<F>& m) { return MatrixView<F>(m.data(), m.rows(), m.cols()); }

    // shared and immutable: copies of an index share the points and the search structure
    std::shared_ptr<const Matrix<F>> points_;
    std::shared_ptr<const CsrMatrix<F, std::int64_t>> sparse_points_;
    std::shared_ptr<const SparseBrute> sparse_search_;
    IndexOptions options_;
    Metric metric_;
    IndexAlgorithm algorithm_ = IndexAlgorithm::brute;
    std::shared_ptr<const Search> search_;
};

}  // namespace linfa::nn
