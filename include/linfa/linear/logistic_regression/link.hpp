// What the logistic fit and the fitted model share: the layout of the coefficient rows, the
// scores of a block of rows, and the link functions, evaluated a block at a time.
//
// A block's scores are held transposed, one column per record (coefficient rows x records),
// so that every link function runs along a row of records, where Eigen vectorises exp and log.
// Products write at most 32 rows at compile time (a slab of coefficient rows), which Eigen
// never splits over threads: each score is summed in the same order on any thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "../../core/matrix.hpp"
#include "../../core/sparse.hpp"

namespace linfa::linear::logistic_detail {

/// How the coefficient rows are read.
enum class Layout : std::uint32_t {
    Binary = 0,       ///< one row: the score of the second class against the first
    Multinomial = 1,  ///< a row per class, probabilities by softmax
    OneVsRest = 2,    ///< a row per class, each a binary model; probabilities normalised
    /// one row w for two classes fitted as a softmax (rows -w and w): scores count twice
    BinarySoftmax = 3,
};

/// Score rows of a layout with `n_classes` classes.
inline Eigen::Index score_rows(Layout layout, std::size_t n_classes) {
    return layout == Layout::Binary || layout == Layout::BinarySoftmax ? 1 : Eigen::Index(n_classes);
}

/// Records scored at a time: their scores and residuals stay in the L1/L2 caches.
inline constexpr Eigen::Index block_rows = 256;
/// Coefficient rows per product (Eigen never splits a destination this small).
inline constexpr Eigen::Index slab_rows = 32;

/// Values of a block, one column per record: scores, probabilities, residuals.
using Block = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// One value per record of a block.
using BlockRow = Eigen::Array<double, 1, Eigen::Dynamic>;
/// A product's destination: at most slab_rows rows at compile time. Column-major, so that the
/// records (row-major) are packed as the product's right-hand side, read row by row.
template <Float F>
using Slab = Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, slab_rows, Eigen::Dynamic>;

/// Coefficient rows (rows x features, in F) and intercepts: what scores records.
template <Float F>
struct Scorer {
    Matrix<F> coef;                                  ///< coefficient rows x features
    Eigen::Array<double, Eigen::Dynamic, 1> intercept;  ///< one per coefficient row

    /// `z` = the scores of `rows` records of `x` from `begin`, one column per record.
    void score(const MatrixView<F>& x, Eigen::Index begin, Eigen::Index rows, Block& z) const {
        const Eigen::Index m = coef.rows();
        z.resize(m, rows);
        Slab<F> slab;
        for (Eigen::Index c = 0; c < m; c += slab_rows) {
            const Eigen::Index count = std::min(slab_rows, m - c);
            slab.noalias() = coef.middleRows(c, count) * x.middleRows(begin, rows).transpose();
            z.middleRows(c, count) = slab.template cast<double>().array();
        }
        z.colwise() += intercept;
    }

    /// The same for sparse rows: a dot product per coefficient row, summed in double.
    template <SparseIndex I>
    void score(const CsrView<F, I>& x, Eigen::Index begin, Eigen::Index rows, Block& z) const {
        const Eigen::Index m = coef.rows();
        z.resize(m, rows);
        for (Eigen::Index r = 0; r < rows; ++r) {
            const auto row = x.row(std::size_t(begin + r));
            for (Eigen::Index c = 0; c < m; ++c) z(c, r) = dot(row, coef.row(c).data());
        }
        z.colwise() += intercept;
    }
};

/// The binary score of the second class against the first (the softmax of -z and z is the
/// sigmoid of 2z).
inline BlockRow binary_scores(Layout layout, const Block& z) {
    return layout == Layout::BinarySoftmax ? BlockRow(2 * z.row(0)) : BlockRow(z.row(0));
}

/// 1 / (1 + e^-s), per record.
inline BlockRow sigmoid(const BlockRow& s) { return 1.0 / (1.0 + (-s).exp()); }

/// log(1 + e^s) per record, without overflow: max(s, 0) + log(1 + e^-|s|).
inline BlockRow log1p_exp(const BlockRow& s) { return s.max(0.0) + (1.0 + (-s.abs()).exp()).log(); }

/// Per record: `top`, its largest score; `e` = e^{z - top} (no exponential overflows); `sum`,
/// the sum of those, so that log(sum_j e^{z_j}) = top + log(sum).
inline void exp_shifted(const Block& z, Block& e, BlockRow& top, BlockRow& sum) {
    top = z.row(0);
    for (Eigen::Index j = 1; j < z.rows(); ++j) top = top.max(z.row(j));
    e.resize(z.rows(), z.cols());
    sum = BlockRow::Zero(z.cols());
    for (Eigen::Index j = 0; j < z.rows(); ++j) {
        e.row(j) = (z.row(j) - top).exp();
        sum += e.row(j);
    }
}

/// Class probabilities of a block's scores (classes x records) into `p`.
inline void probabilities(Layout layout, const Block& z, Block& p) {
    if (layout == Layout::Binary || layout == Layout::BinarySoftmax) {
        const BlockRow s = binary_scores(layout, z);
        p.resize(2, z.cols());
        p.row(0) = sigmoid(-s);
        p.row(1) = sigmoid(s);
    } else if (layout == Layout::Multinomial) {
        BlockRow top, sum;
        exp_shifted(z, p, top, sum);
        p.rowwise() /= sum;
    } else {
        p.resize(z.rows(), z.cols());
        BlockRow sum = BlockRow::Zero(z.cols());
        for (Eigen::Index j = 0; j < z.rows(); ++j) {
            p.row(j) = sigmoid(z.row(j));
            sum += p.row(j);
        }
        for (Eigen::Index j = 0; j < z.rows(); ++j) p.row(j) /= sum;
    }
}

/// Class log-probabilities of a block's scores into `lp` (finite however far a record lies).
inline void log_probabilities(Layout layout, const Block& z, Block& lp) {
    if (layout == Layout::Binary || layout == Layout::BinarySoftmax) {
        const BlockRow s = binary_scores(layout, z);
        lp.resize(2, z.cols());
        lp.row(0) = -log1p_exp(s);  // log(1 - sigmoid(s))
        lp.row(1) = -log1p_exp(-s);
    } else if (layout == Layout::Multinomial) {
        Block e;
        BlockRow top, sum;
        exp_shifted(z, e, top, sum);
        lp = z.rowwise() - (top + sum.log());
    } else {
        lp.resize(z.rows(), z.cols());  // log sigmoid(z_j), then minus log of their sum
        for (Eigen::Index j = 0; j < z.rows(); ++j) lp.row(j) = -log1p_exp(-BlockRow(z.row(j)));
        Block e;
        BlockRow top, sum;
        exp_shifted(lp, e, top, sum);
        lp.rowwise() -= top + sum.log();
    }
}

/// The class index record `r` of a block's scores predicts: the second class when the binary
/// score is positive, else the highest score (the first of equal ones).
inline std::int32_t predicted_class(Layout layout, const Block& z, Eigen::Index r) {
    if (layout == Layout::Binary || layout == Layout::BinarySoftmax) return z(0, r) > 0 ? 1 : 0;
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < z.rows(); ++j) best = z(j, r) > z(best, r) ? j : best;
    return std::int32_t(best);
}

}  // namespace linfa::linear::logistic_detail
