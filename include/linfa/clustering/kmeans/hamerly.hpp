// Hamerly's accelerated Lloyd iteration (G. Hamerly, "Making k-means even faster", SDM 2010).
//
// It computes exactly what Lloyd computes, skipping the distance computations that two
// bounds per point prove useless: u(i) >= the distance of row i to its assigned centroid
// a(i), l(i) <= its distance to every other centroid. With s(j) half the distance from
// centroid j to its nearest other centroid, a row with u(i) <= max(s(a(i)), l(i)) cannot
// change cluster. Otherwise u(i) is tightened to the exact distance and tested again; only
// then are all k distances computed, which also refreshes both bounds: for d <= 16 one row
// at a time, vectorised across centroids; above, the failing rows of a block are gathered and
// handed to Lloyd's GEMM kernel together. After the update step each bound moves by how far
// the centroids moved.
//
// Where it wins: many clusters, and clusters that separate. Once centroids settle most rows
// are skipped, so an iteration costs about one read of the data and the bounds, instead of
// n x k distances. Where clusters overlap (high dimension, wide blobs) the single lower
// bound is loose and most rows fail; thanks to the batched GEMM such an iteration still
// costs about one of Lloyd's (bench/README.md has the measurements).
//
// Every row still passes through the update step's accumulation (ClusterSums) in the same
// chunks as Lloyd, so with the same labels both find the same centroids bit for bit, and the
// result does not depend on the thread count. Bounds are kept in double, widened by a margin
// that covers the rounding of distances computed in F. Memory beyond Lloyd's: two doubles
// per row (the bounds) and O(k x d) per pass; nothing grows with n x k.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../simd/reg.hpp"
#include "../../nn/assigner.hpp"
#include "../../nn/centroid_scanner.hpp"
#include "lloyd.hpp"
#include "update.hpp"

namespace linfa::clustering::kmeans_detail {

/// For every centroid a, its `m` nearest centroids (a itself included), sorted by their
/// distance g from a: a row whose bound test fails only needs the centroids near its own
/// (Exponion's idea, Newling & Fleuret 2016). Building costs O(k^2 d), so the lists are kept
/// while centroids move little: with D(j) the distance of centroid j from where it was at the
/// last build, the current distance between a and j is at least g - D(a) - max D =
/// g - slack(a). They are rebuilt once max D passes a tenth of the mean distance between
/// neighbouring centroids. Memory: k x m entries and k x d for the build-time centroids.
template <Float F>
class NeighbourLists {
public:
    static constexpr std::size_t max_neighbours = 48;

    explicit NeighbourLists(std::size_t k) : k_(k), m_(std::min(k, max_neighbours)), gap_(k * m_), index_(k * m_), drift_(k, 0.0) {}

    /// Measures how far the centroids drifted since the last build; rebuilds if too far.
    void refresh(const Matrix<F>& centroids) {
        const std::size_t d = std::size_t(centroids.cols());
        max_drift_ = 0;
        if (built_.size() == centroids.size()) {
            for (std::size_t j = 0; j < k_; ++j) {
                drift_[j] = std::sqrt(nn::squared_distance(centroids.data() + j * d, built_.data() + j * d, d));
                max_drift_ = std::max(max_drift_, drift_[j]);
            }
            if (max_drift_ <= 0.1 * mean_nearest_) return;
        }
        build(centroids);
    }

    std::size_t size() const { return m_; }
    /// Every centroid is listed: no centroid lies beyond the list.
    bool complete() const { return m_ == k_; }
    const double* gaps(std::size_t a) const { return gap_.data() + a * m_; }
    const std::int32_t* indices(std::size_t a) const { return index_.data() + a * m_; }
    /// What to subtract from a's gaps for a lower bound on current distances.
    double slack(std::size_t a) const { return drift_[a] + max_drift_; }

    /// A lower bound on the distance from centroid a to its nearest other centroid (exact
    /// when the list holds every centroid; +inf when k = 1).
    double nearest_other(std::size_t a, const Matrix<F>& centroids) const {
        const std::size_t d = std::size_t(centroids.cols());
        double nearest = complete() ? std::numeric_limits<double>::infinity() : gap_[a * m_ + m_ - 1] - slack(a);
        for (std::size_t t = 0; t < m_; ++t) {
            const auto j = std::size_t(index_[a * m_ + t]);
            if (j != a) nearest = std::min(nearest, std::sqrt(nn::squared_distance(centroids.data() + a * d, centroids.data() + j * d, d)));
        }
        return std::max(nearest, 0.0);
    }

private:
    void build(const Matrix<F>& centroids) {
        const std::size_t d = std::size_t(centroids.cols());
        built_ = centroids;
        std::fill(drift_.begin(), drift_.end(), 0.0);
        max_drift_ = 0;
        std::vector<double> nearest(k_, 0.0);
        for_each_chunk(plan_chunks(k_, 16, 256), [&](std::size_t, std::size_t begin, std::size_t end) {
            std::vector<std::pair<double, std::int32_t>> all(k_);
            for (std::size_t a = begin; a < end; ++a) {
                const F* ca = centroids.data() + a * d;
                for (std::size_t j = 0; j < k_; ++j) all[j] = {nn::squared_distance(ca, centroids.data() + j * d, d), std::int32_t(j)};
                std::nth_element(all.begin(), all.begin() + std::ptrdiff_t(m_ - 1), all.end());
                std::sort(all.begin(), all.begin() + std::ptrdiff_t(m_));
                for (std::size_t t = 0; t < m_; ++t) gap_[a * m_ + t] = std::sqrt(all[t].first), index_[a * m_ + t] = all[t].second;
                nearest[a] = m_ > 1 ? gap_[a * m_ + 1] : 0.0;
            }
        });
        mean_nearest_ = std::accumulate(nearest.begin(), nearest.end(), 0.0) / double(k_);
    }

    std::size_t k_, m_;
    std::vector<double> gap_;
    std::vector<std::int32_t> index_;
    Matrix<F> built_;             // the centroids the lists were built from
    std::vector<double> drift_;   // per centroid: distance from its build-time position
    double max_drift_ = 0, mean_nearest_ = 0;
};

/// How far each centroid moved in the last update, and the two largest moves: a row's upper
/// bound grows by its own centroid's move, its lower bound shrinks by the largest move of any
/// other centroid. Shared by the dense and the sparse Hamerly passes.
struct CentroidMoves {
    std::vector<double> shift;  ///< per centroid, widened for rounding
    double largest = 0, second_largest = 0;
    std::size_t largest_at = 0;

    explicit CentroidMoves(std::size_t k) : shift(k, 0.0) {}

    /// Records the moves from `before` to `after` (k x d), each distance times `widen`.
    template <Float F>
    void record(const Matrix<F>& before, const Matrix<F>& after, double widen) {
        const auto d = std::size_t(before.cols());
        largest = 0, second_largest = 0, largest_at = 0;
        for (std::size_t j = 0; j < shift.size(); ++j) {
            shift[j] = std::sqrt(nn::squared_distance(before.data() + j * d, after.data() + j * d, d)) * widen;
            if (shift[j] > largest) {
                second_largest = largest;
                largest = shift[j], largest_at = j;
            } else {
                second_largest = std::max(second_largest, shift[j]);
            }
        }
    }

    /// The most any centroid other than j moved.
    double other_than(std::size_t j) const { return j == largest_at ? second_largest : largest; }
};

/// One Hamerly iteration at a time, with the bounds kept between iterations. Same interface
/// as LloydPass: `run` (assign + accumulate), then `update` (new centroids).
template <Float F>
class HamerlyPass {
public:
    using Stats = PassStats;

    HamerlyPass(const DatasetView<F>& data, std::size_t n_clusters)
        : HamerlyPass(data, n_clusters, ClusterSums<F>::plan_for(data.n_samples(), n_clusters, data.n_features()), 0) {}

    /// A pass over a window of a larger dataset (ClusterSums' window constructor): the
    /// bounds are the window's rows'.
    HamerlyPass(const DatasetView<F>& data, std::size_t n_clusters, const ChunkPlan& plan, std::size_t first_row)
        : data_(data),
          k_(n_clusters),
          d_(data.n_features()),
          sums_(data, n_clusters, plan, first_row),
          neighbours_(n_clusters),
          upper_(data.n_samples(), 0.0),
          lower_(data.n_samples(), 0.0),
          moves_(n_clusters),
          half_gap_(n_clusters, 0.0),
          widen_(1.0 + rounding_margin(d_)),
          shrink_(1.0 - rounding_margin(d_)),
          stats_(sums_.plan().n_chunks) {}

    /// The first run assigns every row (whatever `labels` holds) and sets the bounds. Stats'
    /// inertia is the bound sum of weight x u(i)^2 (>= the true inertia), since skipped rows
    /// have no exact distance.
    Stats run(const Matrix<F>& centroids, std::int32_t* labels) { return pass<false>(centroids, labels); }

    /// After the last update: the labels of the final centroids (through the bounds, like a
    /// run) and their inertia, from exact distances in double. Nothing is accumulated. The
    /// bounds make this pass cheap even when the last one settled, so it always runs.
    double finish(const Matrix<F>& centroids, std::int32_t* labels, const Stats* /*settled*/) {
        return pass<true>(centroids, labels).inertia;
    }

    /// `finish` chunk by chunk (see LloydPass::finish_by_chunk): always recomputed here.
    std::optional<std::vector<double>> finish_by_chunk(const Matrix<F>& centroids, std::int32_t* labels, bool /*settled*/) {
        pass<true>(centroids, labels);
        std::vector<double> per_chunk(stats_.size());
        for (std::size_t c = 0; c < stats_.size(); ++c) per_chunk[c] = stats_[c].inertia;
        return per_chunk;
    }

    /// The update step; also records how far each centroid moved, for the bounds.
    Matrix<F> update(const Matrix<F>& previous, const std::int32_t* labels) {
        Matrix<F> next = sums_.centroids(previous, labels);
        moved(previous, next);
        return next;
    }

    /// Records that the centroids moved from `previous` to `next` (what `update` does after
    /// the update step; a caller computing the step itself calls it).
    void moved(const Matrix<F>& previous, const Matrix<F>& next) {
        moves_.record(previous, next, widen_);
        moved_ = true;
    }

    const ChunkPlan& plan() const { return sums_.plan(); }
    /// The accumulators of the last pass.
    const ClusterSums<F>& sums() const { return sums_; }
    /// The statistics of each chunk in the last pass.
    const std::vector<Stats>& chunk_stats() const { return stats_; }

private:
    /// Relative rounding of a distance computed in F from d squared differences (about
    /// (d + 2) / 2 units of F's epsilon), with a factor 2 to spare.
    static double rounding_margin(std::size_t d) { return double(d + 4) * double(std::numeric_limits<F>::epsilon()); }

    template <bool Finish>
    Stats pass(const Matrix<F>& centroids, std::int32_t* labels) {
        const nn::CentroidScanner<F> scanner(centroids);
        neighbours_.refresh(centroids);
        for (std::size_t j = 0; j < k_; ++j) half_gap_[j] = 0.5 * neighbours_.nearest_other(j, centroids) * shrink_;
        if constexpr (!Finish) sums_.clear();
        const nn::Assigner<F> assigner(centroids);
        nn::with_features(d_, [&](auto features) {
            constexpr std::size_t D = decltype(features)::value;
            for_each_chunk(sums_.plan(), [&](std::size_t c, std::size_t begin, std::size_t end) {
                if (!bounded_) stats_[c] = first_chunk<D>(assigner, centroids, c, begin, end, labels);
                else if (assigner.uses_gemm()) stats_[c] = run_chunk_gemm<Finish>(assigner, centroids, c, begin, end, labels);
                else stats_[c] = run_chunk<D, Finish>(scanner, centroids, c, begin, end, labels);
            });
        });
        bounded_ = true;
        moved_ = false;  // the bounds now account for every move so far
        Stats total;
        for (const Stats& s : stats_) total += s;
        return total;
    }

    /// The first pass has no bounds yet: Lloyd's assignment kernel labels the rows, u(i) is
    /// the exact distance and l(i) = 2 s(a) - u(i), since every other centroid is at least
    /// 2 s(a) from a.
    template <std::size_t D>
    Stats first_chunk(const nn::Assigner<F>& assigner, const Matrix<F>& centroids, std::size_t c, std::size_t begin,
                      std::size_t end, std::int32_t* labels) {
        Stats local;
        assigner.assign_range(data_.records().data(), begin, end,
                              [&](std::size_t b, std::size_t rows, const std::int32_t* block_labels, const F*) {
            const F* x = data_.records().data() + b * d_;
            for (std::size_t r = 0; r < rows; ++r, x += d_) {
                const std::size_t i = b + r;
                const auto a = std::size_t(block_labels[r]);
                const double u = std::sqrt(nn::squared_distance(x, centroids.data() + a * d_, d_));
                local.n_changed += labels[i] != block_labels[r];
                labels[i] = block_labels[r];
                upper_[i] = u * widen_;
                lower_[i] = std::max(0.0, 2.0 * half_gap_[a] - u) * shrink_;
                local.inertia += double(data_.weight(i)) * u * u;
            }
            sums_.template add_rows<D>(c, b, rows, labels + b, data_.records().data() + b * d_);
        });
        return local;
    }

    template <std::size_t D, bool Finish>
    Stats run_chunk(const nn::CentroidScanner<F>& scanner, const Matrix<F>& centroids, std::size_t c, std::size_t begin,
                    std::size_t end, std::int32_t* labels) {
        const std::size_t d = D ? D : d_;
        Stats local;
        for (std::size_t b = begin; b < end; b += nn::block_rows) {  // Lloyd's blocks, for add_rows
            const std::size_t block_end = std::min(end, b + nn::block_rows);
            const F* x = data_.records().data() + b * d;
            std::array<std::uint8_t, nn::block_rows> holds;
            std::array<std::int32_t, nn::block_rows> was;
            screen(b, block_end, labels, holds.data());
            for (std::size_t i = b; i < block_end; ++i, x += d) {
                was[i - b] = labels[i];
                if (!(holds[i - b] || tightened(i, labels[i], x, centroids) || search_near(i, labels[i], x, centroids, labels))) {
                    const nn::NearestTwo<F> near = scanner.template nearest_two<D>(x);
                    labels[i] = near.label;
                    upper_[i] = std::sqrt(double(near.best)) * widen_;
                    lower_[i] = std::sqrt(double(near.second)) * shrink_;
                }
            }
            close_block<D, Finish>(c, b, block_end, was.data(), labels, centroids, local);
        }
        return local;
    }

    /// Large d: rows whose bounds fail are gathered, a block at a time, and assigned by the
    /// GEMM kernel against every centroid (which also gives their new bounds); then the
    /// block's rows are accumulated in order, as Lloyd does. When centroids overlap and
    /// bounds rarely hold, an iteration so costs about one of Lloyd's.
    template <bool Finish>
    Stats run_chunk_gemm(const nn::Assigner<F>& assigner, const Matrix<F>& centroids, std::size_t c, std::size_t begin,
                         std::size_t end, std::int32_t* labels) {
        Stats local;
        auto scratch = assigner.scratch();
        std::vector<F> gathered(nn::block_rows * d_);
        std::array<std::size_t, nn::block_rows> failed;
        std::array<std::int32_t, nn::block_rows> was, found;
        std::array<double, nn::block_rows> exact_sq, lower_sq;
        for (std::size_t b = begin; b < end; b += nn::block_rows) {
            const std::size_t rows = std::min(nn::block_rows, end - b);
            std::size_t n_failed = 0;
            std::array<std::uint8_t, nn::block_rows> holds;
            screen(b, b + rows, labels, holds.data());
            for (std::size_t i = b; i < b + rows; ++i) {
                const F* x = data_.records().data() + i * d_;
                was[i - b] = labels[i];
                if (holds[i - b] || tightened(i, labels[i], x, centroids)) continue;
                std::copy(x, x + d_, gathered.data() + n_failed * d_);
                failed[n_failed++] = i;
            }
            if (n_failed > 0) assigner.assign_bounded(gathered.data(), n_failed, found.data(), exact_sq.data(), lower_sq.data(), scratch);
            for (std::size_t t = 0; t < n_failed; ++t) {
                const std::size_t i = failed[t];
                labels[i] = found[t];
                upper_[i] = std::sqrt(exact_sq[t]) * widen_;
                lower_[i] = std::sqrt(lower_sq[t]) * shrink_;
            }
            close_block<0, Finish>(c, b, b + rows, was.data(), labels, centroids, local);
        }
        return local;
    }

    /// After a block's labels and bounds are final: its changed labels and inertia (the bound
    /// u(i)^2 in a run, the exact distance in the finishing pass) added to the chunk's
    /// stats (`block`), row by row, and, in a run, its rows added to the update's sums.
    template <std::size_t D, bool Finish>
    void close_block(std::size_t c, std::size_t begin, std::size_t end, const std::int32_t* was,
                     const std::int32_t* labels, const Matrix<F>& centroids, Stats& block) {
        const std::size_t d = D ? D : d_;
        const F* x = data_.records().data() + begin * d;
        for (std::size_t i = begin; i < end; ++i, x += d) {
            const double w = double(data_.weight(i));
            block.n_changed += labels[i] != was[i - begin];
            if constexpr (Finish) block.inertia += w * nn::squared_distance(x, centroids.data() + std::size_t(labels[i]) * d, d);
            else block.inertia += w * upper_[i] * upper_[i];
        }
        if constexpr (!Finish) sums_.template add_rows<D>(c, begin, end - begin, labels + begin, data_.records().data() + begin * d);
    }

    /// Moves the bounds of rows [begin, end) by the last update and marks in `holds` the rows
    /// whose bounds still prove their label: branch-free loops over a block (vectorised, with
    /// gathers), so that only the rows that fail reach the scalar code.
    void screen(std::size_t begin, std::size_t end, const std::int32_t* labels, std::uint8_t* holds) {
        double* const upper = upper_.data();
        double* const lower = lower_.data();
        const double* const shift = moves_.shift.data();
        const double* const half_gap = half_gap_.data();
        if (moved_) {
            const double largest = moves_.largest, second_largest = moves_.second_largest;
            const auto largest_at = std::int32_t(moves_.largest_at);
            for (std::size_t i = begin; i < end; ++i) {
                upper[i] += shift[labels[i]];
                lower[i] -= labels[i] == largest_at ? second_largest : largest;
            }
        }
        for (std::size_t i = begin; i < end; ++i) holds[i - begin] = upper[i] <= std::max(half_gap[labels[i]], lower[i]);
    }

    /// For a row whose bounds failed the screen: u(i) tightened to the exact distance, and
    /// the test again.
    bool tightened(std::size_t i, std::int32_t a, const F* x, const Matrix<F>& centroids) {
        const auto j = std::size_t(a);
        const double bound = std::max(half_gap_[j], lower_[i]);
        upper_[i] = std::sqrt(nn::squared_distance(x, centroids.data() + j * d_, d_)) * widen_;
        return upper_[i] <= bound;
    }

    /// Nearest and second-nearest centroid of row i among the neighbours of its centroid a,
    /// in order of their distance g from a. A centroid at g from a is at least g - u(i) from
    /// the row, so the walk stops once g - u(i) reaches the second best distance found.
    /// Returns false (the caller scans every centroid) when the list ends before the nearest
    /// centroid is proven.
    bool search_near(std::size_t i, std::int32_t a, const F* x, const Matrix<F>& centroids, std::int32_t* labels) {
        const double u = upper_[i];  // exact distance to a, widened: tightened() set it
        const double* gaps = neighbours_.gaps(std::size_t(a));
        const double slack = neighbours_.slack(std::size_t(a));
        const std::int32_t* indices = neighbours_.indices(std::size_t(a));
        std::int32_t label = a;
        F best = std::numeric_limits<F>::infinity();
        F second = std::numeric_limits<F>::infinity();
        double reach = std::numeric_limits<double>::infinity();  // u + the second best distance, widened
        // Step 0 is a itself, then the list (where a is skipped): one call computes them all.
        const std::size_t m = neighbours_.size();
        bool exhausted = true;  // the walk reached the end of the list
        for (std::size_t step = 0; step <= m; ++step) {
            std::int32_t j = a;
            if (step > 0) {
                if ((gaps[step - 1] - slack) * shrink_ >= reach) {  // g - u >= second: nothing further is closer
                    exhausted = false;
                    break;
                }
                j = indices[step - 1];
                if (j == a) continue;
            }
            const F dist = nn::squared_distance_in(x, centroids.data() + std::size_t(j) * d_, d_);
            if (dist < best || (dist == best && j < label)) {
                second = best;
                best = dist, label = j;
            } else if (dist < second) {
                second = dist;
            } else {
                continue;
            }
            if (second < std::numeric_limits<F>::infinity()) reach = u + std::sqrt(double(second)) * widen_;
        }
        // The compiler may contract this scalar loop into FMAs differently from the vector
        // kernels (seen: one row in a million whose two F distances tied in Lloyd's kernel but
        // not here). A near tie, within what rounding can move, goes to the vector scan.
        if (second - best <= F(2 * (d_ + 2)) * std::numeric_limits<F>::epsilon() * second) return false;
        double lower = std::sqrt(double(second)) * shrink_;
        if (exhausted && !neighbours_.complete()) {
            // Unlisted centroids are at least the last gap from a.
            const double beyond = (gaps[m - 1] - slack) * shrink_ - u;
            if (std::sqrt(double(best)) * widen_ > beyond) return false;
            lower = std::min(lower, beyond);
        }
        labels[i] = label;
        upper_[i] = std::sqrt(double(best)) * widen_;
        lower_[i] = lower;
        return true;
    }

    DatasetView<F> data_;
    std::size_t k_, d_;
    ClusterSums<F> sums_;
    NeighbourLists<F> neighbours_;
    std::vector<double> upper_, lower_;  // per row: the bounds u(i), l(i)
    CentroidMoves moves_;                // of the last update
    std::vector<double> half_gap_;       // per centroid: s(j)
    double widen_, shrink_;  // 1 +- the rounding margin
    bool moved_ = false;     // an update happened since the last run
    bool bounded_ = false;   // a first pass has set every row's label and bounds
    std::vector<Stats> stats_;
};

}  // namespace linfa::clustering::kmeans_detail
