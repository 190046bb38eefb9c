// The assignment step over a whole dataset: what `predict`, `score` and the end of `fit` use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../nn/assigner.hpp"

namespace linfa::clustering::kmeans_detail {

/// Statistics of one pass over the data.
struct PassStats {
    double inertia = 0;           ///< sum of weight x squared distance (kernel precision)
    std::size_t n_changed = 0;    ///< labels that differ from the previous pass

    /// Adds another chunk's statistics.
    PassStats& operator+=(const PassStats& other) {
        inertia += other.inertia;
        n_changed += other.n_changed;
        return *this;
    }
};

/// One value per chunk, copied out of `partial`.
inline std::vector<double> per_chunk_values(const PerChunk<double>& partial) {
    std::vector<double> values(partial.n_chunks());
    for (std::size_t c = 0; c < values.size(); ++c) values[c] = partial[c][0];
    return values;
}

/// Per-chunk values added in chunk order: the same total as reduce_in_chunk_order.
inline double chunk_order_total(const std::vector<double>& per_chunk) {
    double total = 0;
    for (double value : per_chunk) total += value;
    return total;
}

/// Writes the nearest centroid of every row of the chunks of `plan` to `labels`; with
/// `WithInertia`, also returns the weighted inertia of each chunk. Distances from the direct
/// kernel are exact; on the GEMM path the distance to the chosen centroid is recomputed
/// exactly in double.
template <Float F, bool WithInertia>
std::vector<double> assign_chunks(const DatasetView<F>& data, const Matrix<F>& centroids, std::int32_t* labels,
                                  const ChunkPlan& plan) {
    const nn::Assigner<F> assigner(centroids);
    const std::size_t d = data.n_features();
    PerChunk<double> inertia(plan.n_chunks, 1);
    for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        assigner.assign_range(data.records().data(), begin, end,
                              [&](std::size_t b, std::size_t rows, const std::int32_t* block_labels, const F* sq) {
            std::copy(block_labels, block_labels + rows, labels + b);
            if constexpr (!WithInertia) return;
            const F* x = data.records().data() + b * d;
            double block = 0;  // a block-local sum stays in a register
            for (std::size_t r = 0; r < rows; ++r) {
                const double dist = assigner.uses_gemm()  // the expansion loses digits: recompute
                                        ? nn::squared_distance(x + r * d, centroids.data() + std::size_t(block_labels[r]) * d, d)
                                        : double(sq[r]);
                block += double(data.weight(b + r)) * dist;
            }
            inertia[c][0] += block;
        });
    });
    return per_chunk_values(inertia);
}

/// The weighted inertia of given labels per chunk of `plan`, from exact distances in double.
template <Float F>
std::vector<double> weighted_inertia_chunks(const DatasetView<F>& data, const Matrix<F>& centroids,
                                            const std::int32_t* labels, const ChunkPlan& plan) {
    const std::size_t d = data.n_features();
    PerChunk<double> inertia(plan.n_chunks, 1);
    for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        double sum = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const F* centre = centroids.data() + std::size_t(labels[i]) * d;
            sum += double(data.weight(i)) * nn::squared_distance(data.records().data() + i * d, centre, d);
        }
        inertia[c][0] = sum;
    });
    return per_chunk_values(inertia);
}

/// The weighted inertia of given labels, from exact distances in double.
template <Float F>
double weighted_inertia(const DatasetView<F>& data, const Matrix<F>& centroids, const std::int32_t* labels) {
    return chunk_order_total(weighted_inertia_chunks(data, centroids, labels, plan_chunks(data.n_samples())));
}

/// The nearest centroid of every row (labels), and with `WithInertia` the weighted inertia.
template <Float F, bool WithInertia>
double assign_rows(const DatasetView<F>& data, const Matrix<F>& centroids, std::int32_t* labels) {
    return chunk_order_total(assign_chunks<F, WithInertia>(data, centroids, labels, plan_chunks(data.n_samples())));
}

/// The nearest centroid of every row (the assignment step alone).
template <Float F>
void assign_labels(const DatasetView<F>& data, const Matrix<F>& centroids, std::int32_t* labels) {
    assign_rows<F, false>(data, centroids, labels);
}

/// The nearest centroid of every row and the weighted inertia of that assignment.
template <Float F>
double assign_with_inertia(const DatasetView<F>& data, const Matrix<F>& centroids, std::int32_t* labels) {
    return assign_rows<F, true>(data, centroids, labels);
}

}  // namespace linfa::clustering::kmeans_detail
