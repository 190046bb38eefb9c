// Brute force for the neighbour index: every query against every point, in blocks.
//
//  * Euclidean with many features (d >= brute_gemm_min_features): the expansion
//    ||q||^2 + ||p||^2 - 2 q.p, with q.p for brute_query_rows queries at a time one GEMM against a
//    block of points (data centred on the points' mean, so the rounding scales with the
//    spread, not the offset). It only filters: a point whose expanded distance, less the
//    expansion's error bound, exceeds the query's current ceiling cannot enter; every other
//    one gets its exact distance from Metric::reduced, the function every algorithm reports.
//    So the neighbours and distances are those of the direct scan, bit for bit.
//  * Otherwise: exact reduced distances point by point, compiled per metric kind and, for
//    d <= 4, per feature count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "../core/matrix.hpp"
#include "assigner.hpp"
#include "metric.hpp"
#include "top_k.hpp"

namespace linfa::nn {

/// Fewest features for which Euclidean brute force filters candidates through a GEMM.
inline constexpr std::size_t brute_gemm_min_features = 16;

}  // namespace linfa::nn

namespace linfa::nn::index_detail {

/// Points per GEMM block of the brute-force filter.
inline constexpr std::size_t brute_block_points = 1024;
/// Queries per GEMM of the brute-force filter: each product packs its block of points anew, so
/// more queries per product amortise that (at 32, packing took as long as the multiplication).
/// Eigen may split a product over threads only outside a parallel region (one chunk of queries);
/// the filter's rounding never changes an answer.
inline constexpr std::size_t brute_query_rows = 256;

/// Brute force over `points` (referenced, not copied; it must outlive this).
template <Float F>
class BruteForce {
    template <class G>
    using Rows = Eigen::Matrix<G, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

public:
    /// Prepares the GEMM filter where the metric and d call for it.
    BruteForce(const Matrix<F>& points, const Metric& metric) : points_(points), metric_(metric) {
        const std::size_t d = std::size_t(points.cols());
        if (metric.kind != MetricKind::euclidean || d < brute_gemm_min_features) return;
        Eigen::Matrix<double, 1, Eigen::Dynamic> mean = points.template cast<double>().colwise().mean();
        centre_ = mean.template cast<F>();
        centred_ = points.rowwise() - centre_;
        // the error bound of the filter, relative to ||q||^2 + ||p||^2 (see the file comment)
        slack_ = 4.0 * double(d + 32) * double(std::numeric_limits<F>::epsilon());
        shrunk_norms_.resize(std::size_t(points.rows()));
        bool finite = true;
        for (Eigen::Index j = 0; j < points.rows(); ++j) {
            const double norm = double(centred_.row(j).squaredNorm());
            finite &= std::isfinite(norm) && norm < double(std::numeric_limits<F>::max()) / 16;
            shrunk_norms_[std::size_t(j)] = F((1 - slack_) * norm);
        }
        use_gemm_ = finite;
        if (!finite) centred_.resize(0, 0), shrunk_norms_.clear();
    }

    /// Whether the GEMM filter is used.
    bool uses_gemm() const { return use_gemm_; }

    /// The k nearest points of queries [begin, end), k per query in rows of `distances` /
    /// `indices` (query q at row q). Brute force takes queries in their order (`order` null).
    void kneighbors(const MatrixView<F>& queries, const std::size_t* /*order*/, std::size_t begin, std::size_t end,
                    std::size_t k, F* distances, std::int64_t* indices) const {
        const std::size_t d = std::size_t(points_.cols());
        std::vector<TopK<F>> tops(brute_query_rows, TopK<F>(k, metric_, d));
        for (std::size_t b = begin; b < end; b += brute_query_rows) {
            const std::size_t rows = std::min<std::size_t>(brute_query_rows, end - b);
            for (std::size_t i = 0; i < rows; ++i) tops[i].clear();
            const auto visit = [&](std::size_t i, std::size_t j, double reduced) {
                if (reduced <= tops[i].ceiling()) tops[i].offer(metric_.finish<F>(reduced), std::int64_t(j));
            };
            scan(queries, b, rows, [&](std::size_t i) { return tops[i].ceiling(); }, visit);
            for (std::size_t i = 0; i < rows; ++i) tops[i].write(distances + (b + i) * k, indices + (b + i) * k);
        }
    }

    /// The points within `radius` of queries [begin, end): their count per query appended to
    /// `counts`, the points to `found`, ascending by row within each query.
    void radius(const MatrixView<F>& queries, const std::size_t* /*order*/, std::size_t begin, std::size_t end, F radius,
                std::vector<std::size_t>& counts, std::vector<Candidate<F>>& found) const {
        const std::size_t d = std::size_t(points_.cols());
        const double ceiling = metric_.reduced_ceiling<F>(radius, d);
        std::vector<std::vector<Candidate<F>>> within(brute_query_rows);
        for (std::size_t b = begin; b < end; b += brute_query_rows) {
            const std::size_t rows = std::min<std::size_t>(brute_query_rows, end - b);
            for (std::size_t i = 0; i < rows; ++i) within[i].clear();
            const auto visit = [&](std::size_t i, std::size_t j, double reduced) {
                if (!(reduced <= ceiling)) return;
                const F distance = metric_.finish<F>(reduced);
                if (distance <= radius) within[i].push_back({distance, std::int64_t(j)});
            };
            scan(queries, b, rows, [&](std::size_t) { return ceiling; }, visit);
            for (std::size_t i = 0; i < rows; ++i) {
                auto& w = within[i];
                std::sort(w.begin(), w.end(), [](const auto& x, const auto& y) { return x.index < y.index; });
                counts.push_back(w.size());
                found.insert(found.end(), w.begin(), w.end());
            }
        }
    }

private:
    /// Calls `visit(i, j, reduced)` for query b + i (i < rows) and every point j whose reduced
    /// distance may be at most `ceiling(i)` (read again after each visit), with that exact
    /// reduced distance. Points are met in ascending order per query.
    template <class Ceiling, class Visit>
    void scan(const MatrixView<F>& queries, std::size_t b, std::size_t rows, Ceiling&& ceiling, Visit&& visit) const {
        const std::size_t n = std::size_t(points_.rows()), d = std::size_t(points_.cols());
        bool gemm = use_gemm_;
        Rows<F> block(rows, Eigen::Index(d));
        std::vector<F> norms(rows);
        if (gemm) {
            block = queries.middleRows(Eigen::Index(b), Eigen::Index(rows)).rowwise() - centre_;
            for (std::size_t i = 0; i < rows; ++i) {
                const double norm = double(block.row(Eigen::Index(i)).squaredNorm());
                gemm &= std::isfinite(norm) && norm < double(std::numeric_limits<F>::max()) / 16;
                norms[i] = F(norm);
            }
        }
        if (!gemm) return scan_direct(queries, b, rows, ceiling, visit);
        Rows<F> dots(rows, Eigen::Index(brute_block_points));
        for (std::size_t jb = 0; jb < n; jb += brute_block_points) {
            const std::size_t count = std::min(brute_block_points, n - jb);
            dots.leftCols(Eigen::Index(count)).noalias() =
                block * centred_.middleRows(Eigen::Index(jb), Eigen::Index(count)).transpose();
            for (std::size_t i = 0; i < rows; ++i) {
                const F* q = queries.data() + (b + i) * d;
                const F* dot = dots.data() + i * std::size_t(dots.cols());
                const F* shrunk = shrunk_norms_.data() + jb;
                const double shrunk_query = (1 - slack_) * double(norms[i]);
                F threshold = bound_above(ceiling(i) - shrunk_query);
                for (std::size_t j = 0; j < count; ++j) {
                    const F score = shrunk[j] - 2 * dot[j];
                    if (score > threshold) continue;  // a NaN score is visited
                    visit(i, jb + j, metric_.reduced(q, points_.data() + (jb + j) * d, d));
                    threshold = bound_above(ceiling(i) - shrunk_query);
                }
            }
        }
    }

    /// The smallest F no less than `x` (+inf stays +inf).
    static F bound_above(double x) {
        const F y = F(x);
        return double(y) >= x ? y : std::nextafter(y, std::numeric_limits<F>::infinity());
    }

    template <class Ceiling, class Visit>
    void scan_direct(const MatrixView<F>& queries, std::size_t b, std::size_t rows, Ceiling& ceiling, Visit& visit) const {
        const std::size_t n = std::size_t(points_.rows()), d = std::size_t(points_.cols());
        metric_detail::with_kind(metric_.kind, [&](auto kind) {
            with_features(d, [&](auto features) {
                constexpr MetricKind K = decltype(kind)::value;
                constexpr std::size_t D = decltype(features)::value;
                for (std::size_t i = 0; i < rows; ++i) {
                    const F* q = queries.data() + (b + i) * d;
                    double limit = ceiling(i);
                    const F* p = points_.data();
                    for (std::size_t j = 0; j < n; ++j, p += d) {
                        const double r = metric_detail::reduced<K, D>(q, p, d, metric_.p);
                        if (r > limit) continue;
                        visit(i, j, r);
                        limit = ceiling(i);
                    }
                }
            });
        });
    }

    const Matrix<F>& points_;
    Metric metric_;
    bool use_gemm_ = false;
    double slack_ = 0;
    Eigen::Matrix<F, 1, Eigen::Dynamic> centre_;
    // column-major: a block of points is then the GEMM's left operand in the layout Eigen
    // packs fastest (row-major, packing it took as long as the multiplication)
    Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor> centred_;
    std::vector<F> shrunk_norms_;
};

}  // namespace linfa::nn::index_detail
