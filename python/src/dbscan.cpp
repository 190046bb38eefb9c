// DBSCAN in linfa._linfa: `dbscan_fit_predict_f32` / `_f64`, the C++
// linfa::clustering::DbscanParams::fit_predict (X an array or a CSR matrix), and `dbscan_label_neighbourhoods`, the labelling
// of neighbourhoods found in a precomputed distance matrix. DBSCAN leaves no model, so nothing
// is bound but functions: each returns the labels and the core samples' rows. The scikit-learn
// estimator contract lives in linfa/_dbscan.py.
#include "common.hpp"
#include "sparse.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <linfa/clustering/dbscan.hpp>

namespace linfa_python {
namespace {

/// (labels as int32, core sample rows as int64) of what DBSCAN found.
py::tuple labels_and_core(linfa::clustering::DbscanClusters found) {
    const auto& core = found.core_sample_indices;
    return py::make_tuple(std::move(found.labels), py::array_t<std::int64_t>(py::ssize_t(core.size()), core.data()));
}

/// X is a dense array (CArray<F>) or a CSR matrix (SparseArrays<F>).
template <linfa::Float F, class X>
py::tuple dbscan_fit_predict(const X& x, const std::optional<CArray<F>>& weights, double eps,
                             std::size_t min_samples, const std::string& metric, double p,
                             const std::string& algorithm, std::size_t leaf_size) {
    const auto params = linfa::clustering::DbscanParams<F>(eps, min_samples)
                            .metric(linfa::nn::Metric::parse(metric, p))
                            .algorithm(linfa::nn::parse_algorithm(algorithm))
                            .leaf_size(leaf_size);
    return with_dataset(x, weights, [&](const auto& data) { return labels_and_core(without_gil([&] { return params.fit_predict(data); })); });
}

/// DBSCAN's labels of neighbourhoods given as compressed rows (uint64 offsets, int64 indices).
py::tuple dbscan_label_neighbourhoods(const py::array_t<std::uint64_t, py::array::c_style>& offsets,
                                      const py::array_t<std::int64_t, py::array::c_style>& indices,
                                      const std::optional<CArray<double>>& weights, std::size_t min_samples) {
    static_assert(sizeof(std::uint64_t) == sizeof(std::size_t));
    const linfa::clustering::Neighbourhoods hoods{
        {reinterpret_cast<const std::size_t*>(offsets.data()), std::size_t(offsets.size())},
        {indices.data(), std::size_t(indices.size())}};
    const std::span<const double> w = weights ? std::span<const double>(weights->data(), std::size_t(weights->size())) : std::span<const double>();
    return labels_and_core(without_gil([&] { return linfa::clustering::label_neighbourhoods<double>(hoods, w, min_samples); }));
}

template <linfa::Float F, class X>
void bind_dbscan_for(py::module_& m) {
    m.def(per_scalar_name<F>("dbscan_fit_predict").c_str(), &dbscan_fit_predict<F, X>, py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("eps"), py::arg("min_samples"), py::arg("metric"), py::arg("p"),
          py::arg("algorithm"), py::arg("leaf_size"),
          "DBSCAN on X, an array or a CSR matrix (optional sample weights): (int32 labels, -1 for noise; int64 rows of the "
          "core samples).");
}

}  // namespace

void bind_dbscan(py::module_& m) {
    bind_dbscan_for<float, CArray<float>>(m);
    bind_dbscan_for<float, SparseArrays<float>>(m);
    bind_dbscan_for<double, CArray<double>>(m);
    bind_dbscan_for<double, SparseArrays<double>>(m);
    m.def("dbscan_label_neighbourhoods", &dbscan_label_neighbourhoods, py::arg("offsets").noconvert(),
          py::arg("indices").noconvert(), py::arg("sample_weight").noconvert(), py::arg("min_samples"),
          "DBSCAN's labels of given neighbourhoods (compressed rows, each neighbour once, each sample its own "
          "neighbour): (int32 labels, int64 core sample rows).");
}

const RegisterBindings registered_dbscan(bind_dbscan);

}  // namespace linfa_python
