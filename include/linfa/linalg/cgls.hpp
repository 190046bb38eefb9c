// Damped least squares by conjugate gradients on the normal equations (CGLS):
//   minimise ||A x - b||^2 + alpha ||x||^2,  i.e. solve (A^T A + alpha I) x = A^T b,
// with A known only through its products (A v, A^T u): what ridge and least squares on sparse
// records use, as scikit-learn's "sparse_cg" and "lsqr" solvers do, since A^T A is d x d and
// centring makes A dense. Each iteration costs one product with A and one with A^T.
// Started from zero, the iterates stay in the row space of A, so with alpha = 0 CGLS converges
// to the minimum-norm solution, as LAPACK's gelsd on dense records.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

namespace linfa::linalg {

/// A linear operator CGLS can use.
/// Requires: `rows()` and `cols()`, and `apply(v, u)` (u = A v, resizing u) and
/// `apply_transpose(u, v)` (v = A^T u, resizing v) on Eigen::VectorXd.
template <class Op>
concept LinearOperator = requires(const Op& op, const Eigen::VectorXd& in, Eigen::VectorXd& out) {
    { op.rows() } -> std::convertible_to<Eigen::Index>;
    { op.cols() } -> std::convertible_to<Eigen::Index>;
    op.apply(in, out);
    op.apply_transpose(in, out);
};

/// How a CGLS run ended.
struct CglsOutcome {
    Eigen::VectorXd x;          ///< the solution found
    std::uint64_t n_iter = 0;   ///< iterations run
    bool converged = false;     ///< the tolerance was met within max_iter
};

/// Solves min ||A x - b||^2 + alpha ||x||^2 from x = 0, stopping when the normal equations'
/// residual ||A^T (b - A x) - alpha x|| is at most tol x ||A^T b|| or after max_iter
/// iterations (scipy's cg on the normal equations stops on the same relative residual).
template <LinearOperator Op>
CglsOutcome cgls(const Op& a, const Eigen::VectorXd& b, double alpha, double tol, std::size_t max_iter) {
    CglsOutcome out;
    out.x = Eigen::VectorXd::Zero(a.cols());
    Eigen::VectorXd r = b, s, q;
    a.apply_transpose(r, s);  // s = A^T r - alpha x, x = 0
    const double target = tol * s.norm();
    Eigen::VectorXd p = s;
    double gamma = s.squaredNorm();
    if (std::sqrt(gamma) <= target) {  // A^T b = 0: x = 0 is the solution
        out.converged = true;
        return out;
    }
    for (std::size_t it = 0; it < max_iter; ++it) {
        a.apply(p, q);
        const double delta = q.squaredNorm() + alpha * p.squaredNorm();
        if (!(delta > 0)) break;  // p in the null space: no further progress possible
        const double step = gamma / delta;
        out.x += step * p;
        r -= step * q;
        a.apply_transpose(r, s);
        s -= alpha * out.x;
        const double next = s.squaredNorm();
        out.n_iter = it + 1;
        if (std::sqrt(next) <= target) {
            out.converged = true;
            break;
        }
        p = s + (next / gamma) * p;
        gamma = next;
    }
    return out;
}

}  // namespace linfa::linalg
