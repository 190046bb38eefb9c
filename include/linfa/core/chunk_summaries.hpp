// One pass of per-chunk summaries over ChunkedRows (chunked_rows.hpp), merged in chunk order:
// the fits whose result is not a sum but a merge of summaries (the scalers' moments and
// extremes, naive Bayes' class moments). Each chunk of the default plan held here is summarised
// alone; every chunk's summary travels as doubles (every_chunk: from every process), and each
// process merges them in chunk order, as one process merges them, so the result is the same
// bit for bit on any thread count and any number of processes. The finiteness check rides on
// the same pass: a chunk whose summary is not finite names its first NaN or infinite value,
// and the first such value of all the rows is reported by its global row on every process.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chunked_rows.hpp"
#include "dataset.hpp"
#include "error.hpp"
#include "parallel.hpp"

namespace linfa {

/// A summary of rows that summarised_chunks merges: copies of one empty summary are filled
/// per chunk, then
///   width()            how many doubles it travels as (the same for every copy);
///   write(out)         writes it as width() doubles, exactly;
///   read(in)           sets it from what write wrote;
///   merge(other)       merges other's rows into it (rows that follow its own).
template <class S>
concept ChunkSummary = std::copy_constructible<S> && requires(S& s, const S& other, double* out, const double* in) {
    { other.width() } -> std::convertible_to<std::size_t>;
    other.write(out);
    s.read(in);
    s.merge(other);
};

/// Throws InvalidInput for finite records whose summary overflowed double.
[[noreturn]] inline void throw_overflow() {
    throw InvalidInput("records span too wide a range: their squared deviations overflow double "
                       "(magnitudes up to about 1e150 are supported)");
}

namespace chunk_summary_detail {

/// How a chunk's pass went, as it travels after the chunk's summary (three doubles): whether
/// the summary came out non-finite (NaN or infinite records, or sums that overflow), and the
/// global row and column of the chunk's first NaN or infinite value (row -1: none, so the sums
/// overflowed).
struct ChunkTrouble {
    static constexpr std::size_t size = 3;

    /// Records into `out` how the pass over rows [begin, end) of `data` went (`fine`: well);
    /// when it did not, finds the first NaN or infinite value (global row `first_row` + i for
    /// local row i), reading the rows again, which only a failing fit does.
    template <Float F>
    static void record(bool fine, const DatasetView<F>& data, std::size_t begin, std::size_t end, std::size_t first_row, double* out) {
        out[0] = fine ? 0 : 1, out[1] = -1, out[2] = -1;
        if (fine) return;
        const std::size_t d = data.n_features();
        for (std::size_t i = begin; i < end; ++i) {
            const F* x = data.records().data() + i * d;
            for (std::size_t j = 0; j < d; ++j) {
                if (std::isfinite(x[j])) continue;
                out[1] = double(first_row + i), out[2] = double(j);
                return;
            }
        }
    }

    /// Throws for the first trouble in every chunk's record (`all`: `stride` doubles per chunk
    /// in chunk order, the trouble at offset `at`): the first NaN or infinite value, else, when
    /// some chunk's sums overflowed, values too large to summarise.
    static void throw_first(const std::vector<double>& all, std::size_t stride, std::size_t at) {
        bool overflowed = false;
        for (std::size_t c = 0; c + stride <= all.size(); c += stride) {
            const double* trouble = all.data() + c + at;
            overflowed |= trouble[0] != 0;
            if (trouble[1] < 0) continue;
            throw InvalidInput("records contain NaN or infinity (row " + std::to_string(std::uint64_t(trouble[1])) + ", column " +
                               std::to_string(std::uint64_t(trouble[2])) + ")");
        }
        if (overflowed) throw_overflow();
    }
};

/// The chunks of `held` (global row `first_row` onwards), each summarised by
/// `summarise(view, begin, end, summary)` on a copy of `empty`: per chunk, the summary's
/// width() doubles and its ChunkTrouble. Never inlined, nor merged_in_chunk_order below: every
/// fit in a program then runs the one compiled copy, whatever type holds the rows, so that the
/// compiler cannot fuse multiply-adds in one caller and not in another (last bits would differ
/// between the single-process and the distributed fit).
template <Float F, ChunkSummary Summary, class Summarise>
[[gnu::noinline]] PerChunk<double> summarise_chunks(const HeldChunks<F>& held, std::size_t first_row, const Summary& empty,
                                                    const Summarise& summarise) {
    const std::size_t width = empty.width();
    PerChunk<double> partial(held.plan.n_chunks, width + ChunkTrouble::size);
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        Summary summary = empty;
        const bool fine = summarise(held.view, begin, end, summary);
        summary.write(partial[chunk]);
        ChunkTrouble::record(fine, held.view, begin, end, first_row, partial[chunk] + width);
    });
    return partial;
}

/// Every chunk's record (`all`: summarise_chunks' records of every process, in chunk order)
/// merged in chunk order into a copy of `empty`, after throwing for the first trouble.
template <ChunkSummary Summary>
[[gnu::noinline]] Summary merged_in_chunk_order(const std::vector<double>& all, const Summary& empty) {
    const std::size_t width = empty.width(), stride = width + ChunkTrouble::size;
    ChunkTrouble::throw_first(all, stride, width);
    Summary total = empty, chunk = empty;
    for (std::size_t at = 0; at + stride <= all.size(); at += stride) {
        chunk.read(all.data() + at);
        total.merge(chunk);
    }
    return total;
}

}  // namespace chunk_summary_detail

/// Every row of `rows` summarised in one pass: each chunk of the default plan (plan_chunks)
/// held here by `summarise(view, begin, end, summary)` on a copy of `empty` (rows [begin, end)
/// of `view`; false when the summary came out non-finite), then every chunk's summary, from
/// every process, merged in chunk order into a copy of `empty`. Throws InvalidInput naming the
/// first NaN or infinite record by its global row (the same on every process), or for sums
/// that overflowed.
template <Float F, ChunkedRows<F> Rows, ChunkSummary Summary, class Summarise>
Summary summarised_chunks(const Rows& rows, const Summary& empty, const Summarise& summarise) {
    using namespace chunk_summary_detail;
    const ChunkPlan global = plan_chunks(rows.n_samples());
    const HeldChunks<F> held = rows.held(global);
    const PerChunk<double> partial = summarise_chunks(held, global.begin(held.first_chunk), empty, summarise);
    return merged_in_chunk_order(rows.every_chunk(partial, empty.width() + ChunkTrouble::size), empty);
}

}  // namespace linfa
