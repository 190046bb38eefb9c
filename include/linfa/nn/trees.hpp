// The KD-tree and the ball tree of the neighbour index. Both split the points the same way
// (scikit-learn's rule, nearly): a node of more than leaf_size points splits at the median of
// its widest feature (of a fixed sample of that feature in nodes of more than 8192 points:
// balance needs no exact median; rows equal to the median split in their current order), and
// keep the points in tree order in a copy, so a leaf is a contiguous run of rows. They differ
// in the bound of a node: a box (KD-tree: per-feature min and max) or a ball (centroid and
// radius). A node is pruned only when its computed lower bound exceeds the query's ceiling
// with a margin that covers every rounding (Metric::reduced_ceiling), and every point reached
// gets its distance from Metric::reduced, so both trees report what brute force reports, bit
// for bit, whatever shape the tree has.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "../core/matrix.hpp"
#include "../core/parallel.hpp"
#include "assigner.hpp"
#include "metric.hpp"
#include "top_k.hpp"

namespace linfa::nn::index_detail {

/// A node of a tree: the rows [begin, end) of the tree-ordered copy; children or none.
struct TreeNode {
    std::size_t begin, end;   ///< rows of the node
    std::int32_t left = -1;   ///< first child, -1 for a leaf
    std::int32_t right = -1;  ///< second child, -1 for a leaf
};

/// The tree-ordered points and nodes shared by both trees. Bound is the node bound: the
/// KD-tree's box or the ball tree's ball, stored flat, Bound::width(d) values per node.
template <Float F, class Bound>
class Tree {
    using Stored = typename Bound::value_type;

public:
    /// Builds the tree over `points` with leaves of at most `leaf_size` (>= 1) points.
    Tree(const Matrix<F>& points, const Metric& metric, std::size_t leaf_size)
        : metric_(metric), d_(std::size_t(points.cols())), order_(std::size_t(points.rows())), sorted_(points) {
        std::iota(order_.begin(), order_.end(), std::int64_t(0));
        leaf_size = std::max<std::size_t>(leaf_size, 1);
        nodes_.reserve(4 * (order_.size() / leaf_size) + 2);
        build_all(leaf_size);
        const std::size_t w = Bound::width(d_);
        bounds_.resize(nodes_.size() * w);
        // children come after their parent: in reverse, every child's bound is ready first
        for (std::size_t i = nodes_.size(); i-- > 0;) {
            const TreeNode& node = nodes_[i];
            const Stored* left = node.left < 0 ? nullptr : bounds_.data() + std::size_t(node.left) * w;
            const Stored* right = node.left < 0 ? nullptr : bounds_.data() + std::size_t(node.right) * w;
            Bound::make(sorted_.data() + node.begin * d_, node.end - node.begin, d_, metric_, left, right,
                        bounds_.data() + i * w);
        }
    }

    /// Number of nodes.
    std::size_t n_nodes() const { return nodes_.size(); }

    /// The leaf of each query row (the nearer child at every node, ties to the first): sorting
    /// queries by it makes neighbouring queries share the nodes they visit (cache reuse).
    std::vector<std::uint32_t> leaves(const MatrixView<F>& queries, std::size_t begin, std::size_t end) const {
        std::vector<std::uint32_t> out;
        out.reserve(end - begin);
        dispatch([&](auto kind, auto features) {
            constexpr MetricKind K = decltype(kind)::value;
            constexpr std::size_t D = decltype(features)::value;
            for (std::size_t q = begin; q < end; ++q) {
                const F* x = queries.data() + q * d_;
                std::int32_t node = 0;
                while (nodes_[std::size_t(node)].left >= 0) {
                    const TreeNode& n = nodes_[std::size_t(node)];
                    node = lower<K, D>(n.left, x) <= lower<K, D>(n.right, x) ? n.left : n.right;
                }
                out.push_back(std::uint32_t(node));
            }
        });
        return out;
    }

    /// The k nearest points of queries order[begin..end) (order == nullptr: begin..end),
    /// k per query in rows of `distances` / `indices` (query q at row q).
    void kneighbors(const MatrixView<F>& queries, const std::size_t* order, std::size_t begin, std::size_t end,
                    std::size_t k, F* distances, std::int64_t* indices) const {
        TopK<F> top(k, metric_, d_);
        dispatch([&](auto kind, auto features) {
            constexpr MetricKind K = decltype(kind)::value;
            constexpr std::size_t D = decltype(features)::value;
            for (std::size_t position = begin; position < end; ++position) {
                const std::size_t q = order ? order[position] : position;
                top.clear();
                const F* x = queries.data() + q * d_;
                const auto scan = [&](const TreeNode& node) {
                    const F* p = sorted_.data() + node.begin * d_;
                    for (std::size_t i = node.begin; i < node.end; ++i, p += d_) {
                        const double r = metric_detail::reduced<K, D>(x, p, d_, metric_.p);
                        if (r <= top.ceiling()) top.offer(metric_.finish<F>(r), order_[i]);
                    }
                };
                descend<K, D>(x, [&] { return top.ceiling(); }, scan);
                top.write(distances + q * k, indices + q * k);
            }
        });
    }

    /// The points within `radius` of queries order[begin..end) (order == nullptr:
    /// begin..end), in that order: counts appended to `counts`, the points to `found`,
    /// ascending by row within each query.
    void radius(const MatrixView<F>& queries, const std::size_t* order, std::size_t begin, std::size_t end, F radius,
                std::vector<std::size_t>& counts, std::vector<Candidate<F>>& found) const {
        const double ceiling = metric_.reduced_ceiling<F>(radius, d_);
        dispatch([&](auto kind, auto features) {
            constexpr MetricKind K = decltype(kind)::value;
            constexpr std::size_t D = decltype(features)::value;
            for (std::size_t position = begin; position < end; ++position) {
                const std::size_t q = order ? order[position] : position;
                const std::size_t first = found.size();
                const F* x = queries.data() + q * d_;
                const auto scan = [&](const TreeNode& node) {
                    const F* p = sorted_.data() + node.begin * d_;
                    for (std::size_t i = node.begin; i < node.end; ++i, p += d_) {
                        const double r = metric_detail::reduced<K, D>(x, p, d_, metric_.p);
                        if (!(r <= ceiling)) continue;
                        const F distance = metric_.finish<F>(r);
                        if (distance <= radius) found.push_back({distance, order_[i]});
                    }
                };
                descend<K, D>(x, [&] { return ceiling; }, scan);
                std::sort(found.begin() + std::ptrdiff_t(first), found.end(),
                          [](const auto& a, const auto& b) { return a.index < b.index; });
                counts.push_back(found.size() - first);
            }
        });
    }

    /// The row of the indexed point at tree position `position`.
    std::int64_t row_at(std::size_t position) const { return order_[position]; }

    /// The points within `radius` of the indexed points at tree positions [begin, end), one
    /// point after another: the size of its neighbourhood (itself included) appended to
    /// `counts`, the rows to `rows` in the order the tree visits them (not sorted). A node
    /// wholly within the radius is taken without a distance: its upper bound is below
    /// Metric::reduced_floor, so every point in it passes the exact test.
    void self_radius(std::size_t begin, std::size_t end, F radius, std::vector<std::size_t>& counts,
                     std::vector<std::int64_t>& rows) const {
        const double ceiling = metric_.reduced_ceiling<F>(radius, d_);
        const double floor = metric_.reduced_floor<F>(radius, d_);
        dispatch([&](auto kind, auto features) {
            constexpr MetricKind K = decltype(kind)::value;
            constexpr std::size_t D = decltype(features)::value;
            for (std::size_t position = begin; position < end; ++position) {
                const std::size_t first = rows.size();
                const F* x = sorted_.data() + position * d_;
                const auto whole = [&](const TreeNode& node) {
                    rows.insert(rows.end(), order_.begin() + std::ptrdiff_t(node.begin), order_.begin() + std::ptrdiff_t(node.end));
                };
                const auto scan = [&](const TreeNode& node) {
                    const F* p = sorted_.data() + node.begin * d_;
                    for (std::size_t i = node.begin; i < node.end; ++i, p += d_) {
                        const double r = metric_detail::reduced<K, D>(x, p, d_, metric_.p);
                        if (r <= floor || (r <= ceiling && metric_.finish<F>(r) <= radius)) rows.push_back(order_[i]);
                    }
                };
                descend_within<K, D>(x, ceiling, floor, whole, scan);
                counts.push_back(rows.size() - first);
            }
        });
    }

private:
    struct Scratch {
        std::vector<F> values;
    };

    template <class Fn>
    void dispatch(Fn&& fn) const {
        metric_detail::with_kind(metric_.kind, [&](auto kind) {
            with_features(d_, [&](auto features) { fn(kind, features); });
        });
    }

    template <MetricKind K, std::size_t D>
    double lower(std::int32_t node, const F* x) const {
        return Bound::template lower<K, D>(bounds_.data() + std::size_t(node) * Bound::width(d_), x, d_, metric_);
    }

    /// Visits the leaves whose bound may be within `ceiling()`, nearer child first.
    template <MetricKind K, std::size_t D, class Ceiling, class Scan>
    void descend(const F* x, Ceiling&& ceiling, Scan&& scan) const {
        struct Pending {
            std::int32_t node;
            double bound;
        };
        Pending stack[max_depth + 2];  // one pending node per level, plus the pair of the deepest
        std::size_t top = 0;
        stack[top++] = {0, lower<K, D>(0, x)};
        while (top > 0) {
            const Pending p = stack[--top];
            if (p.bound > ceiling()) continue;
            const TreeNode& node = nodes_[std::size_t(p.node)];
            if (node.left < 0) {
                scan(node);
                continue;
            }
            const double bl = lower<K, D>(node.left, x), br = lower<K, D>(node.right, x);
            // push the farther first so the nearer is visited first
            if (bl <= br) {
                stack[top++] = {node.right, br};
                stack[top++] = {node.left, bl};
            } else {
                stack[top++] = {node.left, bl};
                stack[top++] = {node.right, br};
            }
        }
    }

    /// Visits the nodes that may hold points within reduced distance `ceiling` of `x`:
    /// `whole(node)` for a node wholly within `floor`, `scan(leaf)` for the other leaves.
    template <MetricKind K, std::size_t D, class Whole, class Scan>
    void descend_within(const F* x, double ceiling, double floor, Whole&& whole, Scan&& scan) const {
        std::int32_t stack[max_depth + 2];  // depth-first, one sibling pending per level
        std::size_t top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const std::int32_t id = stack[--top];
            if (lower<K, D>(id, x) > ceiling) continue;
            const TreeNode& node = nodes_[std::size_t(id)];
            if (Bound::template upper<K, D>(bounds_.data() + std::size_t(id) * Bound::width(d_), x, d_, metric_) <= floor) {
                whole(node);
            } else if (node.left < 0) {
                scan(node);
            } else {
                stack[top++] = node.right;
                stack[top++] = node.left;
            }
        }
    }

    /// A subtree left for the parallel phase: its rows, its placeholder node, where its rows
    /// are and their box.
    struct Pending {
        std::size_t begin, end;
        std::int32_t node;
        bool in_spare;
        std::vector<F> box;  // d minima then d maxima
    };

    /// Builds the top `parallel_depth` levels, then the subtrees below them in parallel, one
    /// per chunk, each into its own node list, appended in order (the tree depends on the
    /// points only, never on the threads).
    void build_all(std::size_t leaf_size) {
        const std::size_t n = order_.size();
        const std::size_t depth = n >= 65536 ? parallel_depth : 0;
        spare_rows_.resize(n * d_);
        spare_order_.resize(n);
        std::vector<F> box(2 * d_);
        std::fill(box.begin(), box.begin() + std::ptrdiff_t(d_), std::numeric_limits<F>::infinity());
        std::fill(box.begin() + std::ptrdiff_t(d_), box.end(), -std::numeric_limits<F>::infinity());
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t f = 0; f < d_; ++f) {
                const F v = sorted_.data()[i * d_ + f];
                box[f] = std::min(box[f], v), box[d_ + f] = std::max(box[d_ + f], v);
            }
        std::vector<Pending> pending;
        Scratch scratch;
        build(nodes_, 0, n, false, box.data(), leaf_size, scratch, depth, &pending);
        if (!pending.empty()) {
            std::vector<std::vector<TreeNode>> local(pending.size());
            for_each_chunk(plan_chunks(pending.size(), 1, pending.size()), [&](std::size_t, std::size_t b, std::size_t e) {
                Scratch s;
                for (std::size_t c = b; c < e; ++c)
                    build(local[c], pending[c].begin, pending[c].end, pending[c].in_spare, pending[c].box.data(), leaf_size, s, 0,
                          nullptr);
            });
            for (std::size_t c = 0; c < pending.size(); ++c) {
                const auto offset = std::int32_t(nodes_.size()) - 1;  // local node i >= 1 becomes offset + i
                const auto remap = [&](TreeNode node) {
                    if (node.left >= 0) node.left += offset, node.right += offset;
                    return node;
                };
                nodes_[std::size_t(pending[c].node)] = remap(local[c][0]);
                for (std::size_t i = 1; i < local[c].size(); ++i) nodes_.push_back(remap(local[c][i]));
            }
        }
        spare_rows_ = std::vector<F>();
        spare_order_ = std::vector<std::int64_t>();
    }

    /// Splits rows [begin, end) at the median of their widest feature (by `box`, the rows'
    /// exact minima and maxima), moving the rows (and their original indices) from where they
    /// are (`in_spare`: the spare buffers, else the tree-ordered copy) into the other place,
    /// with each side's box gathered on the way; a leaf's rows end in the tree-ordered copy.
    /// At depth 0 with `pending` given, leaves a placeholder node and records the subtree.
    std::int32_t build(std::vector<TreeNode>& nodes, std::size_t begin, std::size_t end, bool in_spare, const F* box,
                       std::size_t leaf_size, Scratch& s, std::size_t depth, std::vector<Pending>* pending) {
        const auto id = std::int32_t(nodes.size());
        nodes.push_back({begin, end});
        const std::size_t count = end - begin;
        F* rows = (in_spare ? spare_rows_.data() : sorted_.data()) + begin * d_;
        std::int64_t* order = (in_spare ? spare_order_.data() : order_.data()) + begin;
        if (count <= leaf_size) {
            if (in_spare) {
                std::copy_n(rows, count * d_, sorted_.data() + begin * d_);
                std::copy_n(order, count, order_.data() + begin);
            }
            return id;
        }
        if (pending && depth == 0) {
            pending->push_back({begin, end, id, in_spare, std::vector<F>(box, box + 2 * d_)});
            return id;
        }
        std::size_t widest = 0;
        for (std::size_t f = 1; f < d_; ++f)
            if (box[d_ + f] - box[f] > box[d_ + widest] - box[widest]) widest = f;
        // the split: the median value of the widest feature (of a fixed sample of it in a large
        // node: the tree's balance needs no exact median, and the answers do not depend on
        // the tree); rows below it go left, then as many rows equal to it as the median rule
        // sends there, in their current order
        std::size_t half = count / 2, ties_left = 0;
        F pivot{};
        if (count > sampled_split_min) {
            s.values.resize(split_sample);
            for (std::size_t j = 0; j < split_sample; ++j) s.values[j] = rows[(j * count / split_sample) * d_ + widest];
            std::nth_element(s.values.begin(), s.values.begin() + std::ptrdiff_t(split_sample / 2), s.values.end());
            pivot = s.values[split_sample / 2];
            std::size_t below = 0;
            for (std::size_t i = 0; i < count; ++i) below += rows[i * d_ + widest] < pivot;
            // a sample far from the median (adversarial order): the exact one, so every split
            // keeps at least a quarter on each side and the depth stays below 2.5 log2(n)
            if (below >= count / 4 && below <= count - count / 4) half = below;
            else pivot = exact_median(rows, count, widest, half, ties_left, s);
        } else {
            pivot = exact_median(rows, count, widest, half, ties_left, s);
        }
        F* into_rows = (in_spare ? sorted_.data() : spare_rows_.data()) + begin * d_;
        std::int64_t* into_order = (in_spare ? order_.data() : spare_order_.data()) + begin;
        std::vector<F> boxes(4 * d_);  // left minima, left maxima, right minima, right maxima
        for (std::size_t side = 0; side < 2; ++side) {
            std::fill_n(boxes.data() + 2 * side * d_, d_, std::numeric_limits<F>::infinity());
            std::fill_n(boxes.data() + (2 * side + 1) * d_, d_, -std::numeric_limits<F>::infinity());
        }
        with_features(d_, [&](auto features) {
            constexpr std::size_t D = decltype(features)::value;
            const std::size_t d = D ? D : d_;
            std::size_t to_left = 0, to_right = half;
            for (std::size_t i = 0; i < count; ++i) {
                const F v = rows[i * d + widest];
                const bool tie = v == pivot && ties_left > 0;  // branch-free: the side is a coin toss
                ties_left -= tie;
                const bool goes_left = (v < pivot) | tie;
                const std::size_t to = goes_left ? to_left : to_right;
                to_left += goes_left;
                to_right += !goes_left;
                const F* from = rows + i * d;
                F* into = into_rows + to * d;
                F* side_box = boxes.data() + (goes_left ? 0 : 2 * d);
                for (std::size_t f = 0; f < d; ++f) {
                    into[f] = from[f];
                    side_box[f] = std::min(side_box[f], from[f]);
                    side_box[d + f] = std::max(side_box[d + f], from[f]);
                }
                into_order[to] = order[i];
            }
        });
        const std::int32_t left = build(nodes, begin, begin + half, !in_spare, boxes.data(), leaf_size, s, depth - 1, pending);
        const std::int32_t right = build(nodes, begin + half, end, !in_spare, boxes.data() + 2 * d_, leaf_size, s, depth - 1, pending);
        nodes[std::size_t(id)].left = left;
        nodes[std::size_t(id)].right = right;
        return id;
    }

    static constexpr std::size_t parallel_depth = 3;        // 8 subtrees built in parallel
    static constexpr std::size_t max_depth = 160;           // log_{4/3}(2^64) < 155: splits keep a quarter
    static constexpr std::size_t sampled_split_min = 8192;  // larger nodes split at a sample's median
    static constexpr std::size_t split_sample = 1025;

    /// The median of feature `feature` of `count` rows, into `half` (the rows going left) and
    /// `ties_left` (how many rows equal to it go left).
    F exact_median(const F* rows, std::size_t count, std::size_t feature, std::size_t& half, std::size_t& ties_left,
                   Scratch& s) const {
        s.values.resize(count);
        for (std::size_t i = 0; i < count; ++i) s.values[i] = rows[i * d_ + feature];
        half = count / 2;
        std::nth_element(s.values.begin(), s.values.begin() + std::ptrdiff_t(half), s.values.end());
        const F pivot = s.values[half];
        ties_left = half;
        for (std::size_t i = 0; i < half; ++i) ties_left -= s.values[i] < pivot;
        return pivot;
    }

    Metric metric_;
    std::size_t d_;
    std::vector<std::int64_t> order_;
    Matrix<F> sorted_;
    std::vector<TreeNode> nodes_;
    std::vector<Stored> bounds_;
    std::vector<F> spare_rows_;             // the other half of the ping-pong while building
    std::vector<std::int64_t> spare_order_;
};

/// The KD-tree's node bound: the box of its points, d minima then d maxima.
template <Float F>
struct Box {
    /// The stored scalar.
    using value_type = F;
    /// Values per node.
    static std::size_t width(std::size_t d) { return 2 * d; }

    /// The box of `count` rows, or the union of two children's boxes (`left`, `right` non-null).
    static void make(const F* rows, std::size_t count, std::size_t d, const Metric&, const F* left, const F* right, F* out) {
        if (left) {
            for (std::size_t f = 0; f < d; ++f) {
                out[f] = std::min(left[f], right[f]);
                out[d + f] = std::max(left[d + f], right[d + f]);
            }
            return;
        }
        std::fill(out, out + d, std::numeric_limits<F>::infinity());
        std::fill(out + d, out + 2 * d, -std::numeric_limits<F>::infinity());
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t f = 0; f < d; ++f) {
                out[f] = std::min(out[f], rows[i * d + f]);
                out[d + f] = std::max(out[d + f], rows[i * d + f]);
            }
    }

    /// A lower bound on the reduced distance from `x` to any point of the box `box`.
    template <MetricKind K, std::size_t D>
    static double lower(const F* box, const F* x, std::size_t d, const Metric& metric) {
        return combine<K, D>(d, metric, [&](std::size_t f, std::size_t n) {
            const double v = double(x[f]);
            return std::max({double(box[f]) - v, v - double(box[n + f]), 0.0});  // the gap to the box
        });
    }

    /// An upper bound on the reduced distance from `x` to any point of the box `box` (to its
    /// farthest corner).
    template <MetricKind K, std::size_t D>
    static double upper(const F* box, const F* x, std::size_t d, const Metric& metric) {
        return combine<K, D>(d, metric, [&](std::size_t f, std::size_t n) {
            const double v = double(x[f]);
            return std::max(v - double(box[f]), double(box[n + f]) - v);  // the reach to the far side
        });
    }

private:
    /// The reduced distance of per-feature differences `difference(f, d)` >= 0, as K combines
    /// them (squares summed, absolute values summed, their maximum, p-th powers summed).
    template <MetricKind K, std::size_t D, class Difference>
    static double combine(std::size_t d, const Metric& metric, Difference&& difference) {
        if constexpr (D > 0) d = D;
        double sum = 0;
        for (std::size_t f = 0; f < d; ++f) {
            const double t = difference(f, d);
            if constexpr (K == MetricKind::euclidean) sum += t * t;
            else if constexpr (K == MetricKind::manhattan) sum += t;
            else if constexpr (K == MetricKind::chebyshev) sum = std::max(sum, t);
            else sum += std::pow(t, metric.p);
        }
        return sum;
    }
};

/// The ball tree's node bound: a centre (the mean of the node's points) and a radius holding
/// every point of the node, stored as d + 1 doubles.
template <Float F>
struct Ball {
    /// The stored scalar.
    using value_type = double;
    /// Values per node.
    static std::size_t width(std::size_t d) { return d + 1; }

    /// The ball of `count` rows (the children are not used: a ball is fitted to the points).
    static void make(const F* rows, std::size_t count, std::size_t d, const Metric& metric, const double*, const double*,
                     double* out) {
        std::fill(out, out + d + 1, 0.0);
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t f = 0; f < d; ++f) out[f] += double(rows[i * d + f]);
        for (std::size_t f = 0; f < d; ++f) out[f] /= double(count);
        double radius = 0;
        for (std::size_t i = 0; i < count; ++i) radius = std::max(radius, metric.finish<double>(metric.reduced(rows + i * d, out, d)));
        out[d] = radius * (1 + metric.margin<F>(d));
    }

    /// A lower bound on the reduced distance from `x` to any point of the ball `ball` (the
    /// distance to the centre less the radius, widened by the rounding margin).
    template <MetricKind K, std::size_t D>
    static double lower(const double* ball, const F* x, std::size_t d, const Metric& metric) {
        if constexpr (D > 0) d = D;
        const double to_centre = metric.finish<double>(metric_detail::reduced<K, D>(x, ball, d, metric.p));
        const double radius = ball[d];
        const double m = metric.margin<F>(d);
        const double gap = to_centre - radius - m * (to_centre + radius);
        if (!(gap > 0)) return 0;
        return metric.reduced_term(gap);
    }

    /// An upper bound on the reduced distance from `x` to any point of the ball `ball` (the
    /// distance to the centre plus the radius, widened by the rounding margin).
    template <MetricKind K, std::size_t D>
    static double upper(const double* ball, const F* x, std::size_t d, const Metric& metric) {
        if constexpr (D > 0) d = D;
        const double to_centre = metric.finish<double>(metric_detail::reduced<K, D>(x, ball, d, metric.p));
        return metric.reduced_term((to_centre + ball[d]) * (1 + metric.margin<F>(d)));
    }
};

}  // namespace linfa::nn::index_detail
