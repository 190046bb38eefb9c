// Coordinate descent for the elastic net, one target at a time, in the scaled form
//   1/2 ||y - X w||^2 + l1 ||w||_1 + l2/2 ||w||^2   (l1, l2: the penalties times n),
// on data already centred and multiplied by sqrt(sample weight). Two ways to sweep:
//   - on the Gram matrix Q = X^T X and X^T y, keeping h = Q w: a coordinate update costs one
//     row of Q, so a sweep never touches the samples (for n much larger than d);
//   - on the columns of X, keeping the residual r = y - X w: a dot product per coordinate and
//     an update of r when the coefficient moves.
// Each update minimises over one coordinate exactly (soft thresholding). The loop checks the
// duality gap, as scikit-learn does, only once the largest coefficient change of a sweep is
// small next to the largest coefficient, and stops when the gap is below tol x ||y||^2.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

#include "../../core/matrix.hpp"
#include "../../core/rng.hpp"
#include "../../linalg/centred.hpp"

namespace linfa::linear::enet_detail {

using linalg::MatrixD;
using linalg::VectorD;

/// Column-major storage, so a feature's values are contiguous for the residual sweep.
template <class S>
using ColMatrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;

/// The penalties of the scaled problem.
struct Penalty {
    double l1 = 0, l2 = 0;  ///< alpha l1_ratio n and alpha (1 - l1_ratio) n
    bool positive = false;  ///< coefficients constrained to be >= 0
};

/// What one sweep saw: the largest |w_j| after it and the largest |change|.
struct SweepStep {
    double w_max = 0, dw_max = 0;
    void record(double before, double after) {
        w_max = std::max(w_max, std::abs(after));
        dw_max = std::max(dw_max, std::abs(after - before));
    }
};

/// How a target's descent ended.
struct Outcome {
    std::uint64_t n_iter = 0;  ///< sweeps run
    double gap = 0;            ///< duality gap of the scaled problem at the end
    bool converged = false;    ///< gap < tol x ||y||^2 was reached
};

/// Picks coordinate `step` of a sweep over d features: in order, or drawn from `rng`.
struct Order {
    Rng* rng = nullptr;  ///< null: cyclic
    std::size_t operator()(std::size_t step, std::size_t d) const { return rng ? std::size_t(rng->below(d)) : step; }
};

/// The exact minimiser over one coordinate, given rho = x_j^T (y - X w + x_j w_j) and
/// norm = ||x_j||^2.
inline double coordinate_minimum(double rho, double norm, const Penalty& p) {
    if (p.positive && rho < 0) return 0.0;
    const double shrunk = std::abs(rho) - p.l1;
    return shrunk > 0 ? std::copysign(shrunk, rho) / (norm + p.l2) : 0.0;
}

/// The duality gap from its parts: with A = X^T r - l2 w, the dual point r scaled so that
/// ||A||_inf <= l1 (the largest A_j alone with `positive`).
inline double gap_from_parts(double dual_norm, double r_norm2, double r_dot_y, double w_l1, double w_norm2,
                             const Penalty& p) {
    double c = 1.0, gap = r_norm2;
    if (dual_norm > p.l1) {
        c = p.l1 / dual_norm;
        gap = 0.5 * (r_norm2 + r_norm2 * c * c);
    }
    return gap + p.l1 * w_l1 - c * r_dot_y + 0.5 * p.l2 * (1.0 + c * c) * w_norm2;
}

/// The dual norm of A = xtr - l2 w (see gap_from_parts).
template <class W>
double dual_norm(const VectorD& xtr, const W& w, const Penalty& p) {
    double norm = p.positive ? -INFINITY : 0.0;
    for (Eigen::Index j = 0; j < xtr.size(); ++j) {
        const double a = xtr[j] - p.l2 * double(w[j]);
        norm = p.positive ? std::max(norm, a) : std::max(norm, std::abs(a));
    }
    return norm;
}

// ---------------------------------------------------------------- the Gram matrix

/// One sweep on the Gram matrix `q` (d x d, symmetric), xy = X^T y, h = q w kept current.
inline SweepStep gram_sweep(const MatrixD& q, const VectorD& xy, VectorD& w, VectorD& h, const Penalty& p, Order order) {
    SweepStep step;
    const std::size_t d = std::size_t(w.size());
    for (std::size_t s = 0; s < d; ++s) {
        const auto j = Eigen::Index(order(s, d));
        const double norm = q(j, j);
        if (norm == 0) continue;  // a constant column: its coefficient stays put
        const double before = w[j];
        const double after = coordinate_minimum(xy[j] - h[j] + before * norm, norm, p);
        if (after != before) {
            h.noalias() += (after - before) * q.row(j).transpose();  // q is symmetric: row j is column j
            w[j] = after;
        }
        step.record(before, after);
    }
    return step;
}

/// The duality gap on the Gram matrix: ||r||^2 = yy - 2 w.xy + w.h and r.y = yy - w.xy.
inline double gram_gap(const VectorD& xy, double yy, const VectorD& w, const VectorD& h, const Penalty& p) {
    const VectorD xtr = xy - h;
    const double w_xy = w.dot(xy);
    return gap_from_parts(dual_norm(xtr, w, p), yy - 2 * w_xy + w.dot(h), yy - w_xy, w.lpNorm<1>(), w.squaredNorm(), p);
}

// ---------------------------------------------------------------- the residual

/// One sweep over the columns of `x` (n x d, centred), norms[j] = ||x_j||^2, r = y - x w kept
/// current, in the data's scalar S.
template <class S>
SweepStep residual_sweep(const ColMatrix<S>& x, const VectorD& norms, Vector<S>& w, Vector<S>& r, const Penalty& p,
                         Order order) {
    SweepStep step;
    const std::size_t d = std::size_t(w.size());
    for (std::size_t s = 0; s < d; ++s) {
        const auto j = Eigen::Index(order(s, d));
        const double norm = norms[j];
        if (norm == 0) continue;
        const S before = w[j];
        // x_j^T (r + x_j w_j), without adding x_j w_j to r and taking it away again
        const double rho = double(x.col(j).dot(r)) + double(before) * norm;
        const S after = S(coordinate_minimum(rho, norm, p));
        if (after != before) {
            r.noalias() -= (after - before) * x.col(j);
            w[j] = after;
        }
        step.record(double(before), double(after));
    }
    return step;
}

/// The duality gap over the columns, the sums over samples in double.
template <class S>
double residual_gap(const ColMatrix<S>& x, const Vector<S>& y, const Vector<S>& w, const Vector<S>& r, const Penalty& p) {
    const VectorD xtr = (x.transpose() * r).template cast<double>();
    double r_norm2 = 0, r_dot_y = 0;
    for (Eigen::Index i = 0; i < r.size(); ++i) {
        r_norm2 += double(r[i]) * double(r[i]);
        r_dot_y += double(r[i]) * double(y[i]);
    }
    const VectorD wd = w.template cast<double>();
    return gap_from_parts(dual_norm(xtr, wd, p), r_norm2, r_dot_y, wd.lpNorm<1>(), wd.squaredNorm(), p);
}

// ---------------------------------------------------------------- the loop

/// Sweeps until the duality gap is below `gap_tol` (tol x ||y||^2), checking it when the
/// largest change of a sweep is below tol x the largest coefficient (or every coefficient is
/// zero) and after the last sweep.
template <class Sweep, class Gap>
Outcome descend(Sweep&& sweep, Gap&& gap, std::size_t max_iter, double tol, double gap_tol) {
    Outcome out;
    for (std::size_t it = 0; it < max_iter; ++it) {
        const SweepStep step = sweep();
        out.n_iter = it + 1;
        if (step.w_max == 0 || step.dw_max / step.w_max < tol || it + 1 == max_iter) {
            out.gap = gap();
            if (out.gap < gap_tol) {
                out.converged = true;
                break;
            }
        }
    }
    return out;
}

}  // namespace linfa::linear::enet_detail
