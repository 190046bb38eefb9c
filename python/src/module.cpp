// linfa._linfa: the native half of the Python package. Each algorithm's bindings live in their
// own source (kmeans.cpp, linear.cpp, pca.cpp: the models, their fit functions), registered
// with RegisterBindings (common.hpp); this file makes the module of them and adds what spans every model: loading a
// model file of any kind listed in linfa::Models (include/linfa/models.hpp), and the exception
// translation.
//
// The scikit-learn estimator contract (parameters, input conversion, fitted attributes) lives
// in the Python package (linfa/_base.py and one module per estimator); the bindings keep as
// little policy as possible. The GIL is released while C++ computes.
#include "common.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <linfa/models.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace linfa_python {
namespace {

template <class M>
std::string kind_of() {
    return std::string(linfa::model_io<M>::kind);
}

template <class M>
std::string scalar_of() {
    return std::string(linfa::scalar_name<typename linfa::model_io<M>::scalar_type>());
}

/// The model of the kind and scalar type the header names, among every listed model, as the
/// Python object of its binding.
py::object load_dispatch(const linfa::ModelHeader& header, const std::string& bytes) {
    py::object loaded;
    std::string known;
    linfa::Models::for_each([&](auto type) {
        using M = typename decltype(type)::type;
        known += (known.empty() ? "" : ", ") + kind_of<M>() + "/" + scalar_of<M>();
        if (loaded || header.kind != kind_of<M>() || header.scalar != scalar_of<M>()) return;
        loaded = py::cast(from_bytes<M>(bytes));
    });
    if (!loaded) {
        throw linfa::ModelFileError("model file holds a '" + header.kind + "' model of " + header.scalar +
                                    " values; this build knows " + known);
    }
    return loaded;
}

py::object load_bytes(const std::string& bytes) {
    std::istringstream in(bytes);
    return load_dispatch(linfa::read_header(in), bytes);
}

/// The model kinds of linfa::Models, each once, in list order.
std::vector<std::string> model_kinds() {
    std::vector<std::string> kinds;
    linfa::Models::for_each([&](auto type) {
        const std::string kind = kind_of<typename decltype(type)::type>();
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
    });
    return kinds;
}

std::string read_file(const std::string& path) {
    auto in = linfa::io::open_for_reading(path);
    return linfa::io::read_all(in);
}

/// Every linfa exception derives from one of these three, so algorithms need no translation
/// of their own.
void register_exceptions() {
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const linfa::ModelFileError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        } catch (const linfa::InvalidParams& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const linfa::InvalidInput& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
}

}  // namespace
}  // namespace linfa_python

PYBIND11_MODULE(_linfa, m) {
    using namespace linfa_python;
    m.doc() = "Native core of the linfa Python package (see linfa.KMeans, linfa.LinearRegression, linfa.Ridge, linfa.PCA, "
              "linfa.StandardScaler, linfa.MinMaxScaler, linfa.MaxAbsScaler).";
    register_exceptions();
    for (const BindFunction bind : registered_bindings()) bind(m);

    m.def(
        "loads", [](const py::bytes& data) { return load_bytes(data); }, py::arg("data"),
        "The model in model-file bytes, of any kind and scalar type in linfa::Models (as its header says).");
    m.def(
        "load",
        [](const std::string& path) {
            const std::string bytes = read_file(path);  // its error names the path already
            try {
                return load_bytes(bytes);
            } catch (const linfa::ModelFileError& e) {
                throw linfa::ModelFileError(std::string(e.what()) + " [" + path + "]");
            }
        },
        py::arg("path"), "Loads a model file written by linfa::save (C++ or Python), of any kind in linfa::Models.");
    m.def("model_kinds", &model_kinds, "The model kinds this build loads (linfa::Models), each once.");
    m.def("openmp_threads", [] {
#ifdef _OPENMP
        return omp_get_max_threads();
#else
        return 1;
#endif
    });
}
