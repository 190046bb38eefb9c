// The principal axes and their squared singular values, found by either solver, and the sign
// convention of scikit-learn applied to them.
//   Full:  the eigenvectors of the centred Gram matrix X_c^T X_c (one pass in double, fixed
//          chunks), every one of them, so that any number of components or a variance
//          fraction can be kept.
//   Randomized: see randomized.hpp.
// Both run over ChunkedRows (core/chunked_rows.hpp): the rows of this process, or of every
// rank of a distributed fit, with the same result.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Eigenvalues>

#include "../../core/chunked_rows.hpp"
#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../linalg/centred.hpp"
#include "../../linalg/products.hpp"

namespace linfa::decomposition::pca_detail {

using linalg::MatrixD;
using linalg::VectorD;

/// Axes (one per row, by decreasing variance) and the squared singular values of the centred
/// records along them.
struct Spectrum {
    MatrixD axes;
    VectorD squared;
};

/// Every axis of the centred records (min(n, d) of them) from the eigenvectors of their Gram
/// matrix; eigenvalues below zero (rounding) count as zero.
template <Float F, ChunkedRows<F> Rows>
Spectrum full_spectrum(const Rows& rows, const linalg::Centring& centring) {
    const std::size_t p = rows.n_features();
    const HeldChunks<F> held = rows.held(linalg::plan_for_width(rows.n_samples(), p));
    const auto total = rows.total(linalg::gram_partials(held.view, false, centring, held.plan), p * p);
    const MatrixD gram = linalg::symmetric_gram(Eigen::Map<const MatrixD>(total.data(), Eigen::Index(p), Eigen::Index(p)));
    const Eigen::SelfAdjointEigenSolver<MatrixD> eigen(gram);
    const auto d = gram.rows(), kept = std::min<Eigen::Index>(d, Eigen::Index(rows.n_samples()));
    Spectrum s{MatrixD(kept, d), VectorD(kept)};
    for (Eigen::Index j = 0; j < kept; ++j) {  // eigenvalues ascend: take them from the end
        s.axes.row(j) = eigen.eigenvectors().col(d - 1 - j).transpose();
        s.squared[j] = std::max(0.0, eigen.eigenvalues()[d - 1 - j]);
    }
    return s;
}

/// scikit-learn's sign convention (svd_flip, based on U): each axis is turned so that the
/// score of largest magnitude along it, X_c v (the first such row in row order), is positive.
/// An axis along which every score is zero keeps its sign. `held`: the rows' chunks of any plan.
template <Float F, ChunkedRows<F> Rows>
void flip_signs(const Rows& rows, const HeldChunks<F>& held, const linalg::Centring& centring, MatrixD& axes) {
    const auto k = axes.rows();
    const MatrixD transposed = axes.transpose();  // d x k
    const Eigen::RowVectorXd offset = centring.x_mean.transpose() * transposed;
    const auto width = std::size_t(2 * k);  // per axis: the largest magnitude in the chunk, its sign
    PerChunk<double> found(held.plan.n_chunks, width);
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MatrixD scores;
        const auto n = Eigen::Index(end - begin);
        linalg::serial_product(held.view.records().middleRows(Eigen::Index(begin), n), transposed, scores);
        scores.rowwise() -= offset;
        double* extreme = found[chunk];
        for (Eigen::Index j = 0; j < k; ++j) extreme[2 * j] = -1;
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index j = 0; j < k; ++j) {
                if (std::abs(scores(i, j)) <= extreme[2 * j]) continue;
                extreme[2 * j] = std::abs(scores(i, j));
                extreme[2 * j + 1] = scores(i, j) < 0 ? -1.0 : 1.0;
            }
        }
    });
    const auto all = rows.every_chunk(found, width);
    for (Eigen::Index j = 0; j < k; ++j) {
        double magnitude = -1, sign = 1;
        for (std::size_t at = 0; at < all.size(); at += width) {  // chunk order: the first row of largest magnitude wins
            if (all[at + 2 * j] > magnitude) magnitude = all[at + 2 * j], sign = all[at + 2 * j + 1];
        }
        if (magnitude > 0 && sign < 0) axes.row(j) *= -1.0;
    }
}

}  // namespace linfa::decomposition::pca_detail
