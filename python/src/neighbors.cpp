// K-nearest neighbours in linfa._linfa: the C++ linfa::neighbors::KNeighborsClassifier /
// KNeighborsRegressor for float32 and float64 (KNeighborsClassifierF32/F64,
// KNeighborsRegressorF32/F64) with their fit functions, and the index itself,
// linfa::nn::NeighbourIndex (NeighbourIndexF32/F64), which NearestNeighbors, KDTree and
// BallTree (linfa/_neighbors.py) query. X is a C-contiguous array or a CSR matrix
// (SparseArrays, sparse.hpp) for every fit and query. As little policy as possible:
// scikit-learn's parameter names and checks live in the Python layer.
#include "common.hpp"
#include "sparse.hpp"

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

/// (data, indices, indptr, (rows, cols)) of sparse points: copies of the arrays.
template <linfa::Float F>
py::tuple sparse_tuple(const linfa::CsrView<F, std::int64_t>& points) {
    return py::make_tuple(py::array_t<F>(py::ssize_t(points.nnz()), points.data().data()),
                          py::array_t<std::int64_t>(py::ssize_t(points.nnz()), points.indices().data()),
                          py::array_t<std::int64_t>(py::ssize_t(points.indptr().size()), points.indptr().data()),
                          py::make_tuple(points.rows(), points.cols()));
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
        .def_property_readonly("sparse", &M::sparse)
        .def_property_readonly("records", [](const M& m) { return linfa::Matrix<typename linfa::model_io<M>::scalar_type>(m.records()); })
        .def_property_readonly("sparse_records", [](const M& m) { return sparse_tuple(m.sparse_records()); });
}

/// kneighbors (both models), predict and, for the classifier, predict_proba, for X of type
/// `X` (a dense array or a CSR matrix).
template <class M, class X, class Class>
void def_queries(Class& c) {
    c.def("predict",
          [](const M& model, const X& x) {
              return with_records(x, [&](const auto& records) { return without_gil([&] { return model.predict(records); }); });
          },
          py::arg("X").noconvert(), "The predictions of each sample.")
        .def("kneighbors",
             [](const M& model, const X& x, std::size_t k) {
                 return with_records(x, [&](const auto& records) {
                     return neighbours_tuple(without_gil([&] { return model.kneighbors(records, k); }));
                 });
             },
             py::arg("X").noconvert(), py::arg("k"), "(distances, indices) of the k nearest training samples.");
    if constexpr (requires(const M& m, const linfa::Matrix<typename linfa::model_io<M>::scalar_type>& r) { m.predict_proba(r); }) {
        c.def("predict_proba",
              [](const M& model, const X& x) {
                  return with_records(x, [&](const auto& records) { return without_gil([&] { return model.predict_proba(records); }); });
              },
              py::arg("X").noconvert(), "Each class's share of the votes, n_samples x n_classes.");
    }
}

/// The fit functions for X of type `X` (a dense array or a CSR matrix).
template <linfa::Float F, class X>
void bind_fits(py::module_& m) {
    using C = KNeighborsClassifier<F>;
    using R = KNeighborsRegressor<F>;
    m.def(per_scalar_name<F>("kneighbors_classifier_fit").c_str(),
          [](const X& x, const LabelArray& y, std::size_t n_neighbors, const std::string& weights,
             const std::string& algorithm, std::size_t leaf_size, const std::string& metric, double p) {
              if (y.ndim() != 1) throw linfa::InvalidInput("y must be 1-D, found " + std::to_string(y.ndim()) + " dimension(s)");
              auto params = C::params().options(options_of(n_neighbors, weights, algorithm, leaf_size, metric, p));
              return with_labelled_data<F>(x, y, std::nullopt, [&](const auto& data) { return without_gil([&] { return params.fit(data); }); });
          },
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("n_neighbors"), py::arg("weights"), py::arg("algorithm"),
          py::arg("leaf_size"), py::arg("metric"), py::arg("p"), "Fits a k-nearest-neighbours classifier on X and int32 labels y.");
    m.def(per_scalar_name<F>("kneighbors_regressor_fit").c_str(),
          [](const X& x, const CArray<F>& y, std::size_t n_neighbors, const std::string& weights,
             const std::string& algorithm, std::size_t leaf_size, const std::string& metric, double p) {
              auto params = R::params().options(options_of(n_neighbors, weights, algorithm, leaf_size, metric, p));
              return with_regression_data<F>(x, y, std::nullopt, [&](const auto& data) { return without_gil([&] { return params.fit(data); }); });
          },
          py::arg("X").noconvert(), py::arg("y").noconvert(), py::arg("n_neighbors"), py::arg("weights"), py::arg("algorithm"),
          py::arg("leaf_size"), py::arg("metric"), py::arg("p"), "Fits a k-nearest-neighbours regressor on X and n x t targets y.");
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
                               });
    def_queries<C, CArray<F>>(classifier);
    def_queries<C, SparseArrays<F>>(classifier);
    py::class_<R> regressor(m, regressor_name, "A fitted k-nearest-neighbours regressor (C++ linfa::neighbors::KNeighborsRegressor).");
    def_model_file_members(regressor);
    def_options<R>(regressor);
    regressor.def_property_readonly("n_targets", &R::n_targets);
    def_queries<R, CArray<F>>(regressor);
    def_queries<R, SparseArrays<F>>(regressor);

    bind_fits<F, CArray<F>>(m);
    bind_fits<F, SparseArrays<F>>(m);
}

/// The rows of dense queries.
template <linfa::Float F>
linfa::MatrixView<F> rows_of(const linfa::DatasetView<F>& data) { return data.records(); }
/// The rows of sparse queries: themselves.
template <linfa::Float F, linfa::SparseIndex I>
const linfa::CsrView<F, I>& rows_of(const linfa::CsrView<F, I>& records) { return records; }

/// The index's kneighbors and radius_neighbors for queries of type `X` (a dense array or a
/// CSR matrix).
template <linfa::Float F, class X, class Class>
void def_index_queries(Class& c) {
    using I = nn::NeighbourIndex<F>;
    c.def("kneighbors",
          [](const I& index, const X& x, std::size_t k) {
              return with_records(x, [&](const auto& data) {
                  return neighbours_tuple<F>(without_gil([&] { return index.kneighbors(rows_of(data), k); }));
              });
          },
          py::arg("X").noconvert(), py::arg("k"), "(distances, indices), n_queries x k, ascending by (distance, row).")
        .def("radius_neighbors",
             [](const I& index, const X& x, double radius) {
                 auto found = with_records(x, [&](const auto& data) {
                     return without_gil([&] { return index.radius_neighbors(rows_of(data), F(radius)); });
                 });
                 py::array_t<std::int64_t> offsets(py::ssize_t(found.offsets.size()));
                 std::copy(found.offsets.begin(), found.offsets.end(), offsets.mutable_data());
                 py::array_t<std::int64_t> indices(py::ssize_t(found.indices.size()), found.indices.data());
                 py::array_t<F> distances(py::ssize_t(found.distances.size()), found.distances.data());
                 return py::make_tuple(offsets, indices, distances);
             },
             py::arg("X").noconvert(), py::arg("radius"),
             "(offsets, indices, distances): query q's neighbours within radius are entries offsets[q]:offsets[q+1], ascending by row.");
}

template <linfa::Float F>
void bind_index(py::module_& m, const char* name) {
    using I = nn::NeighbourIndex<F>;
    py::class_<I> index(m, name,
                        "A nearest-neighbour index (C++ linfa::nn::NeighbourIndex): brute force, KD-tree or ball tree; "
                        "sparse brute force over a CSR matrix.");
    index
        .def(py::init([](const CArray<F>& x, const std::string& algorithm, std::size_t leaf_size, const std::string& metric, double p,
                         std::size_t n_neighbors) {
                 nn::IndexOptions options{nn::parse_algorithm(algorithm), leaf_size, nn::Metric::parse(metric, p), n_neighbors};
                 linfa::Matrix<F> points(view_of(x));
                 return without_gil([&] { return I(std::move(points), options); });
             }),
             py::arg("X").noconvert(), py::arg("algorithm"), py::arg("leaf_size"), py::arg("metric"), py::arg("p"),
             py::arg("n_neighbors") = 0, "Indexes a copy of X.")
        .def(py::init([](const SparseArrays<F>& x, const std::string& algorithm, std::size_t leaf_size, const std::string& metric,
                         double p, std::size_t n_neighbors) {
                 nn::IndexOptions options{nn::parse_algorithm(algorithm), leaf_size, nn::Metric::parse(metric, p), n_neighbors};
                 return x.visit([&](const auto& points) { return without_gil([&] { return I(points, options); }); });
             }),
             py::arg("X").noconvert(), py::arg("algorithm"), py::arg("leaf_size"), py::arg("metric"), py::arg("p"),
             py::arg("n_neighbors") = 0, "Indexes a sorted copy of CSR X (brute force).")
        .def_property_readonly("size", &I::size)
        .def_property_readonly("n_features", &I::n_features)
        .def_property_readonly("dtype", [](const I&) { return py::dtype::of<F>(); })
        .def_property_readonly("algorithm", [](const I& index) { return nn::algorithm_name(index.algorithm()); })
        .def_property_readonly("sparse", &I::sparse)
        .def_property_readonly("points", [](const I& index) { return linfa::Matrix<F>(index.points()); })
        .def_property_readonly("sparse_points", [](const I& index) { return sparse_tuple(index.sparse_points()); });
    def_index_queries<F, CArray<F>>(index);
    def_index_queries<F, SparseArrays<F>>(index);
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
