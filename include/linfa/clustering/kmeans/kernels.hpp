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
// Ties go to the lowest centroid index in both, so results never depend on the tiling.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
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

    void assign_gemm(const F* x, std::size_t rows, std::int32_t* labels, F* sq_dist, Scratch& s) const {
        for (std::size_t start = 0; start < rows; start += gemm_rows) {
            const std::size_t count = std::min<std::size_t>(gemm_rows, rows - start);
            const MatrixView<F> block(x + start * d_, static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d_));
            s.dots.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(k_));
            s.dots.noalias() = block * centroids_t_;
            for (std::size_t r = 0; r < count; ++r) {
                const auto [best_j, best] = argmin_score(s.dots.data() + r * k_);
                labels[start + r] = best_j;
                sq_dist[start + r] = std::max(F(0), block.row(static_cast<Eigen::Index>(r)).squaredNorm() + F(2) * best);
            }
        }
    }

    /// argmin over j of (||c_j||^2 - 2 x.c_j) / 2 for one row of dot products, vectorised
    /// across centroids; ties go to the lowest j, as in a scalar scan.
    std::pair<std::int32_t, F> argmin_score(const F* dots) const {
        using V = typename R::type;
        using M = typename R::mask;
        const F* half_norms = half_norms_.data();
        V best = R::splat(std::numeric_limits<F>::infinity());
        M best_index = R::splat_int(0);
        M index;
        for (std::size_t l = 0; l < R::lanes; ++l) index[l] = static_cast<simd::lane_int<F>>(l);
        const M step = R::splat_int(static_cast<simd::lane_int<F>>(R::lanes));
        std::size_t j = 0;
        for (; j + R::lanes <= k_; j += R::lanes, index += step) {
            const V score = R::load(half_norms + j) - R::load(dots + j);
            const M closer = score < best;
            best = closer ? score : best;
            best_index = closer ? index : best_index;
        }
        F best_score = std::numeric_limits<F>::infinity();
        std::int32_t best_j = 0;
        for (std::size_t l = 0; l < R::lanes; ++l) {
            const auto lane_j = static_cast<std::int32_t>(best_index[l]);
            if (best[l] < best_score || (best[l] == best_score && lane_j < best_j)) best_score = best[l], best_j = lane_j;
        }
        for (; j < k_; ++j) {  // the tail, after every vectorised index
            const F score = half_norms[j] - dots[j];
            if (score < best_score) best_score = score, best_j = static_cast<std::int32_t>(j);
        }
        return {best_j, best_score};
    }

    const Matrix<F>& centroids_;
    std::size_t k_;
    std::size_t d_;
    bool use_gemm_;
    Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> centroids_t_;  // d x k, column-major
    Vector<F> half_norms_;
};

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

}  // namespace linfa::clustering::kmeans_detail
