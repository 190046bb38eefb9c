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
//
// Float scores at small d: for double data with k >= mixed_min_clusters the direct kernel
// does not compute exact distances but the expansion's scores ||c||^2 / 2 - x.c in float
// (twice the lanes, one FMA per feature instead of a subtraction and an FMA), on data and centroids centred on the centroids' mean (distances do
// not change; the error bound then scales with the spread around it, not with the offset),
// tracking each point's runner-up too. A point whose runner-up is within the error bound of
// its best is scanned again by the CentroidScanner, which computes the direct kernel's exact
// distances and ties in F, so its label is the direct kernel's. Any other point's best is the
// nearest centroid by a margin no rounding can close, hence also the direct kernel's; its
// squared distance is then computed exactly in F. Tiles with centred norms past 1e18 are
// scanned exactly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../core/matrix.hpp"
#include "../simd/reg.hpp"
#include "../simd/lanes.hpp"
#include "centroid_scanner.hpp"

namespace linfa::nn {

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
/// Fewest centroids for which double data takes the float GEMM, and the direct kernel float
/// scores: below it the exact recomputation of each row's distance would cost a sizeable
/// share of the work saved.
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

/// The assignment kernel (nn/assigner.hpp describes its paths): for rows of F, the index of
/// the nearest of k centroids (ties to the lowest index) and the squared distance to it, with
/// labels that do not depend on how the rows are split into calls or on the thread count.
template <Float F>
class Assigner {
    using R = simd::Reg<F>;
    static constexpr std::size_t unroll = 4;  // point registers in flight per centroid

public:
    /// Points per transposed tile of the direct kernel.
    static constexpr std::size_t tile = unroll * R::lanes;

    /// The scalar of the mixed paths (float for double data).
    using Low = float;
    /// Points per tile of the mixed direct kernel.
    static constexpr std::size_t low_tile = unroll * simd::Reg<Low>::lanes;
    /// Row-major rows of G, at most gemm_rows at compile time (Eigen never splits their products).
    template <class G>
    using Rows = Eigen::Matrix<G, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, gemm_rows, Eigen::Dynamic>;

    /// Per-thread scratch space; make one per chunk with `scratch()`.
    struct Scratch {
        /// Direct kernel: a tile of rows, feature-major (d x tile).
        std::vector<F> transposed;  // d x tile, direct kernel
        /// Float scores: a tile of centred rows in float, feature-major (d x low_tile).
        std::vector<Low> transposed_low;  // d x low_tile, float scores (centred)
        /// GEMM path: a block's dot products with the centroids.
        Rows<F> dots;               // GEMM path
        /// Mixed path: a block's rows in float.
        Rows<Low> block_low, dots_low;  // mixed path: the rows in float, their dot products
        /** \var dots_low
        Mixed path: the block's dot products with the centroids, in float. */
    };

    /// The kernel for `centroids` (k x d), which is referenced, not copied, and must outlive it;
    /// the path (direct, float scores, GEMM, float GEMM) is chosen here from k, d, F and the
    /// centroids' norms.
    explicit Assigner(const Matrix<F>& centroids)
        : centroids_(centroids),
          k_(static_cast<std::size_t>(centroids.rows())),
          d_(static_cast<std::size_t>(centroids.cols())),
          use_gemm_(d_ > direct_max_features) {
        if (!use_gemm_) {
            // Float data stays exact: the runner-up, the centring and the exact distance per
            // row cost what one FMA per feature saves (bench/linfa_bench, d = 2 and 16).
            if (std::is_same_v<F, double> && k_ >= mixed_min_clusters) set_up_scores();
            return;
        }
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

    /// Number of centroids k.
    std::size_t n_clusters() const { return k_; }
    /// Number of features d.
    std::size_t n_features() const { return d_; }
    /// Whether rows take the GEMM path (d > direct_max_features).
    bool uses_gemm() const { return use_gemm_; }
    /// Double data whose distances or dot products are computed in float (see the file comment).
    bool uses_mixed_precision() const { return mixed_ || uses_scores(); }
    /// The direct kernel computes float scores and settles near ties exactly (file comment).
    bool uses_scores() const { return scanner_.has_value(); }

    /// Scratch space sized for this kernel's path.
    Scratch scratch() const {
        Scratch s;
        if (use_gemm_) s.dots.resize(gemm_rows, static_cast<Eigen::Index>(k_));
        else if (scanner_) s.transposed_low.resize(d_ * low_tile);
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
            if (scanner_) return assign_scores<D>(x, rows, labels, sq_dist, s);
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
        // Through plain arrays: indexing the registers by lane would keep them in memory.
        F tile_best[tile];
        simd::lane_int<F> tile_index[tile];
        scan_tile<F, D, Measure::exact>(xt, centroids_.data(), nullptr, tile_best, nullptr, tile_index);
        for (std::size_t p = 0; p < count; ++p) {
            labels[p] = static_cast<std::int32_t>(tile_index[p]);
            sq_dist[p] = tile_best[p];
        }
    }

    /// What scan_tile compares: exact squared distances (the direct kernel), or the
    /// expansion's scores ||c||^2 / 2 - x.c with each point's runner-up as well (float scores).
    enum class Measure { exact, scores };

    /// The direct kernel over a feature-major tile of unroll x lanes points in G, against the
    /// k centroids `c` (row-major, in G; `half_norms` for scores): each point's lowest measure,
    /// its index and, for scores, the runner-up in `second_out`. Ties go to the lowest index.
    template <class G, std::size_t D, Measure How>
    void scan_tile(const G* xt, const G* c, const G* half_norms, G* best_out, G* second_out,
                   simd::lane_int<G>* index_out) const {
        constexpr bool runner_up = How == Measure::scores;
        using RG = simd::Reg<G>;
        using V = typename RG::type;
        using M = typename RG::mask;
        constexpr std::size_t points = unroll * RG::lanes;
        const std::size_t d = D ? D : d_;
        V best[unroll], second[unroll];
        M best_index[unroll];
        for (std::size_t u = 0; u < unroll; ++u) {
            best[u] = second[u] = RG::splat(std::numeric_limits<G>::infinity());
            best_index[u] = RG::splat_int(0);
        }
        for (std::size_t j = 0; j < k_; ++j, c += d) {
            V dist[unroll];
            const V start = RG::splat(runner_up ? half_norms[j] : G(0));
            for (std::size_t u = 0; u < unroll; ++u) dist[u] = start;
            for (std::size_t f = 0; f < d; ++f) {
                const V cf = RG::splat(c[f]);
                for (std::size_t u = 0; u < unroll; ++u) {
                    const V xf = RG::load(xt + f * points + u * RG::lanes);
                    if constexpr (runner_up) {
                        dist[u] -= xf * cf;
                    } else {
                        const V diff = xf - cf;
                        dist[u] += diff * diff;
                    }
                }
            }
            const M index = RG::splat_int(static_cast<simd::lane_int<G>>(j));
            for (std::size_t u = 0; u < unroll; ++u) {
                const M closer = dist[u] < best[u];
                if constexpr (runner_up) {
                    const V loser = closer ? best[u] : dist[u];  // max(best, dist)
                    second[u] = loser < second[u] ? loser : second[u];
                }
                best[u] = closer ? dist[u] : best[u];
                best_index[u] = closer ? index : best_index[u];
            }
        }
        for (std::size_t u = 0; u < unroll; ++u) {
            RG::store(best_out + u * RG::lanes, best[u]);
            if constexpr (runner_up) RG::store(second_out + u * RG::lanes, second[u]);
            std::memcpy(index_out + u * RG::lanes, &best_index[u], sizeof(M));
        }
    }

    void set_up_scores() {
        centre_.assign(d_, 0.0);
        for (std::size_t j = 0; j < k_; ++j)
            for (std::size_t f = 0; f < d_; ++f) centre_[f] += double(centroids_(Eigen::Index(j), Eigen::Index(f)));
        for (double& m : centre_) m /= double(k_);
        centroids_low_.resize(k_ * d_);
        half_norms_low_.resize(Eigen::Index(k_));
        double max_sq = 0;
        for (std::size_t j = 0; j < k_; ++j) {
            double sq = 0;
            for (std::size_t f = 0; f < d_; ++f) {
                const double v = double(centroids_(Eigen::Index(j), Eigen::Index(f))) - centre_[f];
                centroids_low_[j * d_ + f] = Low(v);
                sq += v * v;
            }
            half_norms_low_[Eigen::Index(j)] = Low(sq / 2);
            max_sq = std::max(max_sq, sq);
        }
        max_norm_ = std::sqrt(max_sq);
        if (max_norm_ < max_low_norm) scanner_.emplace(centroids_);
    }

    /// Best and runner-up scores, in float, and the best's index, per tile point.
    struct LowTile {
        Low best[low_tile];
        Low second[low_tile];
        simd::lane_int<Low> index[low_tile];
    };

    template <std::size_t D>
    void assign_scores(const F* x, std::size_t rows, std::int32_t* labels, F* sq_dist, Scratch& s) const {
        const std::size_t d = D ? D : d_;
        LowTile found;
        for (std::size_t start = 0; start < rows; start += low_tile) {
            const std::size_t count = std::min(low_tile, rows - start);
            const F* tile_x = x + start * d;
            const double norm = transpose_centred<D>(tile_x, count, s.transposed_low.data());
            const bool in_range = norm < max_low_norm;
            if (in_range) {
                scan_tile<Low, D, Measure::scores>(s.transposed_low.data(), centroids_low_.data(), half_norms_low_.data(),
                                                   found.best, found.second, found.index);
            }
            if (in_range) exact_distances<D>(tile_x, count, found, labels + start, sq_dist + start);
            const double margin = in_range ? direct_margin(norm) : 0;
            for (std::size_t p = 0; p < count; ++p) {
                // Squared distances differ by twice the scores.
                if (in_range && 2.0 * (double(found.second[p]) - double(found.best[p])) > margin) continue;
                // A near tie (or values too large for float): the double kernel's answer.
                const NearestTwo<F> exact = scanner_->template nearest_two<D>(tile_x + p * d);
                labels[start + p] = exact.label;
                sq_dist[start + p] = exact.best;
            }
        }
    }

    /// The tile's rows minus the centre, in float and feature-major, padded with the last
    /// row; returns the largest centred norm (in double) among them.
    template <std::size_t D>
    double transpose_centred(const F* x, std::size_t count, Low* out) const {
        if constexpr (D > 0) {  // eight rows at a time, in vectors
            simd::lanes::Doubles max_sq{};
            for (std::size_t p = 0; p < low_tile; p += simd::lanes::count) {
                simd::lanes::Of<F> rows[D];
                if (p < count) simd::lanes::load_rows<D>(x + p * D, std::min(simd::lanes::count, count - p), rows);
                else simd::lanes::load_rows<D>(x + (count - 1) * D, 1, rows);
                simd::lanes::Doubles sq{};
                for (std::size_t f = 0; f < D; ++f) {
                    const simd::lanes::Doubles v = __builtin_convertvector(rows[f], simd::lanes::Doubles) - centre_[f];
                    sq += v * v;
                    const auto low = __builtin_convertvector(v, simd::lanes::Of<Low>);
                    std::memcpy(out + f * low_tile + p, &low, sizeof low);
                }
                max_sq = sq > max_sq ? sq : max_sq;
            }
            double largest = 0;
            for (std::size_t l = 0; l < simd::lanes::count; ++l) largest = std::max(largest, max_sq[l]);
            return std::sqrt(largest);
        }
        // Feature by feature, so the stores are contiguous (row by row they would each land
        // on another cache line); the padding repeats the last row.
        double sq[low_tile] = {};
        for (std::size_t f = 0; f < d_; ++f) {
            const double centre = centre_[f];
            Low* column = out + f * low_tile;
            for (std::size_t p = 0; p < count; ++p) {
                const double v = double(x[p * d_ + f]) - centre;
                column[p] = Low(v);
                sq[p] += v * v;
            }
            for (std::size_t p = count; p < low_tile; ++p) column[p] = column[count - 1];
        }
        double max_sq = 0;
        for (std::size_t p = 0; p < count; ++p) max_sq = std::max(max_sq, sq[p]);
        return std::sqrt(max_sq);
    }

    /// Labels from the float scores and each row's exact squared distance to its label in F.
    template <std::size_t D>
    void exact_distances(const F* x, std::size_t count, const LowTile& found, std::int32_t* labels, F* sq_dist) const {
        for (std::size_t p = 0; p < count; ++p) labels[p] = std::int32_t(found.index[p]);
        if constexpr (D > 0) {  // eight rows at a time; padding lanes hold valid labels
            for (std::size_t p = 0; p < count; p += simd::lanes::count) {
                const std::size_t valid = std::min(simd::lanes::count, count - p);
                simd::lanes::Of<F> v[D], dist{};
                simd::lanes::load_rows<D>(x + p * D, valid, v);
                for (std::size_t f = 0; f < D; ++f) {
                    simd::lanes::Of<F> c;
                    for (std::size_t l = 0; l < simd::lanes::count; ++l) c[l] = centroids_.data()[std::size_t(found.index[p + l]) * D + f];
                    const simd::lanes::Of<F> diff = v[f] - c;
                    dist += diff * diff;
                }
                for (std::size_t l = 0; l < valid; ++l) sq_dist[p + l] = dist[l];
            }
        } else {
            for (std::size_t p = 0; p < count; ++p)
                sq_dist[p] = squared_distance_in(x + p * d_, centroids_.data() + std::size_t(labels[p]) * d_, d_);
        }
    }

    /// Bound on how far apart a point's best and runner-up may be, as squared distances from
    /// float scores, and still not be in the direct kernel's order: twice each distance's
    /// error. With centred x', c' and B = ||x'|| + max ||c'||, a float score is off by at most
    /// (d + 4) u (||x'|| ||c'|| + ||c'||^2 / 2) (u = 2^-24: converting x and c, the product and
    /// the (d + 1)-term sum), so the squared distance ||x'||^2 + 2 score by (d + 4) u B^2; the
    /// direct kernel's exact distance in F is off by (d + 2) u_F B^2. Underflow adds at most
    /// 2 denorm_min (sqrt(d) B + d). Taken twice over, for the margin's own rounding.
    double direct_margin(double row_norm) const {
        const double b = row_norm + max_norm_;
        const double d = double(d_);
        const double relative = 2.0 * (d + 6) * double(std::numeric_limits<Low>::epsilon()) +
                                4.0 * (d + 2) * double(std::numeric_limits<F>::epsilon());
        return relative * b * b + 8.0 * double(std::numeric_limits<Low>::denorm_min()) * (std::sqrt(d) * b + d);
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
    double max_half_norm_ = 0, max_norm_ = 0;  // bounds for the rounding margins (centred on the direct path)
    std::vector<double> centre_;               // float scores: the centroids' mean,
    std::vector<Low> centroids_low_;           // the centroids minus it in float (k x d), their
                                               // half squared norms in half_norms_low_,
    std::optional<CentroidScanner<F>> scanner_;  // and the exact scan for near ties
};

}  // namespace linfa::nn
