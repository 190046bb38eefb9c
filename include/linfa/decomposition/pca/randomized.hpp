// The randomized solver (Halko, Martinsson & Tropp, "Finding structure with randomness", 2011,
// as scikit-learn's randomized_svd): a Gaussian sketch Y = X_c Omega of k + oversamples
// columns, power iterations Y <- X_c (X_c^T Y) orthonormalised at each half step, then the SVD
// of the small B = Q^T X_c. X_c is never formed: X_c M = X M - 1 (mean^T M), and
// X_c^T Y = X^T Y - mean (1^T Y). Omega is drawn from the caller's Rng (Boost.Random); the
// tall Y (a row per record) is orthonormalised by a tall-skinny QR over the fixed chunks (a
// QR per chunk, one of the stacked R factors, Q = each chunk's Q times its block of the
// stacked Q), and sums over rows are combined in chunk order, so the result is the same bit
// for bit on any thread count and, through ChunkedRows, on any number of ranks: Y stays with
// the rows it belongs to. Memory: the n x (k + oversamples) sketch, and small matrices.
#pragma once

#include <algorithm>
#include <cstddef>

#include <Eigen/QR>
#include <Eigen/SVD>

#include "../../core/chunked_rows.hpp"
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

/// An orthonormal basis of the columns of the tall `y` (a row per held row: every process's
/// rows of y together), by TSQR over the held chunks, into `q`: the held rows of the basis.
/// `q` (not `y`) is resized only when its shape changes, so power iterations reuse its memory.
template <Float F, ChunkedRows<F> Rows>
void orthonormal_rows(const Rows& rows, const HeldChunks<F>& held, const MatrixD& y, MatrixD& q) {
    const auto l = y.cols();
    const auto width = std::size_t(l * l);  // per chunk: its R factor, padded with zero rows to l x l
    q.resize(y.rows(), l);
    PerChunk<double> factors(held.plan.n_chunks, width);
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        const auto n = Eigen::Index(end - begin), m = std::min(n, l);
        const Eigen::HouseholderQR<MatrixD> qr(y.middleRows(Eigen::Index(begin), n));
        q.middleRows(Eigen::Index(begin), n).leftCols(m) = qr.householderQ() * MatrixD::Identity(n, m);
        Eigen::Map<MatrixD>(factors[chunk], m, l) = qr.matrixQR().topRows(m).template triangularView<Eigen::Upper>();
    });
    const auto all = rows.every_chunk(factors, width);  // chunk c's factor: rows [c l, (c + 1) l)
    const MatrixD stacked_q = orthonormal_basis(Eigen::Map<const MatrixD>(all.data(), Eigen::Index(all.size() / std::size_t(l)), l));
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        const auto n = Eigen::Index(end - begin), m = std::min(n, l);
        MatrixD part;
        linalg::serial_product(q.middleRows(Eigen::Index(begin), n).leftCols(m),
                               stacked_q.middleRows(Eigen::Index(held.first_chunk + chunk) * l, m), part);
        q.middleRows(Eigen::Index(begin), n) = part;
    });
}

/// X_c m over the held rows (a row each), into `out` (resized only when its shape changes:
/// power iterations reuse its memory rather than fault in fresh pages for every product).
template <Float F>
void centred_times(const HeldChunks<F>& held, const linalg::Centring& centring, const MatrixD& m, MatrixD& out) {
    out.resize(Eigen::Index(held.view.n_samples()), m.cols());
    const Eigen::RowVectorXd offset = centring.x_mean.transpose() * m;
    for_each_chunk(held.plan, [&](std::size_t, std::size_t begin, std::size_t end) {
        const auto n = Eigen::Index(end - begin);
        MatrixD part;
        linalg::serial_product(held.view.records().middleRows(Eigen::Index(begin), n), m, part);
        out.middleRows(Eigen::Index(begin), n) = part.rowwise() - offset;
    });
}

/// X_c^T y (d x columns of y) over every process's rows (`y`: a row per held row), summed
/// over rows chunk by chunk in chunk order.
template <Float F, ChunkedRows<F> Rows>
MatrixD centred_transpose_times(const Rows& rows, const HeldChunks<F>& held, const linalg::Centring& centring, const MatrixD& y) {
    const auto d = Eigen::Index(rows.n_features()), l = y.cols();
    const std::size_t width = std::size_t(d * l + l);  // X^T y, then the column sums of y
    PerChunk<double> partial(held.plan.n_chunks, width);
    for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        const auto n = Eigen::Index(end - begin);
        const auto y_rows = y.middleRows(Eigen::Index(begin), n);
        MatrixD product;
        linalg::serial_product(held.view.records().middleRows(Eigen::Index(begin), n).transpose(), y_rows, product);
        Eigen::Map<MatrixD>(partial[chunk], d, l) = product;
        Eigen::Map<Eigen::RowVectorXd>(partial[chunk] + d * l, l) = y_rows.colwise().sum();
    });
    const auto totals = rows.total(partial, width);
    const Eigen::Map<const Eigen::RowVectorXd> column_sums(totals.data() + d * l, l);
    return Eigen::Map<const MatrixD>(totals.data(), d, l) - centring.x_mean * column_sums;
}

/// The k leading axes of the centred records and their squared singular values, by the
/// randomized range finder with `oversamples` extra directions and `iterations` power
/// iterations. `held`: the rows' chunks of plan_chunks(n).
template <Float F, ChunkedRows<F> Rows>
Spectrum randomized_spectrum(const Rows& rows, const HeldChunks<F>& held, const linalg::Centring& centring, std::size_t k,
                             std::size_t oversamples, std::size_t iterations, Rng rng) {
    const auto d = Eigen::Index(rows.n_features());
    const auto l = std::min<Eigen::Index>(Eigen::Index(k + oversamples), std::min<Eigen::Index>(d, Eigen::Index(rows.n_samples())));
    MatrixD omega(d, l);
    for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index j = 0; j < l; ++j) omega(i, j) = rng.normal<double>();
    }
    // The tall sketch and its basis (a row per held row) are allocated once: a fresh pair per
    // power iteration spent more time faulting in pages than computing (bench/README.md).
    MatrixD y, q;
    centred_times(held, centring, omega, y);
    orthonormal_rows(rows, held, y, q);
    for (std::size_t it = 0; it < iterations; ++it) {
        const MatrixD z = orthonormal_basis(centred_transpose_times(rows, held, centring, q));
        centred_times(held, centring, z, y);
        orthonormal_rows(rows, held, y, q);
    }
    const MatrixD b = centred_transpose_times(rows, held, centring, q).transpose();  // l x d: Q^T X_c
    const Eigen::JacobiSVD<MatrixD> svd(b, Eigen::ComputeThinV);
    const auto kept = Eigen::Index(k);
    Spectrum s{svd.matrixV().leftCols(kept).transpose(), svd.singularValues().head(kept).array().square().matrix()};
    return s;
}

}  // namespace linfa::decomposition::pca_detail
