// Eight rows at a time, one vector lane per row: the layout of the small-k paths (the fused
// Lloyd pass and the masked accumulation of ClusterSums) and of the mixed-precision direct
// kernel's loads. The width is fixed at eight lanes
// whatever the vector unit (the compiler splits or joins registers as needed), so sums taken
// lane by lane come out the same, bit for bit, on every build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../core/matrix.hpp"

namespace linfa::simd::lanes {

/// Lanes per vector, whatever the vector unit.
inline constexpr std::size_t count = 8;

/// The GCC/Clang vector type of eight T.
template <class T>
struct vector_of {
    /// Eight lanes of T.
    typedef T type __attribute__((vector_size(count * sizeof(T))));
};
/// Eight values of T.
template <class T>
using Of = typename vector_of<T>::type;

/// Eight doubles: the lanes in which sums are taken.
using Doubles = Of<double>;
/// Eight 64-bit integers: what comparing Doubles yields, and labels widened to match.
using Longs = Of<std::int64_t>;

/// Eight labels, widened to the lanes of Doubles (what comparing Doubles yields); of a group
/// of `valid` rows, the missing lanes get -1, which matches no cluster.
inline Longs load_labels(const std::int32_t* labels, std::size_t valid = count) {
    if (valid < count) {
        Longs out = Longs{} - 1;
        for (std::size_t l = 0; l < valid; ++l) out[l] = labels[l];
        return out;
    }
    Of<std::int32_t> narrow;
    std::memcpy(&narrow, labels, sizeof narrow);
    return __builtin_convertvector(narrow, Longs);
}

/// The weights of a group of `valid` rows (`weights` == nullptr: all 1), 0 in missing lanes.
template <Float F>
Doubles load_weights(const F* weights, std::size_t valid = count) {
    if (valid == count) {
        if (!weights) return Doubles{} + 1.0;
        Of<F> whole;
        std::memcpy(&whole, weights, sizeof whole);
        return __builtin_convertvector(whole, Doubles);
    }
    Doubles out{};
    for (std::size_t l = 0; l < valid; ++l) out[l] = weights ? double(weights[l]) : 1.0;
    return out;
}

/// Eight consecutive rows of D features into D vectors, one per feature. Pairs (the common
/// 2-d case) are split with two shuffles; other D lane by lane.
template <std::size_t D, Float F>
void load_rows(const F* x, Of<F>* features) {
    if constexpr (D == 2) {
        Of<F> a, b;
        std::memcpy(&a, x, sizeof a);
        std::memcpy(&b, x + count, sizeof b);
        features[0] = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
        features[1] = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
    } else {
        for (std::size_t f = 0; f < D; ++f)
            for (std::size_t l = 0; l < count; ++l) features[f][l] = x[l * D + f];
    }
}

/// As load_rows, for a group of which only `valid` rows exist (the end of a block): the
/// missing lanes repeat the last row, so nothing past the data is read.
template <std::size_t D, Float F>
void load_rows(const F* x, std::size_t valid, Of<F>* features) {
    if (valid == count) return load_rows<D>(x, features);
    F padded[count * D];
    for (std::size_t l = 0; l < count; ++l)
        for (std::size_t f = 0; f < D; ++f) padded[l * D + f] = x[(l < valid ? l : valid - 1) * D + f];
    load_rows<D>(padded, features);
}

/// Weighted per-cluster sums of the rows of one block, in registers (k <= max_clusters):
/// lane l of cluster j's sums holds the rows l, l + 8, ... of the block that belong to j.
template <std::size_t D>
struct BlockSums {
    /// Most clusters whose sums fit (k <= 8).
    static constexpr std::size_t max_clusters = 8;
    /// Per cluster: D feature sums, then the weight, one lane per row position.
    Doubles sums[max_clusters][D + 1] = {};  // per cluster: D feature sums, then the weight

    /// Adds eight rows (`values` already multiplied by `weights`); lanes whose label is -1
    /// belong to no cluster.
    void add(std::size_t k, const Doubles* values, const Doubles& weights, const Longs& label) {
        for (std::size_t j = 0; j < k; ++j) {
            const Longs mine = label == std::int64_t(j);
            for (std::size_t f = 0; f < D; ++f) sums[j][f] += mine ? values[f] : Doubles{};
            sums[j][D] += mine ? weights : Doubles{};
        }
    }

    /// Adds the block's sums, lanes in order, to `out` (k x D feature sums, then k weights).
    void add_to(std::size_t k, double* out) const {
        for (std::size_t j = 0; j < k; ++j) {
            for (std::size_t f = 0; f <= D; ++f) {
                double total = 0;
                for (std::size_t l = 0; l < count; ++l) total += sums[j][f][l];
                (f < D ? out[j * D + f] : out[k * D + j]) += total;
            }
        }
    }
};

}  // namespace linfa::simd::lanes
