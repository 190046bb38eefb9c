// K-Means in linfa._linfa: the C++ model for float32 and float64 (KMeansF32, KMeansF64), its
// full-batch fit and its mini-batch fit / step, with as little policy as possible; the
// scikit-learn estimator contract lives in linfa/_kmeans.py and linfa/_minibatch.py.
#include "common.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include <linfa/clustering/kmeans.hpp>

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

/// Prints scikit-learn's per-iteration line straight to the C stdout, so it needs no GIL.
void print_iteration(std::size_t run, std::uint64_t iteration, double inertia) {
    if (iteration == 0) std::printf("Initialization complete (run %zu)\n", run);
    std::printf("Iteration %llu, inertia %.6g.\n", static_cast<unsigned long long>(iteration), inertia);
    std::fflush(stdout);
}

/// Fits and returns (model, labels of the training samples): the fit computes the labels
/// anyway, so `labels_` costs no extra pass.
template <linfa::Float F>
std::pair<KMeans<F>, linfa::Labels> fit(const CArray<F>& x, const std::optional<CArray<F>>& weights, std::size_t n_clusters,
              const std::string& init, const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
              std::uint64_t max_iter, double tol, std::uint64_t seed, bool verbose, KMeansAlgorithm algorithm) {
    auto params = KMeans<F>::params_with_rng(n_clusters, linfa::Rng(seed))
                      .n_runs(n_runs)
                      .max_n_iterations(max_iter)
                      .tolerance(tol)
                      .algorithm(algorithm);
    set_init(params, init, init_centroids);
    if (verbose) params.on_iteration(print_iteration);
    const linfa::DatasetView<F> data = dataset_of(x, weights);
    auto fitted = without_gil([&] { return params.fit_predict(data); });
    return {std::move(fitted.model), std::move(fitted.labels)};
}

/// Prints scikit-learn's MiniBatchKMeans progress lines, as `print_iteration`.
void print_step(const linfa::clustering::MiniBatchStepInfo& info) {
    if (info.n_reassigned) std::printf("[MiniBatchKMeans] Reassigning %zu cluster centers.\n", info.n_reassigned);
    if (std::isnan(info.ewa_inertia)) {
        std::printf("Minibatch step %llu/%llu: mean batch inertia: %.6g\n", static_cast<unsigned long long>(info.step + 1),
                    static_cast<unsigned long long>(info.n_steps), info.batch_inertia);
    } else {
        std::printf("Minibatch step %llu/%llu: mean batch inertia: %.6g, ewa inertia: %.6g\n",
                    static_cast<unsigned long long>(info.step + 1), static_cast<unsigned long long>(info.n_steps),
                    info.batch_inertia, info.ewa_inertia);
    }
    std::fflush(stdout);
}

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

/// The mini-batch algorithm over X; returns (model, labels of X).
template <linfa::Float F>
std::pair<KMeans<F>, linfa::Labels> minibatch_fit(const CArray<F>& x, const std::optional<CArray<F>>& weights,
                                                  std::size_t n_clusters, const std::string& init,
                                                  const std::optional<CArray<F>>& init_centroids, std::size_t n_runs,
                                                  std::uint64_t max_iter, std::size_t batch_size, double tol,
                                                  std::optional<std::uint64_t> max_no_improvement,
                                                  std::optional<std::size_t> init_size, double reassignment_ratio,
                                                  std::uint64_t seed, bool verbose) {
    auto params = minibatch_params(n_clusters, init, init_centroids, batch_size, init_size, reassignment_ratio, seed);
    params.n_runs(n_runs).max_n_iterations(max_iter).tolerance(tol).max_no_improvement(max_no_improvement);
    if (verbose) params.on_step(print_step);
    const linfa::DatasetView<F> data = dataset_of(x, weights);
    auto fitted = without_gil([&] { return params.fit_predict(data); });
    return {std::move(fitted.model), std::move(fitted.labels)};
}

/// One mini-batch step on X from `model` (None: initialised from X); returns the new model.
template <linfa::Float F>
KMeans<F> minibatch_step(std::optional<KMeans<F>> model, const CArray<F>& x, const std::optional<CArray<F>>& weights,
                         std::size_t n_clusters, const std::string& init, const std::optional<CArray<F>>& init_centroids,
                         std::size_t batch_size, std::optional<std::size_t> init_size, double reassignment_ratio,
                         std::uint64_t seed) {
    const auto params = minibatch_params(n_clusters, init, init_centroids, batch_size, init_size, reassignment_ratio, seed);
    const linfa::DatasetView<F> data = dataset_of(x, weights);
    return without_gil([&] { return params.fit_with(std::move(model), data); });
}

/// Labels of X and their weighted inertia, in one pass (a model's `predict` + `score`).
template <linfa::Float F>
std::pair<linfa::Labels, double> predict_with_inertia(const KMeans<F>& model, const linfa::DatasetView<F>& data) {
    if (data.n_features() != model.n_features()) {
        throw linfa::clustering::KMeansInputError("KMeans: expected " + std::to_string(model.n_features()) +
                                                  " features per sample (as in training), found " +
                                                  std::to_string(data.n_features()));
    }
    linfa::require_finite<F>(data.records(), "records");
    linfa::require_valid_weights<F>(data.weights());
    linfa::Labels labels(static_cast<Eigen::Index>(data.n_samples()));
    const double inertia = linfa::clustering::kmeans_detail::assign_with_inertia(data, model.centroids(), labels.data());
    return {std::move(labels), inertia};
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
        .def_property_readonly("n_steps", &KMeans<F>::n_steps)
        .def(
            "predict",
            [](const KMeans<F>& k, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return k.predict(data); });
            },
            py::arg("X").noconvert())
        .def(
            "transform",
            [](const KMeans<F>& k, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return k.transform(data); });
            },
            py::arg("X").noconvert())
        .def(
            "score",
            [](const KMeans<F>& k, const CArray<F>& x, const std::optional<CArray<F>>& w) {
                const linfa::DatasetView<F> data = dataset_of(x, w);
                return without_gil([&] { return k.score(data); });
            },
            py::arg("X").noconvert(), py::arg("sample_weight").noconvert() = py::none())
        .def(
            "predict_with_inertia",
            [](const KMeans<F>& k, const CArray<F>& x, const std::optional<CArray<F>>& w) {
                const linfa::DatasetView<F> data = dataset_of(x, w);
                return without_gil([&] { return predict_with_inertia(k, data); });
            },
            py::arg("X").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            "(labels, weighted inertia) of X in one pass.");

    m.def(per_scalar_name<F>("fit").c_str(), &fit<F>, py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
          py::arg("n_clusters"), py::arg("init"), py::arg("init_centroids").noconvert(), py::arg("n_runs"),
          py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("verbose"), py::arg("algorithm"),
          "Fits K-Means; arrays must be C-contiguous of this scalar type (they are not copied).");
    m.def(per_scalar_name<F>("minibatch_fit").c_str(), &minibatch_fit<F>, py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"),
          py::arg("init_centroids").noconvert(), py::arg("n_runs"), py::arg("max_iter"), py::arg("batch_size"),
          py::arg("tol"), py::arg("max_no_improvement"), py::arg("init_size"), py::arg("reassignment_ratio"),
          py::arg("seed"), py::arg("verbose"),
          "Mini-batch K-Means over X; returns (model, labels of X). Arrays are not copied.");
    m.def(per_scalar_name<F>("minibatch_step").c_str(), &minibatch_step<F>, py::arg("model"), py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"),
          py::arg("init_centroids").noconvert(), py::arg("batch_size"), py::arg("init_size"),
          py::arg("reassignment_ratio"), py::arg("seed"),
          "One mini-batch step on X from model (None: initialised from X); returns the new model.");
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
