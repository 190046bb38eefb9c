// Gaussian naive Bayes in linfa._linfa: the C++ linfa::naive_bayes::GaussianNb for float32 and
// float64 (GaussianNBF32/F64), its fit functions (gaussian_nb_fit_f32 / _f64) and partial-fit
// functions, which merge a batch into an existing model (C++ fit_with: scikit-learn's
// partial_fit); with MPI, gaussian_nb_fit_distributed_f32 / _f64 over a communicator. As little policy as possible; the scikit-learn estimator contract lives in
// linfa/_naive_bayes.py and linfa/_classifier.py.
//
// Labels arrive as int32 (the Python layer encodes any labels); the statistics are double for
// either scalar type and come back as float64 arrays; predictions come back in X's dtype.
#include "common.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <linfa/naive_bayes.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/mpi.hpp>
#include <linfa/distributed/naive_bayes.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::naive_bayes::GaussianNb;

using LabelArray = py::array_t<std::int32_t, py::array::c_style>;

/// The checked parameters of a fit.
template <linfa::Float F>
linfa::naive_bayes::GaussianNbParams<F> params_of(const std::optional<std::vector<double>>& priors, double var_smoothing,
                                                 const std::optional<std::vector<std::int32_t>>& classes) {
    auto params = GaussianNb<F>::params().var_smoothing(var_smoothing);
    if (priors) params.priors(*priors);
    if (classes) params.classes(*classes);
    return params;
}

/// `model` (None: a new one) updated with X, its int32 labels y and optional sample weights.
template <linfa::Float F>
GaussianNb<F> fit_gaussian_nb(std::optional<GaussianNb<F>> model, const CArray<F>& x, const LabelArray& y,
                              const std::optional<CArray<F>>& weights, const std::optional<std::vector<double>>& priors,
                              double var_smoothing, const std::optional<std::vector<std::int32_t>>& classes) {
    if (y.ndim() != 1) throw linfa::InvalidInput("y must be 1-D, found " + std::to_string(y.ndim()) + " dimension(s)");
    const auto params = params_of<F>(priors, var_smoothing, classes);
    const linfa::DatasetView<F> data =
        dataset_of(x, weights).with_labels(std::span<const std::int32_t>(y.data(), std::size_t(y.size())));
    return without_gil([&] { return params.fit_with(std::move(model), data); });
}

#ifdef LINFA_PYTHON_MPI
/// A new model fitted on this rank's rows (X, int32 labels y, optional sample weights) of a
/// dataset spread over the ranks of the MPI communicator whose Fortran handle is `comm`
/// (mpi4py's Comm.py2f()): every rank gets the model one process fits on all the rows.
template <linfa::Float F>
GaussianNb<F> fit_gaussian_nb_distributed(const CArray<F>& x, const LabelArray& y, const std::optional<CArray<F>>& weights,
                                          const std::optional<std::vector<double>>& priors, double var_smoothing, std::int64_t comm) {
    if (y.ndim() != 1) throw linfa::InvalidInput("y must be 1-D, found " + std::to_string(y.ndim()) + " dimension(s)");
    const auto params = params_of<F>(priors, var_smoothing, std::nullopt).check();
    const linfa::DatasetView<F> data =
        dataset_of(x, weights).with_labels(std::span<const std::int32_t>(y.data(), std::size_t(y.size())));
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    return without_gil([&] { return linfa::distributed::fit(params, group, data); });
}
#endif

/// A double vector as a new float64 array (a copy: the model may be replaced by the next
/// partial fit while Python still holds the array).
py::array_t<double> copied(const Eigen::VectorXd& v) { return py::array_t<double>(py::ssize_t(v.size()), v.data()); }

template <linfa::Float F>
void bind_gaussian_nb(py::module_& m, const char* name) {
    using M = GaussianNb<F>;
    py::class_<M> model_class(m, name, "A fitted Gaussian naive Bayes model (C++ linfa::naive_bayes::GaussianNb).");
    def_model_file_members(model_class);
    auto answer = [](auto method) {
        return [method](const M& model, const CArray<F>& x) {
            const linfa::DatasetView<F> data(view_of(x));
            return without_gil([&] { return (model.*method)(data); });
        };
    };
    model_class.def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_classes", &M::n_classes)
        .def_property_readonly(
            "classes",
            [](const M& model) {
                const auto labels = model.classes().labels();
                return py::array_t<std::int32_t>(py::ssize_t(labels.size()), labels.data());
            },
            "The class labels (int32, increasing).")
        .def_property_readonly("class_count", [](const M& model) { return copied(model.class_count()); },
                               "Total sample weight of each class (float64).")
        .def_property_readonly("class_prior", [](const M& model) { return copied(model.class_prior()); },
                               "Prior probability of each class (float64).")
        .def_property_readonly("theta", [](const M& model) { return linfa::Matrix<double>(model.theta()); },
                               "n_classes x n_features means (float64).")
        .def_property_readonly("var", &M::var, "n_classes x n_features variances plus epsilon (float64).")
        .def_property_readonly("epsilon", &M::epsilon)
        .def_property_readonly("var_smoothing", &M::var_smoothing)
        .def_property_readonly("priors", [](const M& model) { return model.priors(); }, "The priors given at fit, or None.")
        .def("predict", answer(static_cast<linfa::Labels (M::*)(const linfa::DatasetView<F>&) const>(&M::predict)),
             py::arg("X").noconvert(), "The most probable class label of each sample (int32).")
        .def("predict_proba", answer(&M::predict_proba), py::arg("X").noconvert(),
             "Class probabilities, n_samples x n_classes, in X's dtype.")
        .def("predict_log_proba", answer(&M::predict_log_proba), py::arg("X").noconvert(),
             "Log class probabilities (finite far from every class), in X's dtype.")
        .def("joint_log_likelihood", answer(&M::joint_log_likelihood), py::arg("X").noconvert(),
             "log P(class) + log P(x | class), n_samples x n_classes, in X's dtype.");

    m.def(per_scalar_name<F>("gaussian_nb_fit").c_str(),
          [](const CArray<F>& x, const LabelArray& y, const std::optional<CArray<F>>& w,
             const std::optional<std::vector<double>>& priors, double var_smoothing) {
              return fit_gaussian_nb<F>(std::nullopt, x, y, w, priors, var_smoothing, std::nullopt);
          },
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("priors"),
          py::arg("var_smoothing"), "Fits Gaussian naive Bayes on X and int32 labels y; arrays are not copied.");
    m.def(per_scalar_name<F>("gaussian_nb_partial_fit").c_str(), &fit_gaussian_nb<F>, py::arg("model"),
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("priors"),
          py::arg("var_smoothing"), py::arg("classes"),
          "`model` (None: a new one, whose classes are `classes` when given) updated with one more batch.");
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("gaussian_nb_fit_distributed").c_str(), &fit_gaussian_nb_distributed<F>, py::arg("X").noconvert(),
          py::arg("y").noconvert(), py::arg("sample_weight").noconvert(), py::arg("priors"), py::arg("var_smoothing"), py::arg("comm"),
          "Fits Gaussian naive Bayes over the ranks of an MPI communicator (its Fortran handle) on this rank's rows.");
#endif
}

}  // namespace

void bind_naive_bayes(py::module_& m) {
    bind_gaussian_nb<float>(m, "GaussianNBF32");
    bind_gaussian_nb<double>(m, "GaussianNBF64");
}

const RegisterBindings registered_naive_bayes(bind_naive_bayes);

}  // namespace linfa_python
