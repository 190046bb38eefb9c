// linfa._linfa: the native half of the Python package. It exposes the C++ K-Means model for
// float32 and float64, its full-batch fit and its mini-batch fit / step, with as little policy
// as possible; the scikit-learn estimator contract (parameter handling, input conversion,
// fitted attributes) lives in linfa/_kmeans.py and linfa/_minibatch.py.
//
// Arrays come in as C-contiguous arrays of exactly the model's scalar type (`noconvert`): the
// Python layer converts anything else once, so here a NumPy buffer is viewed, never copied.
// The GIL is released while C++ computes. linfa exceptions become ValueError / OSError.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>  // std::optional arguments

#include <linfa/clustering/kmeans.hpp>
#include <linfa/models.hpp>

namespace py = pybind11;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::KMeansAlgorithm;

namespace {

template <linfa::Float F>
using CArray = py::array_t<F, py::array::c_style>;

/// A view of a 2-D array's buffer (no copy). The array must outlive the view.
template <linfa::Float F>
linfa::MatrixView<F> view_of(const CArray<F>& x) {
    if (x.ndim() != 2) {
        throw linfa::InvalidInput("expected a 2-D array of shape (n_samples, n_features), found " +
                                  std::to_string(x.ndim()) + " dimension(s)");
    }
    return linfa::MatrixView<F>(x.data(), x.shape(0), x.shape(1));
}

/// Records plus optional 1-D sample weights, both viewed in place.
template <linfa::Float F>
linfa::DatasetView<F> dataset_of(const CArray<F>& x, const std::optional<CArray<F>>& weights) {
    if (!weights) return linfa::DatasetView<F>(view_of(x));
    if (weights->ndim() != 1) {
        throw linfa::InvalidInput("sample_weight must be 1-D, found " + std::to_string(weights->ndim()) +
                                  " dimension(s)");
    }
    return linfa::DatasetView<F>(view_of(x), std::span<const F>(weights->data(), std::size_t(weights->size())));
}

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
    py::gil_scoped_release release;
    auto fitted = params.fit_predict(data);
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
    py::gil_scoped_release release;
    auto fitted = params.fit_predict(data);
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
    py::gil_scoped_release release;
    return params.fit_with(std::move(model), data);
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

template <linfa::Float F>
std::string to_bytes(const KMeans<F>& model) {
    std::ostringstream out;
    linfa::save(model, out);
    return out.str();
}

/// Binds KMeans<F> as `name` with its fit/load entry points.
template <linfa::Float F>
void bind_model(py::module_& m, const char* name) {
    py::class_<KMeans<F>>(m, name, "A fitted linfa K-Means model (C++ linfa::clustering::KMeans).")
        .def_property_readonly("centroids", [](const KMeans<F>& k) { return linfa::Matrix<F>(k.centroids()); })
        .def_property_readonly("inertia", &KMeans<F>::inertia)
        .def_property_readonly("n_iterations", &KMeans<F>::n_iterations)
        .def_property_readonly("n_clusters", &KMeans<F>::n_clusters)
        .def_property_readonly("n_features", &KMeans<F>::n_features)
        .def_property_readonly("dtype", [](const KMeans<F>&) { return py::dtype::of<F>(); })
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
                py::gil_scoped_release release;
                return k.predict(data);
            },
            py::arg("X").noconvert())
        .def(
            "transform",
            [](const KMeans<F>& k, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                py::gil_scoped_release release;
                return k.transform(data);
            },
            py::arg("X").noconvert())
        .def(
            "score",
            [](const KMeans<F>& k, const CArray<F>& x, const std::optional<CArray<F>>& w) {
                const linfa::DatasetView<F> data = dataset_of(x, w);
                py::gil_scoped_release release;
                return k.score(data);
            },
            py::arg("X").noconvert(), py::arg("sample_weight").noconvert() = py::none())
        .def(
            "predict_with_inertia",
            [](const KMeans<F>& k, const CArray<F>& x, const std::optional<CArray<F>>& w) {
                const linfa::DatasetView<F> data = dataset_of(x, w);
                py::gil_scoped_release release;
                return predict_with_inertia(k, data);
            },
            py::arg("X").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            "(labels, weighted inertia) of X in one pass.")
        .def("to_bytes", [](const KMeans<F>& k) { return py::bytes(to_bytes(k)); },
             "The model file (binary format) as bytes.")
        .def(
            "save", [](const KMeans<F>& k, const std::string& path, bool json) {
                linfa::save(k, path, json ? linfa::FileFormat::json : linfa::FileFormat::binary);
            },
            py::arg("path"), py::arg("json") = false);

    const std::string suffix = std::string(linfa::scalar_name<F>());
    m.def(("fit_" + suffix).c_str(), &fit<F>, py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
          py::arg("n_clusters"), py::arg("init"), py::arg("init_centroids").noconvert(), py::arg("n_runs"),
          py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("verbose"), py::arg("algorithm"),
          "Fits K-Means; arrays must be C-contiguous of this scalar type (they are not copied).");
    m.def(("minibatch_fit_" + suffix).c_str(), &minibatch_fit<F>, py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"),
          py::arg("init_centroids").noconvert(), py::arg("n_runs"), py::arg("max_iter"), py::arg("batch_size"),
          py::arg("tol"), py::arg("max_no_improvement"), py::arg("init_size"), py::arg("reassignment_ratio"),
          py::arg("seed"), py::arg("verbose"),
          "Mini-batch K-Means over X; returns (model, labels of X). Arrays are not copied.");
    m.def(("minibatch_step_" + suffix).c_str(), &minibatch_step<F>, py::arg("model"), py::arg("X").noconvert(),
          py::arg("sample_weight").noconvert(), py::arg("n_clusters"), py::arg("init"),
          py::arg("init_centroids").noconvert(), py::arg("batch_size"), py::arg("init_size"),
          py::arg("reassignment_ratio"), py::arg("seed"),
          "One mini-batch step on X from model (None: initialised from X); returns the new model.");
    m.def(("view_address_" + suffix).c_str(),
          [](const CArray<F>& x) { return reinterpret_cast<std::uintptr_t>(view_of(x).data()); },
          py::arg("X").noconvert(), "Address of the buffer fit would view (a zero-copy check for tests).");
}

/// Loads a K-Means model of whichever scalar type `header` names.
/// The model of the kind and scalar type the header names, among every listed model
/// (linfa/models.hpp), as the Python object of its binding.
py::object load_dispatch(const linfa::ModelHeader& header, const std::string& bytes) {
    py::object loaded;
    std::string known;
    linfa::Models::for_each([&](auto type) {
        using M = typename decltype(type)::type;
        const std::string kind(linfa::model_io<M>::kind);
        const std::string scalar(linfa::scalar_name<typename linfa::model_io<M>::scalar_type>());
        known += (known.empty() ? "" : ", ") + kind + "/" + scalar;
        if (loaded || header.kind != kind || header.scalar != scalar) return;
        std::istringstream in(bytes);
        loaded = py::cast(linfa::load<M>(in));
    });
    if (!loaded) {
        throw linfa::ModelFileError("model file holds a '" + header.kind + "' model of " + header.scalar +
                                    " values; this build knows " + known);
    }
    return loaded;
}

std::string read_file(const std::string& path) {
    auto in = linfa::io::open_for_reading(path);
    return linfa::io::read_all(in);
}

void register_exceptions() {
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const linfa::ModelFileError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        } catch (const linfa::InvalidParams& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const linfa::InvalidInput& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
}

}  // namespace

PYBIND11_MODULE(_linfa, m) {
    m.doc() = "Native core of the linfa Python package (see linfa.KMeans).";
    register_exceptions();
    py::enum_<KMeansAlgorithm>(m, "KMeansAlgorithm", "The full-batch iteration (C++ linfa::clustering::KMeansAlgorithm).")
        .value("Lloyd", KMeansAlgorithm::Lloyd)
        .value("Hamerly", KMeansAlgorithm::Hamerly)
        .value("Auto", KMeansAlgorithm::Auto);
    bind_model<float>(m, "KMeansF32");
    bind_model<double>(m, "KMeansF64");

    m.def(
        "loads",
        [](const py::bytes& data) {
            const std::string bytes = data;
            std::istringstream in(bytes);
            return load_dispatch(linfa::read_header(in), bytes);
        },
        py::arg("data"), "A K-Means model from model-file bytes (f32 or f64, as the header says).");
    m.def(
        "load",
        [](const std::string& path) {
            const std::string bytes = read_file(path);
            std::istringstream in(bytes);
            try {
                return load_dispatch(linfa::read_header(in), bytes);
            } catch (const linfa::ModelFileError& e) {
                throw linfa::ModelFileError(std::string(e.what()) + " [" + path + "]");
            }
        },
        py::arg("path"), "Loads a K-Means model file written by linfa::save (C++ or Python).");
    m.def("openmp_threads", [] {
#ifdef _OPENMP
        return omp_get_max_threads();
#else
        return 1;
#endif
    });
}
