// Hamerly's iteration on sparse (CSR) rows (hamerly.hpp explains the bounds): the labels and
// centroids of SparseLloydPass, bit for bit, skipping the k dot products of the rows whose
// bounds prove their label.
//
// The difference from the dense pass is rounding. Lloyd's sparse kernel compares the keys
// ||c||^2 - 2 x.c, whose error does not shrink with the distance (the terms cancel), so a
// relative margin is not enough: a row keeps its label only when the bounds prove that every
// other centroid's squared distance exceeds its own by more than twice what the keys' rounding
// can move (`margin`): then Lloyd's kernel, whatever its rounding, picks the same centroid. A
// row that fails is scanned against every centroid by Lloyd's kernel, which also gives its new
// bounds. (The dense pass first tightens u(i) to the exact distance; on sparse rows that
// rarely rescued a row and cost a gather per stored value, so it is not done.) s(j) comes from
// the centroids' Gram matrix, one small product per pass, less its rounding.
//
// Where it pays: once centroids settle, most rows skip the nnz x k products. Text data in many
// dimensions separates clusters poorly, so early iterations cost about one of Lloyd's; Auto
// therefore runs Lloyd's on sparse rows and Hamerly's is asked for (bench/README.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../../core/arithmetic.hpp"
#include "../../core/parallel.hpp"
#include "../../core/sparse.hpp"
#include "../../nn/assigner.hpp"
#include "hamerly.hpp"
#include "sparse_assign.hpp"
#include "sparse_lloyd.hpp"

namespace linfa::clustering::kmeans_detail {

/// One Hamerly iteration over sparse rows, with the bounds kept between iterations; the
/// interface of SparseLloydPass (run, update, finish).
template <Float F, SparseIndex I>
class SparseHamerlyPass {
public:
    using Stats = PassStats;  ///< what `run` reports

    SparseHamerlyPass(const SparseDatasetView<F, I>& data, std::size_t n_clusters)
        : data_(data),
          k_(n_clusters),
          d_(data.n_features()),
          norms_(row_squared_norms(data.records())),
          upper_(data.n_samples(), 0.0),
          lower_(data.n_samples(), 0.0),
          moves_(n_clusters),
          half_gap_(n_clusters, 0.0),
          update_(data, n_clusters),
          plan_(plan_chunks(data.n_samples(), 256)),
          widen_(1.0 + relative_margin(d_)),
          shrink_(1.0 - relative_margin(d_)) {}

    /// The first run assigns every row and sets the bounds. Stats' inertia is the bound sum of
    /// weight x u(i)^2 (>= the true inertia), as in the dense HamerlyPass.
    Stats run(const Matrix<F>& centroids, std::int32_t* labels) { return pass<false>(centroids, labels); }

    /// After the last update: the labels of the final centroids and their inertia from the
    /// exact distances, summed as SparseLloydPass sums them.
    double finish(const Matrix<F>& centroids, std::int32_t* labels, const Stats* /*settled*/) {
        return pass<true>(centroids, labels).inertia;
    }

    /// The update step (SparseUpdate); also records how far each centroid moved.
    Matrix<F> update(const Matrix<F>& previous, const std::int32_t* labels) {
        Matrix<F> next = update_.centroids(previous, labels, [&]() -> const std::vector<double>& {
            return exact_distances(previous, labels);
        });
        moves_.record(previous, next, widen_);
        moved_ = true;
        return next;
    }

private:
    /// Relative rounding of a distance between dense centroids in F (as HamerlyPass's).
    static double relative_margin(std::size_t d) { return double(d + 4) * double(std::numeric_limits<F>::epsilon()); }

    /// Four times the most the rounding can move a key ||c||^2 - 2 x.c of row i: the dot
    /// product in F over its stored values (Cauchy-Schwarz: at most ~nnz eps ||x|| ||c||), the
    /// centroid norms and the subtraction in double. `c_norm`: the largest centroid norm.
    double margin(std::size_t i, double c_norm) const {
        const double x_norm = std::sqrt(norms_[i]);
        const double stored = double(data_.records().row(i).indices.size());
        const double eps_f = std::numeric_limits<F>::epsilon(), eps_d = std::numeric_limits<double>::epsilon();
        return 4 * (2 * (stored + 2) * eps_f * x_norm * c_norm + double(d_ + 4) * eps_d * c_norm * (c_norm + x_norm));
    }

    template <bool Finish>
    Stats pass(const Matrix<F>& centroids, std::int32_t* labels) {
        const SparseCentroids<F> layout(centroids);
        const double c_norm = std::sqrt(layout.max_norm());
        set_half_gaps(centroids);
        PerChunk<double> inertia(plan_.n_chunks, 1);
        std::vector<std::size_t> changed(plan_.n_chunks, 0);
        for_each_chunk(plan_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            std::vector<F> scratch(layout.scratch_size());
            double sum = 0;
            std::size_t n_changed = 0;
            for (std::size_t i = begin; i < end; ++i) {
                const std::int32_t was = labels[i];
                const double m = margin(i, c_norm);
                if (!bounded_ || !holds(i, was, m)) scan(i, m, layout, scratch.data(), labels);
                n_changed += labels[i] != was;
                const double w = double(data_.weight(i));
                if constexpr (Finish) {
                    sum = multiply_add(w, layout.distance(data_.records().row(i), norms_[i], std::size_t(labels[i])), sum);
                } else {
                    sum = multiply_add(w, upper_[i] * upper_[i], sum);
                }
            }
            inertia[c][0] = sum;
            changed[c] = n_changed;
        });
        bounded_ = true;
        moved_ = false;  // the bounds now account for every move so far
        Stats stats;
        stats.inertia = reduce_in_chunk_order(inertia);
        for (const std::size_t n : changed) stats.n_changed += n;
        return stats;
    }

    /// Moves row i's bounds by the last update (once per update), then whether they prove
    /// label a: with U = u(i) and L = max(l(i), 2 s(a) - U), every other centroid is at least
    /// L away, so L^2 - U^2 > `m` puts Lloyd's keys in the same order.
    bool holds(std::size_t i, std::int32_t a, double m) {
        if (moved_) {
            upper_[i] += moves_.shift[std::size_t(a)];
            lower_[i] -= moves_.other_than(std::size_t(a));
        }
        const double u = upper_[i];
        const double l = std::max(lower_[i], 2 * half_gap_[std::size_t(a)] - u);
        return l > u && l * l - u * u > m;
    }

    /// s(j), half the distance from centroid j to its nearest other (+inf when k = 1), from
    /// ||a||^2 + ||b||^2 - 2 a.b with the products in double, less their rounding.
    void set_half_gaps(const Matrix<F>& centroids) {
        const Eigen::MatrixXd c = centroids.template cast<double>();
        const Eigen::MatrixXd gram = c * c.transpose();
        const double eps = double(d_ + 4) * std::numeric_limits<double>::epsilon();
        for (std::size_t a = 0; a < k_; ++a) {
            double nearest = std::numeric_limits<double>::infinity();
            for (std::size_t b = 0; b < k_; ++b) {
                if (b == a) continue;
                const double norms = gram(Eigen::Index(a), Eigen::Index(a)) + gram(Eigen::Index(b), Eigen::Index(b));
                const double squared = norms - 2 * gram(Eigen::Index(a), Eigen::Index(b)) - 4 * eps * norms;
                nearest = std::min(nearest, std::max(0.0, squared));
            }
            half_gap_[a] = 0.5 * std::sqrt(nearest) * shrink_;
        }
    }

    /// Row i against every centroid, by Lloyd's kernel: its label and both bounds.
    void scan(std::size_t i, double m, const SparseCentroids<F>& layout, F* scratch, std::int32_t* labels) {
        const SparseNearestTwo near = layout.nearest_two(data_.records().row(i), norms_[i], scratch);
        labels[i] = near.label;
        upper_[i] = std::sqrt(near.distance + m);
        lower_[i] = std::sqrt(std::max(0.0, near.second - m));
    }

    /// Each row's squared distance to its centroid in `centroids`, as Lloyd's pass records it
    /// (what relocating an empty cluster reads; computed only then).
    const std::vector<double>& exact_distances(const Matrix<F>& centroids, const std::int32_t* labels) {
        const SparseCentroids<F> layout(centroids);
        exact_.resize(data_.n_samples());
        for_each_chunk(plan_, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) exact_[i] = layout.distance(data_.records().row(i), norms_[i], std::size_t(labels[i]));
        });
        return exact_;
    }

    SparseDatasetView<F, I> data_;
    std::size_t k_, d_;
    std::vector<double> norms_;           // ||x_i||^2, once per fit
    std::vector<double> upper_, lower_;   // per row: the bounds u(i), l(i)
    CentroidMoves moves_;                 // of the last update
    std::vector<double> half_gap_;        // per centroid: s(j)
    std::vector<double> exact_;           // exact distances, for relocation
    SparseUpdate<F, I> update_;
    ChunkPlan plan_;                      // sparse_assign's chunks: the same inertia sums
    double widen_, shrink_;  // 1 +- the relative margin of centroid distances
    bool moved_ = false;     // an update happened since the last run
    bool bounded_ = false;   // a first pass has set every row's label and bounds
};

}  // namespace linfa::clustering::kmeans_detail
