// The fitted k-nearest-neighbours models: the training samples, dense or sparse, indexed
// (nn/index.hpp), with their class labels (KNeighborsClassifier) or targets
// (KNeighborsRegressor). Either kind of model answers dense and sparse queries alike.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../core/classes.hpp"
#include "../core/dataset.hpp"
#include "../core/parallel.hpp"
#include "../core/sparse.hpp"
#include "../core/validation.hpp"
#include "../nn/distance_bound.hpp"
#include "../nn/index.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::neighbors {

namespace model_detail {

/// The index options of a model: its settings, with n_neighbors as the hint `automatic` reads.
inline nn::IndexOptions index_options(const NeighborsOptions& options) {
    nn::IndexOptions index = options.index;
    index.n_neighbors = options.n_neighbors;
    return index;
}

/// Number of samples of dense queries.
template <Float F>
std::size_t query_rows(const DatasetView<F>& data) { return data.n_samples(); }
/// Number of samples of sparse queries.
template <Float F, SparseIndex I>
std::size_t query_rows(const CsrView<F, I>& records) { return records.rows(); }

/// What both models hold: the settings and the indexed training records.
template <Float F>
class Fitted {
public:
    /// Indexes `records` (already checked) with `options`.
    Fitted(Matrix<F> records, const NeighborsOptions& options)
        : options_(options), index_(std::move(records), index_options(options)) {}
    /// Indexes a copy of sparse `records` (already checked) with `options`: brute force.
    template <SparseIndex I>
    Fitted(const CsrView<F, I>& records, const NeighborsOptions& options) : options_(options), index_(records, index_options(options)) {}

    /// The settings.
    const NeighborsOptions& options() const { return options_; }
    /// The index of the training records.
    const nn::NeighbourIndex<F>& index() const { return index_; }
    /// The bound of the records a model accepts (squared distances stay finite).
    InputBound input_bound() const { return nn::distance_input_bound<F>(index_.n_features()); }

    /// The k nearest training samples of each record of `data` (k = 0: n_neighbors). Throws
    /// InvalidInput for a wrong feature count, NaN, infinity or values past input_bound(), and
    /// k past the training samples.
    nn::KNeighbours<F> neighbours(const DatasetView<F>& data, const std::string& model, std::size_t k = 0) const {
        require_predictable<F>(data, index_.n_features(), model);
        require_finite<F>(data.records(), "records", input_bound());
        return index_.kneighbors(data.records(), k == 0 ? options_.n_neighbors : k);
    }
    /// The k nearest training samples of each sparse row; throws as the dense `neighbours`.
    template <SparseIndex I>
    nn::KNeighbours<F> neighbours(const CsrView<F, I>& records, const std::string& model, std::size_t k = 0) const {
        require_predictable(records, index_.n_features(), model);
        nn::require_within_distance_bound(records, "records");
        return index_.kneighbors(records, k == 0 ? options_.n_neighbors : k);
    }

    /// The weights of one sample's k neighbours at distances `distance`, into `weight`:
    /// 1 each (uniform), or 1 / distance, unless some neighbours are at distance 0, which then
    /// weigh 1 and the others 0 (scikit-learn's rule).
    void weigh(const F* distance, std::size_t k, double* weight) const {
        if (options_.weights == Weights::uniform) {
            std::fill(weight, weight + k, 1.0);
            return;
        }
        const bool exact = std::find(distance, distance + k, F(0)) != distance + k;
        for (std::size_t j = 0; j < k; ++j) weight[j] = exact ? double(distance[j] == F(0)) : 1.0 / double(distance[j]);
    }

    /// Calls `use(i, indices, weights)` for every sample i of `data` (a DatasetView or a
    /// CsrView) with its n_neighbors training rows and their weights, in parallel over chunks
    /// of samples.
    template <class Rows, class Use>
    void for_each_sample(const Rows& data, const std::string& model, Use&& use) const {
        const nn::KNeighbours<F> found = neighbours(data, model);
        const std::size_t k = options_.n_neighbors;
        for_each_chunk(plan_chunks(std::size_t(found.indices.rows())), [&](std::size_t, std::size_t begin, std::size_t end) {
            std::vector<double> weight(k);
            for (std::size_t i = begin; i < end; ++i) {
                weigh(found.distances.data() + i * k, k, weight.data());
                use(i, found.indices.data() + i * k, static_cast<const double*>(weight.data()));
            }
        });
    }

private:
    NeighborsOptions options_;
    nn::NeighbourIndex<F> index_;
};

}  // namespace model_detail

/// K-nearest-neighbours classification, as scikit-learn's KNeighborsClassifier: a sample gets
/// the class with the most votes among its n_neighbors nearest training samples (each vote 1,
/// or 1 / distance with `Weights::distance`, where training samples at distance 0, if any,
/// vote alone); ties go to the lowest class. `predict_proba` gives each class's share of the
/// votes. Neighbours are found by the index of nn/index.hpp (brute force, KD-tree or ball
/// tree, whichever answers the same), ties in distance going to the earlier training row.
///
/// ```cpp
/// const auto model = linfa::neighbors::KNeighborsClassifier<double>::params().n_neighbors(3).fit(data);
/// const linfa::Labels predicted = model.predict(x);
/// const linfa::Matrix<double> probabilities = model.predict_proba(x);  // n x n_classes
/// ```
template <Float F>
class KNeighborsClassifier {
public:
    /// Hyper-parameters with their defaults (5 neighbours, uniform, automatic, euclidean).
    static KNeighborsClassifierParams<F> params() { return KNeighborsClassifierParams<F>(); }

    /// The classes, sorted: class index k is column k of `predict_proba`.
    const ClassSet& classes() const { return classes_; }
    /// Number of classes.
    std::size_t n_classes() const { return classes_.size(); }
    /// Number of features.
    std::size_t n_features() const { return fitted_.index().n_features(); }
    /// Number of training samples.
    std::size_t n_samples() const { return fitted_.index().size(); }
    /// The settings the model was fitted with.
    const NeighborsOptions& options() const { return fitted_.options(); }
    /// Whether the model was fitted on sparse records (sparse_records()) or dense ones (records()).
    bool sparse() const { return fitted_.index().sparse(); }
    /// The dense training records. Throws std::logic_error for a model fitted on sparse records.
    const Matrix<F>& records() const { return fitted_.index().points(); }
    /// The sparse training records, each row's columns increasing. Throws std::logic_error for
    /// a model fitted on dense records.
    CsrView<F, std::int64_t> sparse_records() const { return fitted_.index().sparse_points(); }
    /// The class index (into classes()) of each training sample.
    const std::vector<std::int32_t>& class_index() const { return class_index_; }
    /// The index of the training records.
    const nn::NeighbourIndex<F>& index() const { return fitted_.index(); }
    /// The largest magnitude of values accepted (squared distances stay finite).
    InputBound input_bound() const { return fitted_.input_bound(); }

    /// The k nearest training samples of each record (k = 0: n_neighbors): distances and rows.
    /// Throws InvalidInput for a wrong feature count, NaN, infinity, values past
    /// input_bound(), or k past the training samples.
    nn::KNeighbours<F> kneighbors(const DatasetView<F>& data, std::size_t k = 0) const {
        return fitted_.neighbours(data, "KNeighborsClassifier", k);
    }
    /// `kneighbors` of sparse rows (the same answer as for their dense form).
    template <SparseIndex I>
    nn::KNeighbours<F> kneighbors(const CsrView<F, I>& records, std::size_t k = 0) const {
        return fitted_.neighbours(records, "KNeighborsClassifier", k);
    }

    /// The class of most votes for each sample. Throws as `kneighbors`.
    Labels predict(const DatasetView<F>& data) const {
        Labels out(Eigen::Index(data.n_samples()));
        predict_inplace(data, out);
        return out;
    }

    /// Writes the class of most votes of each sample into `out` (resized to n_samples when its
    /// size differs). Throws as `kneighbors`.
    void predict_inplace(const DatasetView<F>& data, Labels& out) const { predict_rows(data, out); }

    /// `predict` of sparse rows.
    template <SparseIndex I>
    Labels predict(const CsrView<F, I>& records) const {
        Labels out(Eigen::Index(records.rows()));
        predict_rows(records, out);
        return out;
    }

    /// n_samples x n_classes: each class's share of the votes of each sample. Throws as
    /// `kneighbors`.
    Matrix<F> predict_proba(const DatasetView<F>& data) const { return proba_rows(data); }
    /// `predict_proba` of sparse rows.
    template <SparseIndex I>
    Matrix<F> predict_proba(const CsrView<F, I>& records) const { return proba_rows(records); }

private:
    friend class KNeighborsClassifierValidParams<F>;
    friend struct linfa::model_io<KNeighborsClassifier<F>>;

    /// `records`: a dense Matrix, or a sparse CsrView to copy.
    template <class Records>
    KNeighborsClassifier(Records&& records, ClassSet classes, std::vector<std::int32_t> class_index, const NeighborsOptions& options)
        : fitted_(std::forward<Records>(records), options), classes_(std::move(classes)), class_index_(std::move(class_index)) {}

    template <class Rows>
    void predict_rows(const Rows& data, Labels& out) const {
        const auto n = Eigen::Index(model_detail::query_rows(data));
        if (out.size() != n) out.resize(n);
        votes(data, [&](std::size_t i, const double* vote) {
            out[Eigen::Index(i)] = classes_.label(std::size_t(std::max_element(vote, vote + n_classes()) - vote));
        });
    }

    template <class Rows>
    Matrix<F> proba_rows(const Rows& data) const {
        Matrix<F> out = output_matrix<F>(Eigen::Index(model_detail::query_rows(data)), Eigen::Index(n_classes()));
        votes(data, [&](std::size_t i, const double* vote) {
            double total = 0;
            for (std::size_t c = 0; c < n_classes(); ++c) total += vote[c];
            if (total == 0) total = 1;
            for (std::size_t c = 0; c < n_classes(); ++c) out(Eigen::Index(i), Eigen::Index(c)) = F(vote[c] / total);
        });
        return out;
    }

    /// Calls `use(i, votes)` with the n_classes votes of every sample i of `data` (a
    /// DatasetView or a CsrView).
    template <class Rows, class Use>
    void votes(const Rows& data, Use&& use) const {
        fitted_.for_each_sample(data, "KNeighborsClassifier", [&](std::size_t i, const std::int64_t* rows, const double* weight) {
            thread_local std::vector<double> tally;  // one per thread: chunks run concurrently
            tally.assign(n_classes(), 0.0);
            for (std::size_t j = 0; j < options().n_neighbors; ++j) tally[std::size_t(class_index_[std::size_t(rows[j])])] += weight[j];
            use(i, static_cast<const double*>(tally.data()));
        });
    }

    model_detail::Fitted<F> fitted_;
    ClassSet classes_;
    std::vector<std::int32_t> class_index_;
};

/// K-nearest-neighbours regression, as scikit-learn's KNeighborsRegressor: a sample's
/// prediction is the mean of the targets of its n_neighbors nearest training samples
/// (weighted by 1 / distance with `Weights::distance`, where training samples at distance 0,
/// if any, count alone). Every target column is predicted.
///
/// ```cpp
/// const auto model = linfa::neighbors::KNeighborsRegressor<double>::params().weights(linfa::neighbors::Weights::distance).fit(data);
/// const linfa::Matrix<double> predicted = model.predict(x);  // n x n_targets
/// ```
template <Float F>
class KNeighborsRegressor {
public:
    /// Hyper-parameters with their defaults (5 neighbours, uniform, automatic, euclidean).
    static KNeighborsRegressorParams<F> params() { return KNeighborsRegressorParams<F>(); }

    /// Number of features.
    std::size_t n_features() const { return fitted_.index().n_features(); }
    /// Number of targets predicted per sample.
    std::size_t n_targets() const { return std::size_t(targets_.cols()); }
    /// Number of training samples.
    std::size_t n_samples() const { return fitted_.index().size(); }
    /// The settings the model was fitted with.
    const NeighborsOptions& options() const { return fitted_.options(); }
    /// Whether the model was fitted on sparse records (sparse_records()) or dense ones (records()).
    bool sparse() const { return fitted_.index().sparse(); }
    /// The dense training records. Throws std::logic_error for a model fitted on sparse records.
    const Matrix<F>& records() const { return fitted_.index().points(); }
    /// The sparse training records, each row's columns increasing. Throws std::logic_error for
    /// a model fitted on dense records.
    CsrView<F, std::int64_t> sparse_records() const { return fitted_.index().sparse_points(); }
    /// The training targets, n_samples x n_targets.
    const Matrix<F>& targets() const { return targets_; }
    /// The index of the training records.
    const nn::NeighbourIndex<F>& index() const { return fitted_.index(); }
    /// The largest magnitude of values accepted (squared distances stay finite).
    InputBound input_bound() const { return fitted_.input_bound(); }

    /// The k nearest training samples of each record (k = 0: n_neighbors): distances and rows.
    /// Throws InvalidInput for a wrong feature count, NaN, infinity, values past
    /// input_bound(), or k past the training samples.
    nn::KNeighbours<F> kneighbors(const DatasetView<F>& data, std::size_t k = 0) const {
        return fitted_.neighbours(data, "KNeighborsRegressor", k);
    }
    /// `kneighbors` of sparse rows (the same answer as for their dense form).
    template <SparseIndex I>
    nn::KNeighbours<F> kneighbors(const CsrView<F, I>& records, std::size_t k = 0) const {
        return fitted_.neighbours(records, "KNeighborsRegressor", k);
    }

    /// The predicted targets, n_samples x n_targets. Throws as `kneighbors`.
    Matrix<F> predict(const DatasetView<F>& data) const {
        Matrix<F> out;
        predict_inplace(data, out);
        return out;
    }

    /// Writes the predictions into `out` (resized to n_samples x n_targets). Throws as
    /// `kneighbors`.
    void predict_inplace(const DatasetView<F>& data, Matrix<F>& out) const { predict_rows(data, out); }

    /// `predict` of sparse rows.
    template <SparseIndex I>
    Matrix<F> predict(const CsrView<F, I>& records) const {
        Matrix<F> out;
        predict_rows(records, out);
        return out;
    }

private:
    friend class KNeighborsRegressorValidParams<F>;
    friend struct linfa::model_io<KNeighborsRegressor<F>>;

    /// `records`: a dense Matrix, or a sparse CsrView to copy.
    template <class Records>
    KNeighborsRegressor(Records&& records, Matrix<F> targets, const NeighborsOptions& options)
        : fitted_(std::forward<Records>(records), options), targets_(std::move(targets)) {}

    template <class Rows>
    void predict_rows(const Rows& data, Matrix<F>& out) const {
        const auto rows = Eigen::Index(model_detail::query_rows(data)), cols = Eigen::Index(n_targets());
        if (out.rows() != rows || out.cols() != cols) out.resize(rows, cols);
        fitted_.for_each_sample(data, "KNeighborsRegressor", [&](std::size_t i, const std::int64_t* neighbour, const double* weight) {
            double total = 0;
            for (std::size_t j = 0; j < options().n_neighbors; ++j) total += weight[j];
            for (Eigen::Index t = 0; t < cols; ++t) {
                double sum = 0;
                for (std::size_t j = 0; j < options().n_neighbors; ++j) sum += weight[j] * double(targets_(Eigen::Index(neighbour[j]), t));
                out(Eigen::Index(i), t) = F(sum / total);
            }
        });
    }


    model_detail::Fitted<F> fitted_;
    Matrix<F> targets_;
};

}  // namespace linfa::neighbors
