// Linear regressors in linfa._linfa: ordinary least squares (LinearRegressionF32/F64) and ridge
// regression (RidgeF32/F64) over the C++ linfa::linear models, with their fit functions
// (linear_regression_fit_f32 / _f64, ridge_fit_f32 / _f64; with MPI, their _distributed_
// forms over a communicator), as little policy as possible; the scikit-learn estimator
// contract lives in linfa/_linear.py.
//
// X is a C-contiguous array or a CSR matrix (SparseArrays, sparse.hpp): fit, predict and score
// take either. Targets come in as a C-contiguous n x t array of the model's scalar type (a 1-D
// y is reshaped to n x 1 by the Python layer), viewed in place like X and the sample weights.
#include "common.hpp"
#include "sparse.hpp"

#include <string>
#include <vector>

#include <linfa/linear/linear_regression.hpp>
#include <linfa/linear/ridge.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/linear.hpp>
#include <linfa/distributed/mpi.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::linear::LinearRegression;
using linfa::linear::Ridge;
using linfa::linear::RidgeSolver;

/// X is a dense array (CArray<F>) or a CSR matrix (SparseArrays<F>), here and below.
template <linfa::Float F, class Records>
LinearRegression<F> fit_linear_regression(const Records& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                                          bool fit_intercept) {
    const auto params = LinearRegression<F>::params().fit_intercept(fit_intercept);
    return with_regression_data(x, y, weights, [&](const auto& data) { return without_gil([&] { return params.fit(data); }); });
}

/// `tol` and `max_iter` (0: 10 x n_features) bound the conjugate gradients of a CSR X; a
/// dense X is solved directly.
template <linfa::Float F, class Records>
Ridge<F> fit_ridge(const Records& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                   std::vector<double> alphas, bool fit_intercept, RidgeSolver solver, double tol, std::size_t max_iter) {
    auto params = Ridge<F>::params().alphas(std::move(alphas)).fit_intercept(fit_intercept).solver(solver).tol(tol).max_iter(max_iter);
    return with_regression_data(x, y, weights, [&](const auto& data) { return without_gil([&] { return params.fit(data); }); });
}

#ifdef LINFA_PYTHON_MPI
/// `params` fitted on this rank's rows (dense X) of a dataset spread over the ranks of the MPI
/// communicator whose Fortran handle is `comm` (mpi4py's Comm.py2f()): every rank gets the
/// model one process fits on all the rows.
template <linfa::Float F, class Params>
auto fit_distributed(const Params& params, const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                     std::int64_t comm) {
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    return with_regression_data(x, y, weights, [&](const auto& data) {
        return without_gil([&] { return linfa::distributed::fit(params, group, data); });
    });
}

template <linfa::Float F>
LinearRegression<F> fit_linear_regression_distributed(const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                                                      bool fit_intercept, std::int64_t comm) {
    return fit_distributed(LinearRegression<F>::params().fit_intercept(fit_intercept).check(), x, y, weights, comm);
}

template <linfa::Float F>
Ridge<F> fit_ridge_distributed(const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                               std::vector<double> alphas, bool fit_intercept, RidgeSolver solver, double tol, std::size_t max_iter,
                               std::int64_t comm) {
    auto params = Ridge<F>::params().alphas(std::move(alphas)).fit_intercept(fit_intercept).solver(solver).tol(tol).max_iter(max_iter);
    return fit_distributed(params.check(), x, y, weights, comm);
}
#endif

/// Binds predict and score of a regressor for X of type `Records` (a dense array or a CSR
/// matrix): pybind11 picks the overload by X's type.
template <class M, class Records>
void def_predictions(py::class_<M>& model_class) {
    using F = typename linfa::model_io<M>::scalar_type;
    model_class
        .def(
            "predict",
            [](const M& m, const Records& x) {
                return with_records(x, [&](const auto& records) { return without_gil([&] { return m.predict(records); }); });
            },
            py::arg("X").noconvert(), "Predicted targets, n_samples x n_targets.")
        .def(
            "score",
            [](const M& m, const Records& x, const CArray<F>& y, const std::optional<CArray<F>>& w) {
                return with_regression_data(x, y, w, [&](const auto& data) { return without_gil([&] { return m.score(data); }); });
            },
            py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            "R^2 of the predictions of X for the targets y (n_samples x n_targets), weighted, averaged over targets.");
}

/// What both regressors' bindings share: coefficients, intercepts, sizes, predict and score.
template <class M>
void def_predictor_members(py::class_<M>& model_class) {
    using F = typename linfa::model_io<M>::scalar_type;
    model_class
        .def_property_readonly("coef", [](const M& m) { return linfa::Matrix<F>(m.coef()); },
                               "Coefficients, n_targets x n_features.")
        .def_property_readonly("intercept", [](const M& m) { return linfa::Vector<F>(m.intercept()); },
                               "Intercepts, one per target (zeros without an intercept).")
        .def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_targets", &M::n_targets);
    def_predictions<M, CArray<F>>(model_class);
    def_predictions<M, SparseArrays<F>>(model_class);
}

template <linfa::Float F>
void bind_models(py::module_& m, const char* linear_name, const char* ridge_name) {
    py::class_<LinearRegression<F>> linear(m, linear_name,
                                           "A fitted ordinary least squares model (C++ linfa::linear::LinearRegression).");
    def_model_file_members(linear);
    def_predictor_members(linear);
    linear.def_property_readonly("rank", &LinearRegression<F>::rank)
        .def_property_readonly("singular", [](const LinearRegression<F>& r) { return linfa::Vector<F>(r.singular()); });

    py::class_<Ridge<F>> ridge(m, ridge_name, "A fitted ridge regression model (C++ linfa::linear::Ridge).");
    def_model_file_members(ridge);
    def_predictor_members(ridge);

    auto bind_fits = [&](auto linear_fit, auto ridge_fit) {
        m.def(per_scalar_name<F>("linear_regression_fit").c_str(), linear_fit, py::arg("X").noconvert(),
              py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("fit_intercept"),
              "Ordinary least squares of y (n_samples x n_targets) on X (a dense array or a CSR matrix; "
              "not copied).");
        m.def(per_scalar_name<F>("ridge_fit").c_str(), ridge_fit, py::arg("X").noconvert(), py::arg("y").noconvert(),
              py::arg("sample_weight").noconvert(), py::arg("alphas"), py::arg("fit_intercept"), py::arg("solver"),
              py::arg("tol"), py::arg("max_iter"),
              "Ridge regression of y (n_samples x n_targets) on X (a dense array or a CSR matrix; not copied), one "
              "alpha or one per target; tol and max_iter (0: 10 x n_features) bound the conjugate gradients of a "
              "CSR X.");
    };
    bind_fits(&fit_linear_regression<F, CArray<F>>, &fit_ridge<F, CArray<F>>);
    bind_fits(&fit_linear_regression<F, SparseArrays<F>>, &fit_ridge<F, SparseArrays<F>>);
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("linear_regression_fit_distributed").c_str(), &fit_linear_regression_distributed<F>,
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("fit_intercept"),
          py::arg("comm"),
          "Ordinary least squares on this rank's rows (dense X) of data spread over an MPI communicator (Fortran "
          "handle); every rank gets the model one process fits on all the rows.");
    m.def(per_scalar_name<F>("ridge_fit_distributed").c_str(), &fit_ridge_distributed<F>, py::arg("X").noconvert(),
          py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("alphas"), py::arg("fit_intercept"),
          py::arg("solver"), py::arg("tol"), py::arg("max_iter"), py::arg("comm"),
          "Ridge regression on this rank's rows (dense X) of data spread over an MPI communicator (Fortran handle); "
          "every rank gets the model one process fits on all the rows.");
#endif
}

}  // namespace

void bind_linear(py::module_& m) {
    py::enum_<RidgeSolver>(m, "RidgeSolver", "How Ridge solves its system (C++ linfa::linear::RidgeSolver).")
        .value("Auto", RidgeSolver::Auto)
        .value("Cholesky", RidgeSolver::Cholesky)
        .value("Svd", RidgeSolver::Svd);
    bind_models<float>(m, "LinearRegressionF32", "RidgeF32");
    bind_models<double>(m, "LinearRegressionF64", "RidgeF64");
}

const RegisterBindings registered(bind_linear);

}  // namespace linfa_python
