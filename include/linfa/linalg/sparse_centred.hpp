// What the linear fits need from sparse records without making them dense:
//   - the records by column (CSC, built once): coordinate descent reads a feature's values,
//     and X^T u is then a dot product per column, parallel over columns with no per-thread
//     partial sums (each column summed in row order: the same bits on any thread count);
//   - weighted column means (the centring of fit_intercept);
//   - the centred, weighted records A = D (X - 1 mu^T), D = diag(sqrt(w)), applied as
//     products (A v, A^T u) that never form A: centring fills in the zeros, so A itself would
//     be dense. Products and sums are in double for either scalar type.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "../core/arithmetic.hpp"
#include "../core/parallel.hpp"
#include "../core/sparse.hpp"
#include "centred.hpp"

namespace linfa::linalg {

/// The columns of a CSR matrix: column j's stored entries are rows[offsets[j] .. offsets[j+1])
/// in increasing row order, with their values.
template <Float F, SparseIndex I>
struct SparseColumns {
    std::vector<std::size_t> offsets;  ///< n_cols + 1 positions into rows and values
    std::vector<I> rows;               ///< the row of each stored entry
    std::vector<F> values;             ///< its value

    /// The columns of `x` (a counting sort of its entries by column, rows kept in order).
    explicit SparseColumns(const CsrView<F, I>& x) : offsets(x.cols() + 1, 0), rows(x.nnz()), values(x.nnz()) {
        for (const I j : x.indices()) ++offsets[std::size_t(j) + 1];
        for (std::size_t j = 0; j < x.cols(); ++j) offsets[j + 1] += offsets[j];
        std::vector<std::size_t> next(offsets.begin(), offsets.end() - 1);
        for (std::size_t i = 0; i < x.rows(); ++i) {
            const auto row = x.row(i);
            for (std::size_t e = 0; e < row.indices.size(); ++e) {
                const std::size_t at = next[std::size_t(row.indices[e])]++;
                rows[at] = I(i);
                values[at] = row.values[e];
            }
        }
    }

    /// Number of columns.
    std::size_t size() const { return offsets.size() - 1; }
};

/// Column means of sparse records (zeros included) and of their targets, weighted by the
/// sample weights; zeros when `fit_intercept` is false. As `weighted_means` for dense records.
template <Float F, SparseIndex I>
Centring weighted_means(const SparseDatasetView<F, I>& data, const SparseColumns<F, I>& columns, bool with_targets,
                        bool fit_intercept) {
    const std::size_t n = data.n_samples(), d = data.n_features(), t = with_targets ? data.n_targets() : 0;
    Centring c{VectorD::Zero(Eigen::Index(d)), VectorD::Zero(Eigen::Index(t)), 0.0};
    for (std::size_t i = 0; i < n; ++i) c.total_weight += double(data.weight(i));
    if (!fit_intercept) return c;
    const MatrixView<F> y = with_targets ? data.targets() : MatrixView<F>(nullptr, 0, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const double w = double(data.weight(i));
        for (std::size_t k = 0; k < t; ++k) c.y_mean[Eigen::Index(k)] += w * double(y(Eigen::Index(i), Eigen::Index(k)));
    }
    c.y_mean /= c.total_weight;
    for_each_chunk(plan_chunks(d, 256), [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t j = begin; j < end; ++j) {
            double sum = 0;
            for (std::size_t e = columns.offsets[j]; e < columns.offsets[j + 1]; ++e) {
                sum = multiply_add(double(data.weight(std::size_t(columns.rows[e]))), double(columns.values[e]), sum);
            }
            c.x_mean[Eigen::Index(j)] = sum / c.total_weight;
        }
    });
    require_finite_moments(c.x_mean.allFinite() && c.y_mean.allFinite());
    return c;
}

/// The centred, weighted records A = D (X - 1 mu^T) (n x d), D = diag(sqrt(scale x w)), as a
/// linear operator. Views `data`, `columns` and `centring`, which must outlive it.
template <Float F, SparseIndex I>
class CentredSparseOperator {
public:
    /// `scale` multiplies every sample weight (ElasticNet rescales them to sum to n).
    CentredSparseOperator(const SparseDatasetView<F, I>& data, const SparseColumns<F, I>& columns, const Centring& centring,
                          double scale = 1.0)
        : data_(data), columns_(columns), mean_(centring.x_mean), root_(Eigen::Index(data.n_samples())) {
        for (std::size_t i = 0; i < data.n_samples(); ++i) root_[Eigen::Index(i)] = std::sqrt(scale * double(data.weight(i)));
    }

    /// Rows (samples).
    Eigen::Index rows() const { return root_.size(); }
    /// Columns (features).
    Eigen::Index cols() const { return mean_.size(); }
    /// sqrt(scale x w_i) per sample: the diagonal of D.
    const VectorD& root_weights() const { return root_; }
    /// The records by column.
    const SparseColumns<F, I>& columns() const { return columns_; }
    /// The column means mu.
    const VectorD& means() const { return mean_; }

    /// u = A v: u_i = sqrt(w_i) (x_i . v - mu . v), parallel over rows.
    void apply(const VectorD& v, VectorD& u) const {
        const double shift = mean_.dot(v);
        u.resize(rows());
        const auto& x = data_.records();
        for_each_chunk(plan_chunks(x.rows()), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                const auto row = x.row(i);
                double sum = 0;
                for (std::size_t e = 0; e < row.indices.size(); ++e) {
                    sum = multiply_add(double(row.values[e]), v[Eigen::Index(row.indices[e])], sum);
                }
                u[Eigen::Index(i)] = root_[Eigen::Index(i)] * (sum - shift);
            }
        });
    }

    /// v = A^T u: v_j = sum_i sqrt(w_i) x_ij u_i - mu_j sum_i sqrt(w_i) u_i, parallel over
    /// columns.
    void apply_transpose(const VectorD& u, VectorD& v) const {
        const double total = root_.dot(u);
        v.resize(cols());
        for_each_chunk(plan_chunks(columns_.size(), 256), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t j = begin; j < end; ++j) v[Eigen::Index(j)] = multiply_add(-mean_[Eigen::Index(j)], total, column_dot(j, u));
        });
    }

    /// sum_i sqrt(w_i) x_ij u_i over column j's stored entries (the uncentred part of A^T u).
    double column_dot(std::size_t j, const VectorD& u) const {
        double sum = 0;
        for (std::size_t e = columns_.offsets[j]; e < columns_.offsets[j + 1]; ++e) {
            const auto i = Eigen::Index(columns_.rows[e]);
            sum = multiply_add(double(columns_.values[e]) * root_[i], u[i], sum);
        }
        return sum;
    }

    /// The centred, weighted target k: sqrt(w_i) (y_ik - y_mean_k).
    VectorD centred_target(const Centring& centring, std::size_t k) const {
        VectorD y(rows());
        const auto targets = data_.targets();
        for (Eigen::Index i = 0; i < rows(); ++i) {
            y[i] = root_[i] * (double(targets(i, Eigen::Index(k))) - centring.y_mean[Eigen::Index(k)]);
        }
        return y;
    }

private:
    SparseDatasetView<F, I> data_;
    const SparseColumns<F, I>& columns_;
    const VectorD& mean_;
    VectorD root_;
};

}  // namespace linfa::linalg
