// Coordinate descent for the elastic net on sparse records (cd.hpp's problem and loop), with
// the centring and the sample weights applied implicitly, so that a coordinate update costs
// the stored entries of its column, not n. With D = diag(sqrt(scale x w)), mu the column
// means and A = D (X - 1 mu^T) the centred records, the residual r = y - A w is kept as
//   r = q + m D 1,   q = y - D X w (changed only where column j stores entries), m = mu . w,
// and with S = sum_i sqrt(w_i) q_i, c_j = sum_i w_i x_ij (stored entries, times scale):
//   a_j . r   = sum_i sqrt(w_i) x_ij q_i - mu_j S + m (c_j - mu_j sum_i w_i),
//   ||a_j||^2 = sum_i w_i x_ij^2 - 2 mu_j c_j + mu_j^2 sum_i w_i.
// Every product added to a sum goes through linfa::multiply_add, so that instantiations for
// 32- and 64-bit indices round alike (the compiler contracts plain a * b + c as it sees fit).
#pragma once

#include <cstddef>

#include "../../core/arithmetic.hpp"
#include "../../core/parallel.hpp"
#include "../../core/sparse.hpp"
#include "../../linalg/sparse_centred.hpp"
#include "cd.hpp"
#include "params.hpp"

namespace linfa::linear::enet_detail {

/// The sparse columns' fixed parts: c_j and ||a_j||^2, and sum_i w_i (all times scale).
struct SparseColumnSums {
    VectorD weighted_sum, norm;
    double total_weight = 0;

    template <Float F, SparseIndex I>
    explicit SparseColumnSums(const linalg::CentredSparseOperator<F, I>& a)
        : weighted_sum(a.cols()), norm(a.cols()), total_weight(a.root_weights().squaredNorm()) {
        const auto& cols = a.columns();
        const VectorD& root = a.root_weights();
        for_each_chunk(plan_chunks(cols.size(), 256), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t j = begin; j < end; ++j) {
                double sum = 0, squares = 0;
                for (std::size_t e = cols.offsets[j]; e < cols.offsets[j + 1]; ++e) {
                    const double wx = root[Eigen::Index(cols.rows[e])] * double(cols.values[e]);
                    sum = multiply_add(root[Eigen::Index(cols.rows[e])], wx, sum);
                    squares = multiply_add(wx, wx, squares);
                }
                const double mu = a.means()[Eigen::Index(j)];
                weighted_sum[Eigen::Index(j)] = sum;
                norm[Eigen::Index(j)] = std::max(0.0, multiply_add(mu * total_weight, mu, multiply_add(-2 * mu, sum, squares)));
            }
        });
    }
};

/// The residual of one target's descent on sparse records, in the form of the file comment.
template <Float F, SparseIndex I>
class SparseResidual {
public:
    /// The residual of coefficients `w` for the centred, weighted target `y`.
    SparseResidual(const linalg::CentredSparseOperator<F, I>& a, const SparseColumnSums& sums, const VectorD& y, const VectorD& w)
        : a_(a), sums_(sums), y_(y) {
        VectorD aw;
        a.apply(w, aw);
        m_ = a.means().dot(w);
        q_ = y - aw - m_ * a.root_weights();
        refresh();
    }

    /// a_j . r.
    double column_dot(std::size_t j) const {
        const double mu = a_.means()[Eigen::Index(j)];
        const double spread = multiply_add(-mu, sums_.total_weight, sums_.weighted_sum[Eigen::Index(j)]);
        return multiply_add(m_, spread, multiply_add(-mu, s_, a_.column_dot(j, q_)));
    }

    /// r -= delta a_j: the stored entries of q, then S and m.
    void subtract(std::size_t j, double delta) {
        const auto& cols = a_.columns();
        const VectorD& root = a_.root_weights();
        for (std::size_t e = cols.offsets[j]; e < cols.offsets[j + 1]; ++e) {
            const auto i = Eigen::Index(cols.rows[e]);
            q_[i] = multiply_add(-delta * root[i], double(cols.values[e]), q_[i]);
        }
        s_ = multiply_add(-delta, sums_.weighted_sum[Eigen::Index(j)], s_);
        m_ = multiply_add(delta, a_.means()[Eigen::Index(j)], m_);
    }

    /// Recomputes S from q (its updates accumulate rounding over many sweeps).
    void refresh() { s_ = a_.root_weights().dot(q_); }

    /// The duality gap of coefficients `w` (cd.hpp's gap_from_parts), S refreshed first.
    double gap(const VectorD& w, const Penalty& p) {
        refresh();
        VectorD xtr(a_.cols());
        for_each_chunk(plan_chunks(std::size_t(a_.cols()), 256), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t j = begin; j < end; ++j) xtr[Eigen::Index(j)] = column_dot(j);
        });
        const VectorD r = q_ + m_ * a_.root_weights();
        return gap_from_parts(dual_norm(xtr, w, p), r.squaredNorm(), r.dot(y_), w.lpNorm<1>(), w.squaredNorm(), p);
    }

private:
    const linalg::CentredSparseOperator<F, I>& a_;
    const SparseColumnSums& sums_;
    const VectorD& y_;
    VectorD q_;
    double m_ = 0, s_ = 0;
};

/// One sweep over the sparse columns (cd.hpp's residual_sweep, on the implicit residual).
template <Float F, SparseIndex I>
SweepStep sparse_sweep(const SparseColumnSums& sums, SparseResidual<F, I>& r, VectorD& w, const Penalty& p, Order order) {
    SweepStep step;
    const std::size_t d = std::size_t(w.size());
    for (std::size_t s = 0; s < d; ++s) {
        const std::size_t j = order(s, d);
        const double norm = sums.norm[Eigen::Index(j)];
        if (norm == 0) continue;
        const double before = w[Eigen::Index(j)];
        const double after = coordinate_minimum(r.column_dot(j) + before * norm, norm, p);
        if (after != before) {
            r.subtract(j, after - before);
            w[Eigen::Index(j)] = after;
        }
        step.record(before, after);
    }
    return step;
}

/// Descent for every target on sparse records; fills coef (t x d).
template <Float F, SparseIndex I>
std::vector<Outcome> fit_sparse(const linalg::CentredSparseOperator<F, I>& a, const linalg::Centring& c,
                                const ElasticNetParams<F>& p, const Penalty& pen, Order order, MatrixD& coef) {
    const SparseColumnSums sums(a);
    std::vector<Outcome> outcomes;
    for (Eigen::Index k = 0; k < coef.rows(); ++k) {
        const VectorD y = a.centred_target(c, std::size_t(k));
        VectorD w = p.start() ? VectorD(p.start()->row(k).transpose()) : VectorD::Zero(a.cols());
        SparseResidual<F, I> r(a, sums, y, w);
        outcomes.push_back(descend([&] { return sparse_sweep(sums, r, w, pen, order); }, [&] { return r.gap(w, pen); },
                                   p.max_iter(), p.tol(), p.tol() * y.squaredNorm()));
        coef.row(k) = w.transpose();
    }
    return outcomes;
}

}  // namespace linfa::linear::enet_detail
