// K-nearest neighbours in linfa._linfa: the C++ linfa::neighbors::KNeighborsClassifier /
// KNeighborsRegressor for float32 and float64 (KNeighborsClassifierF32/F64,
// KNeighborsRegressorF32/F64) with their fit functions, and the index itself,
// linfa::nn::NeighbourIndex (NeighbourIndexF32/F64), which NearestNeighbors, KDTree and
// BallTree (linfa/_neighbors.py) query. As little policy as possible: scikit-learn's
// parameter names and checks live in the Python layer.
#include "common.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include <linfa/neighbors.hpp>

namespace linfa_python {
namespace {

using linfa::neighbors::KNeighborsClassifier;
using linfa::neighbors::KNeighborsRegressor;
using linfa::neighbors::NeighborsOptions;
namespace nn = linfa::nn;

using LabelArray = py::array_t<std::int32_t, py::array::c_style>;

/// The settings from scikit-learn's names (the Python layer has checked their types).
NeighborsOptions options_of(std::size_t n_neighbors, const std::string& weights, const std::string& algorithm,
                            std::size_t leaf_size, const std::string& metric, double p) {
    NeighborsOptions o;
    o.n_neighbors = n_neighbors;
    o.weights = linfa::neighbors::parse_weights(weights);
    o.index.algorithm = nn::parse_algorithm(algorithm);
    o.index.leaf_size = leaf_size;
    o.index.metric = nn::Metric::parse(metric, p);
    return o;
}

std::string weights_name(linfa::neighbors::Weights w) {
    return w == linfa::neighbors::Weights::uniform ? "uniform" : "distance";
}

/// (distances, indices) as numpy arrays.
template <linfa::Float F>
py::tuple neighbours_tuple(nn::KNeighbours<F> found) {
    return py::make_tuple(py::cast(std::move(found.distances)), py::cast(std::move(found.indices)));
}

/// The settings shared by both models' bindings.
template <class M, class Class>
void def_options(Class& c) {
    c.def_property_readonly("n_neighbors", [](const M& m) { return m.options().n_neighbors; })
        .def_property_readonly("weights", [](const M& m) { return weights_name(m.options().weights); })
        .def_property_readonly("algorithm", [](const M& m) { return nn::algorithm_name(m.options().index.algorithm); })
        .def_property_readonly("effective_algorithm", [](const M& m) { return nn::algorithm_name(m.index().algorithm()); })
        .def_property_readonly("leaf_size", [](const M& m) { return m.options().index.leaf_size; })
        .def_property_readonly("metric", [](const M& m) { return m.options().index.metric.name(); })
        .def_property_readonly("p", [](const M& m) { return m.options().index.metric.p; })
        .def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_samples", &M::n_samples)
        .def_property_readonly("records", [](const M& m) { return linfa::Matrix<typename linfa::model_io<M>::scalar_type>(m.records()); });
}

template <linfa::Float F>
void bind_models(py::module_& m, const char* classifier_name, const char* regressor_name) {
    using C = KNeighborsClassifier<F>;
    using R = KNeighborsRegressor<F>;
    py::class_<C> classifier(m, classifier_name, "A fitted k-nearest-neighbours classifier (C++ linfa::neighbors::KNeighborsClassifier).");
    def_model_file_members(classifier);
    def_options<C>(classifier);
    classifier.def_property_readonly("n_classes", &C::n_classes)
        .def_property_readonly("classes",
                               [](const C& model) {
                                   const auto labels = model.classes().labels();
                                   return py::array_t<std::int32_t>(py::ssize_t(labels.size()), labels.data());
                               })
        .def("predict",
             [](const C& model, const CArray<F>& x) {
                 const linfa::DatasetView<F> data(view_of(x));
                 return without_gil([&] { return model.predict(data); });
             },
             py::arg("X").noconvert(), "The class of most votes of each sample (int32).")
        .def("predict_proba",
             [](const C& model, const CArray<F>& x) {
                 const linfa::DatasetView<F> data(view_of(x));
                 return without_gil([&] { return model.predict_proba(data); });
             },
             py::arg("X").noconvert(), "Each class's share of the votes, n_samples x n_classes.")
        .def("kneighbors",
             [](const C& model, const CArray<F>& x, std::size_t k) {
                 const linfa::DatasetView<F> data(view_of(x));
                 return neighbours_tuple<F>(without_gil([&] { return model.kneighbors(data, k); }));
             },
             py::arg("X").noconvert(), py::arg("k"), "(distances, indices) of the k nearest training samples.");
    py::class_<R> regressor(m, regressor_name, "A fitted k-nearest-neighbours regressor (C++ linfa::neighbors::KNeighborsRegressor).");
    def_model_file_members(regressor);
    def_options<R>(regressor);
    regressor.def_property_readonly("n_targets", &R::n_targets)
        .def("predict",
             [](const R& model, const CArray<F>& x) {
                 const linfa::DatasetView<F> data(view_of(x));
                 return without_gil([&] { return model.predict(data); });
             },
             py::arg("X").noconvert(), "The predicted targets, n_samples x n_targets.")
        .def("kneighbors",
             [](const R& model, const CArray<F>& x, std::size_t k) {
                 const linfa::DatasetView<F> data(view_of(x));
                 return neighbours_tuple<F>(without_gil([&] { return model.kneighbors(data, k); }));
             },
             py::arg("X").noconvert(), py::arg("k"), "(distances, indices) of the k nearest training samples.");

    m.def(per_scalar_name<F>("kneighbors_classifier_fit").c_str(),
          [](const CArray<F>& x, const LabelArray& y, std::size_t n_neighbors, const std::string& weights,
             const std::string& algorithm, std::size_t leaf_size, const std::string& metric, double p) {
              if (y.ndim() != 1) throw linfa::InvalidInput("y must be 1-D, found " + std::to_string(y.ndim()) + " dimension(s)");
              auto params = C::params().options(options_of(n_neighbors, weights, algorithm, leaf_size, metric, p));
              const auto data = linfa::DatasetView<F>(view_of(x)).with_labels(std::span<const std::int32_t>(y.data(), std::size_t(y.size())));
              return without_gil([&] { return params.fit(data); });
          },
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("n_neighbors"), py::arg("weights"), py::arg("algorithm"),
          py::arg("leaf_size"), py::arg("metric"), py::arg("p"), "Fits a k-nearest-neighbours classifier on X and int32 labels y.");
    m.def(per_scalar_name<F>("kneighbors_regressor_fit").c_str(),
          [](const CArray<F>& x, const CArray<F>& y, std::size_t n_neighbors, const std::string& weights,
             const std::string& algorithm, std::size_t leaf_size, const std::string& metric, double p) {
              auto params = R::params().options(options_of(n_neighbors, weights, algorithm, leaf_size, metric, p));
              const auto data = regression_data<F>(x, y, std::nullopt);
              return without_gil([&] { return params.fit(data); });
          },
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("n_neighbors"), py::arg("weights"), py::arg("algorithm"),
          py::arg("leaf_size"), py::arg("metric"), py::arg("p"), "Fits a k-nearest-neighbours regressor on X and n x t targets y.");
}

template <linfa::Float F>
void bind_index(py::module_& m, const char* name) {
    using I = nn::NeighbourIndex<F>;
    py::class_<I>(m, name, "A nearest-neighbour index (C++ linfa::nn::NeighbourIndex): brute force, KD-tree or ball tree.")
        .def(py::init([](const CArray<F>& x, const std::string& algorithm, std::size_t leaf_size, const std::string& metric, double p,
                         std::size_t n_neighbors) {
                 nn::IndexOptions options{nn::parse_algorithm(algorithm), leaf_size, nn::Metric::parse(metric, p), n_neighbors};
                 linfa::Matrix<F> points(view_of(x));
                 return without_gil([&] { return I(std::move(points), options); });
             }),
             py::arg("X").noconvert(), py::arg("algorithm"), py::arg("leaf_size"), py::arg("metric"), py::arg("p"),
             py::arg("n_neighbors") = 0, "Indexes a copy of X.")
        .def_property_readonly("size", &I::size)
        .def_property_readonly("n_features", &I::n_features)
        .def_property_readonly("dtype", [](const I&) { return py::dtype::of<F>(); })
        .def_property_readonly("algorithm", [](const I& index) { return nn::algorithm_name(index.algorithm()); })
        .def_property_readonly("points", [](const I& index) { return linfa::Matrix<F>(index.points()); })
        .def("kneighbors",
             [](const I& index, const CArray<F>& x, std::size_t k) {
                 const auto queries = view_of(x);
                 return neighbours_tuple<F>(without_gil([&] { return index.kneighbors(queries, k); }));
             },
             py::arg("X").noconvert(), py::arg("k"), "(distances, indices), n_queries x k, ascending by (distance, row).")
        .def("radius_neighbors",
             [](const I& index, const CArray<F>& x, double radius) {
                 const auto queries = view_of(x);
                 auto found = without_gil([&] { return index.radius_neighbors(queries, F(radius)); });
                 py::array_t<std::int64_t> offsets(py::ssize_t(found.offsets.size()));
                 std::copy(found.offsets.begin(), found.offsets.end(), offsets.mutable_data());
                 py::array_t<std::int64_t> indices(py::ssize_t(found.indices.size()), found.indices.data());
                 py::array_t<F> distances(py::ssize_t(found.distances.size()), found.distances.data());
                 return py::make_tuple(offsets, indices, distances);
             },
             py::arg("X").noconvert(), py::arg("radius"),
             "(offsets, indices, distances): query q's neighbours within radius are entries offsets[q]:offsets[q+1], ascending by row.");
}

}  // namespace

void bind_neighbors(py::module_& m) {
    bind_models<float>(m, "KNeighborsClassifierF32", "KNeighborsRegressorF32");
    bind_models<double>(m, "KNeighborsClassifierF64", "KNeighborsRegressorF64");
    bind_index<float>(m, "NeighbourIndexF32");
    bind_index<double>(m, "NeighbourIndexF64");
}

const RegisterBindings registered_neighbors(bind_neighbors);

}  // namespace linfa_python
