// Portable SIMD through the GCC/Clang vector extension: one register of scalars, sized for
// the widest vector unit the build targets (-march decides), plain SSE2 otherwise. The
// compiler lowers the arithmetic to whatever instructions exist, so the code is correct with
// any flags and fast with -march=native.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../core/matrix.hpp"

namespace linfa::simd {

/// Bytes per register: 64 with AVX-512, 32 with AVX, else 16 (SSE2), as the build's -march
/// flags allow (the reference shows the value without such flags).
#if defined(__AVX512F__)
inline constexpr std::size_t register_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t register_bytes = 32;
#else
inline constexpr std::size_t register_bytes = 16;
#endif

/// The signed integer as wide as F: what a comparison of two F registers yields per lane.
template <Float F>
using lane_int = std::conditional_t<sizeof(F) == 8, std::int64_t, std::int32_t>;

/// The GCC/Clang vector type of T that fills one register.
template <class T>
struct register_of {
    /// register_bytes / sizeof(T) lanes of T.
    typedef T type __attribute__((vector_size(register_bytes)));
};

/// One register of F, and the matching register of lane-sized integers (masks, indices).
template <Float F>
struct Reg {
    /// A register of `lanes` values of F.
    using type = typename register_of<F>::type;
    /// A register of `lanes` lane_int<F>: comparison results (all bits set where true), indices.
    using mask = typename register_of<lane_int<F>>::type;
    /// Values of F per register.
    static constexpr std::size_t lanes = register_bytes / sizeof(F);

    /// Loads `lanes` values from `p` (no alignment needed).
    static type load(const F* p) {
        type v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    /// Stores the `lanes` values of `v` at `p` (no alignment needed).
    static void store(F* p, type v) { std::memcpy(p, &v, sizeof v); }
    // Scalar-to-vector arithmetic compiles to one broadcast; a per-lane loop would go
    // through the stack (measured: 3x slower kernel). x - 0 is x for every x, -0 included,
    // so the subtraction folds away (0 + x would not: 0 + -0 is +0, an add per splat).
    /// `x` in every lane.
    static type splat(F x) { return x - type{}; }
    /// `x` in every lane of a mask register.
    static mask splat_int(lane_int<F> x) { return mask{} + x; }
};

}  // namespace linfa::simd
