// Lloyd's iteration. One pass over the data per iteration fuses the assignment step (nearest
// centroid of every row) with the accumulation of the update step (weighted sums per
// cluster): each chunk of rows adds into its own accumulator, and accumulators are combined
// in chunk order, so the result is identical for any thread count. Memory beyond the data
// and the labels: n_chunks x copies x k x (d + 1) doubles (n_chunks <= 64; 4 copies when
// k x (d + 1) <= 4096, else 1; n_chunks lowered towards 8 to stay near 64 MiB) and one
// 32 x k buffer per thread on the GEMM path. There is never an n x k matrix.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <numeric>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/validation.hpp"
#include "assign.hpp"
#include "kernels.hpp"

namespace linfa::clustering::kmeans_detail {

/// Per feature f of rows [begin, end): sum of (x_f - x0_f) into out[f], of its square into
/// out[d + f]. D > 0 fixes d at compile time so the sums live in registers.
template <std::size_t D, Float F>
void column_sums(const F* x, std::size_t d_runtime, std::size_t begin, std::size_t end, double* out) {
    const std::size_t d = D ? D : d_runtime;
    std::conditional_t<(D > 0), std::array<double, 2 * D>, std::vector<double>> sums{};
    if constexpr (D == 0) sums.assign(2 * d, 0.0);
    for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t f = 0; f < d; ++f) {
            const double v = double(x[i * d + f]) - double(x[f]);
            sums[f] += v;
            sums[d + f] += v * v;
        }
    }
    std::copy(sums.begin(), sums.end(), out);
}

/// Mean of the per-feature variances (unweighted, as scikit-learn), times `tolerance`.
/// One pass: per feature, the sums of (x - x0) and (x - x0)^2, shifted by the first row so
/// that values far from zero do not cancel. The same pass checks the records: a NaN or an
/// infinity makes the sums non-finite, and only then are the records scanned again to name
/// the entry (require_finite throws).
template <Float F>
double scaled_tolerance(const DatasetView<F>& data, double tolerance) {
    const std::size_t n = data.n_samples(), d = data.n_features();
    const F* x = data.records().data();
    const ChunkPlan plan = plan_chunks(n);
    PerChunk<double> partial(plan.n_chunks, 2 * d);
    with_features(d, [&](auto features) {
        constexpr std::size_t D = decltype(features)::value;
        for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
            column_sums<D>(x, d, begin, end, partial[c]);
        });
    });
    double variance_sum = 0;
    bool finite = true;
    for (std::size_t f = 0; f < d; ++f) {
        double sum = 0, sq = 0;
        for (std::size_t c = 0; c < plan.n_chunks; ++c) sum += partial[c][f], sq += partial[c][d + f];
        finite &= std::isfinite(sum) && std::isfinite(sq);
        variance_sum += std::max(0.0, (sq - sum * sum / double(n)) / double(n));
    }
    if (!finite) require_finite<F>(data.records(), "records");
    return tolerance * variance_sum / double(d);
}

/// The fused assignment + accumulation pass, with accumulators reused across iterations.
template <Float F>
class LloydPass {
public:
    LloydPass(const DatasetView<F>& data, std::size_t n_clusters)
        : data_(data),
          k_(n_clusters),
          d_(data.n_features()),
          plan_(plan_chunks(data.n_samples(), 4096, max_chunks(n_clusters, data.n_features()))),
          copies_(accumulator_copies(n_clusters, data.n_features())),
          partial_(plan_.n_chunks, copies_ * k_ * (d_ + 1)),
          stats_(plan_.n_chunks) {}

    struct Stats {
        double inertia = 0;           ///< sum of weight x squared distance (kernel precision)
        std::size_t n_changed = 0;    ///< labels that differ from the previous pass
    };

    /// Assigns every row to its nearest centroid (updating `labels`) and accumulates the
    /// weighted sums of each cluster; call `centroids` afterwards for the update step.
    Stats run(const Matrix<F>& centroids, std::int32_t* labels) {
        const Assigner<F> assigner(centroids);
        partial_.fill(0.0);
        with_features(d_, [&](auto features) {
            for_each_chunk(plan_, [&](std::size_t c, std::size_t begin, std::size_t end) {
                stats_[c] = run_chunk<decltype(features)::value>(assigner, c, begin, end, labels);
            });
        });
        Stats total;
        for (const Stats& s : stats_) {
            total.inertia += s.inertia;
            total.n_changed += s.n_changed;
        }
        return total;
    }

    /// The accumulation of the update step alone, for given labels (the fused `run` does
    /// this during the assignment; kept separate for benchmarks and callers with labels).
    void accumulate(const std::int32_t* labels) {
        partial_.fill(0.0);
        for_each_chunk(plan_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            const F* x = data_.records().data() + begin * d_;
            for (std::size_t i = begin; i < end; ++i, x += d_) add_row(c, i, labels[i], x, double(data_.weight(i)));
        });
    }

    /// The update step: the weighted mean of each cluster of the last pass. A cluster left
    /// empty takes the positive-weight point farthest from its own centroid (scikit-learn's
    /// rule), so no centroid is ever NaN; that point's weight moves with it.
    Matrix<F> centroids(const Matrix<F>& previous, const std::int32_t* labels) const {
        std::vector<double> sums(k_ * d_, 0.0), weights(k_, 0.0);
        for (std::size_t c = 0; c < plan_.n_chunks; ++c) {
            for (std::size_t copy = 0; copy < copies_; ++copy) {
                const double* part = partial_[c] + copy * k_ * (d_ + 1);
                for (std::size_t i = 0; i < k_ * d_; ++i) sums[i] += part[i];
                for (std::size_t j = 0; j < k_; ++j) weights[j] += part[k_ * d_ + j];
            }
        }
        Matrix<F> next = previous;
        relocate_empty(previous, labels, sums, weights, next);
        for (std::size_t j = 0; j < k_; ++j) {
            if (!(weights[j] > 0)) continue;  // kept as set above
            for (std::size_t f = 0; f < d_; ++f) next(Eigen::Index(j), Eigen::Index(f)) = F(sums[j * d_ + f] / weights[j]);
        }
        return next;
    }

    const ChunkPlan& plan() const { return plan_; }

private:
    template <std::size_t D>
    Stats run_chunk(const Assigner<F>& assigner, std::size_t c, std::size_t begin, std::size_t end, std::int32_t* labels) {
        Stats local;
        assigner.assign_range(data_.records().data(), begin, end,
                              [&](std::size_t b, std::size_t rows, const std::int32_t* block_labels, const F* sq) {
            const F* x = data_.records().data() + b * d_;
            double block_inertia = 0;  // block-local sums stay in registers
            std::size_t block_changed = 0;
            for (std::size_t r = 0; r < rows; ++r, x += d_) {
                const std::int32_t j = block_labels[r];
                block_changed += labels[b + r] != j;
                labels[b + r] = j;
                const double w = double(data_.weight(b + r));
                block_inertia += w * double(sq[r]);
                add_row<D>(c, b + r, j, x, w);
            }
            local.inertia += block_inertia;
            local.n_changed += block_changed;
        });
        return local;
    }

    /// Adds row i (of chunk c) to its cluster's sums. Consecutive rows go to different copies
    /// of the accumulators: rows of one cluster often follow each other, and one copy would
    /// chain every addition on the previous one (measured: 2x slower passes at small k, d).
    template <std::size_t D = 0>
    void add_row(std::size_t c, std::size_t i, std::int32_t j, const F* x, double w) {
        const std::size_t d = D ? D : d_;
        double* sums = partial_[c] + (i & (copies_ - 1)) * k_ * (d + 1);
        sums[k_ * d + std::size_t(j)] += w;
        double* sum = sums + std::size_t(j) * d;
        for (std::size_t f = 0; f < d; ++f) sum[f] += w * double(x[f]);
    }

    /// Fewer chunks when k x d is large, so the accumulators stay within ~64 MiB where possible.
    static std::size_t accumulator_copies(std::size_t k, std::size_t d) { return k * (d + 1) <= 4096 ? 4 : 1; }

    static std::size_t max_chunks(std::size_t k, std::size_t d) {
        const std::size_t per_chunk = std::max<std::size_t>(1, accumulator_copies(k, d) * k * (d + 1) * sizeof(double));
        // At least 8 chunks even past the memory cap: one chunk would run the pass serially.
        return std::clamp<std::size_t>((std::size_t(64) << 20) / per_chunk, 8, 64);
    }

    void relocate_empty(const Matrix<F>& previous, const std::int32_t* labels, std::vector<double>& sums,
                        std::vector<double>& weights, Matrix<F>& next) const {
        std::vector<std::size_t> empty;
        for (std::size_t j = 0; j < k_; ++j)
            if (!(weights[j] > 0)) empty.push_back(j);
        if (empty.empty()) return;
        const auto far = farthest_points(previous, labels, empty.size());
        for (std::size_t e = 0; e < far.size(); ++e) {
            const std::size_t i = far[e], j = empty[e];
            const auto from = static_cast<std::size_t>(labels[i]);
            const double w = double(data_.weight(i));
            const F* x = data_.records().data() + i * d_;
            for (std::size_t f = 0; f < d_; ++f) {
                sums[from * d_ + f] -= w * double(x[f]);
                sums[j * d_ + f] = w * double(x[f]);
            }
            weights[from] -= w;
            weights[j] = w;
            next.row(Eigen::Index(j)) = data_.records().row(Eigen::Index(i));
        }
    }

    /// Up to `count` positive-weight rows, farthest from their assigned centroid first
    /// (ties: lowest index), found chunk by chunk and merged in order.
    std::vector<std::size_t> farthest_points(const Matrix<F>& centroids, const std::int32_t* labels,
                                             std::size_t count) const {
        using Candidate = std::pair<double, std::size_t>;
        auto farther = [](const Candidate& a, const Candidate& b) {
            return a.first > b.first || (a.first == b.first && a.second < b.second);
        };
        std::vector<std::vector<Candidate>> per_chunk(plan_.n_chunks);
        for_each_chunk(plan_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            auto& best = per_chunk[c];
            for (std::size_t i = begin; i < end; ++i) {
                if (!(data_.weight(i) > 0)) continue;
                const F* centre = centroids.data() + std::size_t(labels[i]) * d_;
                const Candidate candidate(squared_distance(data_.records().data() + i * d_, centre, d_), i);
                if (best.size() == count && !farther(candidate, best.front())) continue;
                best.push_back(candidate);
                std::push_heap(best.begin(), best.end(), farther);
                if (best.size() > count) {
                    std::pop_heap(best.begin(), best.end(), farther);
                    best.pop_back();
                }
            }
        });
        std::vector<Candidate> all;
        for (const auto& b : per_chunk) all.insert(all.end(), b.begin(), b.end());
        std::sort(all.begin(), all.end(), farther);
        all.resize(std::min(all.size(), count));
        std::vector<std::size_t> rows;
        for (const auto& candidate : all) rows.push_back(candidate.second);
        return rows;
    }

    DatasetView<F> data_;
    std::size_t k_, d_;
    ChunkPlan plan_;
    std::size_t copies_;        // accumulator copies per chunk (a power of two)
    PerChunk<double> partial_;  // per chunk and copy: k x d weighted sums, then k weights
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
};

/// Lloyd from `centroids` until no label changes, the shift is <= `tol_scaled`, or
/// `max_iterations`. Ends with the labels of the final centroids and their exact inertia.
/// `on_iteration(index from 0, inertia of the pass)` runs after each iteration.
template <Float F, class OnIteration>
LloydResult<F> lloyd(const DatasetView<F>& data, Matrix<F> centroids, double tol_scaled,
                     std::uint64_t max_iterations, Labels& labels, OnIteration&& on_iteration) {
    const std::size_t k = static_cast<std::size_t>(centroids.rows());
    LloydPass<F> pass(data, k);
    labels.setConstant(static_cast<Eigen::Index>(data.n_samples()), -1);
    std::uint64_t iteration = 0;
    while (iteration < max_iterations) {
        const auto stats = pass.run(centroids, labels.data());
        on_iteration(iteration, stats.inertia);
        ++iteration;
        Matrix<F> next = pass.centroids(centroids, labels.data());
        const double shift = centroid_shift(next, centroids);
        centroids = std::move(next);
        if (stats.n_changed == 0 || shift <= tol_scaled) break;
    }
    const double inertia = assign_with_inertia(data, centroids, labels.data());
    return {std::move(centroids), inertia, iteration};
}

}  // namespace linfa::clustering::kmeans_detail
