// Deterministic data parallelism. Rows are split into a fixed plan of chunks that depends on
// the problem size only, never on the thread count; each chunk produces its own partial
// result and partial results are combined in chunk order. The outcome is the same bit for
// bit with 1 thread, N threads, or OpenMP disabled at build time (the pragmas then vanish).
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace linfa {

/// A fixed partition of [0, n_rows) into contiguous chunks.
struct ChunkPlan {
    std::size_t n_rows = 0;
    std::size_t chunk_rows = 1;
    std::size_t n_chunks = 0;

    std::size_t begin(std::size_t chunk) const { return chunk * chunk_rows; }
    std::size_t end(std::size_t chunk) const { return std::min(n_rows, (chunk + 1) * chunk_rows); }
};

/// Plans chunks of at least `min_rows` rows, at most `max_chunks` of them.
/// `max_chunks` bounds the memory of per-chunk partial results.
inline ChunkPlan plan_chunks(std::size_t n_rows, std::size_t min_rows = 4096,
                             std::size_t max_chunks = 64) {
    ChunkPlan plan;
    plan.n_rows = n_rows;
    max_chunks = std::max<std::size_t>(max_chunks, 1);
    const std::size_t by_count = (n_rows + max_chunks - 1) / max_chunks;
    plan.chunk_rows = std::max<std::size_t>({min_rows, by_count, 1});
    plan.n_chunks = (n_rows + plan.chunk_rows - 1) / plan.chunk_rows;
    return plan;
}

/// Calls `fn(chunk, begin, end)` for every chunk, in parallel when OpenMP is on.
/// `fn` must only write to state owned by its chunk. An exception thrown by `fn` cannot
/// cross an OpenMP region, so it is caught and the one of the lowest chunk is rethrown here.
/// The region is opened even for one chunk: inside it, Eigen does not start threads of its
/// own, so a GEMM in `fn` is computed the same way whatever the thread count.
template <class Fn>
void for_each_chunk(const ChunkPlan& plan, Fn&& fn) {
    const auto n = static_cast<std::ptrdiff_t>(plan.n_chunks);
    std::vector<std::exception_ptr> errors(plan.n_chunks);
#pragma omp parallel for schedule(dynamic, 1)
    for (std::ptrdiff_t c = 0; c < n; ++c) {
        const auto chunk = static_cast<std::size_t>(c);
        try {
            fn(chunk, plan.begin(chunk), plan.end(chunk));
        } catch (...) {
            errors[chunk] = std::current_exception();
        }
    }
    for (const auto& error : errors) {
        if (error) std::rethrow_exception(error);
    }
}

/// Number of threads parallel regions will use (1 without OpenMP).
inline int max_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

}  // namespace linfa
