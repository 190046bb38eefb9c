// Binds SparseArrays<F> (sparse.hpp) as CsrF32 and CsrF64.
#include "sparse.hpp"

namespace linfa_python {
namespace {

template <linfa::Float F>
void bind_sparse_arrays(py::module_& m, const char* name) {
    py::class_<SparseArrays<F>>(m, name, "A checked view of a CSR matrix's three arrays (no copy).")
        .def(py::init<CArray<F>, py::array, py::array, std::size_t, std::size_t>(), py::arg("data").noconvert(),
             py::arg("indices"), py::arg("indptr"), py::arg("n_rows"), py::arg("n_cols"))
        .def_property_readonly("shape", &SparseArrays<F>::shape)
        .def_property_readonly("dtype", [](const SparseArrays<F>&) { return py::dtype::of<F>(); })
        .def_property_readonly("data", &SparseArrays<F>::data)
        .def_property_readonly("indices", &SparseArrays<F>::indices)
        .def_property_readonly("indptr", &SparseArrays<F>::indptr);
}

void bind_sparse(py::module_& m) {
    bind_sparse_arrays<float>(m, "CsrF32");
    bind_sparse_arrays<double>(m, "CsrF64");
}

const RegisterBindings registered(bind_sparse);

}  // namespace
}  // namespace linfa_python
