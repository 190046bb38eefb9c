// The principal axes and their squared singular values, found by either solver, and the sign
// convention of scikit-learn applied to them.
//   Full:  the eigenvectors of the centred Gram matrix X_c^T X_c (one pass in double, fixed
//          chunks), every one of them, so that any number of components or a variance
//          fraction can be kept.
//   Randomized: see randomized.hpp.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Eigenvalues>

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
template <Float F>
Spectrum full_spectrum(const DatasetView<F>& data, const linalg::Centring& centring) {
    const MatrixD gram = linalg::centred_gram(data, false, centring);
    const Eigen::SelfAdjointEigenSolver<MatrixD> eigen(gram);
    const auto d = gram.rows(), kept = std::min<Eigen::Index>(d, Eigen::Index(data.n_samples()));
    Spectrum s{MatrixD(kept, d), VectorD(kept)};
    for (Eigen::Index j = 0; j < kept; ++j) {  // eigenvalues ascend: take them from the end
        s.axes.row(j) = eigen.eigenvectors().col(d - 1 - j).transpose();
        s.squared[j] = std::max(0.0, eigen.eigenvalues()[d - 1 - j]);
    }
    return s;
}

/// scikit-learn's sign convention (svd_flip, based on U): each axis is turned so that the
/// score of largest magnitude along it, X_c v (the first such row in row order), is positive.
/// An axis along which every score is zero keeps its sign.
template <Float F>
void flip_signs(const DatasetView<F>& data, const linalg::Centring& centring, MatrixD& axes) {
    const auto k = axes.rows();
    const MatrixD transposed = axes.transpose();                       // d x k
    const Eigen::RowVectorXd offset = centring.x_mean.transpose() * transposed;
    struct Extreme {
        double magnitude = -1;
        double sign = 1;
    };
    const ChunkPlan plan = plan_chunks(data.n_samples());
    std::vector<std::vector<Extreme>> found(plan.n_chunks, std::vector<Extreme>(std::size_t(k)));
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MatrixD scores;
        const auto rows = Eigen::Index(end - begin);
        linalg::serial_product(data.records().middleRows(Eigen::Index(begin), rows), transposed, scores);
        scores.rowwise() -= offset;
        for (Eigen::Index i = 0; i < rows; ++i) {
            for (Eigen::Index j = 0; j < k; ++j) {
                Extreme& e = found[chunk][std::size_t(j)];
                if (std::abs(scores(i, j)) > e.magnitude) e = {std::abs(scores(i, j)), scores(i, j) < 0 ? -1.0 : 1.0};
            }
        }
    });
    for (Eigen::Index j = 0; j < k; ++j) {
        Extreme best;
        for (const auto& chunk : found) {  // chunk order: the first row of largest magnitude wins
            if (chunk[std::size_t(j)].magnitude > best.magnitude) best = chunk[std::size_t(j)];
        }
        if (best.magnitude > 0 && best.sign < 0) axes.row(j) *= -1.0;
    }
}

}  // namespace linfa::decomposition::pca_detail
