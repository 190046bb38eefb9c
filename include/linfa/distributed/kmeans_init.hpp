// K-Means initialisation over a Communicator: k-means++ (kmeans_plusplus with ShardRows),
// k-means|| (kmeans_parallel with ShardRows) and random picks (uniform, or by weight without
// replacement), drawing what one process draws. k-means|| draws each chunk's keeps from that
// chunk's own substream, so each rank draws its chunks' and the kept rows travel to every
// rank. Every rank draws the same numbers from the same Rng; a draw lands in a chunk by the
// per-chunk masses every rank holds, and the rank holding that chunk finds the row, whose
// coordinates then travel to every rank.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "../clustering/kmeans/init.hpp"
#include "chunks.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// kmeans_plusplus' view of rows spread over ranks (the contract of LocalRows): this rank
/// holds the chunks `chunks` (a window of the global plan starting at global chunk
/// `first_chunk`, global row `first_row`).
template <Float F, Communicator C>
struct ShardRows {
    const C& comm;               ///< the ranks
    const DatasetView<F>& local;  ///< this rank's rows
    const ChunkPlan& chunks;     ///< their chunks
    std::size_t first_chunk;     ///< the global index of their first chunk
    std::size_t first_row;       ///< the global index of their first row

    /// Every chunk's `width` values, from each rank's chunks (rank order is chunk order).
    std::vector<double> totals(const std::vector<double>& mine, std::size_t /*width*/) const {
        return all_gather_joined(comm, std::span<const double>(mine));
    }

    /// The rows `draws` pick (pick_by_mass over every rank's rows), in one all-gather. Each
    /// rank answers the draws that land in its chunks; for a draw that finds no positive row
    /// there (rounding), ranks holding earlier rows offer their last positive row, and the
    /// highest offered is the one a single process would fall back to.
    template <class Mass>
    std::vector<std::vector<F>> pick(const std::vector<double>& chunk_mass, const std::vector<double>& draws, Mass&& mass) const {
        using namespace clustering::kmeans_detail;
        const std::size_t d = local.n_features();
        std::vector<double> mine;  // per answer: draw, 1 (found in its chunk) or 0 (fallback), global row, the row
        for (std::size_t p = 0; p < draws.size(); ++p) {
            const ChunkTarget at = locate_chunk(chunk_mass, draws[p]);
            if (chunks.n_chunks == 0 || at.chunk < first_chunk) continue;  // only later rows here
            const bool holds = at.chunk < first_chunk + chunks.n_chunks;
            const std::size_t from = holds ? at.chunk - first_chunk : chunks.n_chunks - 1;
            const std::size_t i = scan_down(chunks, from, {holds ? at.chunk - first_chunk : SIZE_MAX, at.target}, mass);
            if (i == SIZE_MAX) continue;
            mine.insert(mine.end(), {double(p), holds ? 1.0 : 0.0, double(first_row + i)});
            append_row(mine, local, i);
        }
        const auto all = all_gather_joined(comm, std::span<const double>(mine));
        std::vector<std::vector<F>> rows(draws.size());
        std::vector<double> rank_of(draws.size(), -1.0), row_of(draws.size(), -1.0);  // the best answer so far
        for (std::size_t at = 0; at < all.size(); at += 3 + d) {
            const auto p = std::size_t(all[at]);
            const double rank = all[at + 1], row = all[at + 2];  // a find in the chunk beats any fallback
            if (rank < rank_of[p] || (rank == rank_of[p] && row < row_of[p])) continue;
            rank_of[p] = rank, row_of[p] = row;
            rows[p].assign(d, F(0));
            for (std::size_t f = 0; f < d; ++f) rows[p][f] = F(all[at + 3 + f]);  // exact: F through double
        }
        for (const auto& row : rows)
            if (row.empty()) throw std::logic_error("k-means++: a draw found no row of positive mass");
        return rows;
    }

    /// The rows every rank names (`picked`: this rank's, local indices in row order), in
    /// global row order, on every rank (one all-gather).
    Matrix<F> gather(const std::vector<std::size_t>& picked) const {
        const std::size_t d = local.n_features();
        std::vector<double> mine;
        for (const std::size_t i : picked) append_row(mine, local, i);
        const auto all = all_gather_joined(comm, std::span<const double>(mine));
        Matrix<F> rows(Eigen::Index(all.size() / std::max<std::size_t>(d, 1)), Eigen::Index(d));
        for (std::size_t v = 0; v < all.size(); ++v) rows.data()[v] = F(all[v]);  // exact: F through double
        return rows;
    }
};

/// init_random with sample weights over the ranks (`rows`): k rows drawn without replacement
/// with probability proportional to weight, then the first unpicked rows when fewer than k
/// have positive weight; the rows one process draws, on every rank. One all-gather per pick:
/// the ranks that may hold the drawn row answer (as ShardRows::pick) with the row, its global
/// index and what its chunk's mass becomes without it, summed as one process re-sums it.
template <Float F, Communicator C>
Matrix<F> init_random_weighted(const ShardRows<F, C>& rows, std::size_t k, Rng& rng) {
    using namespace clustering::kmeans_detail;
    const DatasetView<F>& local = rows.local;
    const ChunkPlan& chunks = rows.chunks;
    const std::size_t d = local.n_features(), n_local = local.n_samples();
    std::vector<double> mass(n_local);
    for (std::size_t i = 0; i < n_local; ++i) mass[i] = double(local.weight(i));
    auto chunk_mass = rows.totals(chunk_sums(chunks, [&](std::size_t i) { return mass[i]; }), 1);
    auto of = [&](std::size_t i) { return mass[i]; };
    Matrix<F> centroids{Eigen::Index(k), Eigen::Index(d)};
    std::size_t picked = 0;
    for (; picked < k && ordered_total(chunk_mass) > 0; ++picked) {
        const ChunkTarget at = locate_chunk(chunk_mass, rng.uniform());
        std::vector<double> mine;  // 1 (found in its chunk) or 0 (fallback), global row, its chunk's mass without it, the row
        if (chunks.n_chunks > 0 && at.chunk >= rows.first_chunk) {
            const bool holds = at.chunk < rows.first_chunk + chunks.n_chunks;
            const std::size_t from = holds ? at.chunk - rows.first_chunk : chunks.n_chunks - 1;
            const std::size_t i = scan_down(chunks, from, {holds ? at.chunk - rows.first_chunk : SIZE_MAX, at.target}, of);
            if (i != SIZE_MAX) {
                const std::size_t c = i / chunks.chunk_rows;
                double without = 0;
                for (std::size_t r = chunks.begin(c); r < chunks.end(c); ++r) without += r == i ? 0.0 : std::max(mass[r], 0.0);
                mine.insert(mine.end(), {holds ? 1.0 : 0.0, double(rows.first_row + i), without});
                append_row(mine, local, i);
            }
        }
        const auto all = all_gather_joined(rows.comm, std::span<const double>(mine));
        const double* best = nullptr;  // a find in the chunk beats any fallback, then the highest row
        for (std::size_t a = 0; a < all.size(); a += 3 + d) {
            if (!best || all[a] > best[0] || (all[a] == best[0] && all[a + 1] > best[1])) best = all.data() + a;
        }
        if (!best) throw std::logic_error("random initialisation: a draw found no row of positive weight");
        const auto global_row = std::size_t(best[1]);
        for (std::size_t f = 0; f < d; ++f) centroids(Eigen::Index(picked), Eigen::Index(f)) = F(best[3 + f]);  // exact
        chunk_mass[global_row / chunks.chunk_rows] = best[2];
        if (global_row >= rows.first_row && global_row < rows.first_row + n_local) mass[global_row - rows.first_row] = -1;  // never again
    }
    if (picked < k) {  // the first unpicked rows, in global order: each rank offers its first k - picked
        std::vector<std::size_t> offered;
        for (std::size_t i = 0; i < n_local && offered.size() < k - picked; ++i)
            if (mass[i] >= 0) offered.push_back(i);
        const Matrix<F> fill = rows.gather(offered);
        for (Eigen::Index r = 0; picked < k; ++r) centroids.row(Eigen::Index(picked++)) = fill.row(r);
    }
    return centroids;
}

/// Rows `picks` (global indices) of the distributed data (`local`: this rank's rows, from global
/// row `first_row`), in that order, on every rank (one all-gather). With `weights`, their
/// sample weights too: every rank passes one or none.
template <Float F, Communicator C>
Matrix<F> gather_rows(const C& comm, const DatasetView<F>& local, std::size_t first_row, const std::vector<std::size_t>& picks,
                      std::vector<F>* weights = nullptr) {
    const std::size_t d = local.n_features(), head = weights ? 2 : 1;
    std::vector<double> mine;  // (position in picks, its weight if asked, then the row) for the picks held here
    for (std::size_t p = 0; p < picks.size(); ++p) {
        if (picks[p] < first_row || picks[p] >= first_row + local.n_samples()) continue;
        mine.push_back(double(p));
        if (weights) mine.push_back(double(local.weight(picks[p] - first_row)));
        append_row(mine, local, picks[p] - first_row);
    }
    const auto all = all_gather_joined(comm, std::span<const double>(mine));
    Matrix<F> rows(Eigen::Index(picks.size()), Eigen::Index(d));
    if (weights) weights->assign(picks.size(), F(0));
    for (std::size_t at = 0; at < all.size(); at += head + d) {
        const auto p = std::size_t(all[at]);
        if (weights) (*weights)[p] = F(all[at + 1]);  // exact: F values through double
        for (std::size_t f = 0; f < d; ++f) rows(Eigen::Index(p), Eigen::Index(f)) = F(all[at + head + f]);
    }
    return rows;
}

namespace kmeans_shard_detail {

/// Rows spread over the ranks in whole chunks of the global plan, as the K-Means code written
/// for one process reads a dataset: `kmeans_detail::initial_centroids` and the mini-batch fit
/// (minibatch.hpp) run on it unchanged. The functions that read rows are overloaded for it
/// here and in minibatch.hpp, found by argument-dependent lookup; each does over the ranks
/// what the single-process function of the same name does on all the rows.
template <Float F, Communicator C>
struct DistributedRows {
    const C& comm;          ///< the ranks
    DatasetView<F> local;   ///< this rank's rows: whole chunks of `plan`
    ChunkPlan plan;         ///< the global plan
    ChunkPlan chunks;       ///< this rank's chunks of it
    std::size_t first_row;  ///< the global index of local row 0 (a chunk boundary)
    bool weighted;          ///< whether the rows carry weights (agreed: a rank without rows cannot tell)

    /// Rows of every rank.
    std::size_t n_samples() const { return plan.n_rows; }
    /// Features of every row.
    std::size_t n_features() const { return local.n_features(); }
    /// Whether the rows carry sample weights.
    bool has_weights() const { return weighted; }
    /// This rank's weights, for the single-process checks (the fits check every rank's first);
    /// none when they all weigh zero, which only all the ranks' weights together may not.
    std::span<const F> weights() const { return as_checked_alone(local).weights(); }
    /// kmeans_plusplus' view of these rows.
    ShardRows<F, C> shard_rows() const { return {comm, local, chunks, first_row / chunks.chunk_rows, first_row}; }
};

/// `rows`' whole chunks of the default plan (plan_chunks), as DistributedRows.
template <Float F, Communicator C>
DistributedRows<F, C> distributed_rows(const ShardChunks<F, C>& rows) {
    const ChunkPlan plan = plan_chunks(rows.n_samples());
    const HeldChunks<F> held = rows.held(plan);
    return {rows.comm(), held.view, plan, held.plan, plan.begin(held.first_chunk), rows.weighted()};
}

/// init_random over the ranks: uniform picks, or by weight (init_random_weighted).
template <Float F, Communicator C>
Matrix<F> init_random(const DistributedRows<F, C>& rows, std::size_t k, Rng& rng) {
    if (rows.weighted) return init_random_weighted(rows.shard_rows(), k, rng);
    return gather_rows(rows.comm, rows.local, rows.first_row, clustering::kmeans_detail::random_picks(rows.n_samples(), k, rng));
}

/// init_kmeans_plusplus over the ranks.
template <Float F, Communicator C>
Matrix<F> init_kmeans_plusplus(const DistributedRows<F, C>& rows, std::size_t k, Rng& rng) {
    return clustering::kmeans_detail::kmeans_plusplus(rows.local, rows.chunks, k, rng, rows.shard_rows());
}

/// init_kmeans_para over the ranks.
template <Float F, Communicator C>
Matrix<F> init_kmeans_para(const DistributedRows<F, C>& rows, std::size_t k, Rng& rng) {
    return clustering::kmeans_detail::kmeans_parallel(rows.local, rows.chunks, rows.first_row / rows.chunks.chunk_rows, k, rng,
                                                      rows.shard_rows());
}

}  // namespace kmeans_shard_detail

}  // namespace linfa::distributed
