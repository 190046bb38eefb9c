// Brute force over sparse (CSR) points for the neighbour index: every query row against every
// point, with distances computed on the stored entries only.
//
//  * Exact distances merge the two rows' sorted columns and apply the metric's per-feature
//    step to each column either row stores, in increasing column order. A column neither row
//    stores adds nothing in any metric (0 squared, |0|, max with 0, 0^p), so the result is the
//    dense Metric::reduced of the same rows, bit for bit: a sparse index reports exactly the
//    neighbours and distances of a dense index over the densified points.
//  * Every metric whose reduced distance is a sum over features (all but chebyshev) first
//    filters through its expansion: with t the per-feature term (x^2, |x|, |x|^p),
//      sum_f t(q_f - p_f) = T(q) + T(p) - sum over the columns both store of
//                           [t(q_f) + t(p_f) - t(q_f - p_f)]   (T: the row's sum of t),
//    the last sum (2 q.p for the euclidean metric) accumulated for one query and every point
//    column by column through the points' transposed layout: work in proportion to the
//    entries the query's columns hold, not to n_points x features. As in the dense filter
//    (brute_force.hpp), a point is skipped only when the expansion, less its error bound,
//    exceeds the query's current ceiling; every other one gets its exact merged distance.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "../core/arithmetic.hpp"
#include "../core/sparse.hpp"
#include "metric.hpp"
#include "top_k.hpp"

namespace linfa::nn::index_detail {

/// Query rows per chunk of a sparse brute-force search (each chunk holds one n_points scratch
/// of gains).
inline constexpr std::size_t sparse_query_rows = 64;

/// A sparse row whose columns increase: what the exact merge reads.
template <Float F>
struct SortedRow {
    const std::int64_t* indices;  ///< increasing columns
    const F* values;              ///< the value at each column
    std::size_t size;             ///< stored entries
};

/// The reduced distance (Metric::reduced) between two sorted sparse rows, for a metric of kind
/// K with exponent p: the dense computation's steps on the columns either row stores.
template <MetricKind K, Float F>
double sparse_reduced(const SortedRow<F>& a, const SortedRow<F>& b, double p) {
    double sum = 0;
    const auto step = [&](double diff) {
        if constexpr (K == MetricKind::euclidean) sum = metric_detail::add_square(sum, diff);
        else if constexpr (K == MetricKind::manhattan) sum += std::abs(diff);
        else if constexpr (K == MetricKind::chebyshev) sum = std::max(sum, std::abs(diff));
        else sum += std::pow(std::abs(diff), p);
    };
    std::size_t i = 0, j = 0;
    while (i < a.size && j < b.size) {
        if (a.indices[i] < b.indices[j]) step(double(a.values[i++]));
        else if (b.indices[j] < a.indices[i]) step(-double(b.values[j++]));
        else step(double(a.values[i++]) - double(b.values[j++]));
    }
    for (; i < a.size; ++i) step(double(a.values[i]));
    for (; j < b.size; ++j) step(-double(b.values[j]));
    return sum;
}

/// One query row with its columns in increasing order: the row itself when they already are,
/// else a sorted copy in the caller's buffers.
template <Float F, SparseIndex I>
SortedRow<F> sorted_query(const SparseRow<F, I>& row, std::vector<std::int64_t>& columns, std::vector<F>& values) {
    const std::size_t n = row.indices.size();
    columns.assign(row.indices.begin(), row.indices.end());
    bool increasing = true;
    for (std::size_t e = 1; e < n; ++e) increasing &= row.indices[e - 1] < row.indices[e];
    if (increasing) {
        values.assign(row.values.begin(), row.values.end());
        return {columns.data(), values.data(), n};
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return row.indices[x] < row.indices[y]; });
    values.resize(n);
    for (std::size_t e = 0; e < n; ++e) columns[e] = std::int64_t(row.indices[order[e]]), values[e] = row.values[order[e]];
    return {columns.data(), values.data(), n};
}

/// A copy of `points` with 64-bit indices and each row's columns in increasing order.
template <Float F, SparseIndex I>
CsrMatrix<F, std::int64_t> sorted_copy(const CsrView<F, I>& points) {
    std::vector<std::int64_t> indptr(points.indptr().begin(), points.indptr().end()), columns;
    std::vector<F> values;
    columns.reserve(points.nnz());
    values.reserve(points.nnz());
    std::vector<std::int64_t> row_columns;
    std::vector<F> row_values;
    for (std::size_t i = 0; i < points.rows(); ++i) {
        const SortedRow<F> row = sorted_query(points.row(i), row_columns, row_values);
        columns.insert(columns.end(), row.indices, row.indices + row.size);
        values.insert(values.end(), row.values, row.values + row.size);
    }
    return CsrMatrix<F, std::int64_t>(points.rows(), points.cols(), std::move(indptr), std::move(columns), std::move(values));
}

/// Brute force over sparse points (referenced, not copied; they must outlive this), whose rows
/// hold increasing columns (NeighbourIndex sorts them once).
template <Float F>
class SparseBruteForce {
public:
    /// Prepares the filter of an additive metric: the points' sums of terms and transposed
    /// layout.
    SparseBruteForce(const CsrMatrix<F, std::int64_t>& points, const Metric& metric) : points_(points), metric_(metric) {
        if (metric.kind == MetricKind::chebyshev) return;
        const CsrView<F, std::int64_t> view = points.view();
        norms_.resize(view.rows());
        for (std::size_t j = 0; j < view.rows(); ++j) norms_[j] = term_sum(view.row(j).values.data(), view.row(j).values.size());
        const std::size_t d = points.cols();
        column_start_.assign(d + 1, 0);
        for (const std::int64_t column : view.indices()) ++column_start_[std::size_t(column) + 1];
        std::partial_sum(column_start_.begin(), column_start_.end(), column_start_.begin());
        column_rows_.resize(view.nnz());
        column_values_.resize(view.nnz());
        std::vector<std::size_t> next(column_start_.begin(), column_start_.end() - 1);
        for (std::size_t j = 0; j < view.rows(); ++j) {
            const auto row = view.row(j);
            for (std::size_t e = 0; e < row.indices.size(); ++e) {
                const std::size_t at = next[std::size_t(row.indices[e])]++;
                column_rows_[at] = std::uint32_t(j);
                column_values_[at] = row.values[e];
            }
        }
        // The error bound of the filter, relative to T(q) + T(p): each sum of n terms is off by
        // at most n eps times the sum of its terms' magnitudes, which is within T(q) + T(p)
        // (euclidean, manhattan) or 1 + 2^(p-1) times it (minkowski: |t(q-p)| <= 2^(p-1) (t(q) + t(p))).
        const double growth = metric.kind == MetricKind::minkowski ? 1 + std::pow(2.0, metric.p - 1) : 1.0;
        slack_ = 8.0 * double(d + 32) * std::numeric_limits<double>::epsilon() * growth;
        use_filter_ = view.rows() <= std::size_t(std::numeric_limits<std::uint32_t>::max());
    }

    /// The k nearest points of query rows [begin, end) of `queries`, k per query in rows of
    /// `distances` / `indices` (query q at row q).
    template <SparseIndex I>
    void kneighbors(const CsrView<F, I>& queries, std::size_t begin, std::size_t end, std::size_t k, F* distances,
                    std::int64_t* indices) const {
        TopK<F> top(k, metric_, points_.cols());
        Scratch scratch(points_.rows());
        for (std::size_t q = begin; q < end; ++q) {
            top.clear();
            scan(queries.row(q), scratch, [&] { return top.ceiling(); },
                 [&](std::size_t j, double reduced) {
                     if (reduced <= top.ceiling()) top.offer(metric_.finish<F>(reduced), std::int64_t(j));
                 });
            top.write(distances + q * k, indices + q * k);
        }
    }

    /// The points within `radius` of query rows [begin, end): their count per query appended
    /// to `counts`, the points to `found`, ascending by row within each query.
    template <SparseIndex I>
    void radius(const CsrView<F, I>& queries, std::size_t begin, std::size_t end, F radius, std::vector<std::size_t>& counts,
                std::vector<Candidate<F>>& found) const {
        const double ceiling = metric_.reduced_ceiling<F>(radius, points_.cols());
        Scratch scratch(points_.rows());
        for (std::size_t q = begin; q < end; ++q) {
            const std::size_t before = found.size();
            scan(queries.row(q), scratch, [&] { return ceiling; },
                 [&](std::size_t j, double reduced) {
                     if (!(reduced <= ceiling)) return;
                     const F distance = metric_.finish<F>(reduced);
                     if (distance <= radius) found.push_back({distance, std::int64_t(j)});
                 });
            counts.push_back(found.size() - before);
        }
    }

private:
    /// A chunk's working memory: one query's sorted copy and its gains with every point.
    struct Scratch {
        explicit Scratch(std::size_t n_points) : gains(n_points) {}
        std::vector<std::int64_t> columns;
        std::vector<F> values;
        std::vector<double> gains;
    };

    /// Calls `visit(j, reduced)`, j ascending, for every point j whose reduced distance to
    /// `query` may be at most `ceiling()` (read again after each visit), with that exact
    /// reduced distance.
    template <SparseIndex I, class Ceiling, class Visit>
    void scan(const SparseRow<F, I>& row, Scratch& scratch, Ceiling&& ceiling, Visit&& visit) const {
        const SortedRow<F> query = sorted_query(row, scratch.columns, scratch.values);
        const CsrView<F, std::int64_t> points = points_.view();
        const std::size_t n = points.rows();
        const auto point = [&](std::size_t j) {
            const auto r = points.row(j);
            return SortedRow<F>{r.indices.data(), r.values.data(), r.indices.size()};
        };
        metric_detail::with_kind(metric_.kind, [&](auto kind) {
            constexpr MetricKind K = decltype(kind)::value;
            if constexpr (K != MetricKind::chebyshev) {
                if (use_filter_) return scan_filtered<K>(query, scratch.gains, point, ceiling, visit);
            }
            for (std::size_t j = 0; j < n; ++j) {
                const double reduced = sparse_reduced<K>(query, point(j), metric_.p);
                if (reduced <= ceiling()) visit(j, reduced);
            }
        });
    }

    /// t(x) of the file comment, for a metric of kind K.
    template <MetricKind K>
    double term(double x) const {
        if constexpr (K == MetricKind::euclidean) return x * x;
        else if constexpr (K == MetricKind::manhattan) return std::abs(x);
        else return std::pow(std::abs(x), metric_.p);
    }

    /// T(x) of the file comment: the sum of t over `n` values.
    double term_sum(const F* values, std::size_t n) const {
        return metric_detail::with_kind(metric_.kind, [&](auto kind) {
            constexpr MetricKind K = decltype(kind)::value;
            double sum = 0;
            if constexpr (K != MetricKind::chebyshev) {
                for (std::size_t e = 0; e < n; ++e) sum += term<K>(double(values[e]));
            }
            return sum;
        });
    }

    /// t(a) + t(b) - t(a - b): what a column both rows store takes off T(q) + T(p).
    template <MetricKind K>
    double gain(double a, double b) const {
        if constexpr (K == MetricKind::euclidean) return 2 * a * b;
        else return term<K>(a) + term<K>(b) - term<K>(a - b);
    }

    /// The scan of an additive metric K through the expansion filter (see the file comment).
    template <MetricKind K, class Point, class Ceiling, class Visit>
    void scan_filtered(const SortedRow<F>& query, std::vector<double>& gains, const Point& point, Ceiling& ceiling,
                       Visit& visit) const {
        std::fill(gains.begin(), gains.end(), 0.0);
        double query_sum = 0;
        for (std::size_t e = 0; e < query.size; ++e) {
            const double v = double(query.values[e]);
            query_sum += term<K>(v);
            const auto column = std::size_t(query.indices[e]);
            for (std::size_t at = column_start_[column]; at < column_start_[column + 1]; ++at)
                gains[column_rows_[at]] += gain<K>(v, double(column_values_[at]));
        }
        for (std::size_t j = 0; j < gains.size(); ++j) {
            // a lower bound of the exact merged distance, whatever the rounding of either side
            const double lower = (1 - slack_) * (query_sum + norms_[j]) - gains[j];
            if (lower > ceiling()) continue;  // a NaN bound is visited
            visit(j, sparse_reduced<K>(query, point(j), metric_.p));
        }
    }

    const CsrMatrix<F, std::int64_t>& points_;
    Metric metric_;
    bool use_filter_ = false;
    double slack_ = 0;
    std::vector<double> norms_;  // T(p) of every point
    // the points by column: column c's entries are rows / values [column_start_[c], column_start_[c + 1])
    std::vector<std::size_t> column_start_;
    std::vector<std::uint32_t> column_rows_;
    std::vector<F> column_values_;
};

}  // namespace linfa::nn::index_detail
