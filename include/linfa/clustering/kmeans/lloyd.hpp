// Lloyd's iteration. One pass over the data per iteration fuses the assignment step (nearest
// centroid of every row) with the accumulation of the update step (weighted sums per
// cluster): each chunk of rows adds into its own accumulator, and accumulators are combined
// in chunk order, so the result is identical for any thread count. Memory beyond the data
// and the labels: n_chunks x k x d doubles (n_chunks <= 64) and one block x k buffer per
// thread on the GEMM path. There is never an n x k matrix.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "assign.hpp"
#include "kernels.hpp"

namespace linfa::clustering::kmeans_detail {

/// Mean of the per-feature variances (unweighted, as scikit-learn), times `tolerance`.
template <Float F>
double scaled_tolerance(const DatasetView<F>& data, double tolerance) {
    const std::size_t n = data.n_samples(), d = data.n_features();
    const F* x = data.records().data();
    const ChunkPlan plan = plan_chunks(n);
    PerChunk<double> partial(plan.n_chunks, d);
    auto per_feature = [&](auto&& term) {
        partial.fill(0.0);
        for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
            double* sum = partial[c];
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t f = 0; f < d; ++f) sum[f] += term(x[i * d + f], f);
        });
        std::vector<double> total(d, 0.0);
        for (std::size_t c = 0; c < plan.n_chunks; ++c)
            for (std::size_t f = 0; f < d; ++f) total[f] += partial[c][f];
        return total;
    };
    std::vector<double> mean = per_feature([](F v, std::size_t) { return double(v); });
    for (double& m : mean) m /= double(n);
    const std::vector<double> sq = per_feature([&](F v, std::size_t f) { return (double(v) - mean[f]) * (double(v) - mean[f]); });
    return tolerance * std::accumulate(sq.begin(), sq.end(), 0.0) / double(n) / double(d);
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
          partial_(plan_.n_chunks, k_ * (d_ + 1)),
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
        for_each_chunk(plan_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            auto scratch = assigner.scratch();
            double* sums = partial_[c];
            double* weights = sums + k_ * d_;
            Stats local;
            std::int32_t block_labels[block_rows];
            F sq[block_rows];
            for (std::size_t b = begin; b < end; b += block_rows) {
                const std::size_t rows = std::min(block_rows, end - b);
                const F* x = data_.records().data() + b * d_;
                assigner.assign(x, rows, block_labels, sq, scratch);
                for (std::size_t r = 0; r < rows; ++r, x += d_) {
                    const std::int32_t j = block_labels[r];
                    local.n_changed += labels[b + r] != j;
                    labels[b + r] = j;
                    const double w = double(data_.weight(b + r));
                    local.inertia += w * double(sq[r]);
                    add_row(sums, weights, j, x, w);
                }
            }
            stats_[c] = local;
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
            double* sums = partial_[c];
            double* weights = sums + k_ * d_;
            const F* x = data_.records().data() + begin * d_;
            for (std::size_t i = begin; i < end; ++i, x += d_) add_row(sums, weights, labels[i], x, double(data_.weight(i)));
        });
    }

    /// The update step: the weighted mean of each cluster of the last pass. A cluster left
    /// empty takes the positive-weight point farthest from its own centroid (scikit-learn's
    /// rule), so no centroid is ever NaN; that point's weight moves with it.
    Matrix<F> centroids(const Matrix<F>& previous, const std::int32_t* labels) const {
        std::vector<double> sums(k_ * d_, 0.0), weights(k_, 0.0);
        for (std::size_t c = 0; c < plan_.n_chunks; ++c) {
            const double* part = partial_[c];
            for (std::size_t i = 0; i < k_ * d_; ++i) sums[i] += part[i];
            for (std::size_t j = 0; j < k_; ++j) weights[j] += part[k_ * d_ + j];
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
    void add_row(double* sums, double* weights, std::int32_t j, const F* x, double w) const {
        weights[j] += w;
        double* sum = sums + std::size_t(j) * d_;
        for (std::size_t f = 0; f < d_; ++f) sum[f] += w * double(x[f]);
    }

    /// Fewer chunks when k x d is large, so the accumulators stay within ~64 MiB.
    static std::size_t max_chunks(std::size_t k, std::size_t d) {
        const std::size_t per_chunk = std::max<std::size_t>(1, k * (d + 1) * sizeof(double));
        return std::clamp<std::size_t>((std::size_t(64) << 20) / per_chunk, 1, 64);
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
    PerChunk<double> partial_;  // per chunk: k x d weighted sums, then k weights
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

/// The default per-iteration hook of `lloyd`: does nothing and inlines away.
struct NoIterationHook {
    void operator()(std::uint64_t, double) const {}
};

/// Lloyd from `centroids` until no label changes, the shift is <= `tol_scaled`, or
/// `max_iterations`. Ends with the labels of the final centroids and their exact inertia.
/// `on_iteration(index from 0, inertia of the pass)` runs after each iteration.
template <Float F, class OnIteration = NoIterationHook>
LloydResult<F> lloyd(const DatasetView<F>& data, Matrix<F> centroids, double tol_scaled,
                     std::uint64_t max_iterations, Labels& labels, OnIteration&& on_iteration = {}) {
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
    const double inertia = assign_all(data, centroids, labels.data());
    return {std::move(centroids), inertia, iteration};
}

}  // namespace linfa::clustering::kmeans_detail
