// The numeric types every algorithm is written against.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <Eigen/Core>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace linfa {

/// The scalar types linfa computes in. float is a first-class fast path, not a cast to double.
/// Requires: `F` is exactly `float` or `double`.
template <class F>
concept Float = std::same_as<F, float> || std::same_as<F, double>;

/// One sample per row, row-major like NumPy's C order, so Python arrays map without a copy.
template <Float F>
using Matrix = Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A read-only view of contiguous row-major records (a Matrix, a NumPy array, a raw buffer).
template <Float F>
using MatrixView = Eigen::Map<const Matrix<F>>;

/// A writable view of contiguous row-major storage.
template <Float F>
using MatrixMutView = Eigen::Map<Matrix<F>>;

/// A column vector of F (one target per sample, sample weights, intercepts, variances).
template <Float F>
using Vector = Eigen::Matrix<F, Eigen::Dynamic, 1>;

/// Cluster or class labels, one per sample.
using Labels = Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>;

/// An uninitialised `rows` x `cols` matrix for a result written once, row block by row block
/// (transform, predict). On Linux a large one (4 MiB or more) is advised as transparent huge
/// pages, as NumPy advises its arrays: a fresh buffer otherwise takes a page fault every 4 KiB
/// at first write, which costs more than the arithmetic of a one-pass transform, and faults
/// from several threads contend in the kernel. The advice changes no value written.
template <Float F>
Matrix<F> output_matrix(Eigen::Index rows, Eigen::Index cols) {
    Matrix<F> m(rows, cols);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const std::size_t bytes = static_cast<std::size_t>(m.size()) * sizeof(F);
    if (bytes >= (std::size_t(4) << 20)) {
        constexpr std::uintptr_t page = 4096;
        const auto start = reinterpret_cast<std::uintptr_t>(m.data());
        const std::uintptr_t begin = (start + page - 1) & ~(page - 1), end = (start + bytes) & ~(page - 1);
        // advice only: where the kernel declines it, the pages are simply small
        if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    }
#endif
    return m;
}

/// The name of a scalar type as it appears in messages and model files.
template <Float F>
constexpr std::string_view scalar_name() {
    return std::same_as<F, float> ? "f32" : "f64";
}

}  // namespace linfa
