// The k best candidates of one query, ordered by (distance, row index): the one selection
// every algorithm of the neighbour index feeds, so the neighbours found do not depend on the
// order in which an algorithm meets the points.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "../core/matrix.hpp"
#include "metric.hpp"

namespace linfa::nn::index_detail {

/// A point found for a query: its reported distance and its row.
template <Float F>
struct Candidate {
    F distance;          ///< as Metric::distance reports it
    std::int64_t index;  ///< the point's row
};

/// The order of candidates: by distance, ties to the lower row.
template <Float F>
bool before(const Candidate<F>& a, const Candidate<F>& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
}

/// The k first candidates offered so far (a max-heap), and the reduced-distance ceiling past
/// which no point can enter: +inf until k are held, then `Metric::reduced_ceiling` of the worst.
template <Float F>
class TopK {
public:
    /// Empty, keeping at most `k` (>= 1) candidates of a metric over `d` features.
    TopK(std::size_t k, const Metric& metric, std::size_t d) : k_(k), metric_(metric), d_(d) { heap_.reserve(k); }

    /// Forgets every candidate (before the next query).
    void clear() {
        heap_.clear();
        ceiling_ = std::numeric_limits<double>::infinity();
    }

    /// A reduced distance above which a point cannot enter (computed bounds above it prune).
    double ceiling() const { return ceiling_; }
    /// Whether k candidates are held.
    bool full() const { return heap_.size() == k_; }
    /// The worst candidate held (requires a non-empty selection).
    const Candidate<F>& worst() const { return heap_.front(); }

    /// Offers the point `index` at reported distance `distance`.
    void offer(F distance, std::int64_t index) {
        const Candidate<F> c{distance, index};
        const auto cmp = [](const Candidate<F>& a, const Candidate<F>& b) { return before(a, b); };
        if (heap_.size() < k_) {
            heap_.push_back(c);
            std::push_heap(heap_.begin(), heap_.end(), cmp);
            if (heap_.size() < k_) return;
        } else {
            if (!before(c, heap_.front())) return;
            std::pop_heap(heap_.begin(), heap_.end(), cmp);
            heap_.back() = c;
            std::push_heap(heap_.begin(), heap_.end(), cmp);
        }
        ceiling_ = metric_.reduced_ceiling<F>(heap_.front().distance, d_);
    }

    /// Writes the k candidates in order (requires full()).
    void write(F* distances, std::int64_t* indices) {
        std::sort(heap_.begin(), heap_.end(), [](const Candidate<F>& a, const Candidate<F>& b) { return before(a, b); });
        for (std::size_t i = 0; i < heap_.size(); ++i) distances[i] = heap_[i].distance, indices[i] = heap_[i].index;
    }

private:
    std::size_t k_;
    Metric metric_;
    std::size_t d_;
    std::vector<Candidate<F>> heap_;
    double ceiling_ = std::numeric_limits<double>::infinity();
};

}  // namespace linfa::nn::index_detail
