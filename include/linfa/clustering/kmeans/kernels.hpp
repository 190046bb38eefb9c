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

    /// Per-thread scratch space; make one per chunk with `scratch()`.
    struct Scratch {
        std::vector<F> transposed;  // d x tile, direct kernel
        Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, gemm_rows, Eigen::Dynamic> dots;  // GEMM path
    };

    explicit Assigner(const Matrix<F>& centroids)
        : centroids_(centroids),
          k_(static_cast<std::size_t>(centroids.rows())),
          d_(static_cast<std::size_t>(centroids.cols())),
          use_gemm_(d_ > direct_max_features) {
        if (use_gemm_) {
            centroids_t_ = centroids.transpose();
            half_norms_ = centroids.rowwise().squaredNorm() / F(2);
            max_half_norm_ = half_norms_.maxCoeff();
            max_norm_ = std::sqrt(F(2) * max_half_norm_);
        }
    }

    std::size_t n_clusters() const { return k_; }
    std::size_t n_features() const { return d_; }
    bool uses_gemm() const { return use_gemm_; }

    Scratch scratch() const {
        Scratch s;
        if (use_gemm_) s.dots.resize(gemm_rows, static_cast<Eigen::Index>(k_));
        else s.transposed.resize(d_ * tile);
        return s;
    }

    /// Nearest centroid of each of `rows` (<= block_rows) contiguous rows starting at `x`.
    /// `sq_dist` gets the squared distance to it (clamped at 0 on the GEMM path).
    void assign(const F* x, std::size_t rows, std::int32_t* labels, F* sq_dist, Scratch& s) const {
        if (use_gemm_) return assign_gemm(x, rows, labels, sq_dist, s);
        with_features(d_, [&](auto features) {
            constexpr std::size_t D = decltype(features)::value;
            for (std::size_t start = 0; start < rows; start += tile) {
                const std::size_t count = std::min(tile, rows - start);
                transpose_tile<D>(x + start * d_, count, s.transposed.data());
                argmin_tile<D>(s.transposed.data(), count, labels + start, sq_dist + start);
            }
        });
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

    struct Scores {
        std::int32_t best_j;
        F best;    ///< lowest score
        F second;  ///< lowest score among the other centroids
    };

    void assign_gemm(const F* x, std::size_t rows, std::int32_t* labels, F* sq_dist, Scratch& s) const {
        for (std::size_t start = 0; start < rows; start += gemm_rows) {
            const std::size_t count = std::min<std::size_t>(gemm_rows, rows - start);
            const MatrixView<F> block(x + start * d_, static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d_));
            s.dots.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(k_));
            s.dots.noalias() = block * centroids_t_;
            for (std::size_t r = 0; r < count; ++r) {
                const F* row = x + (start + r) * d_;
                const F* dots = s.dots.data() + r * k_;
                const F x_sq = block.row(static_cast<Eigen::Index>(r)).squaredNorm();
                const Scores scores = argmin_score(dots);
                const auto [label, dist] = settle_near_ties(row, x_sq, dots, scores);
                labels[start + r] = label;
                sq_dist[start + r] = dist;
            }
        }
    }

    /// The expansion's scores carry rounding errors that depend on the GEMM's blocking. When
    /// another centroid's score is within the error bound of the best, the candidates are
    /// compared again with exact distances in double (ties to the lowest index), so labels
    /// match the exact nearest centroid whatever the number of rows per call or their
    /// position in it. Usually the best is alone and its expansion distance is returned.
    std::pair<std::int32_t, F> settle_near_ties(const F* x, F x_sq, const F* dots, const Scores& scores) const {
        const auto [best_j, best, second] = scores;
        // |error| of each score <= gamma_(d+2) (||x|| ||c|| + ||c||^2 / 2); twice that between two scores.
        const F margin = F(4) * F(d_ + 2) * std::numeric_limits<F>::epsilon() * (std::sqrt(x_sq) * max_norm_ + max_half_norm_);
        if (second > best + margin) return {best_j, std::max(F(0), x_sq + F(2) * best)};  // the usual case
        std::int32_t label = best_j;
        double dist = -1;  // exact distance to `label`, computed once a rival shows up
        for (std::size_t j = 0; j < k_; ++j) {
            if (j == std::size_t(best_j) || half_norms_[Eigen::Index(j)] - dots[j] > best + margin) continue;
            if (dist < 0) dist = squared_distance(x, centroids_.data() + std::size_t(best_j) * d_, d_);
            const double other = squared_distance(x, centroids_.data() + j * d_, d_);
            if (other < dist || (other == dist && std::int32_t(j) < label)) dist = other, label = std::int32_t(j);
        }
        if (dist >= 0) return {label, F(dist)};
        return {label, std::max(F(0), x_sq + F(2) * best)};
    }

    /// argmin over j of (||c_j||^2 - 2 x.c_j) / 2 for one row of dot products, and the
    /// runner-up score, vectorised across centroids; ties go to the lowest j.
    Scores argmin_score(const F* dots) const {
        using V = typename R::type;
        using M = typename R::mask;
        const F* half_norms = half_norms_.data();
        const F inf = std::numeric_limits<F>::infinity();
        V best = R::splat(inf), second = R::splat(inf);
        M best_index = R::splat_int(0);
        M index;
        for (std::size_t l = 0; l < R::lanes; ++l) index[l] = static_cast<simd::lane_int<F>>(l);
        const M step = R::splat_int(static_cast<simd::lane_int<F>>(R::lanes));
        std::size_t j = 0;
        for (; j + R::lanes <= k_; j += R::lanes, index += step) {
            const V score = R::load(half_norms + j) - R::load(dots + j);
            const M closer = score < best;
            const V loser = closer ? best : score;
            second = loser < second ? loser : second;
            best = closer ? score : best;
            best_index = closer ? index : best_index;
        }
        Scores out{0, inf, inf};
        auto offer = [&](F score, std::int32_t at) {
            if (score < out.best || (score == out.best && at < out.best_j)) {
                out.second = std::min(out.second, out.best);
                out.best = score, out.best_j = at;
            } else {
                out.second = std::min(out.second, score);
            }
        };
        for (std::size_t l = 0; l < R::lanes; ++l) {
            offer(best[l], static_cast<std::int32_t>(best_index[l]));
            out.second = std::min(out.second, second[l]);
        }
        for (; j < k_; ++j) offer(half_norms[j] - dots[j], static_cast<std::int32_t>(j));  // the tail
        return out;
    }

    const Matrix<F>& centroids_;
    std::size_t k_;
    std::size_t d_;
    bool use_gemm_;
    Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> centroids_t_;  // d x k, column-major
    Vector<F> half_norms_;
    F max_half_norm_ = 0, max_norm_ = 0;  // bounds for the GEMM path's rounding margin
};

}  // namespace linfa::clustering::kmeans_detail
