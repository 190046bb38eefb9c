// Matrix products whose rounding does not depend on the thread count. Eigen splits a large
// product over OpenMP threads when it is called outside a parallel region, and its blocking
// (the order in which each dot product is summed) then depends on the number of threads; it
// never splits one whose destination has at most 32 rows at compile time. Products here are
// shaped so that their destination has at most 32 rows, in double, so the same inputs give the
// same bits on any thread count, whether the caller is inside a chunk of core/parallel.hpp or
// not.
#pragma once

#include <algorithm>

#include <Eigen/Core>

namespace linfa::linalg {

/// Rows of a destination Eigen never splits over threads.
inline constexpr Eigen::Index product_slab_rows = 32;

/// out = a * b in double (a: any dense expression of float or double, b: double); `out` is
/// resized to a.rows() x b.cols(). With few columns (b.cols() <= 32, the usual case: a sketch,
/// a few components) it is one product, computed transposed (out^T = b^T a^T, at most 32
/// rows), so a is packed once; otherwise row slab by row slab of 32.
template <class A, class B, class Out>
void serial_product(const A& a, const B& b, Out& out) {
    using Slab = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, product_slab_rows, Eigen::Dynamic>;
    out.resize(a.rows(), b.cols());
    Slab slab;
    if (b.cols() <= product_slab_rows) {
        slab.noalias() = b.transpose() * a.transpose().template cast<double>();
        out = slab.transpose().template cast<typename Out::Scalar>();
        return;
    }
    for (Eigen::Index r = 0; r < a.rows(); r += product_slab_rows) {
        const Eigen::Index rows = std::min(product_slab_rows, a.rows() - r);
        slab.noalias() = a.middleRows(r, rows).template cast<double>() * b;
        out.middleRows(r, rows) = slab.template cast<typename Out::Scalar>();
    }
}

}  // namespace linfa::linalg
