// The distance metrics of the neighbour index (nn/index.hpp): the Minkowski family, as
// scikit-learn's KDTree serves it. One function, `Metric::reduced` followed by
// `Metric::finish`, computes every distance an index reports, whichever algorithm found it, so
// brute force and the trees agree bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include "../core/arithmetic.hpp"
#include "../core/error.hpp"
#include "../core/matrix.hpp"

namespace linfa::nn {

/// The kinds of metric the neighbour index computes.
enum class MetricKind : std::uint8_t {
    euclidean,  ///< sqrt(sum (a - b)^2)
    manhattan,  ///< sum |a - b|
    chebyshev,  ///< max |a - b|
    minkowski   ///< (sum |a - b|^p)^(1/p), p >= 1
};

namespace metric_detail {

/// `sum + diff * diff`, rounded the same wherever it is inlined (see multiply_add).
inline double add_square(double sum, double diff) { return multiply_add(diff, diff, sum); }

/// The reduced distance of `Metric::reduced` for a kind K known at compile time, and D
/// features (D > 0) or d at run time (D == 0): the same operations in the same order either
/// way, so every caller gets the same value bit for bit.
template <MetricKind K, std::size_t D, class A, class B>
double reduced(const A* a, const B* b, std::size_t d, double p) {
    if constexpr (D > 0) d = D;
    double sum = 0;
    for (std::size_t f = 0; f < d; ++f) {
        const double diff = double(a[f]) - double(b[f]);
        if constexpr (K == MetricKind::euclidean) sum = add_square(sum, diff);
        else if constexpr (K == MetricKind::manhattan) sum += std::abs(diff);
        else if constexpr (K == MetricKind::chebyshev) sum = std::max(sum, std::abs(diff));
        else sum += std::pow(std::abs(diff), p);
    }
    return sum;
}

/// Calls `fn(std::integral_constant<MetricKind, K>{})` with K = `kind`, so a loop over
/// points can be compiled once per kind.
template <class Fn>
decltype(auto) with_kind(MetricKind kind, Fn&& fn) {
    switch (kind) {
        case MetricKind::euclidean: return fn(std::integral_constant<MetricKind, MetricKind::euclidean>{});
        case MetricKind::manhattan: return fn(std::integral_constant<MetricKind, MetricKind::manhattan>{});
        case MetricKind::chebyshev: return fn(std::integral_constant<MetricKind, MetricKind::chebyshev>{});
        default: return fn(std::integral_constant<MetricKind, MetricKind::minkowski>{});
    }
}

}  // namespace metric_detail

/// A distance metric: its kind, and the exponent p of the Minkowski kind.
struct Metric {
    /// Which metric.
    MetricKind kind = MetricKind::euclidean;
    /// The exponent of `MetricKind::minkowski` (p >= 1, finite); ignored by the other kinds.
    double p = 2;

    /// The metric named `name`, as scikit-learn names it: "euclidean" | "l2" | "manhattan" |
    /// "l1" | "cityblock" | "chebyshev" | "infinity" | "minkowski" (with exponent `p`).
    /// Throws InvalidParams for any other name, or for minkowski with p < 1 or p not finite.
    static Metric parse(std::string_view name, double p = 2) {
        Metric m;
        if (name == "euclidean" || name == "l2") m.kind = MetricKind::euclidean;
        else if (name == "manhattan" || name == "l1" || name == "cityblock") m.kind = MetricKind::manhattan;
        else if (name == "chebyshev" || name == "infinity") m.kind = MetricKind::chebyshev;
        else if (name == "minkowski") m.kind = MetricKind::minkowski, m.p = p;
        else
            throw InvalidParams("metric must be one of euclidean, l2, manhattan, l1, cityblock, chebyshev, infinity, "
                                "minkowski; found \"" + std::string(name) + "\"");
        m.validate();
        return m;
    }

    /// Throws InvalidParams unless the metric is usable (a known kind; minkowski: p >= 1, finite).
    void validate() const {
        if (kind > MetricKind::minkowski)
            throw InvalidParams("metric kind must be euclidean, manhattan, chebyshev or minkowski; found code " +
                                std::to_string(int(kind)));
        if (kind == MetricKind::minkowski && !(std::isfinite(p) && p >= 1))
            throw InvalidParams("minkowski metric needs a finite p >= 1; found p = " + std::to_string(p));
    }

    /// The metric's name ("euclidean", "manhattan", "chebyshev" or "minkowski").
    std::string name() const {
        switch (kind) {
            case MetricKind::euclidean: return "euclidean";
            case MetricKind::manhattan: return "manhattan";
            case MetricKind::chebyshev: return "chebyshev";
            default: return "minkowski";
        }
    }

    /// The same metric with minkowski p = 1 / p = 2 written as manhattan / euclidean (the
    /// kinds an index computes with; scikit-learn's effective metric).
    Metric normalized() const {
        if (kind == MetricKind::minkowski && p == 1) return {MetricKind::manhattan, 1};
        if (kind == MetricKind::minkowski && p == 2) return {MetricKind::euclidean, 2};
        return *this;
    }

    /// The exponent that relates the reduced distance to the distance (1 for chebyshev).
    double exponent() const {
        switch (kind) {
            case MetricKind::euclidean: return 2;
            case MetricKind::minkowski: return p;
            default: return 1;
        }
    }

    /// The reduced distance between two rows of d values, in double: the sum of squares
    /// (euclidean), of |a - b| (manhattan), of |a - b|^p (minkowski), or the largest |a - b|
    /// (chebyshev). Monotone in the distance; `finish` turns it into the distance.
    template <class A, class B>
    double reduced(const A* a, const B* b, std::size_t d) const {
        switch (kind) {
            case MetricKind::euclidean: return metric_detail::reduced<MetricKind::euclidean, 0>(a, b, d, p);
            case MetricKind::manhattan: return metric_detail::reduced<MetricKind::manhattan, 0>(a, b, d, p);
            case MetricKind::chebyshev: return metric_detail::reduced<MetricKind::chebyshev, 0>(a, b, d, p);
            default: return metric_detail::reduced<MetricKind::minkowski, 0>(a, b, d, p);
        }
    }

    /// The reduced distance of one coordinate difference (what `reduced` sums or maximises).
    double reduced_term(double diff) const {
        diff = std::abs(diff);
        switch (kind) {
            case MetricKind::euclidean: return diff * diff;
            case MetricKind::minkowski: return std::pow(diff, p);
            default: return diff;
        }
    }

    /// The distance of a reduced distance, rounded to F: what an index reports.
    template <Float F>
    F finish(double reduced) const {
        switch (kind) {
            case MetricKind::euclidean: return F(std::sqrt(reduced));
            case MetricKind::minkowski: return F(std::pow(reduced, 1.0 / p));
            default: return F(reduced);
        }
    }

    /// The distance between two rows of d values of F: `finish(reduced(a, b, d))`.
    template <Float F>
    F distance(const F* a, const F* b, std::size_t d) const {
        return finish<F>(reduced(a, b, d));
    }

    /// A reduced distance no smaller than that of any distance `bound` (as F) reports, with
    /// a relative margin covering the rounding of `reduced`, `finish` and the cast to F at d
    /// features: a node whose computed lower bound exceeds it holds no point within `bound`.
    template <Float F>
    double reduced_ceiling(F bound, std::size_t d) const {
        return reduced_term(double(bound)) * (1 + margin<F>(d));
    }

    /// A reduced distance no larger than that of any distance `bound` (as F) reports, by the
    /// same margin the other way: a point whose computed reduced distance is at most this
    /// value, or that lies in a node whose computed upper bound is, passes the exact test
    /// `finish(reduced) <= bound`.
    template <Float F>
    double reduced_floor(F bound, std::size_t d) const {
        return reduced_term(double(bound)) * (1 - margin<F>(d));
    }

    /// The relative margin of `reduced_ceiling` and `reduced_floor` for d features of F.
    template <Float F>
    double margin(std::size_t d) const {
        const double e = std::max(1.0, exponent());
        return e * (8 * double(std::numeric_limits<F>::epsilon()) +
                    8 * double(d + 8) * std::numeric_limits<double>::epsilon());
    }
};

}  // namespace linfa::nn
