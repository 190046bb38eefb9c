// Linear regressors in linfa._linfa: ordinary least squares (LinearRegressionF32/F64) and ridge
// regression (RidgeF32/F64) over the C++ linfa::linear models, with their fit functions
// (linear_regression_fit_f32 / _f64, ridge_fit_f32 / _f64), as little policy as possible; the
// scikit-learn estimator contract lives in linfa/_linear.py.
//
// Targets come in as a C-contiguous n x t array of the model's scalar type (a 1-D y is reshaped
// to n x 1 by the Python layer), viewed in place like X and the sample weights.
#include "common.hpp"

#include <string>
#include <vector>

#include <linfa/linear/linear_regression.hpp>
#include <linfa/linear/ridge.hpp>

namespace linfa_python {
namespace {

using linfa::linear::LinearRegression;
using linfa::linear::Ridge;
using linfa::linear::RidgeSolver;

template <linfa::Float F>
LinearRegression<F> fit_linear_regression(const CArray<F>& x, const CArray<F>& y,
                                          const std::optional<CArray<F>>& weights, bool fit_intercept) {
    const auto params = LinearRegression<F>::params().fit_intercept(fit_intercept);
    const linfa::DatasetView<F> data = regression_data(x, y, weights);
    return without_gil([&] { return params.fit(data); });
}

template <linfa::Float F>
Ridge<F> fit_ridge(const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& weights,
                   std::vector<double> alphas, bool fit_intercept, RidgeSolver solver) {
    auto params = Ridge<F>::params().alphas(std::move(alphas)).fit_intercept(fit_intercept).solver(solver);
    const linfa::DatasetView<F> data = regression_data(x, y, weights);
    return without_gil([&] { return params.fit(data); });
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
        .def_property_readonly("n_targets", &M::n_targets)
        .def(
            "predict",
            [](const M& m, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return m.predict(data); });
            },
            py::arg("X").noconvert(), "Predicted targets, n_samples x n_targets.")
        .def(
            "score",
            [](const M& m, const CArray<F>& x, const CArray<F>& y, const std::optional<CArray<F>>& w) {
                const linfa::DatasetView<F> data = regression_data(x, y, w);
                return without_gil([&] { return m.score(data); });
            },
            py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            "R^2 of the predictions of X for the targets y (n_samples x n_targets), weighted, averaged over targets.");
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

    m.def(per_scalar_name<F>("linear_regression_fit").c_str(), &fit_linear_regression<F>, py::arg("X").noconvert(),
          py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("fit_intercept"),
          "Ordinary least squares of y (n_samples x n_targets) on X; arrays are not copied.");
    m.def(per_scalar_name<F>("ridge_fit").c_str(), &fit_ridge<F>, py::arg("X").noconvert(), py::arg("y").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("alphas"), py::arg("fit_intercept"), py::arg("solver"),
          "Ridge regression of y (n_samples x n_targets) on X, one alpha or one per target; arrays are not copied.");
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
