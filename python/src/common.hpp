// What every source of linfa._linfa shares (module.cpp, and one source per algorithm):
// NumPy arrays as linfa views, C++ work without the GIL, the per-scalar-type function names,
// model-file bytes and the members every bound model has.
//
// Arrays come in as C-contiguous arrays of exactly the model's scalar type (bind them with
// `py::arg(...).noconvert()`): the Python layer (linfa/_validation.py) converts anything else
// once, so here a NumPy buffer is viewed, never copied.
//
// Every source includes this header before any other pybind11 header, so that all of them see
// the same type casters (Eigen, NumPy, std::optional): pybind11 requires that of a module.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <linfa/core/dataset.hpp>
#include <vector>

#include <linfa/core/error.hpp>
#include <linfa/io/model_file.hpp>

namespace linfa_python {

namespace py = pybind11;

// ------------------------------------------------------------------ entry points
// Each algorithm's source (kmeans.cpp, linear.cpp, pca.cpp, ...) binds its models and fit
// functions in one function, which it registers with a static RegisterBindings object; the
// module calls every registered function, so adding an algorithm edits neither this file nor
// module.cpp. Model classes must be bound before `load` can return them.

using BindFunction = void (*)(py::module_&);

/// Every registered binding function (filled by static initialisation, before the module's).
inline std::vector<BindFunction>& registered_bindings() {
    static std::vector<BindFunction> all;
    return all;
}

/// `const RegisterBindings x(bind_x);` at namespace scope in a binding source.
struct RegisterBindings {
    explicit RegisterBindings(BindFunction bind) { registered_bindings().push_back(bind); }
};

// ------------------------------------------------------------------ arrays

template <linfa::Float F>
using CArray = py::array_t<F, py::array::c_style>;

/// A view of a 2-D array's buffer (no copy). The array must outlive the view.
template <linfa::Float F>
linfa::MatrixView<F> view_of(const CArray<F>& x) {
    if (x.ndim() != 2) {
        throw linfa::InvalidInput("expected a 2-D array of shape (n_samples, n_features), found " +
                                  std::to_string(x.ndim()) + " dimension(s)");
    }
    return linfa::MatrixView<F>(x.data(), x.shape(0), x.shape(1));
}

/// Records plus optional 1-D sample weights, both viewed in place.
template <linfa::Float F>
linfa::DatasetView<F> dataset_of(const CArray<F>& x, const std::optional<CArray<F>>& weights) {
    if (!weights) return linfa::DatasetView<F>(view_of(x));
    if (weights->ndim() != 1) {
        throw linfa::InvalidInput("sample_weight must be 1-D, found " + std::to_string(weights->ndim()) +
                                  " dimension(s)");
    }
    return linfa::DatasetView<F>(view_of(x), std::span<const F>(weights->data(), std::size_t(weights->size())));
}

/// A view of the n x t targets of a regressor for `n_samples` samples (no copy); throws
/// InvalidInput unless y is 2-D with one row per sample.
template <linfa::Float F>
linfa::MatrixView<F> targets_view(const CArray<F>& y, std::size_t n_samples) {
    if (y.ndim() != 2) {
        throw linfa::InvalidInput("targets must be a 2-D array of shape (n_samples, n_targets), found " +
                                  std::to_string(y.ndim()) + " dimension(s)");
    }
    if (static_cast<std::size_t>(y.shape(0)) != n_samples) {
        throw linfa::InvalidInput("targets have " + std::to_string(y.shape(0)) + " rows for " +
                                  std::to_string(n_samples) + " samples");
    }
    return linfa::MatrixView<F>(y.data(), y.shape(0), y.shape(1));
}

/// Records, optional sample weights and the n x t targets of a regressor, all viewed in place.
template <linfa::Float F>
linfa::DatasetView<F> regression_data(const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& weights) {
    const linfa::DatasetView<F> records = dataset_of(x, weights);
    return records.with_targets(targets_view(y, records.n_samples()));
}

/// int32 class labels, one per sample, as the Python layer encodes them.
using LabelArray = py::array_t<std::int32_t, py::array::c_style>;

/// A view of 1-D int32 labels (no copy); throws InvalidInput unless `labels` is 1-D.
inline std::span<const std::int32_t> labels_view(const LabelArray& labels) {
    if (labels.ndim() != 1) {
        throw linfa::InvalidInput("labels must be 1-D, found " + std::to_string(labels.ndim()) + " dimension(s)");
    }
    return {labels.data(), std::size_t(labels.size())};
}

// ------------------------------------------------------------------ the GIL

/// `compute()` with the GIL released, so other Python threads run while C++ computes. It may
/// touch only C++ objects and views of buffers that the caller's arguments keep alive; its
/// result becomes a Python object after the GIL is back.
template <class Compute>
auto without_gil(Compute&& compute) {
    py::gil_scoped_release release;
    return std::forward<Compute>(compute)();
}

// ------------------------------------------------------------------ function names

/// `name` + "_f32" or "_f64": a binding defines its functions once per scalar type under these
/// names (fit_f32, fit_f64), and the Python layer picks one by the dtype of X
/// (linfa/_base.py, `native_function`).
template <linfa::Float F>
std::string per_scalar_name(const std::string& name) {
    return name + "_" + std::string(linfa::scalar_name<F>());
}

// ------------------------------------------------------------------ model files

/// The model file (binary encoding) as bytes: what pickling stores.
template <linfa::SerializableModel M>
std::string to_bytes(const M& model) {
    std::ostringstream out;
    linfa::save(model, out);
    return out.str();
}

/// A model of type M from model-file bytes of either encoding.
template <linfa::SerializableModel M>
M from_bytes(const std::string& bytes) {
    std::istringstream in(bytes);
    return linfa::load<M>(in);
}

/// Adds what every bound model has and the Python base class (linfa/_base.py) relies on:
/// `kind` (the model kind of its files, the key of Python's estimator registry), `dtype`,
/// `to_bytes` (for pickling) and `save`. The binding itself adds `n_features`, also relied
/// on, and the rest.
template <linfa::SerializableModel M>
void def_model_file_members(py::class_<M>& model_class) {
    using F = typename linfa::model_io<M>::scalar_type;
    model_class.attr("kind") = std::string(linfa::model_io<M>::kind);
    model_class.def_property_readonly("dtype", [](const M&) { return py::dtype::of<F>(); })
        .def("to_bytes", [](const M& model) { return py::bytes(to_bytes(model)); },
             "The model file (binary encoding) as bytes.")
        .def(
            "save",
            [](const M& model, const std::string& path, bool json) {
                linfa::save(model, path, json ? linfa::FileFormat::json : linfa::FileFormat::binary);
            },
            py::arg("path"), py::arg("json") = false);
}

}  // namespace linfa_python
