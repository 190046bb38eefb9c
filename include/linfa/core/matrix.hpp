// The numeric types every algorithm is written against.
#pragma once

#include <concepts>
#include <cstdint>
#include <string_view>

#include <Eigen/Core>

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

/// The name of a scalar type as it appears in messages and model files.
template <Float F>
constexpr std::string_view scalar_name() {
    return std::same_as<F, float> ? "f32" : "f64";
}

}  // namespace linfa
