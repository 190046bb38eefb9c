// Logistic regression in linfa._linfa: the C++ linfa::linear::LogisticRegression for float32
// and float64 (LogisticRegressionF32/F64) and its fit functions (logistic_regression_fit_f32 /
// _f64; with MPI, logistic_regression_fit_distributed_f32 / _f64 over a communicator). X is a
// C-contiguous array or a CSR matrix (SparseArrays, sparse.hpp): fit and every predict-like
// method take either (the distributed fit: dense only). Labels come in as int32 (the Python
// layer maps any labels onto them); the scikit-learn estimator contract is linfa/_logistic.py.
#include "common.hpp"
#include "sparse.hpp"

#include <map>
#include <optional>
#include <string>
#include <type_traits>

#include <linfa/linear/logistic_regression.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/logistic.hpp>
#include <linfa/distributed/mpi.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::linear::LogisticRegression;
using linfa::linear::MultiClass;

/// The checked parameters of a fit (the Python layer's arguments).
template <linfa::Float F>
linfa::linear::LogisticRegressionValidParams<F> fit_params(double c, bool fit_intercept, std::size_t max_iter, double tol,
                                                           MultiClass multi_class, std::map<std::int32_t, double> class_weight,
                                                           bool balanced, const std::optional<LogisticRegression<F>>& warm_start) {
    auto params = LogisticRegression<F>::params().c(c).fit_intercept(fit_intercept).max_iter(max_iter).tol(tol).multi_class(multi_class);
    if (balanced) {
        params.balanced_class_weight();
    } else {
        params.class_weight(std::move(class_weight));
    }
    if (warm_start) params.warm_start(*warm_start);
    return params.check();
}

/// X is a dense array (CArray<F>) or a CSR matrix (SparseArrays<F>).
template <linfa::Float F, class Records>
LogisticRegression<F> fit_logistic(const Records& x, const LabelArray& labels, const std::optional<CArray<F>>& weights,
                                   double c, bool fit_intercept, std::size_t max_iter, double tol, MultiClass multi_class,
                                   std::map<std::int32_t, double> class_weight, bool balanced,
                                   const std::optional<LogisticRegression<F>>& warm_start) {
    const auto params = fit_params<F>(c, fit_intercept, max_iter, tol, multi_class, std::move(class_weight), balanced, warm_start);
    return with_labelled_data(x, labels, weights, [&](const auto& data) { return without_gil([&] { return params.fit(data); }); });
}

#ifdef LINFA_PYTHON_MPI
/// `fit_logistic` on this rank's rows (dense X) of a dataset spread over the ranks of the MPI
/// communicator whose Fortran handle is `comm` (mpi4py's Comm.py2f()): every rank gets the
/// model one process fits on all the rows.
template <linfa::Float F>
LogisticRegression<F> fit_logistic_distributed(const CArray<F>& x, const LabelArray& labels, const std::optional<CArray<F>>& weights,
                                               double c, bool fit_intercept, std::size_t max_iter, double tol, MultiClass multi_class,
                                               std::map<std::int32_t, double> class_weight, bool balanced, std::int64_t comm) {
    const auto params = fit_params<F>(c, fit_intercept, max_iter, tol, multi_class, std::move(class_weight), balanced, std::nullopt);
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    return with_labelled_data(x, labels, weights, [&](const auto& data) {
        return without_gil([&] { return linfa::distributed::fit(params, group, data); });
    });
}
#endif

/// `answer(model, records)` on X without the GIL, as a method named `name`, for X a dense array
/// and for X a CSR matrix (`records`: a DatasetView or a CsrView; pybind11 picks the overload
/// by X's type).
template <class M, class Answer>
void def_answer(py::class_<M>& model_class, const char* name, Answer answer, const char* doc) {
    using F = typename linfa::model_io<M>::scalar_type;
    auto bind = [&]<class Records>(std::type_identity<Records>) {
        model_class.def(
            name,
            [answer](const M& m, const Records& x) {
                return with_records(x, [&](const auto& records) { return without_gil([&] { return answer(m, records); }); });
            },
            py::arg("X").noconvert(), doc);
    };
    bind(std::type_identity<CArray<F>>{});
    bind(std::type_identity<SparseArrays<F>>{});
}

template <linfa::Float F>
void bind_model(py::module_& m, const char* name) {
    using M = LogisticRegression<F>;
    py::class_<M> model(m, name, "A fitted logistic regression model (C++ linfa::linear::LogisticRegression).");
    def_model_file_members(model);
    model.def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_classes", &M::n_classes)
        .def_property_readonly("classes", [](const M& r) {
            const auto labels = r.classes().labels();
            return py::array_t<std::int32_t>(py::ssize_t(labels.size()), labels.data());
        })
        .def_property_readonly("coef", [](const M& r) { return linfa::Matrix<F>(r.coef()); },
                               "Coefficients: one row for two classes, else one per class.")
        .def_property_readonly("intercept", [](const M& r) { return linfa::Vector<F>(r.intercept()); })
        .def_property_readonly("n_iter", [](const M& r) { return r.n_iter(); })
        .def_property_readonly("converged", &M::converged)
        .def_property_readonly("one_vs_rest", [](const M& r) { return r.layout() == linfa::linear::logistic_detail::Layout::OneVsRest; });
    def_answer(model, "predict", [](const M& r, const auto& x) { return r.predict(x); },
               "The most probable class (int32 label) of each sample.");
    def_answer(model, "predict_proba", [](const M& r, const auto& x) { return r.predict_proba(x); },
               "Class probabilities, n_samples x n_classes.");
    def_answer(model, "predict_log_proba", [](const M& r, const auto& x) { return r.predict_log_proba(x); },
               "Class log-probabilities, n_samples x n_classes.");
    def_answer(model, "decision_function", [](const M& r, const auto& x) { return r.decision_function(x); },
               "Class scores, n_samples x coefficient rows.");

    auto bind_fit = [&](auto fit_function) {
        m.def(per_scalar_name<F>("logistic_regression_fit").c_str(), fit_function, py::arg("X").noconvert(),
              py::arg("labels").noconvert(), py::arg("sample_weight").noconvert(), py::arg("C"), py::arg("fit_intercept"),
              py::arg("max_iter"), py::arg("tol"), py::arg("multi_class"), py::arg("class_weight"), py::arg("balanced"),
              py::arg("warm_start"),
              "Logistic regression of int32 labels on X (a dense array or a CSR matrix; not copied).");
    };
    bind_fit(&fit_logistic<F, CArray<F>>);
    bind_fit(&fit_logistic<F, SparseArrays<F>>);
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("logistic_regression_fit_distributed").c_str(), &fit_logistic_distributed<F>, py::arg("X").noconvert(),
          py::arg("labels").noconvert(), py::arg("sample_weight").noconvert(), py::arg("C"), py::arg("fit_intercept"),
          py::arg("max_iter"), py::arg("tol"), py::arg("multi_class"), py::arg("class_weight"), py::arg("balanced"), py::arg("comm"),
          "Logistic regression of this rank's rows (dense X, int32 labels) of data spread over an MPI communicator "
          "(Fortran handle); every rank gets the model one process fits on all the rows.");
#endif
}

}  // namespace

void bind_logistic(py::module_& m) {
    py::enum_<MultiClass>(m, "MultiClass", "How LogisticRegression models several classes.")
        .value("Auto", MultiClass::Auto)
        .value("Multinomial", MultiClass::Multinomial)
        .value("OneVsRest", MultiClass::OneVsRest);
    bind_model<float>(m, "LogisticRegressionF32");
    bind_model<double>(m, "LogisticRegressionF64");
}

const RegisterBindings registered(bind_logistic);

}  // namespace linfa_python
