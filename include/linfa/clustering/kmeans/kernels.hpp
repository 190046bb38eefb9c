// The assignment kernel: for each row of a block, the index of the nearest centroid and the
// squared distance to it. Two strategies, chosen by the number of features d:
//
//  * small d (<= direct_max_features): exact distances, vectorised across points. A tile of
//    points is transposed so one register holds one feature of `lanes` points; every centroid
//    is broadcast once and compared with several point registers at a time (unrolled to
//    break the dependency chain), keeping the running minimum and its index in registers
//    (compare + blend), so no distance row is ever scanned by scalar code.
//  * large d: ||x||^2 - 2 x.c + ||c||^2, where x.c for a few rows is one GEMM against the
//    centroid matrix, followed by a row-wise argmin over a rows x k buffer. The GEMM is
//    always single-threaded: its destination has at most `gemm_rows` rows at compile time,
//    which keeps Eigen from splitting it over threads (and so from changing its rounding
//    with the thread count); parallelism comes from the caller's chunks.
//
// Ties go to the lowest centroid index in both, and on the GEMM path centroids within the
// expansion's rounding bound of the best are settled with exact distances, so labels never
// depend on the tiling or on how many rows a call holds. (The GEMM path's squared distance
// is the expansion's, exact only when a near tie was settled.)
//
// Mixed precision: for double data with enough centroids (k >= mixed_min_clusters) the
// GEMM runs in float, at twice the throughput, and the settling margin widens to float's
// rounding (plus conversion and underflow). Since every candidate within that margin is
// compared exactly in double, the labels are still those of the exact nearest centroid, the
// same as a double GEMM gives, bit for bit; the squared distance returned is then computed
// exactly in double for the chosen centroid. Blocks with values too large for float (row
// norms past 1e18) take the double GEMM.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../../core/matrix.hpp"
#include "../../core/simd.hpp"

namespace linfa::clustering::kmeans_detail {

/// Largest d handled by the exact, vectorised-over-points kernel; above it the GEMM path wins
/// (bench/linfa_bench, 2-core EPYC: at d = 16, k = 100 direct is 1.5x (f64) / 2x (f32) faster
/// than GEMM; at d = 128, k = 256 GEMM is 1.3x (f64) faster).
inline constexpr std::size_t direct_max_features = 16;
/// Calls `fn(std::integral_constant<std::size_t, D>{})` with D = d for d <= 4 (so loops over
/// features unroll at compile time) and D = 0, meaning "d at run time", otherwise.
template <class Fn>
decltype(auto) with_features(std::size_t d, Fn&& fn) {
    switch (d) {
        case 1: return fn(std::integral_constant<std::size_t, 1>{});
        case 2: return fn(std::integral_constant<std::size_t, 2>{});
        case 3: return fn(std::integral_constant<std::size_t, 3>{});
        case 4: return fn(std::integral_constant<std::size_t, 4>{});
        default: return fn(std::integral_constant<std::size_t, 0>{});
    }
}

/// Rows handed to the kernel at a time.
inline constexpr std::size_t block_rows = 256;
/// Rows per GEMM on the large-d path; Eigen only parallelises products with more.
inline constexpr int gemm_rows = 32;
/// Fewest centroids for which double data takes the float GEMM: below it the exact
/// recomputation of each row's distance would cost a sizeable share of the GEMM saved.
inline constexpr std::size_t mixed_min_clusters = 16;

/// Squared Euclidean distance between two rows of length d, accumulated in double.
template <Float F>
double squared_distance(const F* a, const F* b, std::size_t d) {
    double sum = 0;
    for (std::size_t f = 0; f < d; ++f) {
        const double diff = double(a[f]) - double(b[f]);
        sum += diff * diff;
    }
    return sum;
}

template <Float F>
class Assigner {
    using R = simd::Reg<F>;
    static constexpr std::size_t unroll = 4;  // point registers in flight per centroid

public:
    /// Points per transposed tile of the direct kernel.
    static constexpr std::size_t tile = unroll * R::lanes;

    /// The GEMM's scalar on the mixed path (float for double data).
    using Low = float;
    template <class G>
    using Rows = Eigen::Matrix<G, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, gemm_rows, Eigen::Dynamic>;

    /// Per-thread scratch space; make one per chunk with `scratch()`.
    struct Scratch {
        std::vector<F> transposed;  // d x tile, direct kernel
        Rows<F> dots;               // GEMM path
        Rows<Low> block_low, dots_low;  // mixed path: the rows in float, their dot products
    };

    explicit Assigner(const Matrix<F>& centroids)
        : centroids_(centroids),
          k_(static_cast<std::size_t>(centroids.rows())),
          d_(static_cast<std::size_t>(centroids.cols())),
          use_gemm_(d_ > direct_max_features) {
        if (!use_gemm_) return;
        centroids_t_ = centroids.transpose();
        half_norms_ = centroids.rowwise().squaredNorm() / F(2);
        max_half_norm_ = double(half_norms_.maxCoeff());
        max_norm_ = std::sqrt(2.0 * max_half_norm_);
        mixed_ = std::is_same_v<F, double> && k_ >= mixed_min_clusters && max_norm_ < max_low_norm;
        if (mixed_) {
            centroids_t_low_ = centroids_t_.template cast<Low>();
            half_norms_low_ = half_norms_.template cast<Low>();
        }
    }

    std::size_t n_clusters() const { return k_; }
    std::size_t n_features() const { return d_; }
    bool uses_gemm() const { return use_gemm_; }
    /// Double data whose dot products are computed in float (see the file comment).
    bool uses_mixed_precision() const { return mixed_; }

    Scratch scratch() const {
        Scratch s;
        if (use_gemm_) s.dots.resize(gemm_rows, static_cast<Eigen::Index>(k_));
        else s.transposed.resize(d_ * tile);
        if (mixed_) {
            s.block_low.resize(gemm_rows, static_cast<Eigen::Index>(d_));
            s.dots_low.resize(gemm_rows, static_cast<Eigen::Index>(k_));
        }
        return s;
    }

    /// Nearest centroid of each of `rows` (<= block_rows) contiguous rows starting at `x`.
    /// `sq_dist` gets the squared distance to it (clamped at 0 on the GEMM path).
    void assign(const F* x, std::size_t rows, std::int32_t* labels, F* sq_dist, Scratch& s) const {
        if (use_gemm_) return assign_gemm(x, rows, Out{labels, sq_dist}, s);
        with_features(d_, [&](auto features) {
            constexpr std::size_t D = decltype(features)::value;
            for (std::size_t start = 0; start < rows; start += tile) {
                const std::size_t count = std::min(tile, rows - start);
                transpose_tile<D>(x + start * d_, count, s.transposed.data());
                argmin_tile<D>(s.transposed.data(), count, labels + start, sq_dist + start);
            }
        });
    }

    /// GEMM path only (uses_gemm()): the nearest centroid of each row, its exact squared
    /// distance in double, and in `lower_sq` a lower bound on the squared distance from the
    /// row to every other centroid, from the runner-up score: what a bound-based iteration
    /// needs after it gave up on a row's bounds.
    void assign_bounded(const F* x, std::size_t rows, std::int32_t* labels, double* exact_sq, double* lower_sq,
                        Scratch& s) const {
        assign_gemm(x, rows, Out{labels, nullptr, exact_sq, lower_sq}, s);
    }

    /// Assigns rows [begin, end) of the row-major records `x`, block by block, and hands each
    /// block to `consume(first_row, rows, labels, sq_dist)`: the one loop every pass shares.
    template <class Consume>
    void assign_range(const F* x, std::size_t begin, std::size_t end, Consume&& consume) const {
        Scratch s = scratch();
        std::int32_t labels[block_rows];
        F sq_dist[block_rows];
        for (std::size_t b = begin; b < end; b += block_rows) {
            const std::size_t rows = std::min(block_rows, end - b);
            assign(x + b * d_, rows, labels, sq_dist, s);
            consume(b, rows, static_cast<const std::int32_t*>(labels), static_cast<const F*>(sq_dist));
        }
    }

private:
    /// Copies `count` rows into a d x tile feature-major tile, padding with the last row.
    template <std::size_t D>
    void transpose_tile(const F* x, std::size_t count, F* out) const {
        const std::size_t d = D ? D : d_;
        for (std::size_t p = 0; p < tile; ++p) {
            const F* row = x + std::min(p, count - 1) * d;
            for (std::size_t f = 0; f < d; ++f) out[f * tile + p] = row[f];
        }
    }

    /// D > 0: the feature count fixed at compile time; D == 0: d_ at run time.
    template <std::size_t D>
    void argmin_tile(const F* xt, std::size_t count, std::int32_t* labels, F* sq_dist) const {
        using V = typename R::type;
        using M = typename R::mask;
        const std::size_t d = D ? D : d_;
        V best[unroll];
        M best_index[unroll];
        for (std::size_t u = 0; u < unroll; ++u) {
            best[u] = R::splat(std::numeric_limits<F>::infinity());
            best_index[u] = R::splat_int(0);
        }
        const F* c = centroids_.data();
        for (std::size_t j = 0; j < k_; ++j, c += d) {
            V dist[unroll];
            for (std::size_t u = 0; u < unroll; ++u) dist[u] = R::splat(F(0));
            for (std::size_t f = 0; f < d; ++f) {
                const V cf = R::splat(c[f]);
                for (std::size_t u = 0; u < unroll; ++u) {
                    const V diff = R::load(xt + f * tile + u * R::lanes) - cf;
                    dist[u] += diff * diff;
                }
            }
            const M index = R::splat_int(static_cast<simd::lane_int<F>>(j));
            for (std::size_t u = 0; u < unroll; ++u) {
                const M closer = dist[u] < best[u];
                best[u] = closer ? dist[u] : best[u];
                best_index[u] = closer ? index : best_index[u];
            }
        }
        // Through plain arrays: indexing the registers by lane would keep them in memory.
        F tile_best[tile];
        simd::lane_int<F> tile_index[tile];
        for (std::size_t u = 0; u < unroll; ++u) {
            R::store(tile_best + u * R::lanes, best[u]);
            std::memcpy(tile_index + u * R::lanes, &best_index[u], sizeof(M));
        }
        for (std::size_t p = 0; p < count; ++p) {
            labels[p] = static_cast<std::int32_t>(tile_index[p]);
            sq_dist[p] = tile_best[p];
        }
    }

    using RowNorms = Eigen::Matrix<F, Eigen::Dynamic, 1, Eigen::ColMajor, gemm_rows, 1>;  // no heap

    template <class G>
    struct Scores {
        std::int32_t best_j;
        G best;    ///< lowest score
        G second;  ///< lowest score among the other centroids
    };

    /// Where the GEMM path writes a block's results: `sq` (F, the usual output) or, for
    /// bound-based iterations, `exact` (double, exact) and `lower` (see assign_bounded).
    struct Out {
        std::int32_t* labels;
        F* sq = nullptr;
        double* exact = nullptr;
        double* lower = nullptr;
        Out at(std::size_t r) const {
            return {labels + r, sq ? sq + r : nullptr, exact ? exact + r : nullptr, lower ? lower + r : nullptr};
        }
    };

    void assign_gemm(const F* x, std::size_t rows, const Out& out, Scratch& s) const {
        for (std::size_t start = 0; start < rows; start += gemm_rows) {
            const std::size_t count = std::min<std::size_t>(gemm_rows, rows - start);
            const MatrixView<F> block(x + start * d_, static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d_));
            RowNorms x_sq(block.rows());
            for (Eigen::Index r = 0; r < block.rows(); ++r) x_sq[r] = block.row(r).squaredNorm();
            if (mixed_ && double(x_sq.maxCoeff()) < max_low_norm * max_low_norm) {
                s.block_low.resize(block.rows(), block.cols());
                s.block_low = block.template cast<Low>();
                s.dots_low.resize(block.rows(), static_cast<Eigen::Index>(k_));
                s.dots_low.noalias() = s.block_low * centroids_t_low_;
                label_rows(x + start * d_, x_sq, s.dots_low, half_norms_low_, out.at(start));
            } else {
                s.dots.resize(block.rows(), static_cast<Eigen::Index>(k_));
                s.dots.noalias() = block * centroids_t_;
                label_rows(x + start * d_, x_sq, s.dots, half_norms_, out.at(start));
            }
        }
    }

    /// Labels and squared distances of a GEMM block from its dot products in G.
    template <class G>
    void label_rows(const F* x, const RowNorms& x_sq, const Rows<G>& dots, const Vector<G>& half_norms, const Out& out) const {
        for (Eigen::Index r = 0; r < x_sq.size(); ++r) {
            const F* row = x + std::size_t(r) * d_;
            const G* row_dots = dots.data() + std::size_t(r) * k_;
            const Scores<G> scores = argmin_score(half_norms.data(), row_dots);
            auto [label, exact] = settle_near_ties(row, double(x_sq[r]), half_norms.data(), row_dots, scores);
            out.labels[r] = label;
            if (out.lower) {
                // ||x - c_j||^2 = ||x||^2 + 2 score_j; each computed score is within half the
                // margin of its true value, ||x||^2 within gamma_(d+1) of its own. A settled
                // row gets the weaker bound of its best score, which holds for every centroid.
                const double rival = exact < 0 ? double(scores.second) : double(scores.best);
                const double x_sq_low = double(x_sq[r]) * (1.0 - 2.0 * double(d_ + 2) * double(std::numeric_limits<F>::epsilon()));
                out.lower[r] = std::max(0.0, x_sq_low + 2.0 * rival - score_margin<G>(double(x_sq[r])));
            }
            const bool need_exact = out.exact || !std::is_same_v<G, F>;
            if (exact < 0 && need_exact) exact = squared_distance(row, centroids_.data() + std::size_t(label) * d_, d_);
            if (out.exact) out.exact[r] = exact;
            if (out.sq) out.sq[r] = exact >= 0 ? F(exact) : std::max(F(0), x_sq[r] + F(2) * F(scores.best));
        }
    }

    /// The expansion's scores carry rounding errors that depend on the GEMM's blocking (and,
    /// on the mixed path, on float). When another centroid's score is within the error bound
    /// of the best, the candidates are compared again with exact distances in double (ties
    /// to the lowest index), so labels match the exact nearest centroid whatever the number
    /// of rows per call, their position in it, or the GEMM's precision. Returns the label and
    /// its exact squared distance, or -1 when the best was alone (the usual case).
    template <class G>
    std::pair<std::int32_t, double> settle_near_ties(const F* x, double x_sq, const G* half_norms, const G* dots,
                                                     const Scores<G>& scores) const {
        const auto [best_j, best, second] = scores;
        const G margin = G(score_margin<G>(x_sq));
        if (second > best + margin) return {best_j, -1.0};
        std::int32_t label = best_j;
        double dist = -1;  // exact distance to `label`, computed once a rival shows up
        for (std::size_t j = 0; j < k_; ++j) {
            if (j == std::size_t(best_j) || half_norms[j] - dots[j] > best + margin) continue;
            if (dist < 0) dist = squared_distance(x, centroids_.data() + std::size_t(best_j) * d_, d_);
            const double other = squared_distance(x, centroids_.data() + j * d_, d_);
            if (other < dist || (other == dist && std::int32_t(j) < label)) dist = other, label = std::int32_t(j);
        }
        return {label, dist};
    }

    /// Twice the bound on one score's error (||c||^2 / 2 - x.c computed in G): each is off by
    /// at most gamma_(d+4) (||x|| ||c|| + ||c||^2 / 2) from rounding (d + 2 in the GEMM and
    /// the subtraction, 2 more for rounding double inputs to float), plus, in float, what
    /// underflow can lose (half the smallest subnormal per product and per converted value).
    /// A factor 2 spare covers the margin's own rounding.
    template <class G>
    double score_margin(double x_sq) const {
        const double eps = double(std::numeric_limits<G>::epsilon());
        const double norm = std::sqrt(x_sq);
        const double relative = 4.0 * double(d_ + 4) * eps * (norm * max_norm_ + max_half_norm_);
        const double d = double(d_);
        const double absolute = 4.0 * double(std::numeric_limits<G>::denorm_min()) * (d + std::sqrt(d) * (norm + max_norm_));
        return relative + absolute;
    }

    /// argmin over j of (||c_j||^2 - 2 x.c_j) / 2 for one row of dot products, and the
    /// runner-up score, vectorised across centroids; ties go to the lowest j.
    template <class G>
    Scores<G> argmin_score(const G* half_norms, const G* dots) const {
        using R = simd::Reg<G>;
        using V = typename R::type;
        using M = typename R::mask;
        const G inf = std::numeric_limits<G>::infinity();
        V best = R::splat(inf), second = R::splat(inf);
        M best_index = R::splat_int(0);
        M index;
        for (std::size_t l = 0; l < R::lanes; ++l) index[l] = static_cast<simd::lane_int<G>>(l);
        const M step = R::splat_int(static_cast<simd::lane_int<G>>(R::lanes));
        std::size_t j = 0;
        for (; j + R::lanes <= k_; j += R::lanes, index += step) {
            const V score = R::load(half_norms + j) - R::load(dots + j);
            const M closer = score < best;
            const V loser = closer ? best : score;
            second = loser < second ? loser : second;
            best = closer ? score : best;
            best_index = closer ? index : best_index;
        }
        Scores<G> out{0, inf, inf};
        auto offer = [&](G score, std::int32_t at) {
            if (score < out.best || (score == out.best && at < out.best_j)) {
                out.second = std::min(out.second, out.best);
                out.best = score, out.best_j = at;
            } else {
                out.second = std::min(out.second, score);
            }
        };
        for (std::size_t l = 0; l < R::lanes; ++l) {
            offer(best[l], static_cast<std::int32_t>(best_index[l]));
            out.second = std::min(out.second, G(second[l]));
        }
        for (; j < k_; ++j) offer(half_norms[j] - dots[j], static_cast<std::int32_t>(j));  // the tail
        return out;
    }

    /// Largest row or centroid norm for the float GEMM: squares and products stay far below
    /// float's maximum (3.4e38).
    static constexpr double max_low_norm = 1e18;

    const Matrix<F>& centroids_;
    std::size_t k_;
    std::size_t d_;
    bool use_gemm_;
    bool mixed_ = false;
    Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> centroids_t_;  // d x k, column-major
    Vector<F> half_norms_;
    Eigen::Matrix<Low, Eigen::Dynamic, Eigen::Dynamic> centroids_t_low_;  // mixed path: the same in float
    Vector<Low> half_norms_low_;
    double max_half_norm_ = 0, max_norm_ = 0;  // bounds for the GEMM path's rounding margin
};

}  // namespace linfa::clustering::kmeans_detail
