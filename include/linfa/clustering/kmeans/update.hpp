// The update step, shared by every full-batch algorithm (Lloyd, Hamerly): per-chunk weighted
// sums of each cluster, filled during the pass that assigns the rows, then combined in chunk
// order into new centroids, so the result is identical for any thread count, and two
// algorithms that find the same labels find the same centroids bit for bit. Memory:
// n_chunks x copies x k x (d + 1) doubles (n_chunks <= 64; 4 copies when k x (d + 1) <= 4096,
// else 1; n_chunks lowered towards 8 to stay near 64 MiB). Nothing grows with n x k.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../nn/assigner.hpp"
#include "../../simd/lanes.hpp"

namespace linfa::clustering::kmeans_detail {

template <Float F>
class ClusterSums {
public:
    ClusterSums(const DatasetView<F>& data, std::size_t n_clusters)
        : ClusterSums(data, n_clusters, plan_for(data.n_samples(), n_clusters, data.n_features()), 0) {}

    /// Sums over a window of a larger dataset: `data` holds global rows from `first_row` on,
    /// and `plan` is the window's part of the global plan (chunks of the global size, the
    /// first starting at `first_row`). A row's accumulator copy follows its global index, so
    /// the window's chunks add exactly what the same chunks add in one process.
    ClusterSums(const DatasetView<F>& data, std::size_t n_clusters, const ChunkPlan& plan, std::size_t first_row)
        : data_(data),
          k_(n_clusters),
          d_(data.n_features()),
          plan_(plan),
          copies_(accumulator_copies(n_clusters, data.n_features())),
          copy_phase_(first_row & (copies_ - 1)),
          partial_(plan_.n_chunks, partial_size()) {}

    /// The plan of a whole dataset of `n` rows, k clusters and d features.
    static ChunkPlan plan_for(std::size_t n, std::size_t k, std::size_t d) { return plan_chunks(n, 4096, max_chunks(k, d)); }

    /// The chunks every pass must use: one accumulator each.
    const ChunkPlan& plan() const { return plan_; }

    /// Doubles in one chunk's accumulator: copies x (k x d sums, then k weights).
    std::size_t partial_size() const { return copies_ * k_ * (d_ + 1); }
    /// Chunk c's accumulator (partial_size() values).
    const double* partial(std::size_t c) const { return partial_[c]; }

    void clear() { partial_.fill(0.0); }

    /// Adds row i (of chunk c) to cluster j's sums. Consecutive rows go to different copies
    /// of the accumulators: rows of one cluster often follow each other, and one copy would
    /// chain every addition on the previous one (measured: 2x slower passes at small k, d).
    /// D > 0 fixes d at compile time.
    template <std::size_t D = 0>
    void add_row(std::size_t c, std::size_t i, std::int32_t j, const F* x, double w) {
        const std::size_t d = D ? D : d_;
        double* sums = partial_[c] + ((i + copy_phase_) & (copies_ - 1)) * k_ * (d + 1);
        sums[k_ * d + std::size_t(j)] += w;
        double* sum = sums + std::size_t(j) * d;
        for (std::size_t f = 0; f < d; ++f) sum[f] += w * double(x[f]);
    }

    /// Adds `rows` consecutive rows of chunk c, the first being row `first` (at `x`), with
    /// their labels: what every pass calls once per block of rows, with the same blocks in
    /// Lloyd and Hamerly, so both sum in the same order. With few clusters and features
    /// (k <= masked_max_clusters, d <= 4) eight rows at a time go into register sums, one
    /// lane per row, through masked additions per cluster: no chain of additions on one
    /// accumulator in memory, which is what bounds the row-by-row path when k is small. The
    /// lanes are summed (in a fixed order: the same with any vector unit) once per block.
    template <std::size_t D = 0>
    void add_rows(std::size_t c, std::size_t first, std::size_t rows, const std::int32_t* labels, const F* x) {
        if constexpr (D > 0) {
            if (k_ <= masked_max_clusters) return add_rows_masked<D>(c, first, rows, labels, x);
        }
        const std::size_t d = D ? D : d_;
        for (std::size_t r = 0; r < rows; ++r) add_row<D>(c, first + r, labels[r], x + r * d, double(data_.weight(first + r)));
    }

    /// Most clusters for the masked accumulation of add_rows.
    static constexpr std::size_t masked_max_clusters = simd::lanes::BlockSums<1>::max_clusters;

    /// Adds one block's register sums (what add_rows does for k <= masked_max_clusters, and
    /// the fused small-k Lloyd pass directly) to chunk c's accumulator.
    template <std::size_t D>
    void add_block(std::size_t c, const simd::lanes::BlockSums<D>& block) {
        block.add_to(k_, partial_[c]);
    }

    /// The weighted mean of each cluster. A cluster left empty takes the positive-weight
    /// point farthest from its own centroid (scikit-learn's rule), so no centroid is ever
    /// NaN; that point's weight moves with it.
    Matrix<F> centroids(const Matrix<F>& previous, const std::int32_t* labels) const {
        Totals totals = combine([&](std::size_t c) { return partial_[c]; }, plan_.n_chunks);
        Matrix<F> next = previous;
        const auto empty = empty_clusters(totals);
        if (!empty.empty()) {
            const auto far = farthest_points(previous, labels, empty.size());
            for (std::size_t e = 0; e < far.size(); ++e) {
                const std::size_t i = far[e].second;
                relocate(totals, next, empty[e], std::size_t(labels[i]), double(data_.weight(i)),
                         data_.records().data() + i * d_);
            }
        }
        return means(totals, std::move(next));
    }

    /// The weighted sums (k x d) and weights (k) of every cluster.
    struct Totals {
        std::vector<double> sums, weights;
    };

    /// Totals of the accumulators of chunks 0 .. n_chunks - 1 (`chunk(c)`: chunk c's
    /// partial_size() values), chunk by chunk and copy by copy: the one order of addition,
    /// whether the chunks were filled here or gathered from other processes.
    template <class ChunkPartial>
    Totals combine(ChunkPartial&& chunk, std::size_t n_chunks) const {
        Totals totals{std::vector<double>(k_ * d_, 0.0), std::vector<double>(k_, 0.0)};
        for (std::size_t c = 0; c < n_chunks; ++c) {
            for (std::size_t copy = 0; copy < copies_; ++copy) {
                const double* part = chunk(c) + copy * k_ * (d_ + 1);
                for (std::size_t i = 0; i < k_ * d_; ++i) totals.sums[i] += part[i];
                for (std::size_t j = 0; j < k_; ++j) totals.weights[j] += part[k_ * d_ + j];
            }
        }
        return totals;
    }

    /// Clusters without weight, in increasing order.
    std::vector<std::size_t> empty_clusters(const Totals& totals) const {
        std::vector<std::size_t> empty;
        for (std::size_t j = 0; j < k_; ++j)
            if (!(totals.weights[j] > 0)) empty.push_back(j);
        return empty;
    }

    /// Empty cluster j takes a point `x` of weight `w` from cluster `from` (scikit-learn's
    /// rule: the point's weight moves with it, and the point is j's centroid).
    void relocate(Totals& totals, Matrix<F>& next, std::size_t j, std::size_t from, double w, const F* x) const {
        for (std::size_t f = 0; f < d_; ++f) {
            totals.sums[from * d_ + f] -= w * double(x[f]);
            totals.sums[j * d_ + f] = w * double(x[f]);
        }
        totals.weights[from] -= w;
        totals.weights[j] = w;
        for (std::size_t f = 0; f < d_; ++f) next(Eigen::Index(j), Eigen::Index(f)) = x[f];
    }

    /// The weighted mean of each cluster with weight; the others keep their row of `next`.
    Matrix<F> means(const Totals& totals, Matrix<F> next) const {
        for (std::size_t j = 0; j < k_; ++j) {
            if (!(totals.weights[j] > 0)) continue;  // kept as set above
            for (std::size_t f = 0; f < d_; ++f)
                next(Eigen::Index(j), Eigen::Index(f)) = F(totals.sums[j * d_ + f] / totals.weights[j]);
        }
        return next;
    }

    /// A point that may fill an empty cluster: its squared distance to its centroid and its row.
    using Candidate = std::pair<double, std::size_t>;

    /// Orders candidates farthest first, ties to the lower row.
    static bool farther(const Candidate& a, const Candidate& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    }

    /// Up to `count` positive-weight rows, farthest from their assigned centroid first
    /// (ties: lowest index), found chunk by chunk and merged in order.
    std::vector<Candidate> farthest_points(const Matrix<F>& centroids, const std::int32_t* labels,
                                           std::size_t count) const {
        std::vector<std::vector<Candidate>> per_chunk(plan_.n_chunks);
        for_each_chunk(plan_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            auto& best = per_chunk[c];
            for (std::size_t i = begin; i < end; ++i) {
                if (!(data_.weight(i) > 0)) continue;
                const F* centre = centroids.data() + std::size_t(labels[i]) * d_;
                const Candidate candidate(nn::squared_distance(data_.records().data() + i * d_, centre, d_), i);
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
        return all;
    }

private:
    template <std::size_t D>
    void add_rows_masked(std::size_t c, std::size_t first, std::size_t rows, const std::int32_t* labels, const F* x) {
        using namespace simd::lanes;
        BlockSums<D> block;
        const F* w = data_.has_weights() ? data_.weights().data() + first : nullptr;
        for (std::size_t r = 0; r < rows; r += count) {
            const std::size_t valid = std::min(count, rows - r);
            Of<F> features[D];
            load_rows<D>(x + r * D, valid, features);
            const Doubles weights = load_weights(w ? w + r : nullptr, valid);
            Doubles values[D];
            for (std::size_t f = 0; f < D; ++f) values[f] = __builtin_convertvector(features[f], Doubles) * weights;
            block.add(k_, values, weights, load_labels(labels + r, valid));
        }
        add_block(c, block);
    }

    static std::size_t accumulator_copies(std::size_t k, std::size_t d) { return k * (d + 1) <= 4096 ? 4 : 1; }

    /// Fewer chunks when k x d is large, so the accumulators stay within ~64 MiB where possible.
    static std::size_t max_chunks(std::size_t k, std::size_t d) {
        const std::size_t per_chunk = std::max<std::size_t>(1, accumulator_copies(k, d) * k * (d + 1) * sizeof(double));
        // At least 8 chunks even past the memory cap: one chunk would run the pass serially.
        return std::clamp<std::size_t>((std::size_t(64) << 20) / per_chunk, 8, 64);
    }

    DatasetView<F> data_;
    std::size_t k_, d_;
    ChunkPlan plan_;
    std::size_t copies_;        // accumulator copies per chunk (a power of two)
    std::size_t copy_phase_;    // global index of local row 0, modulo copies_
    PerChunk<double> partial_;  // per chunk and copy: k x d weighted sums, then k weights
};

}  // namespace linfa::clustering::kmeans_detail
