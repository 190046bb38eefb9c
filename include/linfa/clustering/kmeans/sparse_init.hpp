// Initial centroids from sparse (CSR) rows: k-means++ and k-means|| as init.hpp runs them on
// dense rows (the same draws from the same Rng, the same per-chunk masses combined in chunk
// order), with distances as ||x||^2 - 2 x.p + ||p||^2 against the candidate rows laid out
// densely. Random initialisation is init.hpp's own, for either kind of data.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../../core/parallel.hpp"
#include "../../core/rng.hpp"
#include "../../core/sparse.hpp"
#include "init.hpp"
#include "sparse_assign.hpp"

namespace linfa::clustering::kmeans_detail {

/// A few rows of sparse data laid out densely, feature-major, so that one pass over a row's
/// non-zeros gives its distance to every one of them.
template <Float F, SparseIndex I>
class SparseProbes {
public:
    SparseProbes(const SparseDatasetView<F, I>& data, std::size_t max_probes)
        : data_(data), width_(max_probes), coords_(data.n_features() * width_, 0.0), norms_(width_, 0.0) {}

    /// Lays out `rows` (at most max_probes) of the data, replacing the previous ones.
    void set(const std::vector<std::size_t>& rows, const std::vector<double>& row_norms) {
        for (const std::size_t i : rows_) {  // zero only what the previous probes set
            for (const I f : data_.records().row(i).indices) std::fill_n(&coords_[std::size_t(f) * width_], width_, 0.0);
        }
        rows_ = rows;
        for (std::size_t p = 0; p < rows_.size(); ++p) {
            const auto x = data_.records().row(rows_[p]);
            for (std::size_t e = 0; e < x.indices.size(); ++e) coords_[std::size_t(x.indices[e]) * width_ + p] = double(x.values[e]);
            norms_[p] = row_norms[rows_[p]];
        }
    }

    /// out[p] = squared distance from row i (of squared norm `x_norm`) to probe p.
    void operator()(std::size_t i, double x_norm, double* out) const {
        const std::size_t count = rows_.size();
        double dot[max_width] = {};
        const auto x = data_.records().row(i);
        for (std::size_t e = 0; e < x.indices.size(); ++e) {
            const double v = double(x.values[e]);
            const double* column = &coords_[std::size_t(x.indices[e]) * width_];
            for (std::size_t p = 0; p < count; ++p) dot[p] = multiply_add(v, column[p], dot[p]);
        }
        for (std::size_t p = 0; p < count; ++p) out[p] = std::max(0.0, x_norm - 2 * dot[p] + norms_[p]);
    }

    /// Most probes at once.
    static constexpr std::size_t max_width = 64;

private:
    SparseDatasetView<F, I> data_;
    std::size_t width_;
    std::vector<double> coords_;  // n_features x width_
    std::vector<double> norms_;
    std::vector<std::size_t> rows_;
};

/// Greedy k-means++ on sparse rows: init_kmeans_plusplus's algorithm (2 + log(k) candidates
/// per centre drawn by weight x D^2, the one leaving the least potential kept; one pass over
/// the data per centre that also folds in the centre chosen last).
template <Float F, SparseIndex I>
Matrix<F> init_kmeans_plusplus(const SparseDatasetView<F, I>& data, std::size_t k, Rng& rng) {
    const std::size_t n = data.n_samples();
    const ChunkPlan plan = plan_chunks(n);
    const std::size_t n_trials = std::min<std::size_t>(2 + static_cast<std::size_t>(std::log(double(k))),
                                                       SparseProbes<F, I>::max_width - 1);
    const std::vector<double> norms = row_squared_norms(data.records());
    Matrix<F> centroids(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(data.n_features()));

    auto weight = [&](std::size_t i) { return double(data.weight(i)); };
    const auto chunk_weight = chunk_sums(plan, weight);
    const std::size_t first = pick_by_mass(plan, chunk_weight, rng.uniform(), weight);
    copy_row(data, first, centroids, 0);

    SparseProbes<F, I> probes(data, 1 + n_trials);
    std::vector<double> closest(n);  // squared distance to the nearest centre, but `pending`
    probes.set({first}, norms);
    auto chunk_pot = chunk_sums(plan, [&](std::size_t i) {
        probes(i, norms[i], &closest[i]);
        return weight(i) * closest[i];
    });
    std::size_t pending = SIZE_MAX;  // the last centre chosen, not yet folded into `closest`
    SparseProbes<F, I> pending_probe(data, 1);
    auto potential = [&](std::size_t i) {
        double to_pending = INFINITY;
        if (pending != SIZE_MAX) pending_probe(i, norms[i], &to_pending);
        return weight(i) * std::min(closest[i], to_pending);
    };

    // Probe 0 is the pending centre (or a repeat of candidate 0), probes 1.. the candidates.
    std::vector<std::size_t> rows(1 + n_trials);
    std::vector<double> trial_pot(plan.n_chunks * n_trials);
    for (std::size_t c = 1; c < k; ++c) {
        if (!(ordered_total(chunk_pot) > 0)) {  // every point sits on a centre already
            copy_row(data, pick_by_mass(plan, chunk_weight, rng.uniform(), weight), centroids, c);
            continue;
        }
        for (std::size_t t = 1; t <= n_trials; ++t) rows[t] = pick_by_mass(plan, chunk_pot, rng.uniform(), potential);
        rows[0] = pending == SIZE_MAX ? rows[1] : pending;
        probes.set(rows, norms);
        for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            double dist[SparseProbes<F, I>::max_width], pot[SparseProbes<F, I>::max_width] = {};
            for (std::size_t i = begin; i < end; ++i) {
                probes(i, norms[i], dist);
                if (pending != SIZE_MAX) closest[i] = std::min(closest[i], dist[0]);
                for (std::size_t t = 1; t <= n_trials; ++t) pot[t] = multiply_add(weight(i), std::min(dist[t], closest[i]), pot[t]);
            }
            for (std::size_t t = 0; t < n_trials; ++t) trial_pot[chunk * n_trials + t] = pot[t + 1];
        });
        const std::size_t best = least_potential_trial(trial_pot, plan.n_chunks, n_trials);
        pending = rows[1 + best];
        pending_probe.set({pending}, norms);
        copy_row(data, pending, centroids, c);
        for (std::size_t chunk = 0; chunk < plan.n_chunks; ++chunk) chunk_pot[chunk] = trial_pot[chunk * n_trials + best];
    }
    return centroids;
}

/// Rows `rows` of sparse `data` as an owning CSR matrix (indices as stored).
template <Float F, SparseIndex I>
CsrMatrix<F, I> sparse_rows(const SparseDatasetView<F, I>& data, const std::vector<std::size_t>& rows) {
    std::vector<I> indptr{0}, indices;
    std::vector<F> values;
    for (const std::size_t i : rows) {
        const auto x = data.records().row(i);
        indices.insert(indices.end(), x.indices.begin(), x.indices.end());
        values.insert(values.end(), x.values.begin(), x.values.end());
        indptr.push_back(static_cast<I>(values.size()));
    }
    return CsrMatrix<F, I>(rows.size(), data.n_features(), std::move(indptr), std::move(indices), std::move(values));
}

/// For every row of `data`: the nearest of `candidates` (rows of the data) and the squared
/// distance to it, the candidates laid out in batches so that memory stays at most
/// `batch` x n_features values. `on_row(i, candidate index, distance)`; ties go to the lower
/// candidate index.
template <Float F, SparseIndex I, class OnRow>
void nearest_candidates(const SparseDatasetView<F, I>& data, const std::vector<std::size_t>& candidates,
                        const std::vector<double>& norms, OnRow&& on_row) {
    constexpr std::size_t batch = 128;
    const std::size_t n = data.n_samples();
    std::vector<SparseNearest> best(n, SparseNearest{-1, INFINITY});
    const ChunkPlan plan = plan_chunks(n, 256);
    for (std::size_t from = 0; from < candidates.size(); from += batch) {
        const std::size_t count = std::min(batch, candidates.size() - from);
        Matrix<F> rows(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(data.n_features()));
        for (std::size_t r = 0; r < count; ++r) copy_row(data, candidates[from + r], rows, r);
        const SparseCentroids<F> layout(rows);
        for_each_chunk(plan, [&](std::size_t, std::size_t begin, std::size_t end) {
            std::vector<F> scratch(layout.scratch_size());
            for (std::size_t i = begin; i < end; ++i) {
                const SparseNearest near = layout.nearest(data.records().row(i), norms[i], scratch.data());
                if (near.distance < best[i].distance) best[i] = {std::int32_t(from) + near.label, near.distance};
            }
        });
    }
    for (std::size_t i = 0; i < n; ++i) on_row(i, std::size_t(best[i].label), best[i].distance);
}

/// k-means|| on sparse rows: init_kmeans_para's rounds (`oversample`), then weighted k-means++
/// over the kept rows, each weighted by the weight of the rows nearest to it.
template <Float F, SparseIndex I>
Matrix<F> init_kmeans_para(const SparseDatasetView<F, I>& data, std::size_t k, Rng& rng) {
    constexpr std::size_t n_rounds = 5;
    const std::size_t n = data.n_samples();
    const ChunkPlan plan = plan_chunks(n);
    const double oversampling = 2.0 * double(k);
    const std::vector<double> norms = row_squared_norms(data.records());
    auto weight = [&](std::size_t i) { return double(data.weight(i)); };

    std::vector<std::size_t> kept{pick_by_mass(plan, chunk_sums(plan, weight), rng.uniform(), weight)};
    std::vector<double> closest(n, INFINITY);
    auto lower_closest = [&](std::size_t from) {
        const std::vector<std::size_t> added(kept.begin() + std::ptrdiff_t(from), kept.end());
        nearest_candidates(data, added, norms, [&](std::size_t i, std::size_t, double d) { closest[i] = std::min(closest[i], d); });
    };
    lower_closest(0);
    oversample(plan, 0, n_rounds, oversampling, rng, weight, closest, [](std::vector<double> all) { return all; },
               [&](const std::vector<std::size_t>& picked) {
                   const std::size_t before = kept.size();
                   kept.insert(kept.end(), picked.begin(), picked.end());
                   if (kept.size() > before) lower_closest(before);
               });

    if (kept.size() < k) return init_kmeans_plusplus(data, k, rng);  // too few distinct points
    std::vector<double> masses(kept.size(), 0.0);  // summed in row order: the same on any thread count
    nearest_candidates(data, kept, norms, [&](std::size_t i, std::size_t candidate, double) { masses[candidate] += weight(i); });
    const Vector<F> candidate_weights = Eigen::Map<const Vector<double>>(masses.data(), Eigen::Index(masses.size())).template cast<F>();
    const CsrMatrix<F, I> candidates = sparse_rows(data, kept);
    const SparseDatasetView<F, I> weighted(candidates.view(), std::span<const F>(candidate_weights.data(), masses.size()));
    return init_kmeans_plusplus(weighted, k, rng);
}

}  // namespace linfa::clustering::kmeans_detail
