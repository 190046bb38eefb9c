// scipy.sparse CSR matrices in linfa._linfa: `SparseArrays<F>` (bound as CsrF32 / CsrF64)
// holds the three arrays of a CSR matrix, viewed in place, and the CsrView checked once when
// it is made, so fit and every predict-like call take it without a copy or a second check.
// The Python layer (linfa/_validation.py) makes one from any scipy sparse matrix or array,
// converting other formats to CSR and other dtypes to float64 once.
#pragma once

#include "common.hpp"

#include <cstdint>
#include <variant>

#include <linfa/core/sparse.hpp>

namespace linfa_python {

/// The data, indices and indptr arrays of a CSR matrix (indices and indptr both int32 or both
/// int64) and the checked view over them.
template <linfa::Float F>
class SparseArrays {
public:
    /// Views the arrays; throws InvalidInput for a malformed matrix (see linfa::CsrView) or for
    /// index arrays that are not both int32 or both int64.
    SparseArrays(CArray<F> data, py::array indices, py::array indptr, std::size_t rows, std::size_t cols)
        : data_(std::move(data)), indices_(std::move(indices)), indptr_(std::move(indptr)), view_(make_view(rows, cols)) {}

    /// `fn(const linfa::CsrView<F, I>&)` for the index type of the arrays.
    template <class Fn>
    decltype(auto) visit(Fn&& fn) const {
        return std::visit(std::forward<Fn>(fn), view_);
    }
    /// Rows and columns.
    py::tuple shape() const {
        return visit([](const auto& v) { return py::make_tuple(v.rows(), v.cols()); });
    }
    /// The stored values.
    const CArray<F>& data() const { return data_; }
    /// The column of every stored value.
    const py::array& indices() const { return indices_; }
    /// The rows + 1 offsets into data and indices.
    const py::array& indptr() const { return indptr_; }
    /// The checked view with sample weights (none when `weights` is empty).
    template <class Fn>
    decltype(auto) visit_dataset(const std::optional<CArray<F>>& weights, Fn&& fn) const {
        std::span<const F> w;
        if (weights) {
            if (weights->ndim() != 1) throw linfa::InvalidInput("sample_weight must be 1-D");
            w = {weights->data(), std::size_t(weights->size())};
        }
        return visit([&](const auto& view) { return fn(linfa::SparseDatasetView(view, w)); });
    }

private:
    using View = std::variant<linfa::CsrView<F, std::int32_t>, linfa::CsrView<F, std::int64_t>>;

    template <linfa::SparseIndex I>
    static std::span<const I> span_of(const py::array& a, const char* name) {
        if (a.ndim() != 1 || !(a.flags() & py::array::c_style)) {
            throw linfa::InvalidInput(std::string("CSR ") + name + " must be a contiguous 1-D array");
        }
        return {static_cast<const I*>(a.data()), std::size_t(a.size())};
    }

    View make_view(std::size_t rows, std::size_t cols) const {
        if (data_.ndim() != 1) throw linfa::InvalidInput("CSR data must be a 1-D array");
        const std::span<const F> values(data_.data(), std::size_t(data_.size()));
        const auto kind = [](const py::array& a) { return a.dtype().kind() == 'i' ? a.itemsize() : 0; };
        if (kind(indices_) == 4 && kind(indptr_) == 4) {
            return linfa::CsrView<F, std::int32_t>(rows, cols, span_of<std::int32_t>(indptr_, "indptr"),
                                                   span_of<std::int32_t>(indices_, "indices"), values);
        }
        if (kind(indices_) == 8 && kind(indptr_) == 8) {
            return linfa::CsrView<F, std::int64_t>(rows, cols, span_of<std::int64_t>(indptr_, "indptr"),
                                                   span_of<std::int64_t>(indices_, "indices"), values);
        }
        throw linfa::InvalidInput("CSR indices and indptr must both be int32 or both int64, found " +
                                  std::string(py::str(indices_.dtype())) + " and " + std::string(py::str(indptr_.dtype())));
    }

    CArray<F> data_;
    py::array indices_, indptr_;
    View view_;
};

// An algorithm's binding is written once for dense and sparse X through these: `fn` gets
// the records (a DatasetView for an array, a CsrView for a CSR matrix), or the records with
// the sample weights (a DatasetView or a SparseDatasetView), and with the targets of a
// regressor or the labels of a classifier.

/// `fn(records)` for a dense array.
template <linfa::Float F, class Fn>
decltype(auto) with_records(const CArray<F>& x, Fn&& fn) {
    return fn(linfa::DatasetView<F>(view_of(x)));
}
/// `fn(records)` for a CSR matrix.
template <linfa::Float F, class Fn>
decltype(auto) with_records(const SparseArrays<F>& x, Fn&& fn) {
    return x.visit(std::forward<Fn>(fn));
}
/// `fn(dataset)` for a dense array and optional weights.
template <linfa::Float F, class Fn>
decltype(auto) with_dataset(const CArray<F>& x, const std::optional<CArray<F>>& weights, Fn&& fn) {
    return fn(dataset_of(x, weights));
}
/// `fn(dataset)` for a CSR matrix and optional weights.
template <linfa::Float F, class Fn>
decltype(auto) with_dataset(const SparseArrays<F>& x, const std::optional<CArray<F>>& weights, Fn&& fn) {
    return x.visit_dataset(weights, std::forward<Fn>(fn));
}

/// `fn(dataset)` for X (a dense array or a CSR matrix), optional weights and the n x t targets
/// `y` of a regressor, all viewed in place.
template <linfa::Float F, class Records, class Fn>
decltype(auto) with_regression_data(const Records& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                                    Fn&& fn) {
    return with_dataset(x, weights, [&](const auto& data) { return fn(data.with_targets(targets_view(y, data.n_samples()))); });
}
/// `fn(dataset)` for X (a dense array or a CSR matrix), optional weights and one int32 label
/// per sample, all viewed in place.
template <linfa::Float F, class Records, class Fn>
decltype(auto) with_labelled_data(const Records& x, const LabelArray& labels, const std::optional<CArray<F>>& weights,
                                  Fn&& fn) {
    return with_dataset(x, weights, [&](const auto& data) { return fn(data.with_labels(labels_view(labels))); });
}

}  // namespace linfa_python
