// Turns any linfa model that can be loaded from a file and answers something (labels, values,
// probabilities, transformed rows) into a ServableModel. Written against the concepts
// (SerializableModel, PredictInplace, Predict, PredictProba, Transformer) and optional members
// detected with requires-expressions, so it carries no knowledge of a particular algorithm.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <linfa/core/concepts.hpp>
#include <linfa/core/dataset.hpp>
#include <linfa/io/model_file.hpp>
#include <linfa/core/validation.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "servable.hpp"

namespace linfa::serve {

/// Rows below which a request runs on the calling thread only. Each gRPC thread that opens
/// an OpenMP region gets a team of its own; for small requests that costs far more than the
/// work, and the server's own threads already keep the cores busy.
inline constexpr std::size_t parallel_min_rows = 65536;

/// Sets the calling thread's OpenMP team size for the next regions.
inline void use_threads_for(std::size_t n_rows) {
#ifdef _OPENMP
    thread_local int current = -1;
    const int wanted = n_rows >= parallel_min_rows ? omp_get_num_procs() : 1;
    if (wanted != current) {
        omp_set_num_threads(wanted);
        current = wanted;
    }
#else
    (void)n_rows;
#endif
}

/// What the adapter asks of a model, by capability (never by algorithm).
template <class M, class F = typename model_io<M>::scalar_type>
concept HasLabels = PredictInplace<M, DatasetView<F>, Labels>;
template <class M, class F = typename model_io<M>::scalar_type>
concept HasValues = requires(const M& m, const DatasetView<F>& x) {
    { m.predict(x) } -> std::same_as<Matrix<F>>;
};
template <class M, class F = typename model_io<M>::scalar_type>
concept HasProbabilities = PredictProba<M, DatasetView<F>>;
template <class M, class F = typename model_io<M>::scalar_type>
concept HasTransform = Transformer<M, DatasetView<F>>;

/// Models that take sparse rows themselves (K-Means, the linear and neighbour models); others are given
/// them made dense.
template <class M, class F = typename model_io<M>::scalar_type>
concept HasSparseLabels = requires(const M& m, const CsrView<F, std::int32_t>& x) {
    { m.predict(x) } -> std::same_as<Labels>;
};
template <class M, class F = typename model_io<M>::scalar_type>
concept HasSparseValues = requires(const M& m, const CsrView<F, std::int32_t>& x) {
    { m.predict(x) } -> std::same_as<Matrix<F>>;
};
template <class M, class F = typename model_io<M>::scalar_type>
concept HasSparseProbabilities = requires(const M& m, const CsrView<F, std::int32_t>& x) {
    { m.predict_proba(x) } -> std::same_as<Matrix<F>>;
};
template <class M, class F = typename model_io<M>::scalar_type>
concept HasSparseTransform = requires(const M& m, const CsrView<F, std::int32_t>& x) {
    { m.transform(x) } -> std::same_as<Matrix<F>>;
};

/// A model linfa-serve can serve: loadable, with an input width, answering something.
template <class M>
concept Servable = SerializableModel<M> && requires(const M& m) {
    { m.n_features() } -> std::convertible_to<std::size_t>;
} && (HasLabels<M> || HasValues<M> || HasProbabilities<M> || HasTransform<M>);

template <Servable M>
class ModelAdapter final : public ServableModel {
    using F = typename model_io<M>::scalar_type;
    static constexpr bool has_labels = HasLabels<M>;
    static constexpr bool has_transform = HasTransform<M>;

public:
    explicit ModelAdapter(M model) : model_(std::move(model)) {
        info_.kind = std::string(model_io<M>::kind);
        info_.scalar = std::string(scalar_name<F>());
        info_.shape = model_io<M>::shape(model_);
        info_.n_features = model_.n_features();
        if constexpr (requires { model_.n_clusters(); }) info_.n_clusters = model_.n_clusters();
        if constexpr (requires { { model_.step_kinds() } -> std::same_as<std::vector<std::string>>; }) {
            info_.steps = model_.step_kinds();
        }
        info_.has_distances = has_labels && has_transform;
        if constexpr (requires { { model_.input_bound() } -> std::same_as<InputBound>; }) {
            const InputBound bound = model_.input_bound();
            info_.max_magnitude = bound.magnitude;
            info_.magnitude_reason = bound.reason;
        }
        describe_outputs();
    }

    const ModelInfo& info() const override { return info_; }

    void predict(std::span<const double> rows, std::span<std::int32_t> labels) const override {
        predict_any(rows, labels);
    }
    void predict(std::span<const float> rows, std::span<std::int32_t> labels) const override {
        predict_any(rows, labels);
    }
    void distances(std::span<const double> rows, std::span<const std::int32_t> labels,
                   std::span<double> out) const override {
        distances_any(rows, labels, out);
    }
    void distances(std::span<const float> rows, std::span<const std::int32_t> labels,
                   std::span<double> out) const override {
        distances_any(rows, labels, out);
    }
    void compute(Output what, std::span<const double> rows, std::span<double> out) const override {
        compute_any(what, rows, out);
    }
    void compute(Output what, std::span<const float> rows, std::span<double> out) const override {
        compute_any(what, rows, out);
    }

    void predict(const SparseRows& rows, std::span<std::int32_t> labels) const override {
        if constexpr (has_labels && HasSparseLabels<M>) {
            thread_local std::vector<F> values;
            use_threads_for(labels.size());
            const Labels result = model_.predict(sparse_view(rows, values));
            std::copy(result.data(), result.data() + result.size(), labels.begin());
        } else {
            thread_local std::vector<F> dense;
            predict_any(densify(rows, dense), labels);
        }
    }
    void distances(const SparseRows& rows, std::span<const std::int32_t> labels, std::span<double> out) const override {
        if constexpr (has_labels && HasSparseTransform<M>) {
            thread_local std::vector<F> values;
            use_threads_for(labels.size());
            pick_distances(model_.transform(sparse_view(rows, values)), labels, out);
        } else {
            thread_local std::vector<F> dense;
            distances_any(densify(rows, dense), labels, out);
        }
    }
    void compute(Output what, const SparseRows& rows, std::span<double> out) const override {
        thread_local std::vector<F> values;
        const auto sparse = [&] {
            use_threads_for(rows.rows());
            return sparse_view(rows, values);
        };
        if constexpr (HasSparseTransform<M>) {
            if (what == Output::transformed) return copy_rows(model_.transform(sparse()), out);
        }
        if constexpr (HasSparseValues<M>) {
            if (what == Output::values) return copy_rows(model_.predict(sparse()), out);
        }
        if constexpr (HasSparseProbabilities<M>) {
            if (what == Output::probabilities) return copy_rows(model_.predict_proba(sparse()), out);
        }
        thread_local std::vector<F> dense;
        compute_any(what, densify(rows, dense), out);
    }

private:
    /// The outputs and their widths, the default first (labels, else values, else transformed
    /// rows, else probabilities); widths come from answering one row of zeros, so they need
    /// no per-algorithm accessor.
    void describe_outputs() {
        const Matrix<F> zeros = Matrix<F>::Zero(1, static_cast<Eigen::Index>(info_.n_features));
        const DatasetView<F> probe(zeros);
        if constexpr (has_labels) info_.outputs.push_back({Output::labels, 1});
        if constexpr (HasValues<M>) info_.outputs.push_back({Output::values, std::size_t(model_.predict(probe).cols())});
        if constexpr (has_transform) info_.outputs.push_back({Output::transformed, std::size_t(model_.transform(probe).cols())});
        if constexpr (HasProbabilities<M>) {
            info_.outputs.push_back({Output::probabilities, std::size_t(model_.predict_proba(probe).cols())});
        }
        if (info_.has_distances) info_.outputs.push_back({Output::distances, 1});
        info_.task = HasProbabilities<M> ? "classification"
                     : has_labels        ? "clustering"
                     : HasValues<M>      ? "regression"
                                         : "transformation";
    }

    /// A view of `rows` in the model's scalar type, converting into `buffer` if needed.
    template <class T>
    DatasetView<F> view_of(std::span<const T> rows, std::vector<F>& buffer) const {
        const auto d = static_cast<Eigen::Index>(info_.n_features);
        const auto n = static_cast<Eigen::Index>(rows.size() / info_.n_features);
        if constexpr (std::is_same_v<T, F>) {
            return DatasetView<F>(MatrixView<F>(rows.data(), n, d));
        } else {
            buffer.assign(rows.begin(), rows.end());
            return DatasetView<F>(MatrixView<F>(buffer.data(), n, d));
        }
    }

    /// `rows` with values in the model's scalar type (converted into `values` if needed).
    CsrView<F, std::int32_t> sparse_view(const SparseRows& rows, std::vector<F>& values) const {
        if constexpr (std::is_same_v<F, double>) {
            (void)values;
            return rows;
        } else {
            values.assign(rows.data().begin(), rows.data().end());
            return CsrView<F, std::int32_t>(rows.rows(), rows.cols(), rows.indptr(), rows.indices(), values);
        }
    }

    /// `rows` made dense in `buffer` (n_rows x n_features, row-major), for the models without
    /// sparse methods.
    std::span<const F> densify(const SparseRows& rows, std::vector<F>& buffer) const {
        const std::size_t d = info_.n_features;
        buffer.assign(rows.rows() * d, F(0));
        for (std::size_t i = 0; i < rows.rows(); ++i) {
            const auto row = rows.row(i);
            for (std::size_t e = 0; e < row.indices.size(); ++e) buffer[i * d + std::size_t(row.indices[e])] = F(row.values[e]);
        }
        return buffer;
    }

    /// Row i's entry at column labels[i] of `all` (the distance to its own cluster).
    static void pick_distances(const Matrix<F>& all, std::span<const std::int32_t> labels, std::span<double> out) {
        for (std::size_t i = 0; i < labels.size(); ++i) out[i] = double(all(Eigen::Index(i), Eigen::Index(labels[i])));
    }

    /// `result` row-major into doubles.
    template <class Result>
    static void copy_rows(const Result& result, std::span<double> out) {
        for (Eigen::Index i = 0; i < result.rows(); ++i) {
            for (Eigen::Index j = 0; j < result.cols(); ++j) out[std::size_t(i * result.cols() + j)] = double(result(i, j));
        }
    }

    template <class T>
    void predict_any(std::span<const T> rows, std::span<std::int32_t> labels) const {
        if constexpr (has_labels) {
            thread_local std::vector<F> buffer;  // reused: no allocation per request once warm
            use_threads_for(labels.size());
            const DatasetView<F> data = view_of(rows, buffer);
            thread_local Labels result;  // predict_inplace wants a Labels; keep one per thread
            if (result.size() != static_cast<Eigen::Index>(labels.size())) result.resize(static_cast<Eigen::Index>(labels.size()));
            model_.predict_inplace(data, result);
            std::copy(result.data(), result.data() + result.size(), labels.begin());
        } else {
            (void)rows, (void)labels;
            throw std::logic_error("this model has no labels");
        }
    }

    template <class T>
    void distances_any(std::span<const T> rows, std::span<const std::int32_t> labels,
                       std::span<double> out) const {
        if constexpr (has_labels && has_transform) {
            thread_local std::vector<F> buffer;
            use_threads_for(labels.size());
            pick_distances(model_.transform(view_of(rows, buffer)), labels, out);  // of n x n_outputs
        } else {
            (void)rows, (void)labels, (void)out;
            throw std::logic_error("this model has no distances");
        }
    }

    template <class T>
    void compute_any(Output what, std::span<const T> rows, std::span<double> out) const {
        thread_local std::vector<F> buffer;
        const DatasetView<F> data = view_of(rows, buffer);
        use_threads_for(data.n_samples());
        auto copy = [&](const auto& result) { copy_rows(result, out); };
        if constexpr (HasValues<M>) {
            if (what == Output::values) return copy(model_.predict(data));
        }
        if constexpr (has_transform) {
            if (what == Output::transformed) return copy(model_.transform(data));
        }
        if constexpr (HasProbabilities<M>) {
            if (what == Output::probabilities) return copy(model_.predict_proba(data));
        }
        throw std::logic_error("this model has no " + std::string(output_name(what)));
    }

    M model_;
    ModelInfo info_;
};

/// Adds the loader of model type M (its kind and scalar come from model_io<M>).
template <Servable M>
void register_servable(Registry& registry) {
    registry.add(std::string(model_io<M>::kind), std::string(scalar_name<typename model_io<M>::scalar_type>()),
                 [](const std::string& path) -> std::unique_ptr<ServableModel> {
                     return std::make_unique<ModelAdapter<M>>(linfa::load<M>(path));
                 });
}

}  // namespace linfa::serve
