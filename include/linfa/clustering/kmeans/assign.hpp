// The assignment step over a whole dataset: what `predict`, `score` and the end of `fit` use.
#pragma once

#include <cstdint>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "kernels.hpp"

namespace linfa::clustering::kmeans_detail {

/// Writes the nearest centroid of every row to `labels` and returns the weighted inertia,
/// with the distance to the chosen centroid recomputed exactly in double.
template <Float F>
double assign_all(const DatasetView<F>& data, const Matrix<F>& centroids, std::int32_t* labels) {
    const Assigner<F> assigner(centroids);
    const std::size_t d = data.n_features();
    const ChunkPlan plan = plan_chunks(data.n_samples());
    std::vector<double> inertia(plan.n_chunks, 0.0);
    for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        auto scratch = assigner.scratch();
        F sq[block_rows];
        double local = 0;
        for (std::size_t b = begin; b < end; b += block_rows) {
            const std::size_t rows = std::min(block_rows, end - b);
            const F* x = data.records().data() + b * d;
            assigner.assign(x, rows, labels + b, sq, scratch);
            for (std::size_t r = 0; r < rows; ++r) {
                const F* centre = centroids.data() + std::size_t(labels[b + r]) * d;
                local += double(data.weight(b + r)) * squared_distance(x + r * d, centre, d);
            }
        }
        inertia[c] = local;
    });
    double total = 0;
    for (double part : inertia) total += part;
    return total;
}

}  // namespace linfa::clustering::kmeans_detail
