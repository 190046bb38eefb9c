// K-Means in linfa._linfa: the C++ model for float32 and float64 (KMeansF32, KMeansF64), its
// full-batch fit and its mini-batch fit / step, with as little policy as possible; the
// scikit-learn estimator contract lives in linfa/_kmeans.py and linfa/_minibatch.py.
#include "common.hpp"
#include "sparse.hpp"

#include <string>

#include <linfa/clustering/kmeans.hpp>
#ifdef LINFA_PYTHON_MPI
#include <linfa/distributed/kmeans.hpp>
#include <linfa/distributed/minibatch.hpp>
#include <linfa/distributed/mpi.hpp>
#endif

namespace linfa_python {
namespace {

using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::KMeansAlgorithm;

InitMethod init_method_of(const std::string& name) {
    if (name == "k-means++") return InitMethod::KMeansPlusPlus;
    if (name == "random") return InitMethod::Random;
    if (name == "k-means||") return InitMethod::KMeansPara;
    throw linfa::InvalidParams("init must be 'k-means++', 'random', 'k-means||' or an array, found '" + name + "'");
}

/// The init method by name, or the given centroids (copied: the model keeps them).
template <class Params, linfa::Float F>
void set_init(Params& params, const std::string& init, const std::optional<CArray<F>>& init_centroids) {
    if (init_centroids) {
        params.init_centroids(linfa::Matrix<F>(view_of(*init_centroids)));
    } else {
        params.init_method(init_method_of(init));
    }
}

/// Calls the Python function `progress` (the estimator's verbose printer) with `args`. The fit
/// runs without the GIL, so it is taken for the call; `progress` is a handle (no reference
/// counting when the parameters holding it are copied) to an argument alive for the fit.
template <class... Args>
void report(py::handle progress, Args... args) {
    py::gil_scoped_acquire gil;
    progress(args...);
}

/// The full-batch fit's parameters; `progress` (the estimator's verbose printer) gets
/// ("iteration", run, iteration, inertia) and ("converged", run, iteration, strict, shift, tol).
template <linfa::Float F>
linfa::clustering::KMeansParams<F> fit_params(std::size_t n_clusters, const std::string& init,
                                              const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
                                              std::uint64_t max_iter, double tol, std::uint64_t seed,
                                              const std::optional<py::function>& progress, KMeansAlgorithm algorithm) {
    auto params = KMeans<F>::params_with_rng(n_clusters, linfa::Rng(seed))
                      .n_runs(n_runs)
                      .max_n_iterations(max_iter)
                      .tolerance(tol)
                      .algorithm(algorithm);
    set_init(params, init, init_centroids);
    if (progress) {
        const py::handle to = *progress;
        params.on_iteration([to](std::size_t run, std::uint64_t iteration, double inertia) { report(to, "iteration", run, iteration, inertia); });
        params.on_converged([to](const linfa::clustering::KMeansConvergence& c) {
            report(to, "converged", c.run, c.iteration, c.strict, c.center_shift, c.tolerance);
        });
    }
    return params;
}

/// Fits and returns (model, labels of the training samples): the fit computes the labels
/// anyway, so `labels_` costs no extra pass.
/// X is a dense array (CArray<F>) or a CSR matrix (SparseArrays<F>).
template <linfa::Float F, class Records>
std::pair<KMeans<F>, linfa::Labels> fit(const Records& x, const std::optional<CArray<F>>& weights, std::size_t n_clusters,
              const std::string& init, const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
              std::uint64_t max_iter, double tol, std::uint64_t seed, const std::optional<py::function>& progress,
              KMeansAlgorithm algorithm) {
    const auto params = fit_params(n_clusters, init, init_centroids, n_runs, max_iter, tol, seed, progress, algorithm);
    auto fitted = with_dataset(x, weights, [&](const auto& data) { return without_gil([&] { return params.fit_predict(data); }); });
    return {std::move(fitted.model), std::move(fitted.labels)};
}

#ifdef LINFA_PYTHON_MPI
/// `fit` on this rank's rows of a dataset spread over the ranks of the MPI communicator whose
/// Fortran handle is `comm` (mpi4py's Comm.py2f()): every rank gets the model one process
/// fits on all the rows, and the labels of its own rows.
template <linfa::Float F>
std::pair<KMeans<F>, linfa::Labels> fit_distributed(const CArray<F>& x, const std::optional<CArray<F>>& weights,
                                                    std::size_t n_clusters, const std::string& init,
                                                    const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
                                                    std::uint64_t max_iter, double tol, std::uint64_t seed,
                                                    const std::optional<py::function>& progress, KMeansAlgorithm algorithm,
                                                    std::int64_t comm) {
    const auto params = fit_params(n_clusters, init, init_centroids, n_runs, max_iter, tol, seed, progress, algorithm).check();
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    auto fitted = with_dataset(x, weights, [&](const auto& data) {
        return without_gil([&] { return linfa::distributed::fit_predict(params, group, data); });
    });
    return {std::move(fitted.model), std::move(fitted.labels)};
}
#endif

/// Mini-batch hyper-parameters shared by the full mini-batch fit and the one-batch step.
template <linfa::Float F>
linfa::clustering::MiniBatchKMeansParams<F> minibatch_params(std::size_t n_clusters, const std::string& init,
                                                            const std::optional<CArray<F>>& init_centroids,
                                                            std::size_t batch_size, std::optional<std::size_t> init_size,
                                                            double reassignment_ratio, std::uint64_t seed) {
    auto params = KMeans<F>::minibatch_params(n_clusters, linfa::Rng(seed))
                      .batch_size(batch_size)
                      .init_size(init_size)
                      .reassignment_ratio(reassignment_ratio);
    set_init(params, init, init_centroids);
    return params;
}

/// The hyper-parameters of the full mini-batch fit (with its progress hook).
template <linfa::Float F>
linfa::clustering::MiniBatchKMeansParams<F> minibatch_fit_params(std::size_t n_clusters, const std::string& init,
                                                                const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
                                                                std::uint64_t max_iter, std::size_t batch_size, double tol,
                                                                std::optional<std::uint64_t> max_no_improvement,
                                                                std::optional<std::size_t> init_size, double reassignment_ratio,
                                                                std::uint64_t seed, const std::optional<py::function>& progress) {
    auto params = minibatch_params(n_clusters, init, init_centroids, batch_size, init_size, reassignment_ratio, seed);
    params.n_runs(n_runs).max_n_iterations(max_iter).tolerance(tol).max_no_improvement(max_no_improvement);
    if (progress) {  // progress(step, n_steps, batch inertia, ewa inertia, reassigned, stop: "" / "small change" / "no improvement")
        const py::handle to = *progress;
        params.on_step([to](const linfa::clustering::MiniBatchStepInfo& info) {
            using linfa::clustering::MiniBatchStop;
            const char* stop = info.stop == MiniBatchStop::SmallChange ? "small change" : info.stop == MiniBatchStop::NoImprovement ? "no improvement" : "";
            report(to, info.step, info.n_steps, info.batch_inertia, info.ewa_inertia, info.n_reassigned, stop);
        });
    }
    return params;
}

/// The mini-batch algorithm over X; returns (model, labels of X).
template <linfa::Float F, class Records>
std::pair<KMeans<F>, linfa::Labels> minibatch_fit(const Records& x, const std::optional<CArray<F>>& weights,
                                                  std::size_t n_clusters, const std::string& init,
                                                  const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
                                                  std::uint64_t max_iter, std::size_t batch_size, double tol,
                                                  std::optional<std::uint64_t> max_no_improvement,
                                                  std::optional<std::size_t> init_size, double reassignment_ratio,
                                                  std::uint64_t seed, const std::optional<py::function>& progress) {
    const auto params = minibatch_fit_params(n_clusters, init, init_centroids, n_runs, max_iter, batch_size, tol, max_no_improvement,
                                             init_size, reassignment_ratio, seed, progress);
    auto fitted = with_dataset(x, weights, [&](const auto& data) { return without_gil([&] { return params.fit_predict(data); }); });
    return {std::move(fitted.model), std::move(fitted.labels)};
}

#ifdef LINFA_PYTHON_MPI
/// `minibatch_fit` on this rank's rows of a dataset spread over the ranks of the MPI
/// communicator whose Fortran handle is `comm`: every rank gets the model one process fits on
/// all the rows, and the labels of its own rows.
template <linfa::Float F>
std::pair<KMeans<F>, linfa::Labels> minibatch_fit_distributed(const CArray<F>& x, const std::optional<CArray<F>>& weights,
                                                              std::size_t n_clusters, const std::string& init,
                                                              const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
                                                              std::uint64_t max_iter, std::size_t batch_size, double tol,
                                                              std::optional<std::uint64_t> max_no_improvement,
                                                              std::optional<std::size_t> init_size, double reassignment_ratio,
                                                              std::uint64_t seed, const std::optional<py::function>& progress,
                                                              std::int64_t comm) {
    const auto params = minibatch_fit_params(n_clusters, init, init_centroids, n_runs, max_iter, batch_size, tol, max_no_improvement,
                                             init_size, reassignment_ratio, seed, progress).check();
    const linfa::distributed::MpiCommunicator group(MPI_Comm_f2c(MPI_Fint(comm)));
    auto fitted = with_dataset(x, weights, [&](const auto& data) {
        return without_gil([&] { return linfa::distributed::fit_predict(params, group, data); });
    });
    return {std::move(fitted.model), std::move(fitted.labels)};
}
#endif

/// One mini-batch step on X from `model` (None: initialised from X); returns the new model.
template <linfa::Float F, class Records>
KMeans<F> minibatch_step(std::optional<KMeans<F>> model, const Records& x, const std::optional<CArray<F>>& weights,
                         std::size_t n_clusters, const std::string& init, const std::optional<CArray<F>>& init_centroids,
                         std::size_t batch_size, std::optional<std::size_t> init_size, double reassignment_ratio,
                         std::uint64_t seed) {
    const auto params = minibatch_params(n_clusters, init, init_centroids, batch_size, init_size, reassignment_ratio, seed);
    return with_dataset(x, weights, [&](const auto& data) { return without_gil([&] { return params.fit_with(std::move(model), data); }); });
}

/// Binds predict, transform, score and predict_with_inertia for X of type `Records` (a dense
/// array or a CSR matrix): pybind11 picks the overload by X's type.
template <linfa::Float F, class Records>
void bind_predictions(py::class_<KMeans<F>>& model_class) {
    model_class
        .def(
            "predict",
            [](const KMeans<F>& k, const Records& x) {
                return with_records(x, [&](const auto& records) { return without_gil([&] { return k.predict(records); }); });
            },
            py::arg("X").noconvert())
        .def(
            "transform",
            [](const KMeans<F>& k, const Records& x) {
                return with_records(x, [&](const auto& records) { return without_gil([&] { return k.transform(records); }); });
            },
            py::arg("X").noconvert())
        .def(
            "score",
            [](const KMeans<F>& k, const Records& x, const std::optional<CArray<F>>& w) {
                return with_dataset(x, w, [&](const auto& data) { return without_gil([&] { return k.score(data); }); });
            },
            py::arg("X").noconvert(), py::arg("sample_weight").noconvert() = py::none())
        .def(
            "predict_with_inertia",
            [](const KMeans<F>& k, const Records& x, const std::optional<CArray<F>>& w) {
                auto out = with_dataset(x, w, [&](const auto& data) { return without_gil([&] { return k.predict_with_inertia(data); }); });
                return std::make_pair(std::move(out.labels), out.inertia);
            },
            py::arg("X").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            "(labels, weighted inertia) of X in one pass.");
}

/// Binds KMeans<F> as `name`, and its fit functions for this scalar type.
template <linfa::Float F>
void bind_model(py::module_& m, const char* name) {
    py::class_<KMeans<F>> model_class(m, name, "A fitted linfa K-Means model (C++ linfa::clustering::KMeans).");
    def_model_file_members(model_class);
    model_class
        .def_property_readonly("centroids", [](const KMeans<F>& k) { return linfa::Matrix<F>(k.centroids()); })
        .def_property_readonly("inertia", &KMeans<F>::inertia)
        .def_property_readonly("n_iterations", &KMeans<F>::n_iterations)
        .def_property_readonly("n_clusters", &KMeans<F>::n_clusters)
        .def_property_readonly("n_features", &KMeans<F>::n_features)
        .def_property_readonly(
            "cluster_weights",
            [](const KMeans<F>& k) -> py::object {
                if (!k.has_cluster_weights()) return py::none();
                const auto w = k.cluster_weights();
                return py::array_t<double>(py::ssize_t(w.size()), w.data());
            },
            "Cumulated sample weight of each cluster (float64), or None when the model file had none.")
        .def_property_readonly("n_steps", &KMeans<F>::n_steps);
    bind_predictions<F, CArray<F>>(model_class);
    bind_predictions<F, SparseArrays<F>>(model_class);

    auto bind_fit = [&](auto fit_function) {
        m.def(per_scalar_name<F>("fit").c_str(), fit_function, py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
              py::arg("n_clusters"), py::arg("init"), py::arg("init_centroids").noconvert(), py::arg("n_runs"),
              py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("progress"), py::arg("algorithm"),
              "Fits K-Means on a dense array or a CSR matrix of this scalar type (not copied).");
    };
    bind_fit(&fit<F, CArray<F>>);
    bind_fit(&fit<F, SparseArrays<F>>);
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("fit_distributed").c_str(), &fit_distributed<F>, py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"), py::arg("init_centroids").noconvert(),
          py::arg("n_runs"), py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("progress"), py::arg("algorithm"),
          py::arg("comm"), "Fits K-Means on this rank's rows of data spread over an MPI communicator (Fortran handle).");
#endif
    auto bind_minibatch = [&](auto fit_function, auto step_function) {
        m.def(per_scalar_name<F>("minibatch_fit").c_str(), fit_function, py::arg("X").noconvert(),
              py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"),
              py::arg("init_centroids").noconvert(), py::arg("n_runs"), py::arg("max_iter"), py::arg("batch_size"),
              py::arg("tol"), py::arg("max_no_improvement"), py::arg("init_size"), py::arg("reassignment_ratio"),
              py::arg("seed"), py::arg("progress"),
              "Mini-batch K-Means over X (dense or CSR); returns (model, labels of X). Arrays are not copied.");
        m.def(per_scalar_name<F>("minibatch_step").c_str(), step_function, py::arg("model"), py::arg("X").noconvert(),
              py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"),
              py::arg("init_centroids").noconvert(), py::arg("batch_size"), py::arg("init_size"),
              py::arg("reassignment_ratio"), py::arg("seed"),
              "One mini-batch step on X (dense or CSR) from model (None: initialised from X); returns the new model.");
    };
#ifdef LINFA_PYTHON_MPI
    m.def(per_scalar_name<F>("minibatch_fit_distributed").c_str(), &minibatch_fit_distributed<F>, py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"), py::arg("init_centroids").noconvert(),
          py::arg("n_runs"), py::arg("max_iter"), py::arg("batch_size"), py::arg("tol"), py::arg("max_no_improvement"),
          py::arg("init_size"), py::arg("reassignment_ratio"), py::arg("seed"), py::arg("progress"), py::arg("comm"),
          "Mini-batch K-Means on this rank's rows of data spread over an MPI communicator (Fortran handle).");
#endif
    bind_minibatch(&minibatch_fit<F, CArray<F>>, &minibatch_step<F, CArray<F>>);
    bind_minibatch(&minibatch_fit<F, SparseArrays<F>>, &minibatch_step<F, SparseArrays<F>>);
    m.def(per_scalar_name<F>("view_address").c_str(),
          [](const CArray<F>& x) { return reinterpret_cast<std::uintptr_t>(view_of(x).data()); },
          py::arg("X").noconvert(), "Address of the buffer fit would view (a zero-copy check for tests).");
}

}  // namespace

void bind_kmeans(py::module_& m) {
    py::enum_<KMeansAlgorithm>(m, "KMeansAlgorithm", "The full-batch iteration (C++ linfa::clustering::KMeansAlgorithm).")
        .value("Lloyd", KMeansAlgorithm::Lloyd)
        .value("Hamerly", KMeansAlgorithm::Hamerly)
        .value("Auto", KMeansAlgorithm::Auto);
    bind_model<float>(m, "KMeansF32");
    bind_model<double>(m, "KMeansF64");
}

const RegisterBindings registered(bind_kmeans);

}  // namespace linfa_python
