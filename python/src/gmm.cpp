// Gaussian mixtures in linfa._linfa: the C++ linfa::clustering::GaussianMixture for float32 and
// float64 (GaussianMixtureF32/F64) and its fit functions (gmm_fit_f32 / _f64), which also warm
// start from a model (C++ fit_with), and gmm_fit_distributed_f32 / _f64 over MPI. As little
// policy as possible; the scikit-learn estimator contract lives in linfa/_gmm.py. Parameters, covariances and factors are double for either
// scalar type and come back as float64 arrays in the C++ stacked shapes (the Python layer
// reshapes them as scikit-learn's); predictions come back in X's dtype.
#include "common.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <linfa/clustering/gmm.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/gmm.hpp>
#include <linfa/distributed/mpi.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::clustering::CovarianceType;
using linfa::clustering::GaussianMixture;
using linfa::clustering::GmmInit;

CovarianceType covariance_type_of(const std::string& name) {
    if (name == "full") return CovarianceType::Full;
    if (name == "tied") return CovarianceType::Tied;
    if (name == "diag") return CovarianceType::Diag;
    if (name == "spherical") return CovarianceType::Spherical;
    throw linfa::InvalidParams("covariance_type must be one of 'full', 'tied', 'diag', 'spherical', found '" + name + "'");
}

GmmInit init_of(const std::string& name) {
    if (name == "kmeans") return GmmInit::KMeans;
    if (name == "k-means++") return GmmInit::KMeansPlusPlus;
    if (name == "random") return GmmInit::Random;
    if (name == "random_from_data") return GmmInit::RandomFromData;
    throw linfa::InvalidParams("init_params must be one of 'kmeans', 'k-means++', 'random', 'random_from_data', found '" + name + "'");
}

/// The checked parameters of a fit; the lower bound after every iteration of every run is
/// appended to `bounds` (and printed as scikit-learn's verbose output).
template <linfa::Float F>
linfa::clustering::GaussianMixtureValidParams<F> fit_params(std::size_t n_components, const std::string& covariance_type, double tol,
                                                            double reg_covar, std::uint64_t max_iter, std::size_t n_init,
                                                            const std::string& init_params, const std::optional<std::vector<double>>& weights_init,
                                                            const std::optional<linfa::Matrix<double>>& means_init,
                                                            const std::optional<linfa::Matrix<double>>& precisions_init, std::uint64_t seed,
                                                            int verbose, int verbose_interval, std::vector<double>& bounds) {
    auto params = GaussianMixture<F>::params(n_components, linfa::Rng(seed))
                      .covariance_type(covariance_type_of(covariance_type))
                      .tolerance(tol)
                      .reg_covar(reg_covar)
                      .max_n_iterations(max_iter)
                      .n_init(n_init)
                      .init_method(init_of(init_params));
    if (weights_init) params.weights_init(*weights_init);
    if (means_init) params.means_init(*means_init);
    if (precisions_init) params.precisions_init(*precisions_init);
    params.on_iteration([&bounds, verbose, verbose_interval](std::size_t init, std::uint64_t iteration, double bound) {
        bounds.push_back(bound);
        if (verbose > 0) {
            if (iteration == 1) std::printf("Initialization %zu\n", init);
            if (verbose >= 2 && iteration % std::uint64_t(std::max(verbose_interval, 1)) == 0) {
                std::printf("  Iteration %llu\t lower bound %.5f\n", static_cast<unsigned long long>(iteration), bound);
            }
            std::fflush(stdout);
        }
    });
    return params.check();
}

/// Fits (or, with a model, warm starts) on X; returns the model, the label of every sample and
/// the lower bound after every iteration.
template <linfa::Float F>
std::tuple<GaussianMixture<F>, linfa::Labels, std::vector<double>> fit_gmm(const CArray<F>& x, std::size_t n_components, const std::string& covariance_type,
                                                     double tol, double reg_covar, std::uint64_t max_iter, std::size_t n_init,
                                                     const std::string& init_params, const std::optional<std::vector<double>>& weights_init,
                                                     const std::optional<linfa::Matrix<double>>& means_init,
                                                     const std::optional<linfa::Matrix<double>>& precisions_init, std::uint64_t seed,
                                                     std::optional<GaussianMixture<F>> warm, int verbose, int verbose_interval) {
    std::vector<double> bounds;
    const auto checked = fit_params<F>(n_components, covariance_type, tol, reg_covar, max_iter, n_init, init_params, weights_init,
                                       means_init, precisions_init, seed, verbose, verbose_interval, bounds);
    const linfa::DatasetView<F> data(view_of(x));
    return without_gil([&] {
        GaussianMixture<F> model = warm ? checked.fit_with(std::move(warm), data) : checked.fit(data);
        linfa::Labels labels = model.predict(data);
        return std::make_tuple(std::move(model), std::move(labels), std::move(bounds));
    });
}

#ifdef LINFA_PYTHON_MPI
/// `fit_gmm` (without a warm start) on this rank's rows of a dataset spread over the ranks of
/// the MPI communicator whose Fortran handle is `comm` (mpi4py's Comm.py2f()): every rank gets
/// the model one process fits on all the rows, and the labels of its own rows.
template <linfa::Float F>
std::tuple<GaussianMixture<F>, linfa::Labels, std::vector<double>> fit_gmm_distributed(
    const CArray<F>& x, std::size_t n_components, const std::string& covariance_type, double tol, double reg_covar, std::uint64_t max_iter,
    std::size_t n_init, const std::string& init_params, const std::optional<std::vector<double>>& weights_init,
    const std::optional<linfa::Matrix<double>>& means_init, const std::optional<linfa::Matrix<double>>& precisions_init, std::uint64_t seed,
    int verbose, int verbose_interval, std::int64_t comm) {
    std::vector<double> bounds;
    const auto checked = fit_params<F>(n_components, covariance_type, tol, reg_covar, max_iter, n_init, init_params, weights_init,
                                       means_init, precisions_init, seed, verbose, verbose_interval, bounds);
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    const linfa::DatasetView<F> data(view_of(x));
    return without_gil([&] {
        auto fitted = linfa::distributed::fit_predict(checked, group, data);
        return std::make_tuple(std::move(fitted.model), std::move(fitted.labels), std::move(bounds));
    });
}
#endif

template <linfa::Float F>
void bind_gaussian_mixture(py::module_& m, const char* name) {
    using M = GaussianMixture<F>;
    py::class_<M> model_class(m, name, "A fitted Gaussian mixture (C++ linfa::clustering::GaussianMixture).");
    def_model_file_members(model_class);
    auto answer = [](auto method) {
        return [method](const M& model, const CArray<F>& x) {
            const linfa::DatasetView<F> data(view_of(x));
            return without_gil([&] { return (model.*method)(data); });
        };
    };
    model_class.def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_components", &M::n_components)
        .def_property_readonly("covariance_type", [](const M& model) { return std::string(covariance_type_name(model.covariance_type())); })
        .def_property_readonly("weights", [](const M& model) { return py::array_t<double>(py::ssize_t(model.weights().size()), model.weights().data()); })
        .def_property_readonly("means", [](const M& model) { return linfa::Matrix<double>(model.means()); })
        .def_property_readonly("covariances", [](const M& model) { return linfa::Matrix<double>(model.covariances()); },
                               "Covariances in the C++ stacked shape (full: (k d) x d; spherical: k x 1).")
        .def_property_readonly("precisions_cholesky", [](const M& model) { return linfa::Matrix<double>(model.precisions_cholesky()); })
        .def_property_readonly("precisions", &M::precisions)
        .def_property_readonly("converged", &M::converged)
        .def_property_readonly("n_iter", &M::n_iter)
        .def_property_readonly("lower_bound", &M::lower_bound)
        .def_property_readonly("n_parameters", &M::n_parameters)
        .def("predict", answer(static_cast<linfa::Labels (M::*)(const linfa::DatasetView<F>&) const>(&M::predict)),
             py::arg("X").noconvert(), "The most probable component of each sample (int32).")
        .def("predict_proba", answer(&M::predict_proba), py::arg("X").noconvert(), "Responsibilities, n_samples x n_components.")
        .def("score_samples", answer(&M::score_samples), py::arg("X").noconvert(), "Log-likelihood of each sample (float64).")
        .def("score", answer(&M::score), py::arg("X").noconvert(), "Mean log-likelihood.")
        .def("bic", answer(&M::bic), py::arg("X").noconvert())
        .def("aic", answer(&M::aic), py::arg("X").noconvert())
        .def(
            "sample",
            [](const M& model, std::size_t n, std::uint64_t seed) {
                linfa::Rng rng(seed);
                auto drawn = without_gil([&] { return model.sample(n, rng); });
                return std::make_pair(std::move(drawn.records), std::move(drawn.labels));
            },
            py::arg("n"), py::arg("seed"), "n samples and their components, grouped by component.");

    m.def(per_scalar_name<F>("gmm_fit").c_str(), &fit_gmm<F>, py::arg("X").noconvert(), py::arg("n_components"),
          py::arg("covariance_type"), py::arg("tol"), py::arg("reg_covar"), py::arg("max_iter"), py::arg("n_init"),
          py::arg("init_params"), py::arg("weights_init"), py::arg("means_init"), py::arg("precisions_init"), py::arg("seed"),
          py::arg("warm"), py::arg("verbose"), py::arg("verbose_interval"),
          "Fits a Gaussian mixture on X (warm start from `warm` when given); returns (model, labels, the lower bound after every iteration).");
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("gmm_fit_distributed").c_str(), &fit_gmm_distributed<F>, py::arg("X").noconvert(), py::arg("n_components"),
          py::arg("covariance_type"), py::arg("tol"), py::arg("reg_covar"), py::arg("max_iter"), py::arg("n_init"),
          py::arg("init_params"), py::arg("weights_init"), py::arg("means_init"), py::arg("precisions_init"), py::arg("seed"),
          py::arg("verbose"), py::arg("verbose_interval"), py::arg("comm"),
          "Fits a Gaussian mixture on this rank's rows of data spread over an MPI communicator (Fortran handle); returns as gmm_fit, "
          "with this rank's labels.");
#endif
}

}  // namespace

void bind_gmm(py::module_& m) {
    bind_gaussian_mixture<float>(m, "GaussianMixtureF32");
    bind_gaussian_mixture<double>(m, "GaussianMixtureF64");
}

const RegisterBindings registered_gmm(bind_gmm);

}  // namespace linfa_python
