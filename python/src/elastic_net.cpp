// ElasticNet (and Lasso, the same model with l1_ratio 1) in linfa._linfa: ElasticNetF32/F64
// over the C++ linfa::linear::ElasticNet, and elastic_net_fit_f32 / _f64 (with MPI, their
// _distributed_ forms over a communicator). The scikit-learn
// estimator contract lives in linfa/_elastic_net.py.
//
// X is a C-contiguous array or a CSR matrix (SparseArrays, sparse.hpp): fit, predict and score
// take either (a CSR X is descended column by column, sparse; `precompute` concerns dense X
// only). Targets come in as a C-contiguous n x t array of the model's scalar type (the Python
// layer reshapes a 1-D y to n x 1), viewed in place like X and the sample weights.
#include "common.hpp"
#include "sparse.hpp"

#include <string>
#include <vector>

#include <linfa/linear/elastic_net.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/elastic_net.hpp>
#include <linfa/distributed/mpi.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::linear::ElasticNet;
using linfa::linear::Precompute;
using linfa::linear::Selection;

template <linfa::Float F>
linfa::linear::ElasticNetParams<F> elastic_net_params(double alpha, double l1_ratio, bool fit_intercept, Precompute precompute,
                                                      std::size_t max_iter, double tol, std::optional<Eigen::MatrixXd> warm_start,
                                                      bool positive, Selection selection, std::uint64_t seed) {
    auto params = ElasticNet<F>::params()
                      .alpha(alpha)
                      .l1_ratio(l1_ratio)
                      .fit_intercept(fit_intercept)
                      .precompute(precompute)
                      .max_iter(max_iter)
                      .tol(tol)
                      .positive(positive)
                      .selection(selection)
                      .rng(linfa::Rng(seed));
    if (warm_start) params.warm_start(std::move(*warm_start));
    return params;
}

/// X is a dense array (CArray<F>) or a CSR matrix (SparseArrays<F>).
template <linfa::Float F, class Records>
ElasticNet<F> fit_elastic_net(const Records& x, const CArray<F>& y, const std::optional<CArray<F>>& weights, double alpha,
                              double l1_ratio, bool fit_intercept, Precompute precompute, std::size_t max_iter, double tol,
                              std::optional<Eigen::MatrixXd> warm_start, bool positive, Selection selection,
                              std::uint64_t seed) {
    const auto params = elastic_net_params<F>(alpha, l1_ratio, fit_intercept, precompute, max_iter, tol, std::move(warm_start),
                                              positive, selection, seed);
    return with_regression_data(x, y, weights, [&](const auto& data) { return without_gil([&] { return params.fit(data); }); });
}

#ifdef LINFA_PYTHON_MPI
/// The fit on this rank's rows (dense X) of a dataset spread over the ranks of the MPI
/// communicator whose Fortran handle is `comm` (mpi4py's Comm.py2f()): every rank gets the
/// model one process fits on all the rows.
template <linfa::Float F>
ElasticNet<F> fit_elastic_net_distributed(const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& weights, double alpha,
                                          double l1_ratio, bool fit_intercept, Precompute precompute, std::size_t max_iter,
                                          double tol, std::optional<Eigen::MatrixXd> warm_start, bool positive, Selection selection,
                                          std::uint64_t seed, std::int64_t comm) {
    const auto params = elastic_net_params<F>(alpha, l1_ratio, fit_intercept, precompute, max_iter, tol, std::move(warm_start),
                                              positive, selection, seed)
                            .check();
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    return with_regression_data(x, y, weights, [&](const auto& data) {
        return without_gil([&] { return linfa::distributed::fit(params, group, data); });
    });
}
#endif

/// Binds predict and score for X of type `Records` (a dense array or a CSR matrix): pybind11
/// picks the overload by X's type.
template <linfa::Float F, class Records>
void bind_predictions(py::class_<ElasticNet<F>>& model_class) {
    using M = ElasticNet<F>;
    model_class
        .def(
            "predict",
            [](const M& e, const Records& x) {
                return with_records(x, [&](const auto& records) { return without_gil([&] { return e.predict(records); }); });
            },
            py::arg("X").noconvert(), "Predicted targets, n_samples x n_targets.")
        .def(
            "score",
            [](const M& e, const Records& x, const CArray<F>& y, const std::optional<CArray<F>>& w) {
                return with_regression_data(x, y, w, [&](const auto& data) { return without_gil([&] { return e.score(data); }); });
            },
            py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            "R^2 of the predictions of X for the targets y, weighted, averaged over targets.");
}

template <linfa::Float F>
void bind_model(py::module_& m, const char* name) {
    using M = ElasticNet<F>;
    py::class_<M> model(m, name, "A fitted elastic net / Lasso model (C++ linfa::linear::ElasticNet).");
    def_model_file_members(model);
    model.def_property_readonly("coef", [](const M& e) { return linfa::Matrix<F>(e.coef()); },
                                "Coefficients, n_targets x n_features.")
        .def_property_readonly("intercept", [](const M& e) { return linfa::Vector<F>(e.intercept()); },
                               "Intercepts, one per target (zeros without an intercept).")
        .def_property_readonly("n_iter", &M::n_iter, "Sweeps run per target.")
        .def_property_readonly("dual_gap", &M::dual_gap, "Duality gap per target at the end, divided by n_samples.")
        .def_property_readonly("converged", [](const M& e) { return std::vector<bool>(e.converged().begin(), e.converged().end()); },
                               "Per target: whether the gap fell below the tolerance.")
        .def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_targets", &M::n_targets);
    bind_predictions<F, CArray<F>>(model);
    bind_predictions<F, SparseArrays<F>>(model);

    auto bind_fit = [&](auto fit_function) {
        m.def(per_scalar_name<F>("elastic_net_fit").c_str(), fit_function, py::arg("X").noconvert(),
              py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("alpha"), py::arg("l1_ratio"),
              py::arg("fit_intercept"), py::arg("precompute"), py::arg("max_iter"), py::arg("tol"), py::arg("warm_start"),
              py::arg("positive"), py::arg("selection"), py::arg("seed"),
              "Elastic net of y (n_samples x n_targets) on X (a dense array or a CSR matrix; not copied) by "
              "coordinate descent.");
    };
    bind_fit(&fit_elastic_net<F, CArray<F>>);
    bind_fit(&fit_elastic_net<F, SparseArrays<F>>);
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("elastic_net_fit_distributed").c_str(), &fit_elastic_net_distributed<F>, py::arg("X").noconvert(),
          py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("alpha"), py::arg("l1_ratio"),
          py::arg("fit_intercept"), py::arg("precompute"), py::arg("max_iter"), py::arg("tol"), py::arg("warm_start"),
          py::arg("positive"), py::arg("selection"), py::arg("seed"), py::arg("comm"),
          "Elastic net on this rank's rows (dense X) of data spread over an MPI communicator (Fortran handle), by "
          "coordinate descent on the Gram matrix; every rank gets the model one process fits on all the rows.");
#endif
}

}  // namespace

void bind_elastic_net(py::module_& m) {
    py::enum_<Precompute>(m, "Precompute", "Gram matrix or residual (C++ linfa::linear::Precompute).")
        .value("Auto", Precompute::Auto)
        .value("Always", Precompute::Always)
        .value("Never", Precompute::Never);
    py::enum_<Selection>(m, "Selection", "Coordinate order (C++ linfa::linear::Selection).")
        .value("Cyclic", Selection::Cyclic)
        .value("Random", Selection::Random);
    bind_model<float>(m, "ElasticNetF32");
    bind_model<double>(m, "ElasticNetF64");
}

const RegisterBindings registered(bind_elastic_net);

}  // namespace linfa_python
