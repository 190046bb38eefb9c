// Feature scalers in linfa._linfa: the C++ linfa::preprocessing models StandardScaler,
// MinMaxScaler and MaxAbsScaler for float32 and float64 (StandardScalerF32/F64, ...), their fit
// functions (standard_scaler_fit_f32 / _f64, ...) and partial-fit functions, which merge a batch
// into an existing model (C++ fit_with: scikit-learn's partial_fit); with MPI, their
// _distributed_ fit forms over a communicator (dense X). As little policy as possible; the
// scikit-learn estimator contract lives in linfa/_preprocessing.py.
//
// The statistics are double for either scalar type and come back as float64 arrays; the Python
// layer casts those that scikit-learn keeps in X's dtype.
#include "common.hpp"
#include "sparse.hpp"

#include <cstdint>
#include <optional>
#include <utility>

#include <linfa/preprocessing.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/mpi.hpp>
#include <linfa/distributed/scalers.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::preprocessing::MaxAbsScaler;
using linfa::preprocessing::MinMaxScaler;
using linfa::preprocessing::StandardScaler;

// ------------------------------------------------------------------ fitting

/// `model` (None: a new one) updated with X (dense or CSR) and its optional sample weights.
template <linfa::Float F, class Records>
StandardScaler<F> fit_standard(std::optional<StandardScaler<F>> model, const Records& x,
                               const std::optional<CArray<F>>& weights, bool with_mean, bool with_std) {
    const auto params = StandardScaler<F>::params().with_mean(with_mean).with_std(with_std).check();
    return with_dataset(x, weights, [&](const auto& data) { return without_gil([&] { return params.fit_with(std::move(model), data); }); });
}

/// `model` (None: a new one) updated with X.
template <linfa::Float F>
MinMaxScaler<F> fit_min_max(std::optional<MinMaxScaler<F>> model, const CArray<F>& x, double low, double high,
                            bool clip) {
    const auto params = MinMaxScaler<F>::params().feature_range(low, high).clip(clip);
    const linfa::DatasetView<F> data(view_of(x));
    return without_gil([&] { return params.fit_with(std::move(model), data); });
}

/// `model` (None: a new one) updated with X (dense or CSR).
template <linfa::Float F, class Records>
MaxAbsScaler<F> fit_max_abs(std::optional<MaxAbsScaler<F>> model, const Records& x) {
    const auto params = MaxAbsScaler<F>::params().check();
    return with_dataset(x, std::optional<CArray<F>>(), [&](const auto& data) { return without_gil([&] { return params.fit_with(std::move(model), data); }); });
}

#ifdef LINFA_PYTHON_MPI
/// `params` fitted on this rank's rows (dense X, optional sample weights) of a dataset spread
/// over the ranks of the MPI communicator whose Fortran handle is `comm` (mpi4py's
/// Comm.py2f()): every rank gets the model one process fits on all the rows.
template <linfa::Float F, class Params>
auto fit_distributed(const Params& params, const CArray<F>& x, const std::optional<CArray<F>>& weights, std::int64_t comm) {
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    return with_dataset(x, weights, [&](const auto& data) { return without_gil([&] { return linfa::distributed::fit(params, group, data); }); });
}
#endif

/// A C++ CSR matrix's three arrays, (data, indices, indptr), as new numpy arrays.
template <linfa::Float F, linfa::SparseIndex I>
py::tuple csr_arrays(const linfa::CsrMatrix<F, I>& matrix) {
    const auto view = matrix.view();
    auto array = [](auto span) { return py::array(py::ssize_t(span.size()), span.data()); };
    return py::make_tuple(array(view.data()), array(view.indices()), array(view.indptr()));
}

// ------------------------------------------------------------------ models

/// A double vector as a new float64 array (a copy: the model may be replaced by the next
/// partial fit while Python still holds the array).
py::array_t<double> copied(const Eigen::VectorXd& v) {
    return py::array_t<double>(py::ssize_t(v.size()), v.data());
}

/// What every scaler binding shares: its file members, `n_features`, `transform` and
/// `inverse_transform`.
template <class M>
void def_scaler_members(py::class_<M>& model_class) {
    using F = typename linfa::model_io<M>::scalar_type;
    def_model_file_members(model_class);
    model_class.def_property_readonly("n_features", &M::n_features)
        .def(
            "transform",
            [](const M& s, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return s.transform(data); });
            },
            py::arg("X").noconvert(), "X scaled (a new array; X is not modified).")
        .def(
            "inverse_transform",
            [](const M& s, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return s.inverse_transform(data); });
            },
            py::arg("X").noconvert(), "Scaled X back to the original scale (a new array).");
    if constexpr (requires(const M& s, const linfa::CsrView<F, std::int32_t>& x) { s.transform(x); }) {
        model_class
            .def(
                "transform",
                [](const M& s, const SparseArrays<F>& x) {
                    return x.visit([&](const auto& view) { return csr_arrays(without_gil([&] { return s.transform(view); })); });
                },
                py::arg("X").noconvert(), "CSR X scaled: (data, indices, indptr) of a new CSR matrix of X's shape.")
            .def(
                "inverse_transform",
                [](const M& s, const SparseArrays<F>& x) {
                    return x.visit([&](const auto& view) { return csr_arrays(without_gil([&] { return s.inverse_transform(view); })); });
                },
                py::arg("X").noconvert(), "Scaled CSR X back: (data, indices, indptr) of a new CSR matrix.");
    }
}

template <linfa::Float F>
void bind_standard(py::module_& m, const char* name) {
    using M = StandardScaler<F>;
    py::class_<M> model_class(m, name, "A fitted StandardScaler (C++ linfa::preprocessing::StandardScaler).");
    def_scaler_members(model_class);
    model_class
        .def_property_readonly("mean", [](const M& s) { return copied(s.mean()); },
                               "Weighted mean of each feature (float64; computed even without centring).")
        .def_property_readonly("variance", [](const M& s) { return copied(s.variance()); },
                               "Weighted variance of each feature (float64; computed even without scaling).")
        .def_property_readonly("scale", [](const M& s) { return copied(s.scale()); },
                               "What each centred feature is divided by (float64).")
        .def_property_readonly("rows", [](const M& s) { return s.moments().rows; }, "Rows seen.")
        .def_property_readonly("weight", [](const M& s) { return s.moments().weight; },
                               "Total sample weight seen (the rows, when unweighted).")
        .def_property_readonly("with_mean", &M::with_mean)
        .def_property_readonly("with_std", &M::with_std);

    auto bind_fits = [&]<class Records>(Records*) {
        m.def(per_scalar_name<F>("standard_scaler_fit").c_str(),
              [](const Records& x, const std::optional<CArray<F>>& w, bool with_mean, bool with_std) {
                  return fit_standard<F>(std::nullopt, x, w, with_mean, with_std);
              },
              py::arg("X").noconvert(), py::arg("sample_weight").noconvert(), py::arg("with_mean"), py::arg("with_std"),
              "Fits a StandardScaler on X (dense or CSR) with optional sample weights; arrays are not copied.");
        m.def(per_scalar_name<F>("standard_scaler_partial_fit").c_str(), &fit_standard<F, Records>, py::arg("model"),
              py::arg("X").noconvert(), py::arg("sample_weight").noconvert(), py::arg("with_mean"), py::arg("with_std"),
              "`model` (None: a new one) updated with one more batch (dense or CSR); arrays are not copied.");
    };
    bind_fits(static_cast<CArray<F>*>(nullptr));
    bind_fits(static_cast<SparseArrays<F>*>(nullptr));
#ifdef LINFA_PYTHON_MPI
    m.def(
        per_scalar_name<F>("standard_scaler_fit_distributed").c_str(),
        [](const CArray<F>& x, const std::optional<CArray<F>>& w, bool with_mean, bool with_std, std::int64_t comm) {
            return fit_distributed(StandardScaler<F>::params().with_mean(with_mean).with_std(with_std).check(), x, w, comm);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(), py::arg("with_mean"), py::arg("with_std"), py::arg("comm"),
        "Fits a StandardScaler over the ranks of an MPI communicator (its Fortran handle) on this rank's rows of a dense X.");
#endif
}

template <linfa::Float F>
void bind_min_max(py::module_& m, const char* name) {
    using M = MinMaxScaler<F>;
    py::class_<M> model_class(m, name, "A fitted MinMaxScaler (C++ linfa::preprocessing::MinMaxScaler).");
    def_scaler_members(model_class);
    model_class
        .def_property_readonly("data_min", [](const M& s) { return copied(s.data_min()); })
        .def_property_readonly("data_max", [](const M& s) { return copied(s.data_max()); })
        .def_property_readonly("scale", [](const M& s) { return copied(s.scale()); }, "What each feature is multiplied by.")
        .def_property_readonly("min", [](const M& s) { return copied(s.min()); }, "What is then added to each feature.")
        .def_property_readonly("feature_range", &M::feature_range, "(low, high).")
        .def_property_readonly("clip", &M::clip)
        .def_property_readonly("rows", [](const M& s) { return s.extremes().rows; }, "Rows seen.");

    m.def(per_scalar_name<F>("min_max_scaler_fit").c_str(),
          [](const CArray<F>& x, double low, double high, bool clip) {
              return fit_min_max<F>(std::nullopt, x, low, high, clip);
          },
          py::arg("X").noconvert(), py::arg("low"), py::arg("high"), py::arg("clip"),
          "Fits a MinMaxScaler on X; X is not copied.");
    m.def(per_scalar_name<F>("min_max_scaler_partial_fit").c_str(), &fit_min_max<F>, py::arg("model"),
          py::arg("X").noconvert(), py::arg("low"), py::arg("high"), py::arg("clip"),
          "`model` (None: a new one) updated with one more batch; X is not copied.");
#ifdef LINFA_PYTHON_MPI
    m.def(
        per_scalar_name<F>("min_max_scaler_fit_distributed").c_str(),
        [](const CArray<F>& x, double low, double high, bool clip, std::int64_t comm) {
            return fit_distributed(MinMaxScaler<F>::params().feature_range(low, high).clip(clip).check(), x, std::optional<CArray<F>>(), comm);
        },
        py::arg("X").noconvert(), py::arg("low"), py::arg("high"), py::arg("clip"), py::arg("comm"),
        "Fits a MinMaxScaler over the ranks of an MPI communicator (its Fortran handle) on this rank's rows of X.");
#endif
}

template <linfa::Float F>
void bind_max_abs(py::module_& m, const char* name) {
    using M = MaxAbsScaler<F>;
    py::class_<M> model_class(m, name, "A fitted MaxAbsScaler (C++ linfa::preprocessing::MaxAbsScaler).");
    def_scaler_members(model_class);
    model_class.def_property_readonly("max_abs", [](const M& s) { return copied(s.max_abs()); })
        .def_property_readonly("scale", [](const M& s) { return copied(s.scale()); }, "What each feature is divided by.")
        .def_property_readonly("rows", [](const M& s) { return s.extremes().rows; }, "Rows seen.");

    auto bind_fits = [&]<class Records>(Records*) {
        m.def(per_scalar_name<F>("max_abs_scaler_fit").c_str(), [](const Records& x) { return fit_max_abs<F>(std::nullopt, x); },
              py::arg("X").noconvert(), "Fits a MaxAbsScaler on X (dense or CSR); X is not copied.");
        m.def(per_scalar_name<F>("max_abs_scaler_partial_fit").c_str(), &fit_max_abs<F, Records>, py::arg("model"),
              py::arg("X").noconvert(), "`model` (None: a new one) updated with one more batch (dense or CSR); X is not copied.");
    };
    bind_fits(static_cast<CArray<F>*>(nullptr));
    bind_fits(static_cast<SparseArrays<F>*>(nullptr));
#ifdef LINFA_PYTHON_MPI
    m.def(
        per_scalar_name<F>("max_abs_scaler_fit_distributed").c_str(),
        [](const CArray<F>& x, std::int64_t comm) { return fit_distributed(MaxAbsScaler<F>::params().check(), x, std::optional<CArray<F>>(), comm); },
        py::arg("X").noconvert(), py::arg("comm"),
        "Fits a MaxAbsScaler over the ranks of an MPI communicator (its Fortran handle) on this rank's rows of a dense X.");
#endif
}

}  // namespace

void bind_preprocessing(py::module_& m) {
    bind_standard<float>(m, "StandardScalerF32");
    bind_standard<double>(m, "StandardScalerF64");
    bind_min_max<float>(m, "MinMaxScalerF32");
    bind_min_max<double>(m, "MinMaxScalerF64");
    bind_max_abs<float>(m, "MaxAbsScalerF32");
    bind_max_abs<double>(m, "MaxAbsScalerF64");
}

const RegisterBindings registered(bind_preprocessing);

}  // namespace linfa_python
