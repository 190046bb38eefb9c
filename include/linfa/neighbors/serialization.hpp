// K-nearest-neighbours model files. Kinds "neighbors.kneighbors_classifier" (shape
// {n_samples, n_features, n_classes}) and "neighbors.kneighbors_regressor" (shape {n_samples,
// n_features, n_targets}). The body holds the settings, then what the model keeps; the index
// is built again on load, so a file cannot hold one that disagrees with its records:
//   n_neighbors, weights, algorithm, leaf_size, metric, p, then
//   classifier: classes, records, class_index (one per sample)
//   regressor:  records, targets (n_samples x n_targets)
// where records are, in body version 1, an n_samples x n_features matrix, and in version 2
// (written since sparse fits) a flag `sparse_records`, then that matrix, or the CSR arrays of
// sparse records: nnz, indptr (n_samples + 1), indices and data (nnz each; 64-bit indices).
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "../core/classes.hpp"
#include "../core/sparse.hpp"
#include "../io/model_file.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa::neighbors::io_detail {

/// Writes the settings.
template <class Writer>
void save_options(Writer& w, const NeighborsOptions& o) {
    w.value("n_neighbors", std::uint64_t(o.n_neighbors));
    w.enumeration("weights", o.weights);
    w.enumeration("algorithm", o.index.algorithm);
    w.value("leaf_size", std::uint64_t(o.index.leaf_size));
    w.enumeration("metric", o.index.metric.kind);
    w.value("p", o.index.metric.p);
}

/// Reads the settings of a model of `n_samples` samples, validated as `check()` and `fit` do.
template <class Reader>
NeighborsOptions load_options(Reader& r, std::uint64_t n_samples) {
    NeighborsOptions o;
    const auto k = r.template value<std::uint64_t>("n_neighbors");
    if (k == 0 || k > n_samples) io::fail("n_neighbors must be between 1 and the number of samples");
    o.n_neighbors = std::size_t(k);
    o.weights = r.enumeration("weights", {Weights::uniform, Weights::distance});
    o.index.algorithm = r.enumeration("algorithm", {nn::IndexAlgorithm::automatic, nn::IndexAlgorithm::brute,
                                                    nn::IndexAlgorithm::kd_tree, nn::IndexAlgorithm::ball_tree});
    const auto leaf = r.template value<std::uint64_t>("leaf_size");
    if (leaf == 0 || leaf > std::uint64_t(INT32_MAX)) io::fail("leaf_size must be between 1 and 2^31 - 1");
    o.index.leaf_size = std::size_t(leaf);
    o.index.metric.kind = r.enumeration("metric", {nn::MetricKind::euclidean, nn::MetricKind::manhattan,
                                                   nn::MetricKind::chebyshev, nn::MetricKind::minkowski});
    o.index.metric.p = r.template value<double>("p");
    if (!(std::isfinite(o.index.metric.p) && o.index.metric.p >= 1)) io::fail("p must be finite and >= 1");
    return o;
}

/// Writes a model's training records, dense or sparse (body version 2).
template <class Writer, class Model>
void save_records(Writer& w, const Model& m) {
    w.presence("sparse_records", m.sparse());
    if (!m.sparse()) return w.matrix("records", m.records());
    const auto records = m.sparse_records();
    w.value("nnz", std::uint64_t(records.nnz()));
    w.vector("indptr", records.indptr());
    w.vector("indices", records.indices());
    w.vector("data", records.data());
}

/// Throws ModelFileError unless every value is within the distance bound of d features.
template <Float F>
void require_within_bound(std::span<const F> values, std::uint64_t d) {
    const double bound = nn::distance_input_bound<F>(std::size_t(d)).magnitude;
    for (const F v : values)
        if (!(std::abs(double(v)) <= bound)) io::fail("records must be finite and within the distance bound");
}

/// The records read: a dense matrix, or sparse records (checked as a CsrView checks them).
template <Float F>
using LoadedRecords = std::variant<Matrix<F>, CsrMatrix<F, std::int64_t>>;

/// Reads the records of a body of `header`'s version: the header's shape, finite and within
/// the distance bound; sparse ones well formed.
template <Float F, class Reader>
LoadedRecords<F> load_records(Reader& r, const ModelHeader& header) {
    const std::uint64_t n = header.shape[0], d = header.shape[1];
    if (header.body_version < 2 || !r.presence("sparse_records")) {
        Matrix<F> records = r.template matrix<F>("records", n, d);
        require_within_bound<F>(std::span<const F>(records.data(), std::size_t(records.size())), d);
        return records;
    }
    const auto nnz = r.template value<std::uint64_t>("nnz");
    std::vector<std::int64_t> indptr = r.template vector<std::int64_t>("indptr", n + 1);
    std::vector<std::int64_t> indices = r.template vector<std::int64_t>("indices", nnz);
    std::vector<F> data = r.template vector<F>("data", nnz);
    require_within_bound<F>(data, d);
    try {
        return CsrMatrix<F, std::int64_t>(std::size_t(n), std::size_t(d), std::move(indptr), std::move(indices), std::move(data));
    } catch (const InvalidInput& e) {
        io::fail(std::string("sparse records: ") + e.what());
    }
}

/// The model of `records` (either kind) and the other parts, `make(records)` given a Matrix or
/// a CsrView.
template <Float F, class Make>
auto with_records(const LoadedRecords<F>& records, Make&& make) {
    if (const auto* dense = std::get_if<Matrix<F>>(&records)) return make(Matrix<F>(*dense));
    return make(std::get<CsrMatrix<F, std::int64_t>>(records).view());
}

/// Checks the header's shape {n_samples, n_features, third} (all >= 1).
inline void require_shape(const ModelHeader& header, const char* model, const char* third) {
    if (header.shape.size() != 3 || header.shape[0] == 0 || header.shape[1] == 0 || header.shape[2] == 0 ||
        header.shape[0] > std::uint64_t(INT32_MAX) || header.shape[1] > std::uint64_t(INT32_MAX) ||
        header.shape[2] > std::uint64_t(INT32_MAX))
        io::fail(std::string("a ") + model + " model needs shape {n_samples >= 1, n_features >= 1, " + third + " >= 1}");
}

}  // namespace linfa::neighbors::io_detail

namespace linfa {

/// Model files of KNeighborsClassifier<F>: kind "neighbors.kneighbors_classifier", shape
/// {n_samples, n_features, n_classes}; the body holds the settings, the classes, the training
/// records (dense or sparse) and each sample's class index.
template <Float F>
struct model_io<neighbors::KNeighborsClassifier<F>> {
    /// The model type.
    using Model = neighbors::KNeighborsClassifier<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "neighbors.kneighbors_classifier";
    /// The body version written (2: dense or sparse records); versions 1 and 2 are read.
    static constexpr std::uint32_t body_version = 2;
    /// The header's shape: {n_samples, n_features, n_classes}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_samples(), m.n_features(), m.n_classes()}; }
    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        neighbors::io_detail::save_options(w, m.options());
        io::save_classes(w, m.classes());
        neighbors::io_detail::save_records(w, m);
        w.vector("class_index", std::span<const std::int32_t>(m.class_index()));
    }
    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, invalid
    /// settings, classes not distinct and increasing, records not finite or past the distance
    /// bound, or a class index outside the classes.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace neighbors::io_detail;
        require_shape(header, "KNeighborsClassifier", "n_classes");
        const std::uint64_t n = header.shape[0], k = header.shape[2];
        const neighbors::NeighborsOptions options = load_options(r, n);
        ClassSet classes = io::load_classes(r, k);
        const LoadedRecords<F> records = load_records<F>(r, header);
        std::vector<std::int32_t> class_index = r.template vector<std::int32_t>("class_index", n);
        for (const std::int32_t c : class_index)
            if (c < 0 || std::uint64_t(c) >= k) io::fail("class_index must be below the number of classes");
        return with_records<F>(records, [&](auto&& x) { return Model(std::forward<decltype(x)>(x), std::move(classes), std::move(class_index), options); });
    }
};

/// Model files of KNeighborsRegressor<F>: kind "neighbors.kneighbors_regressor", shape
/// {n_samples, n_features, n_targets}; the body holds the settings, the training records and
/// their targets.
template <Float F>
struct model_io<neighbors::KNeighborsRegressor<F>> {
    /// The model type.
    using Model = neighbors::KNeighborsRegressor<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "neighbors.kneighbors_regressor";
    /// The body version written (2: dense or sparse records); versions 1 and 2 are read.
    static constexpr std::uint32_t body_version = 2;
    /// The header's shape: {n_samples, n_features, n_targets}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_samples(), m.n_features(), m.n_targets()}; }
    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        neighbors::io_detail::save_options(w, m.options());
        neighbors::io_detail::save_records(w, m);
        w.matrix("targets", m.targets());
    }
    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, invalid
    /// settings, records not finite or past the distance bound, or targets not finite.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace neighbors::io_detail;
        require_shape(header, "KNeighborsRegressor", "n_targets");
        const std::uint64_t n = header.shape[0], t = header.shape[2];
        const neighbors::NeighborsOptions options = load_options(r, n);
        const LoadedRecords<F> records = load_records<F>(r, header);
        Matrix<F> targets = r.template matrix<F>("targets", n, t);
        if (!targets.allFinite()) io::fail("targets must be finite");
        return with_records<F>(records, [&](auto&& x) { return Model(std::forward<decltype(x)>(x), std::move(targets), options); });
    }
};

}  // namespace linfa
