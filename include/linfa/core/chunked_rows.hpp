// Rows that a fit sums over chunk by chunk, wherever they are held. A fit written against this
// contract fills per-chunk partial results over the chunks it holds and asks the rows to
// combine them in chunk order; LocalChunks holds every row in this process, and
// distributed::ShardChunks (distributed/chunks.hpp) the rows of one rank of many, gathering
// every chunk's partial to every rank. Either way the additions are the same, in the same
// order, so the fit is the same bit for bit. A ChunkedRows type offers:
//   n_samples(), n_features()      the rows over all processes, and their width;
//   held(plan)                     HeldChunks: the whole chunks of `plan` (a plan over every
//                                  row) held here, and where they start in it;
//   total(partial, width)          every chunk's first `width` partial values added in chunk
//                                  order (reduce_in_chunk_order over every process's chunks);
//   every_chunk(partial, width)    every chunk's `width` values in chunk order, for results
//                                  that are not sums (extremes, QR factors).
#pragma once

#include <concepts>
#include <cstddef>
#include <vector>

#include "dataset.hpp"
#include "parallel.hpp"

namespace linfa {

/// The chunks of a plan over every row that one process holds: their rows, their plan (a
/// window of the global plan, over the local rows) and the global index of the first.
template <Float F>
struct HeldChunks {
    DatasetView<F> view;          ///< the rows of those chunks
    ChunkPlan plan;               ///< their chunks, over view's rows
    std::size_t first_chunk = 0;  ///< the global index of plan's first chunk
};

/// Rows of scalar F that a fit sums over chunk by chunk (the contract at the top of this file).
template <class R, class F>
concept ChunkedRows = requires(const R& rows, const ChunkPlan& plan, const PerChunk<double>& partial, std::size_t width) {
    { rows.n_samples() } -> std::convertible_to<std::size_t>;
    { rows.n_features() } -> std::convertible_to<std::size_t>;
    { rows.held(plan) } -> std::same_as<HeldChunks<F>>;
    { rows.total(partial, width) } -> std::same_as<std::vector<double>>;
    { rows.every_chunk(partial, width) } -> std::same_as<std::vector<double>>;
};

/// Every chunk's `width` values of `partial`, concatenated in chunk order.
inline std::vector<double> concatenated_chunks(const PerChunk<double>& partial, std::size_t width) {
    std::vector<double> all;
    all.reserve(partial.n_chunks() * width);
    for (std::size_t c = 0; c < partial.n_chunks(); ++c) all.insert(all.end(), partial[c], partial[c] + width);
    return all;
}

/// Every chunk's `width` values (concatenated in chunk order) added in chunk order: the
/// additions of reduce_in_chunk_order.
inline std::vector<double> add_in_chunk_order(const std::vector<double>& chunks, std::size_t width) {
    std::vector<double> total(width, 0.0);
    for (std::size_t at = 0; at < chunks.size(); at += width)
        for (std::size_t i = 0; i < width; ++i) total[i] += chunks[at + i];
    return total;
}

/// The ChunkedRows contract (top of this file) over the rows of this process.
template <Float F>
struct LocalChunks {
    const DatasetView<F>& data;  ///< every row

    /// Rows.
    std::size_t n_samples() const { return data.n_samples(); }
    /// Features per row.
    std::size_t n_features() const { return data.n_features(); }
    /// Every chunk of `plan`: this process holds them all.
    HeldChunks<F> held(const ChunkPlan& plan) const { return {data, plan, 0}; }
    /// The chunks' first `width` values added in chunk order.
    std::vector<double> total(const PerChunk<double>& partial, std::size_t width) const {
        std::vector<double> sums(width, 0.0);
        reduce_in_chunk_order(partial, width, sums.data());
        return sums;
    }
    /// The chunks' `width` values, concatenated in chunk order.
    std::vector<double> every_chunk(const PerChunk<double>& partial, std::size_t width) const {
        return concatenated_chunks(partial, width);
    }
};

}  // namespace linfa
