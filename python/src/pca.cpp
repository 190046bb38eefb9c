// PCA in linfa._linfa: the C++ linfa::decomposition::Pca model for float32 and float64
// (PcaF32, PcaF64) and its fit functions (pca_fit_f32 / _f64), with as little policy as
// possible; the scikit-learn estimator contract lives in linfa/_pca.py.
#include "common.hpp"

#include <string>

#include <linfa/decomposition/pca.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/mpi.hpp>
#include <linfa/distributed/pca.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::decomposition::Pca;
using linfa::decomposition::PcaSolver;

/// PCA's checked parameters. At most one of `n_components` and `variance_fraction` is given
/// (neither: every component); `n_power_iterations` None is scikit-learn's "auto".
template <linfa::Float F>
linfa::decomposition::PcaValidParams<F> fit_params(std::optional<std::size_t> n_components, std::optional<double> variance_fraction,
                                                   bool whiten, PcaSolver solver, std::size_t n_oversamples,
                                                   std::optional<std::size_t> n_power_iterations, std::uint64_t seed) {
    auto params = Pca<F>::params(linfa::Rng(seed)).whiten(whiten).solver(solver).n_oversamples(n_oversamples);
    if (n_components && variance_fraction) {
        throw linfa::InvalidParams("PCA: give n_components or variance_fraction, not both");
    }
    if (n_components) params.n_components(*n_components);
    if (variance_fraction) params.variance_fraction(*variance_fraction);
    if (n_power_iterations) params.n_power_iterations(*n_power_iterations);
    return params.check();
}

/// Fits PCA on X (the parameters as fit_params takes them).
template <linfa::Float F>
Pca<F> fit(const CArray<F>& x, std::optional<std::size_t> n_components, std::optional<double> variance_fraction,
           bool whiten, PcaSolver solver, std::size_t n_oversamples, std::optional<std::size_t> n_power_iterations,
           std::uint64_t seed) {
    const auto params = fit_params<F>(n_components, variance_fraction, whiten, solver, n_oversamples, n_power_iterations, seed);
    const linfa::DatasetView<F> data(view_of(x));
    return without_gil([&] { return params.fit(data); });
}

#ifdef LINFA_PYTHON_MPI
/// `fit` on this rank's rows of a dataset spread over the ranks of the MPI communicator whose
/// Fortran handle is `comm` (mpi4py's Comm.py2f()): every rank gets the model one process
/// fits on all the rows.
template <linfa::Float F>
Pca<F> fit_distributed(const CArray<F>& x, std::optional<std::size_t> n_components, std::optional<double> variance_fraction,
                       bool whiten, PcaSolver solver, std::size_t n_oversamples, std::optional<std::size_t> n_power_iterations,
                       std::uint64_t seed, std::int64_t comm) {
    const auto params = fit_params<F>(n_components, variance_fraction, whiten, solver, n_oversamples, n_power_iterations, seed);
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    const linfa::DatasetView<F> data(view_of(x));
    return without_gil([&] { return linfa::distributed::fit(params, group, data); });
}
#endif

template <linfa::Float F>
void bind_model(py::module_& m, const char* name) {
    using M = Pca<F>;
    py::class_<M> model_class(m, name, "A fitted PCA model (C++ linfa::decomposition::Pca).");
    def_model_file_members(model_class);
    model_class
        .def_property_readonly("components", [](const M& p) { return linfa::Matrix<F>(p.components()); },
                               "Principal axes, n_components x n_features.")
        .def_property_readonly("explained_variance", [](const M& p) { return linfa::Vector<F>(p.explained_variance()); })
        .def_property_readonly("explained_variance_ratio",
                               [](const M& p) { return linfa::Vector<F>(p.explained_variance_ratio()); })
        .def_property_readonly("singular_values", [](const M& p) { return linfa::Vector<F>(p.singular_values()); })
        .def_property_readonly("mean", [](const M& p) { return linfa::Vector<F>(p.mean()); })
        .def_property_readonly("noise_variance", &M::noise_variance)
        .def_property_readonly("whiten", &M::whiten)
        .def_property_readonly("n_samples", &M::n_samples)
        .def_property_readonly("n_components", &M::n_components)
        .def_property_readonly("n_features", &M::n_features)
        .def(
            "transform",
            [](const M& p, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return p.transform(data); });
            },
            py::arg("X").noconvert(), "X in the components' coordinates, n_samples x n_components.")
        .def(
            "inverse_transform",
            [](const M& p, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return p.inverse_transform(data); });
            },
            py::arg("X").noconvert(), "Back from n_samples x n_components to n_samples x n_features.")
        .def(
            "score_samples",
            [](const M& p, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return p.score_samples(data); });
            },
            py::arg("X").noconvert(), "Log-likelihood of every sample under the probabilistic PCA model.")
        .def(
            "score",
            [](const M& p, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return p.score(data); });
            },
            py::arg("X").noconvert(), "Mean log-likelihood of the samples.");

    m.def(per_scalar_name<F>("pca_fit").c_str(), &fit<F>, py::arg("X").noconvert(), py::arg("n_components"),
          py::arg("variance_fraction"), py::arg("whiten"), py::arg("solver"), py::arg("n_oversamples"),
          py::arg("n_power_iterations"), py::arg("seed"), "Fits PCA on X; X is not copied.");
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("pca_fit_distributed").c_str(), &fit_distributed<F>, py::arg("X").noconvert(),
          py::arg("n_components"), py::arg("variance_fraction"), py::arg("whiten"), py::arg("solver"),
          py::arg("n_oversamples"), py::arg("n_power_iterations"), py::arg("seed"), py::arg("comm"),
          "Fits PCA on this rank's rows of data spread over an MPI communicator (Fortran handle).");
#endif
}

}  // namespace

void bind_pca(py::module_& m) {
    py::enum_<PcaSolver>(m, "PcaSolver", "How PCA finds its components (C++ linfa::decomposition::PcaSolver).")
        .value("Auto", PcaSolver::Auto)
        .value("Full", PcaSolver::Full)
        .value("Randomized", PcaSolver::Randomized);
    bind_model<float>(m, "PcaF32");
    bind_model<double>(m, "PcaF64");
}

const RegisterBindings registered(bind_pca);

}  // namespace linfa_python
