// Lloyd's iteration. One pass over the data per iteration fuses the assignment step (nearest
// centroid of every row) with the accumulation of the update step (weighted sums per
// cluster): each chunk of rows adds into its own accumulator, and accumulators are combined
// in chunk order, so the result is identical for any thread count. With k <= 8 and d <= 4
// the whole pass (distances, labels, sums, inertia) runs in registers, eight rows at a time
// (run_chunk_small), with the same result bit for bit. Memory beyond the data and the
// labels: the accumulators of ClusterSums (update.hpp) and one 32 x k buffer per thread on
// the GEMM path. There is never an n x k matrix.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/validation.hpp"
#include "assign.hpp"
#include "errors.hpp"
#include "../../nn/assigner.hpp"
#include "../../simd/lanes.hpp"
#include "update.hpp"

namespace linfa::clustering::kmeans_detail {

/// Per feature f of rows [begin, end): sum of (x_f - x0_f) into out[f], of its square into
/// out[d + f]. D > 0 fixes d at compile time so the sums live in registers.
template <std::size_t D, Float F>
void column_sums(const F* x, const F* x0, std::size_t d_runtime, std::size_t begin, std::size_t end, double* out) {
    if constexpr (D > 0) {  // eight rows at a time, one lane each: no chain of additions
        using namespace simd::lanes;
        Doubles sum[D] = {}, sq[D] = {};
        std::size_t i = begin;
        for (; i + count <= end; i += count) {
            Of<F> rows[D];
            load_rows<D>(x + i * D, rows);
            for (std::size_t f = 0; f < D; ++f) {
                const Doubles v = __builtin_convertvector(rows[f], Doubles) - double(x0[f]);
                sum[f] += v;
                sq[f] += v * v;
            }
        }
        for (std::size_t l = 0; i < end; ++i, ++l) {
            for (std::size_t f = 0; f < D; ++f) {
                const double v = double(x[i * D + f]) - double(x0[f]);
                sum[f][l] += v;
                sq[f][l] += v * v;
            }
        }
        for (std::size_t f = 0; f < D; ++f) {
            out[f] = out[D + f] = 0;
            for (std::size_t l = 0; l < count; ++l) out[f] += sum[f][l], out[D + f] += sq[f][l];
        }
    } else {
        const std::size_t d = d_runtime;
        std::vector<double> sums(2 * d, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
            for (std::size_t f = 0; f < d; ++f) {
                const double v = double(x[i * d + f]) - double(x0[f]);
                sums[f] += v;
                sums[d + f] += v * v;
            }
        }
        std::copy(sums.begin(), sums.end(), out);
    }
}

/// Per chunk of `plan`: the sums of each feature's deviation from row `x0`, then of their
/// squares (2 x d values per chunk).
template <Float F>
PerChunk<double> deviation_sums(const DatasetView<F>& data, const F* x0, const ChunkPlan& plan) {
    const std::size_t d = data.n_features();
    const F* x = data.records().data();
    PerChunk<double> partial(plan.n_chunks, 2 * d);
    nn::with_features(d, [&](auto features) {
        constexpr std::size_t D = decltype(features)::value;
        for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
            column_sums<D>(x, x0, d, begin, end, partial[c]);
        });
    });
    return partial;
}

/// `tolerance` times the mean of the per-feature variances of n rows, from the totals of
/// deviation_sums (the sums of each feature, then of its squares); nothing when a total is
/// not finite (a NaN or infinite entry, or deviations whose squares overflow).
inline std::optional<double> tolerance_from_sums(const std::vector<double>& totals, std::size_t n, std::size_t d,
                                                 double tolerance) {
    double variance_sum = 0;
    bool finite = true;
    for (std::size_t f = 0; f < d; ++f) {
        const double sum = totals[f], sq = totals[d + f];
        finite &= std::isfinite(sum) && std::isfinite(sq);
        variance_sum += std::max(0.0, (sq - sum * sum / double(n)) / double(n));
    }
    if (!finite) return std::nullopt;
    return tolerance * variance_sum / double(d);
}

/// What tolerance_from_sums' missing answer means for `data`: names a NaN or infinite entry,
/// else reports the overflow.
template <Float F>
[[noreturn]] void throw_unsummable(const DatasetView<F>& data) {
    require_finite<F>(data.records(), "records");  // throws if an entry is NaN or infinite
    // Finite entries whose squared deviations overflow double (|x| past ~1e154): every
    // distance would be infinite and no iteration could compare them.
    throw KMeansInputError("KMeans: records span too wide a range: squared deviations overflow double "
                           "(values up to about 1e150 in magnitude are supported)");
}

/// Mean of the per-feature variances (unweighted, as scikit-learn), times `tolerance`.
/// One pass: per feature, the sums of (x - x0) and (x - x0)^2, shifted by the first row so
/// that values far from zero do not cancel. The same pass checks the records: a NaN or an
/// infinity makes the sums non-finite, and only then are the records scanned again to name
/// the entry (throw_unsummable).
template <Float F>
double scaled_tolerance(const DatasetView<F>& data, double tolerance) {
    const std::size_t n = data.n_samples(), d = data.n_features();
    const PerChunk<double> partial = deviation_sums(data, data.records().data(), plan_chunks(n));
    std::vector<double> totals(2 * d, 0.0);  // the sums of each feature, then of its squares
    reduce_in_chunk_order(partial, 2 * d, totals.data());
    const auto scaled = tolerance_from_sums(totals, n, d, tolerance);
    if (!scaled) throw_unsummable(data);
    return *scaled;
}

/// The sum of weights[r] x values[r] (weights == nullptr: all 1) over `rows` values, in
/// eight interleaved partial sums added in a fixed order: the same on every build, and the
/// additions do not wait on each other as they do in one running sum.
template <Float F>
double weighted_sum(const F* values, const F* weights, std::size_t rows) {
    constexpr std::size_t lanes = simd::lanes::count;
    double part[lanes] = {};
    std::size_t r = 0;
    if (weights) {
        for (; r + lanes <= rows; r += lanes)
            for (std::size_t l = 0; l < lanes; ++l) part[l] += double(weights[r + l]) * double(values[r + l]);
    } else {
        for (; r + lanes <= rows; r += lanes)
            for (std::size_t l = 0; l < lanes; ++l) part[l] += 1.0 * double(values[r + l]);
    }
    for (std::size_t l = 0; r + l < rows; ++l) part[l] += (weights ? double(weights[r + l]) : 1.0) * double(values[r + l]);
    double total = 0;
    for (std::size_t l = 0; l < lanes; ++l) total += part[l];
    return total;
}

/// The fused assignment + accumulation pass, with accumulators reused across iterations.
template <Float F>
class LloydPass {
public:
    using Stats = PassStats;

    LloydPass(const DatasetView<F>& data, std::size_t n_clusters)
        : data_(data), d_(data.n_features()), sums_(data, n_clusters), final_plan_(plan_chunks(data.n_samples())),
          stats_(sums_.plan().n_chunks) {}

    /// A pass over a window of a larger dataset (see ClusterSums' window constructor): the
    /// window's chunks of the global plan, which must also be the chunks of the global
    /// plan_chunks(n) (they are unless k x (d + 1) is very large: ClusterSums::plan_for).
    LloydPass(const DatasetView<F>& data, std::size_t n_clusters, const ChunkPlan& plan, std::size_t first_row)
        : data_(data), d_(data.n_features()), sums_(data, n_clusters, plan, first_row), final_plan_(plan),
          stats_(plan.n_chunks) {}

    /// Assigns every row to its nearest centroid (updating `labels`) and accumulates the
    /// weighted sums of each cluster; call `centroids` afterwards for the update step.
    Stats run(const Matrix<F>& centroids, std::int32_t* labels) {
        sums_.clear();
        if (takes_fused_pass(centroids)) return fused_pass<true>(centroids, labels);
        const nn::Assigner<F> assigner(centroids);
        nn::with_features(d_, [&](auto features) {
            for_each_chunk(sums_.plan(), [&](std::size_t c, std::size_t begin, std::size_t end) {
                stats_[c] = run_chunk<decltype(features)::value>(assigner, c, begin, end, labels);
            });
        });
        return total_stats();
    }

    /// The accumulation of the update step alone, for given labels (the fused `run` does
    /// this during the assignment; kept separate for benchmarks and callers with labels).
    void accumulate(const std::int32_t* labels) {
        sums_.clear();
        nn::with_features(d_, [&](auto features) {
            for_each_chunk(sums_.plan(), [&](std::size_t c, std::size_t begin, std::size_t end) {
                for (std::size_t b = begin; b < end; b += nn::block_rows) {  // the blocks of `run`
                    sums_.template add_rows<decltype(features)::value>(c, b, std::min(nn::block_rows, end - b), labels + b,
                                                                      data_.records().data() + b * d_);
                }
            });
        });
    }

    /// The update step from the sums of the last pass (see ClusterSums::centroids).
    Matrix<F> update(const Matrix<F>& previous, const std::int32_t* labels) const {
        return sums_.centroids(previous, labels);
    }

    /// After the last update: the labels of the final centroids and their inertia. When the
    /// last pass changed no label, the update reproduced the centroids that pass assigned
    /// against, bit for bit, so its labels stand (`settled`: that pass's stats) and only the
    /// GEMM path's inertia, which is the expansion's, is recomputed exactly.
    double finish(const Matrix<F>& centroids, std::int32_t* labels, const Stats* settled) {
        const auto per_chunk = finish_by_chunk(centroids, labels, settled != nullptr);
        return per_chunk ? chunk_order_total(*per_chunk) : settled->inertia;
    }

    /// `finish` chunk by chunk, for callers that add chunks from elsewhere: the inertia of
    /// each chunk of the final labels, or nothing when the settled pass's inertia stands.
    std::optional<std::vector<double>> finish_by_chunk(const Matrix<F>& centroids, std::int32_t* labels, bool settled) {
        if (!settled && takes_fused_pass(centroids)) {
            fused_pass<false>(centroids, labels);
            std::vector<double> per_chunk(stats_.size());
            for (std::size_t c = 0; c < stats_.size(); ++c) per_chunk[c] = stats_[c].inertia;
            return per_chunk;
        }
        if (!settled) return assign_chunks<F, true>(data_, centroids, labels, final_plan_);
        if (d_ > nn::direct_max_features) return weighted_inertia_chunks(data_, centroids, labels, final_plan_);
        return std::nullopt;
    }

    /// The centroids moved from `previous` to `next` (Lloyd keeps no state about it; see
    /// HamerlyPass::moved).
    void moved(const Matrix<F>& /*previous*/, const Matrix<F>& /*next*/) {}

    const ChunkPlan& plan() const { return sums_.plan(); }
    /// The accumulators of the last pass.
    const ClusterSums<F>& sums() const { return sums_; }
    /// The statistics of each chunk in the last pass.
    const std::vector<Stats>& chunk_stats() const { return stats_; }

private:
    /// k <= 8 and d <= 4: the pass runs fused, all in registers (run_chunk_small).
    bool takes_fused_pass(const Matrix<F>& centroids) const {
        return d_ <= 4 && std::size_t(centroids.rows()) <= ClusterSums<F>::masked_max_clusters;
    }

    /// The fused pass over every chunk; without `Accumulate`, labels and inertia only (finish).
    template <bool Accumulate>
    Stats fused_pass(const Matrix<F>& centroids, std::int32_t* labels) {
        nn::with_features(d_, [&](auto features) {
            constexpr std::size_t D = decltype(features)::value;
            if constexpr (D > 0) {  // always, given takes_fused_pass
                for_each_chunk(sums_.plan(), [&](std::size_t c, std::size_t begin, std::size_t end) {
                    stats_[c] = run_chunk_small<D, Accumulate>(centroids, c, begin, end, labels);
                });
            }
        });
        return total_stats();
    }

    Stats total_stats() const {
        Stats total;
        for (const Stats& s : stats_) total += s;
        return total;
    }

    template <std::size_t D>
    Stats run_chunk(const nn::Assigner<F>& assigner, std::size_t c, std::size_t begin, std::size_t end, std::int32_t* labels) {
        Stats local;
        assigner.assign_range(data_.records().data(), begin, end,
                              [&](std::size_t b, std::size_t rows, const std::int32_t* block_labels, const F* sq) {
            const F* x = data_.records().data() + b * d_;
            std::size_t block_changed = 0;
            for (std::size_t r = 0; r < rows; ++r) block_changed += labels[b + r] != block_labels[r];
            std::copy(block_labels, block_labels + rows, labels + b);
            sums_.template add_rows<D>(c, b, rows, block_labels, x);
            const F* weights = data_.has_weights() ? data_.weights().data() + b : nullptr;
            local.inertia += weighted_sum(sq, weights, rows);
            local.n_changed += block_changed;
        });
        return local;
    }

    /// k <= 8 and d <= 4: assignment and accumulation fused, eight rows at a time, all in
    /// registers (no transposed tile, no label or distance buffer). Per lane it does what the
    /// general path does (nn::Assigner's distances and ties, then ClusterSums::add_rows and
    /// weighted_sum over the same blocks), so the result is the same bit for bit.
    template <std::size_t D, bool Accumulate = true>
    Stats run_chunk_small(const Matrix<F>& centroids, std::size_t c, std::size_t begin, std::size_t end,
                          std::int32_t* labels) {
        using namespace simd::lanes;
        using Mask = Of<simd::lane_int<F>>;
        const std::size_t k = std::size_t(centroids.rows());
        const F* all_weights = data_.has_weights() ? data_.weights().data() : nullptr;
        Stats local;
        for (std::size_t b = begin; b < end; b += nn::block_rows) {
            const std::size_t rows = std::min(nn::block_rows, end - b);
            BlockSums<D> block;
            Doubles inertia{};
            for (std::size_t r = 0; r < rows; r += count) {
                const std::size_t i = b + r, valid = std::min(count, rows - r);
                Of<F> x[D];
                load_rows<D>(data_.records().data() + i * D, valid, x);
                Of<F> best = Of<F>{} + std::numeric_limits<F>::infinity();
                Mask best_j{};
                for (std::size_t j = 0; j < k; ++j) {
                    const F* centre = centroids.data() + j * D;
                    Of<F> dist = Of<F>{} + F(0);
                    for (std::size_t f = 0; f < D; ++f) {
                        const Of<F> diff = x[f] - centre[f];
                        dist += diff * diff;
                    }
                    const Mask closer = dist < best;
                    best = closer ? dist : best;
                    best_j = closer ? Mask{} + simd::lane_int<F>(j) : best_j;
                }
                Longs label = __builtin_convertvector(best_j, Longs);
                for (std::size_t l = valid; l < count; ++l) label[l] = -1;  // past the end: no row
                const Doubles weights = load_weights(all_weights ? all_weights + i : nullptr, valid);
                for (std::size_t l = 0; l < valid; ++l) {
                    local.n_changed += labels[i + l] != std::int32_t(label[l]);
                    labels[i + l] = std::int32_t(label[l]);
                }
                if constexpr (Accumulate) {
                    Doubles values[D];
                    for (std::size_t f = 0; f < D; ++f) values[f] = __builtin_convertvector(x[f], Doubles) * weights;
                    block.add(k, values, weights, label);
                }
                inertia += weights * __builtin_convertvector(best, Doubles);
            }
            if constexpr (Accumulate) sums_.add_block(c, block);
            double total = 0;
            for (std::size_t l = 0; l < count; ++l) total += inertia[l];
            local.inertia += total;
        }
        return local;
    }

    DatasetView<F> data_;
    std::size_t d_;
    ClusterSums<F> sums_;
    ChunkPlan final_plan_;  // the chunks of finish's inertia
    std::vector<Stats> stats_;
};

/// Squared movement of all centroids between two iterations.
template <Float F>
double centroid_shift(const Matrix<F>& a, const Matrix<F>& b) {
    return (a.template cast<double>() - b.template cast<double>()).squaredNorm();
}

template <Float F>
struct LloydResult {
    Matrix<F> centroids;
    double inertia = 0;
    std::uint64_t n_iterations = 0;
    bool converged = false;     ///< stopped before max_iterations
    bool strict = false;        ///< ... because no label changed
    double last_shift = 0;      ///< squared centroid movement of the last iteration
};

/// `iterate` with a pass already made (over dense or sparse rows: run, update, finish).
template <class Pass, Float F, class OnIteration>
LloydResult<F> iterate_pass(Pass& pass, std::size_t n_samples, Matrix<F> centroids, double tol_scaled,
                            std::uint64_t max_iterations, Labels& labels, OnIteration&& on_iteration) {
    labels.setConstant(static_cast<Eigen::Index>(n_samples), -1);
    std::uint64_t iteration = 0;
    PassStats stats;
    bool settled = false;  // the last pass changed no label and the update moved nothing
    bool converged = false;
    double shift = 0;
    while (iteration < max_iterations) {
        stats = pass.run(centroids, labels.data());
        on_iteration(iteration, stats.inertia);
        ++iteration;
        Matrix<F> next = pass.update(centroids, labels.data());
        shift = centroid_shift(next, centroids);
        settled = stats.n_changed == 0 && next == centroids;
        centroids = std::move(next);
        converged = stats.n_changed == 0 || shift <= tol_scaled;
        if (converged) break;
    }
    const double inertia = pass.finish(centroids, labels.data(), settled ? &stats : nullptr);
    return {std::move(centroids), inertia, iteration, converged, converged && stats.n_changed == 0, shift};
}

/// Iterates `Pass` (LloydPass or HamerlyPass) from `centroids` until no label changes, the
/// shift is <= `tol_scaled`, or `max_iterations`. Ends with the labels of the final centroids
/// and their exact inertia. `on_iteration(index from 0, inertia of the pass)` runs after each
/// iteration.
template <template <class> class Pass, Float F, class OnIteration>
LloydResult<F> iterate(const DatasetView<F>& data, Matrix<F> centroids, double tol_scaled,
                       std::uint64_t max_iterations, Labels& labels, OnIteration&& on_iteration) {
    Pass<F> pass(data, static_cast<std::size_t>(centroids.rows()));
    return iterate_pass(pass, data.n_samples(), std::move(centroids), tol_scaled, max_iterations, labels, on_iteration);
}

}  // namespace linfa::clustering::kmeans_detail
