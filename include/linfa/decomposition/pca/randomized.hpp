// The randomized solver (Halko, Martinsson & Tropp, "Finding structure with randomness", 2011,
// as scikit-learn's randomized_svd): a Gaussian sketch Y = X_c Omega of k + oversamples
// columns, power iterations Y <- X_c (X_c^T Y) orthonormalised by QR at each half step, then
// the SVD of the small B = Q^T X_c. X_c is never formed: X_c M = X M - 1 (mean^T M), and
// X_c^T Y = X^T Y - mean (1^T Y). Omega is drawn from the caller's Rng (Boost.Random), the
// products with X run over the fixed chunks in row slabs (linalg/products.hpp) and sums over
// rows are combined in chunk order, so the result is the same bit for bit on any thread count.
// Memory: the n x (k + oversamples) sketch, and small matrices.
#pragma once

#include <algorithm>
#include <cstddef>

#include <Eigen/QR>
#include <Eigen/SVD>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/rng.hpp"
#include "../../linalg/centred.hpp"
#include "../../linalg/products.hpp"
#include "spectrum.hpp"

namespace linfa::decomposition::pca_detail {

/// An orthonormal basis of the columns of `y` (thin Q of its QR).
template <class Tall>  // a template, so that only the callers that use it instantiate the QR
MatrixD orthonormal_basis(const Tall& y) {
    const Eigen::HouseholderQR<MatrixD> qr(y);
    return qr.householderQ() * MatrixD::Identity(y.rows(), std::min(y.rows(), y.cols()));
}

/// X_c m (n x columns of m).
template <Float F>
MatrixD centred_times(const DatasetView<F>& data, const linalg::Centring& centring, const MatrixD& m) {
    MatrixD out(Eigen::Index(data.n_samples()), m.cols());
    const Eigen::RowVectorXd offset = centring.x_mean.transpose() * m;
    for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
        const auto rows = Eigen::Index(end - begin);
        MatrixD part;
        linalg::serial_product(data.records().middleRows(Eigen::Index(begin), rows), m, part);
        out.middleRows(Eigen::Index(begin), rows) = part.rowwise() - offset;
    });
    return out;
}

/// X_c^T y (d x columns of y), summed over rows chunk by chunk in chunk order.
template <Float F>
MatrixD centred_transpose_times(const DatasetView<F>& data, const linalg::Centring& centring, const MatrixD& y) {
    const auto d = Eigen::Index(data.n_features()), l = y.cols();
    const ChunkPlan plan = plan_chunks(data.n_samples());
    const std::size_t width = std::size_t(d * l + l);  // X^T y, then the column sums of y
    PerChunk<double> partial(plan.n_chunks, width);
    for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        const auto rows = Eigen::Index(end - begin);
        const auto y_rows = y.middleRows(Eigen::Index(begin), rows);
        MatrixD product;
        linalg::serial_product(data.records().middleRows(Eigen::Index(begin), rows).transpose(), y_rows, product);
        Eigen::Map<MatrixD>(partial[chunk], d, l) = product;
        Eigen::Map<Eigen::RowVectorXd>(partial[chunk] + d * l, l) = y_rows.colwise().sum();
    });
    std::vector<double> totals(width, 0.0);
    reduce_in_chunk_order(partial, width, totals.data());
    const Eigen::Map<const Eigen::RowVectorXd> column_sums(totals.data() + d * l, l);
    return Eigen::Map<const MatrixD>(totals.data(), d, l) - centring.x_mean * column_sums;
}

/// The k leading axes of the centred records and their squared singular values, by the
/// randomized range finder with `oversamples` extra directions and `iterations` power
/// iterations.
template <Float F>
Spectrum randomized_spectrum(const DatasetView<F>& data, const linalg::Centring& centring, std::size_t k,
                             std::size_t oversamples, std::size_t iterations, Rng rng) {
    const auto d = Eigen::Index(data.n_features());
    const auto l = std::min<Eigen::Index>(Eigen::Index(k + oversamples), std::min<Eigen::Index>(d, Eigen::Index(data.n_samples())));
    MatrixD omega(d, l);
    for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index j = 0; j < l; ++j) omega(i, j) = rng.normal<double>();
    }
    MatrixD q = orthonormal_basis(centred_times(data, centring, omega));
    for (std::size_t it = 0; it < iterations; ++it) {
        const MatrixD z = orthonormal_basis(centred_transpose_times(data, centring, q));
        q = orthonormal_basis(centred_times(data, centring, z));
    }
    const MatrixD b = centred_transpose_times(data, centring, q).transpose();  // l x d: Q^T X_c
    const Eigen::JacobiSVD<MatrixD> svd(b, Eigen::ComputeThinV);
    const auto kept = Eigen::Index(k);
    Spectrum s{svd.matrixV().leftCols(kept).transpose(), svd.singularValues().head(kept).array().square().matrix()};
    return s;
}

}  // namespace linfa::decomposition::pca_detail
