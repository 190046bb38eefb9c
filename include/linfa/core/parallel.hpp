// Deterministic data parallelism. Rows are split into a fixed plan of chunks that depends on
// the problem size only, never on the thread count; each chunk produces its own partial
// result and partial results are combined in chunk order. The outcome is the same bit for
// bit with 1 thread, N threads, or OpenMP disabled at build time (the pragmas then vanish).
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace linfa {

/// A fixed partition of [0, n_rows) into contiguous chunks.
struct ChunkPlan {
    /// Rows partitioned.
    std::size_t n_rows = 0;
    /// Rows per chunk (the last chunk may hold fewer).
    std::size_t chunk_rows = 1;
    /// Number of chunks: ceil(n_rows / chunk_rows).
    std::size_t n_chunks = 0;

    /// First row of `chunk`.
    std::size_t begin(std::size_t chunk) const { return chunk * chunk_rows; }
    /// One past the last row of `chunk`.
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

/// Calls `fn(chunk, begin, end)` for every chunk, in parallel when OpenMP is on and there is
/// more than one chunk (a single chunk runs inline: small calls, such as a server predicting a
/// few rows per request, never start a thread team). `fn` must only write to state owned by
/// its chunk. An exception thrown by `fn` cannot cross an OpenMP region, so it is caught and
/// the one of the lowest chunk is rethrown here.
template <class Fn>
void for_each_chunk(const ChunkPlan& plan, Fn&& fn) {
    if (plan.n_chunks <= 1) {
        if (plan.n_chunks == 1) fn(std::size_t(0), plan.begin(0), plan.end(0));
        return;
    }
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

/// Per-chunk partial results: `per_chunk` values of T for each chunk, each chunk's block on
/// cache lines of its own, so threads updating neighbouring chunks never share a line.
/// `T` must be trivially copyable (the storage is raw, cache-line-aligned memory).
template <class T>
    requires std::is_trivially_copyable_v<T>
class PerChunk {
public:
    /// Alignment and padding of each chunk's block, in bytes.
    static constexpr std::size_t cache_line = 64;

    /// Room for `per_chunk` values of T in each of `n_chunks` chunks, every value set to `T{}`.
    PerChunk(std::size_t n_chunks, std::size_t per_chunk)
        : stride_((per_chunk * sizeof(T) + cache_line - 1) / cache_line * cache_line / sizeof(T)),
          n_chunks_(n_chunks),
          storage_(static_cast<T*>(::operator new(std::max<std::size_t>(1, n_chunks * stride_) * sizeof(T),
                                                  std::align_val_t(cache_line)))) {
        fill(T{});
    }

    /// The `per_chunk` values of `chunk`.
    T* operator[](std::size_t chunk) { return storage_.get() + chunk * stride_; }
    /// The `per_chunk` values of `chunk`, read-only.
    const T* operator[](std::size_t chunk) const { return storage_.get() + chunk * stride_; }
    /// Number of chunks.
    std::size_t n_chunks() const { return n_chunks_; }
    /// Sets every value of every chunk (padding included) to `value`.
    void fill(const T& value) { std::fill(storage_.get(), storage_.get() + n_chunks_ * stride_, value); }

private:
    struct Free {
        void operator()(T* p) const { ::operator delete(p, std::align_val_t(cache_line)); }
    };
    std::size_t stride_, n_chunks_;
    std::unique_ptr<T, Free> storage_;
};

/// The per-chunk partial results of a `for_each_chunk` pass, combined: `out[i] += partial[c][i]`
/// for the first `count` values of every chunk, chunk by chunk in chunk order (never in the
/// order threads finish), so the totals are the same bit for bit on any thread count.
template <class T>
void reduce_in_chunk_order(const PerChunk<T>& partial, std::size_t count, T* out) {
    for (std::size_t c = 0; c < partial.n_chunks(); ++c) {
        const T* part = partial[c];
        for (std::size_t i = 0; i < count; ++i) out[i] += part[i];
    }
}

/// The total of one value per chunk, added in chunk order (see the overload above).
template <class T>
T reduce_in_chunk_order(const PerChunk<T>& partial) {
    T total{};
    reduce_in_chunk_order(partial, 1, &total);
    return total;
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
