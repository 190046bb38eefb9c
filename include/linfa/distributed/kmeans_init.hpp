// K-Means initialisation over a Communicator: k-means++ (kmeans_plusplus with ShardRows),
// k-means|| (kmeans_parallel with ShardRows) and the random picks, drawing what one process
// draws. k-means|| draws each chunk's keeps from that chunk's own substream, so each rank
// draws its chunks' and the kept rows travel to every rank. Every rank draws the same numbers from
// the same Rng; a draw lands in a chunk by the per-chunk masses every rank holds, and the
// rank holding that chunk finds the row, whose coordinates then travel to every rank.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "../clustering/kmeans/init.hpp"
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

/// Rows `picks` (global indices) of the distributed data (`local`: this rank's rows, from global
/// row `first_row`), in that order, on every rank (one all-gather).
template <Float F, Communicator C>
Matrix<F> gather_rows(const C& comm, const DatasetView<F>& local, std::size_t first_row, const std::vector<std::size_t>& picks) {
    const std::size_t d = local.n_features();
    std::vector<double> mine;  // (position in picks, then the row) for the picks held here
    for (std::size_t p = 0; p < picks.size(); ++p) {
        if (picks[p] < first_row || picks[p] >= first_row + local.n_samples()) continue;
        mine.push_back(double(p));
        append_row(mine, local, picks[p] - first_row);
    }
    const auto all = all_gather_joined(comm, std::span<const double>(mine));
    Matrix<F> rows(Eigen::Index(picks.size()), Eigen::Index(d));
    for (std::size_t at = 0; at < all.size(); at += d + 1)
        for (std::size_t f = 0; f < d; ++f) rows(Eigen::Index(all[at]), Eigen::Index(f)) = F(all[at + 1 + f]);
    return rows;
}

}  // namespace linfa::distributed
