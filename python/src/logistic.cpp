// Logistic regression in linfa._linfa: the C++ linfa::linear::LogisticRegression for float32
// and float64 (LogisticRegressionF32/F64) and its fit functions (logistic_regression_fit_f32 /
// _f64). Labels come in as int32 (the Python layer maps any labels onto them); the scikit-learn
// estimator contract lives in linfa/_logistic.py.
#include "common.hpp"

#include <map>
#include <optional>
#include <string>

#include <linfa/linear/logistic_regression.hpp>

namespace linfa_python {
namespace {

using linfa::linear::LogisticRegression;
using linfa::linear::MultiClass;

using LabelArray = py::array_t<std::int32_t, py::array::c_style>;

/// Records, optional sample weights and one int32 label per row, all viewed in place.
template <linfa::Float F>
linfa::DatasetView<F> labelled_data(const CArray<F>& x, const LabelArray& labels, const std::optional<CArray<F>>& weights) {
    if (labels.ndim() != 1) {
        throw linfa::InvalidInput("labels must be 1-D, found " + std::to_string(labels.ndim()) + " dimension(s)");
    }
    return dataset_of(x, weights).with_labels(std::span<const std::int32_t>(labels.data(), std::size_t(labels.size())));
}

template <linfa::Float F>
LogisticRegression<F> fit_logistic(const CArray<F>& x, const LabelArray& labels, const std::optional<CArray<F>>& weights,
                                   double c, bool fit_intercept, std::size_t max_iter, double tol, MultiClass multi_class,
                                   std::map<std::int32_t, double> class_weight, bool balanced,
                                   const std::optional<LogisticRegression<F>>& warm_start) {
    auto params = LogisticRegression<F>::params().c(c).fit_intercept(fit_intercept).max_iter(max_iter).tol(tol).multi_class(multi_class);
    if (balanced) {
        params.balanced_class_weight();
    } else {
        params.class_weight(std::move(class_weight));
    }
    if (warm_start) params.warm_start(*warm_start);
    const linfa::DatasetView<F> data = labelled_data(x, labels, weights);
    return without_gil([&] { return params.fit(data); });
}

/// `answer(model, view)` on X without the GIL, as a method named `name`.
template <class M, class Answer>
void def_answer(py::class_<M>& model_class, const char* name, Answer answer, const char* doc) {
    using F = typename linfa::model_io<M>::scalar_type;
    model_class.def(
        name,
        [answer](const M& m, const CArray<F>& x) {
            const linfa::DatasetView<F> data(view_of(x));
            return without_gil([&] { return answer(m, data); });
        },
        py::arg("X").noconvert(), doc);
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
    def_answer(model, "predict", [](const M& r, const linfa::DatasetView<F>& d) { return r.predict(d); },
               "The most probable class (int32 label) of each sample.");
    def_answer(model, "predict_proba", [](const M& r, const linfa::DatasetView<F>& d) { return r.predict_proba(d); },
               "Class probabilities, n_samples x n_classes.");
    def_answer(model, "predict_log_proba", [](const M& r, const linfa::DatasetView<F>& d) { return r.predict_log_proba(d); },
               "Class log-probabilities, n_samples x n_classes.");
    def_answer(model, "decision_function", [](const M& r, const linfa::DatasetView<F>& d) { return r.decision_function(d); },
               "Class scores, n_samples x coefficient rows.");

    m.def(per_scalar_name<F>("logistic_regression_fit").c_str(), &fit_logistic<F>, py::arg("X").noconvert(),
          py::arg("labels").noconvert(), py::arg("sample_weight").noconvert(), py::arg("C"), py::arg("fit_intercept"),
          py::arg("max_iter"), py::arg("tol"), py::arg("multi_class"), py::arg("class_weight"), py::arg("balanced"),
          py::arg("warm_start"), "Logistic regression of int32 labels on X; arrays are not copied.");
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
