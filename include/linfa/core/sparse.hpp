// Sparse records in compressed sparse row form (CSR), the layout of scipy.sparse's csr_matrix
// and of most text features (TF-IDF, bags of words, one-hot codes): row i's non-zeros are
// data[indptr[i] .. indptr[i + 1]) at the columns indices[indptr[i] .. indptr[i + 1]).
// `CsrView` views caller-owned buffers (NumPy's, without a copy); `CsrMatrix` owns them.
// As scikit-learn does, column indices need not be sorted within a row and explicit zeros are
// kept. A column listed twice in one row is refused: its value would be ambiguous (scipy sums
// duplicates only when asked, so products and norms computed on the raw arrays disagree).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "arithmetic.hpp"
#include "dataset.hpp"
#include "error.hpp"
#include "matrix.hpp"

namespace linfa {

/// The index types of sparse matrices, scipy's two: indices and row offsets are both `I`.
/// Requires: `I` is exactly std::int32_t or std::int64_t.
template <class I>
concept SparseIndex = std::same_as<I, std::int32_t> || std::same_as<I, std::int64_t>;

/// One sparse row: the columns of its non-zeros and their values (same length, any order).
template <Float F, SparseIndex I>
struct SparseRow {
    std::span<const I> indices;  ///< the columns of the row's stored values
    std::span<const F> values;   ///< the stored values, one per index
};

template <Float F, SparseIndex I>
class CsrMatrix;

/// A read-only view of an n_rows x n_cols CSR matrix over caller-owned buffers, checked once
/// when it is made: every algorithm that takes one may trust its structure and values.
/// Valid while the buffers live.
template <Float F, SparseIndex I = std::int32_t>
class CsrView {
public:
    using Row = SparseRow<F, I>;  ///< one row's indices and values

    /// Throws InvalidInput, naming what is wrong and where, unless `indptr` holds n_rows + 1
    /// offsets that start at 0, never decrease and end at the common length of `indices` and
    /// `data`; every column index is in [0, n_cols) and appears at most once in its row; and
    /// every value is finite.
    CsrView(std::size_t n_rows, std::size_t n_cols, std::span<const I> indptr, std::span<const I> indices, std::span<const F> data)
        : n_rows_(n_rows), n_cols_(n_cols), indptr_(indptr), indices_(indices), data_(data) {
        check_offsets();
        check_rows();
    }

    /// Number of rows (samples).
    std::size_t rows() const { return n_rows_; }
    /// Number of columns (features).
    std::size_t cols() const { return n_cols_; }
    /// Stored entries, explicit zeros included.
    std::size_t nnz() const { return data_.size(); }
    /// Row `i` (< rows()): its stored columns and values.
    Row row(std::size_t i) const {
        const auto begin = static_cast<std::size_t>(indptr_[i]), end = static_cast<std::size_t>(indptr_[i + 1]);
        return {indices_.subspan(begin, end - begin), data_.subspan(begin, end - begin)};
    }
    /// The rows + 1 offsets into indices() and data().
    std::span<const I> indptr() const { return indptr_; }
    /// The column of every stored value.
    std::span<const I> indices() const { return indices_; }
    /// The stored values.
    std::span<const F> data() const { return data_; }

private:
    friend class CsrMatrix<F, I>;
    struct Checked {};
    /// A view of arrays already checked (a CsrMatrix's, immutable since): no second check.
    CsrView(Checked, std::size_t n_rows, std::size_t n_cols, std::span<const I> indptr, std::span<const I> indices,
            std::span<const F> data)
        : n_rows_(n_rows), n_cols_(n_cols), indptr_(indptr), indices_(indices), data_(data) {}

    void check_offsets() const {
        if (indptr_.size() != n_rows_ + 1) {
            throw InvalidInput("CSR indptr has " + std::to_string(indptr_.size()) + " entries; a matrix of " + std::to_string(n_rows_) +
                               " rows needs " + std::to_string(n_rows_ + 1));
        }
        if (indices_.size() != data_.size()) {
            throw InvalidInput("CSR indices and data differ in length: " + std::to_string(indices_.size()) + " indices, " +
                               std::to_string(data_.size()) + " values");
        }
        if (indptr_[0] != 0) throw InvalidInput("CSR indptr must start at 0, found " + std::to_string(indptr_[0]));
        for (std::size_t i = 0; i < n_rows_; ++i) {
            if (indptr_[i + 1] < indptr_[i]) {
                throw InvalidInput("CSR indptr decreases at row " + std::to_string(i) + " (" + std::to_string(indptr_[i]) + " then " +
                                   std::to_string(indptr_[i + 1]) + ")");
            }
        }
        if (static_cast<std::size_t>(indptr_[n_rows_]) != data_.size()) {
            throw InvalidInput("CSR indptr ends at " + std::to_string(indptr_[n_rows_]) + " but there are " + std::to_string(data_.size()) +
                               " stored values");
        }
    }

    void check_rows() const {
        std::vector<I> sorted;  // the rare row whose indices are not in increasing order
        for (std::size_t i = 0; i < n_rows_; ++i) {
            const Row r = row(i);
            bool increasing = true;
            for (std::size_t e = 0; e < r.indices.size(); ++e) {
                const I column = r.indices[e];
                if (column < 0 || static_cast<std::size_t>(column) >= n_cols_) {
                    throw InvalidInput("CSR column index " + std::to_string(column) + " out of range [0, " + std::to_string(n_cols_) +
                                       ") in row " + std::to_string(i));
                }
                if (!std::isfinite(r.values[e])) {
                    throw InvalidInput("CSR data contain NaN or infinity (row " + std::to_string(i) + ", column " + std::to_string(column) + ")");
                }
                increasing &= e == 0 || r.indices[e - 1] < column;
            }
            if (increasing) continue;
            sorted.assign(r.indices.begin(), r.indices.end());
            std::sort(sorted.begin(), sorted.end());
            const auto repeat = std::adjacent_find(sorted.begin(), sorted.end());
            if (repeat != sorted.end()) {
                throw InvalidInput("CSR column " + std::to_string(*repeat) + " appears twice in row " + std::to_string(i) +
                                   " (sum duplicates first, e.g. scipy's sum_duplicates())");
            }
        }
    }

    std::size_t n_rows_, n_cols_;
    std::span<const I> indptr_, indices_;
    std::span<const F> data_;
};

/// An owning CSR matrix; `view()` is what algorithms take. Its arrays are checked once, when
/// it is made, and never change, so a view of it costs nothing.
template <Float F, SparseIndex I = std::int32_t>
class CsrMatrix {
public:
    /// Takes the three arrays; throws as CsrView's constructor.
    CsrMatrix(std::size_t n_rows, std::size_t n_cols, std::vector<I> indptr, std::vector<I> indices, std::vector<F> data)
        : n_rows_(n_rows), n_cols_(n_cols), indptr_(std::move(indptr)), indices_(std::move(indices)), data_(std::move(data)) {
        (void)CsrView<F, I>(n_rows_, n_cols_, indptr_, indices_, data_);  // checks
    }

    /// The non-zeros of a dense matrix of F (a Matrix, a MatrixView, an expression), row by row in increasing column order. Throws
    /// InvalidInput for NaN or infinity, and when the non-zeros do not fit index type `I`.
    template <class Derived>
    static CsrMatrix from_dense(const Eigen::MatrixBase<Derived>& dense) {
        static_assert(std::is_same_v<typename Derived::Scalar, F>, "from_dense: the dense matrix must hold F");
        std::vector<I> indptr{0}, indices;
        std::vector<F> data;
        for (Eigen::Index i = 0; i < dense.rows(); ++i) {
            for (Eigen::Index j = 0; j < dense.cols(); ++j) {
                if (dense(i, j) == F(0)) continue;
                indices.push_back(static_cast<I>(j));
                data.push_back(dense(i, j));
            }
            if (data.size() > static_cast<std::size_t>(std::numeric_limits<I>::max())) {
                throw InvalidInput("too many non-zeros for " + std::string(std::is_same_v<I, std::int32_t> ? "32" : "64") + "-bit indices");
            }
            indptr.push_back(static_cast<I>(data.size()));
        }
        return CsrMatrix(static_cast<std::size_t>(dense.rows()), static_cast<std::size_t>(dense.cols()), std::move(indptr),
                         std::move(indices), std::move(data));
    }

    /// A view of this matrix, valid while it lives.
    CsrView<F, I> view() const { return CsrView<F, I>(typename CsrView<F, I>::Checked{}, n_rows_, n_cols_, indptr_, indices_, data_); }
    /// Number of rows.
    std::size_t rows() const { return n_rows_; }
    /// Number of columns.
    std::size_t cols() const { return n_cols_; }
    /// Stored entries.
    std::size_t nnz() const { return data_.size(); }

private:
    std::size_t n_rows_, n_cols_;
    std::vector<I> indptr_, indices_;
    std::vector<F> data_;
};

/// Sparse records with the parts of SampleParts (optional sample weights, continuous targets,
/// class labels): what algorithms that take CSR input consume, as DatasetView is for dense
/// records. Non-owning; valid while the viewed buffers live.
template <Float F, SparseIndex I = std::int32_t>
class SparseDatasetView : public SampleParts<F, SparseDatasetView<F, I>> {
public:
    /// The scalar type of the records and weights.
    using scalar_type = F;

    /// Views `records` with optional sample weights, one per row (empty: unweighted); implicit,
    /// so a CsrView is usable as an unweighted dataset. Throws InvalidInput when `weights` is
    /// neither empty nor one per row.
    SparseDatasetView(CsrView<F, I> records, std::span<const F> weights = {})  // NOLINT: implicit by design
        : records_(records) {
        this->attach_weights(weights);
    }

    /// The records.
    const CsrView<F, I>& records() const { return records_; }
    /// Number of samples (rows).
    std::size_t n_samples() const { return records_.rows(); }
    /// Number of features (columns).
    std::size_t n_features() const { return records_.cols(); }

private:
    CsrView<F, I> records_;
};

/// Marks the sparse types a model can predict on: CsrView and SparseDatasetView.
template <class S>
struct sparse_rows_traits : std::false_type {};
/// A CSR view: its rows are predicted on.
template <Float F, SparseIndex I>
struct sparse_rows_traits<CsrView<F, I>> : std::true_type {
    using scalar = F;  ///< the values' type
};
/// A sparse dataset: its records are predicted on (weights, targets and labels unused).
template <Float F, SparseIndex I>
struct sparse_rows_traits<SparseDatasetView<F, I>> : std::true_type {
    using scalar = F;  ///< the values' type
};

/// Sparse rows of scalar F to predict on: a CsrView<F, I> or a SparseDatasetView<F, I>.
template <class S, class F>
concept SparseRowsOf = sparse_rows_traits<S>::value && std::same_as<typename sparse_rows_traits<S>::scalar, F>;

/// The rows of a CSR view: itself.
template <Float F, SparseIndex I>
const CsrView<F, I>& sparse_records(const CsrView<F, I>& x) { return x; }
/// The rows of a sparse dataset: its records.
template <Float F, SparseIndex I>
const CsrView<F, I>& sparse_records(const SparseDatasetView<F, I>& data) { return data.records(); }

/// The dense n_rows x n_cols matrix of `sparse` (zeros where nothing is stored).
template <Float F, SparseIndex I>
Matrix<F> to_dense(const CsrView<F, I>& sparse) {
    Matrix<F> dense = Matrix<F>::Zero(static_cast<Eigen::Index>(sparse.rows()), static_cast<Eigen::Index>(sparse.cols()));
    for (std::size_t i = 0; i < sparse.rows(); ++i) {
        const auto r = sparse.row(i);
        for (std::size_t e = 0; e < r.indices.size(); ++e) dense(Eigen::Index(i), Eigen::Index(r.indices[e])) = r.values[e];
    }
    return dense;
}

/// The squared Euclidean norm of every row, summed in double (with multiply_add, as every
/// sparse product here, so the rounding is the same for either index type): what distance computations on
/// sparse rows (||x||^2 - 2 x.c + ||c||^2) take once per fit, not once per iteration.
template <Float F, SparseIndex I>
std::vector<double> row_squared_norms(const CsrView<F, I>& sparse) {
    std::vector<double> norms(sparse.rows());
    for (std::size_t i = 0; i < sparse.rows(); ++i) {
        double sum = 0;
        for (const F v : sparse.row(i).values) sum = multiply_add(double(v), double(v), sum);
        norms[i] = sum;
    }
    return norms;
}

/// x . c for sparse row `x` and a dense row `c` of as many features, summed in double.
template <Float F, SparseIndex I>
double dot(const SparseRow<F, I>& x, const F* c) {
    double sum = 0;
    for (std::size_t e = 0; e < x.indices.size(); ++e) sum = multiply_add(double(x.values[e]), double(c[x.indices[e]]), sum);
    return sum;
}

}  // namespace linfa
