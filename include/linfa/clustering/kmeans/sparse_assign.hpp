// The assignment step for sparse (CSR) rows: what the sparse fit, `predict`, `transform` and
// `score` use. Distances are ||x||^2 - 2 x.c + ||c||^2 with dense centroids. The centroids are
// stored transposed (feature-major, k padded to whole registers), so a row's non-zero at column
// f adds v x (the k centroid values of f), one contiguous run of registers, to the row's k dot
// products: the work is nnz x k multiply-adds per row, with no n x k temporary. The nearest
// centroid is the smallest ||c||^2 - 2 x.c (ties: the lower index); its distance is then
// recomputed with the dot product in double, which is what inertia and relocation use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "../../core/arithmetic.hpp"
#include "../../core/parallel.hpp"
#include "../../core/sparse.hpp"
#include "../../simd/reg.hpp"

namespace linfa::clustering::kmeans_detail {

/// The nearest centroid of one row and the squared distance to it (in double, >= 0).
struct SparseNearest {
    std::int32_t label;  ///< index of the nearest centroid
    double distance;     ///< squared Euclidean distance to it
};

/// The nearest centroid of one row, the squared distance to it and to the second nearest.
struct SparseNearestTwo {
    std::int32_t label;  ///< index of the nearest centroid (as SparseCentroids::nearest)
    double distance;     ///< squared distance to it, the dot product in double
    double second;       ///< squared distance to the second nearest (dot products in F; +inf when k = 1)
};

/// k dense centroids laid out for sparse rows (see the file comment).
template <Float F>
class SparseCentroids {
    using R = simd::Reg<F>;

public:
    /// Lays out `centroids` (k x d, row-major).
    explicit SparseCentroids(const Matrix<F>& centroids)
        : k_(std::size_t(centroids.rows())),
          d_(std::size_t(centroids.cols())),
          stride_((k_ + R::lanes - 1) / R::lanes * R::lanes),
          transposed_(d_ * stride_, F(0)),
          norms_(k_) {
        // Feature by feature: one sequential write stream, and k read streams that each move
        // forward (centroid by centroid, every write would land on another cache line).
        for (std::size_t f = 0; f < d_; ++f) {
            for (std::size_t j = 0; j < k_; ++j) transposed_[f * stride_ + j] = centroids(Eigen::Index(j), Eigen::Index(f));
        }
        for (std::size_t j = 0; j < k_; ++j) {
            double norm = 0;
            for (std::size_t f = 0; f < d_; ++f) {
                const double v = double(centroids(Eigen::Index(j), Eigen::Index(f)));
                norm = multiply_add(v, v, norm);
            }
            norms_[j] = norm;
        }
    }

    /// Number of centroids k.
    std::size_t size() const { return k_; }
    /// Room a caller provides for `dots`: k rounded up to whole registers.
    std::size_t scratch_size() const { return stride_; }

    /// out[j] = x . c_j for every centroid j (in F); `out` holds scratch_size() values.
    template <SparseIndex I>
    void dots(const SparseRow<F, I>& x, F* out) const {
        std::size_t g = 0;
        for (; g + 4 * R::lanes <= stride_; g += 4 * R::lanes) dots_block<4>(x, g, out);
        switch ((stride_ - g) / R::lanes) {
            case 3: return dots_block<3>(x, g, out);
            case 2: return dots_block<2>(x, g, out);
            case 1: return dots_block<1>(x, g, out);
            default: return;
        }
    }

    /// The squared distance from x (of squared norm `x_norm`) to centroid j, the dot product
    /// summed in double.
    template <SparseIndex I>
    double distance(const SparseRow<F, I>& x, double x_norm, std::size_t j) const {
        double dot = 0;
        for (std::size_t e = 0; e < x.indices.size(); ++e) {
            dot = multiply_add(double(x.values[e]), double(transposed_[std::size_t(x.indices[e]) * stride_ + j]), dot);
        }
        return std::max(0.0, x_norm - 2 * dot + norms_[j]);
    }

    /// The nearest centroid of x; `scratch` holds scratch_size() values.
    template <SparseIndex I>
    SparseNearest nearest(const SparseRow<F, I>& x, double x_norm, F* scratch) const {
        const SparseNearestTwo two = nearest_two(x, x_norm, scratch);
        return {two.label, two.distance};
    }

    /// The nearest centroid of x (the same as `nearest`) and the second nearest's distance.
    template <SparseIndex I>
    SparseNearestTwo nearest_two(const SparseRow<F, I>& x, double x_norm, F* scratch) const {
        dots(x, scratch);
        std::size_t best = 0;
        double best_key = std::numeric_limits<double>::infinity(), second_key = best_key;
        for (std::size_t j = 0; j < k_; ++j) {
            const double key = norms_[j] - 2 * double(scratch[j]);  // ||x||^2 is common to all
            if (key < best_key) {
                second_key = best_key;
                best_key = key, best = j;
            } else if (key < second_key) {
                second_key = key;
            }
        }
        return {std::int32_t(best), distance(x, x_norm, best), std::max(0.0, x_norm + second_key)};
    }

    /// The largest squared centroid norm, max_j ||c_j||^2.
    double max_norm() const { return norms_.empty() ? 0.0 : *std::max_element(norms_.begin(), norms_.end()); }

    /// Squared distances from x to every centroid into out[0..k) (dot products in F).
    template <SparseIndex I>
    void distances(const SparseRow<F, I>& x, double x_norm, F* scratch, double* out) const {
        dots(x, scratch);
        for (std::size_t j = 0; j < k_; ++j) out[j] = std::max(0.0, x_norm - 2 * double(scratch[j]) + norms_[j]);
    }

private:
    /// Registers g / lanes .. + Regs of the dot products, kept in registers over the row.
    template <std::size_t Regs, SparseIndex I>
    void dots_block(const SparseRow<F, I>& x, std::size_t g, F* out) const {
        typename R::type acc[Regs] = {};
        const F* base = transposed_.data() + g;
        for (std::size_t e = 0; e < x.indices.size(); ++e) {
            const F* column = base + std::size_t(x.indices[e]) * stride_;
            const typename R::type v = R::splat(x.values[e]);
            for (std::size_t r = 0; r < Regs; ++r) acc[r] += v * R::load(column + r * R::lanes);
        }
        for (std::size_t r = 0; r < Regs; ++r) R::store(out + g + r * R::lanes, acc[r]);
    }

    std::size_t k_, d_, stride_;
    std::vector<F> transposed_;  // d x stride_: feature f's centroid values at f * stride_
    std::vector<double> norms_;  // ||c_j||^2
};

/// Labels of every row of `data` into `labels`, the squared distance of each to its centroid
/// into `distances` (when not null), and the weighted inertia: row by row, so the same on any
/// thread count, the inertia summed per chunk and the chunks in order.
template <Float F, SparseIndex I>
double sparse_assign(const SparseDatasetView<F, I>& data, const SparseCentroids<F>& centroids, const std::vector<double>& row_norms,
                     std::int32_t* labels, double* distances = nullptr) {
    const ChunkPlan plan = plan_chunks(data.n_samples(), 256);
    PerChunk<double> inertia(plan.n_chunks, 1);
    for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        std::vector<F> scratch(centroids.scratch_size());
        double sum = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const SparseNearest near = centroids.nearest(data.records().row(i), row_norms[i], scratch.data());
            labels[i] = near.label;
            if (distances) distances[i] = near.distance;
            sum = multiply_add(double(data.weight(i)), near.distance, sum);
        }
        inertia[c][0] = sum;
    });
    return reduce_in_chunk_order(inertia);
}

}  // namespace linfa::clustering::kmeans_detail
