// Datasets: records (one sample per row) with optional targets (class labels, or one or several
// continuous values per row), sample weights and feature names. `Dataset` owns its parts;
// `DatasetView` is what algorithms consume: a cheap, non-owning view that a Dataset, a Matrix
// or raw NumPy buffers all convert to, so wrapping data never copies records or targets.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"
#include "matrix.hpp"

namespace linfa {

/// What a dataset view carries besides its records: optional sample weights, continuous
/// targets (one or several per row) and class labels (one per row), each checked against the
/// number of samples when it is attached. DatasetView (dense records) and SparseDatasetView
/// (CSR records, core/sparse.hpp) share it, so supervised fits read targets and labels the
/// same way whatever the records.
/// Requires: `View` derives from SampleParts<F, View> and has `std::size_t n_samples() const`.
template <Float F, class View>
class SampleParts {
public:
    /// This view with continuous targets: an n_samples x n_targets row-major matrix. Throws
    /// InvalidInput unless `targets` has one row per sample.
    View with_targets(MatrixView<F> targets) const {
        require_rows("targets", "row of targets", static_cast<std::size_t>(targets.rows()));
        View view = self();
        view.targets_ = {targets.data(), static_cast<std::size_t>(targets.cols())};
        view.has_targets_ = true;
        return view;
    }
    /// This view with one continuous target per sample; throws InvalidInput unless `target`
    /// holds one value per sample.
    View with_targets(std::span<const F> target) const {
        return with_targets(MatrixView<F>(target.data(), static_cast<Eigen::Index>(target.size()), 1));
    }
    /// This view with one class label per sample; throws InvalidInput unless there is one per
    /// sample.
    View with_labels(std::span<const std::int32_t> labels) const {
        require_rows("labels", "label", labels.size());
        View view = self();
        view.labels_ = labels;
        view.has_labels_ = true;
        return view;
    }

    /// Empty when the samples are unweighted (every weight is 1).
    std::span<const F> weights() const { return weights_; }
    /// Whether sample weights are attached.
    bool has_weights() const { return !weights_.empty(); }
    /// Weight of sample i (1 when unweighted).
    F weight(std::size_t i) const { return weights_.empty() ? F(1) : weights_[i]; }

    /// Whether continuous targets are attached (`with_targets`).
    bool has_targets() const { return has_targets_; }
    /// Columns of continuous targets (0 when there are none).
    std::size_t n_targets() const { return targets_.cols; }
    /// The continuous targets (n_samples x n_targets); throws InvalidInput when there are none.
    MatrixView<F> targets() const {
        if (!has_targets()) throw InvalidInput("dataset has no continuous targets");
        return MatrixView<F>(targets_.data, static_cast<Eigen::Index>(self().n_samples()), static_cast<Eigen::Index>(targets_.cols));
    }
    /// Whether class labels are attached (`with_labels`).
    bool has_labels() const { return has_labels_; }
    /// The class labels (one per sample); throws InvalidInput when there are none.
    std::span<const std::int32_t> labels() const {
        if (!has_labels_) throw InvalidInput("dataset has no class labels");
        return labels_;
    }

protected:
    /// Sets the weights: empty, or one per sample of the (already constructed) records.
    void attach_weights(std::span<const F> weights) {
        if (!weights.empty()) require_rows("sample weights", "weight", weights.size());
        weights_ = weights;
    }

    /// Throws InvalidInput unless `found` (parts of kind `part`) is one per sample.
    void require_rows(const char* part, const char* each, std::size_t found) const {
        if (found != self().n_samples()) {
            throw InvalidInput(std::string(part) + ": expected one " + each + " per sample (" +
                               std::to_string(self().n_samples()) + "), found " + std::to_string(found));
        }
    }

private:
    struct TargetsPart {
        const F* data = nullptr;
        std::size_t cols = 0;
    };

    const View& self() const { return static_cast<const View&>(*this); }

    std::span<const F> weights_;
    TargetsPart targets_;
    std::span<const std::int32_t> labels_;
    bool has_targets_ = false;
    bool has_labels_ = false;
};

/// The scalar type of a dataset view, dense (DatasetView) or sparse (SparseDatasetView).
template <class Data>
using scalar_of = std::remove_cvref_t<decltype(std::declval<const Data&>().weight(0))>;

/// Non-owning view of dense records with the parts of SampleParts: optional sample weights,
/// continuous targets and class labels. Valid while the viewed data lives. Unsupervised
/// algorithms read the records and weights; a regressor reads `targets()`, a classifier
/// `labels()`.
template <Float F>
class DatasetView : public SampleParts<F, DatasetView<F>> {
    using Parts = SampleParts<F, DatasetView<F>>;

public:
    /// Views `records` (one sample per row) with optional sample weights, one per row (empty:
    /// unweighted). Throws InvalidInput when `weights` is neither empty nor one per row.
    DatasetView(MatrixView<F> records, std::span<const F> weights = {}) : records_(records) { this->attach_weights(weights); }
    /// Views every row of `records`, unweighted (implicit: a Matrix is usable as a dataset).
    DatasetView(const Matrix<F>& records)  // NOLINT: implicit by design, a Matrix is a dataset
        : DatasetView(MatrixView<F>(records.data(), records.rows(), records.cols())) {}

    /// This view's weights, targets and labels with other records of the same samples, such
    /// as a transformer's output; throws InvalidInput unless `records` has one row per sample.
    DatasetView with_records(MatrixView<F> records) const {
        this->require_rows("records", "row of records", static_cast<std::size_t>(records.rows()));
        DatasetView view(records);
        static_cast<Parts&>(view) = *this;  // the weights, targets and labels
        return view;
    }

    /// The records, n_samples x n_features, row-major.
    const MatrixView<F>& records() const { return records_; }
    /// Number of samples (rows of the records).
    std::size_t n_samples() const { return static_cast<std::size_t>(records_.rows()); }
    /// Number of features (columns of the records).
    std::size_t n_features() const { return static_cast<std::size_t>(records_.cols()); }

private:
    MatrixView<F> records_;
};

/// The targets a `Dataset<F, T>` can own, each carried through `view()`: class labels
/// (`Labels`, one per row), one continuous target per row (`Vector<F>`) or several
/// (`Matrix<F>`, one row per sample).
/// Requires: `Float<F>`, and `T` is exactly `Labels`, `Vector<F>` or `Matrix<F>`.
template <class T, class F>
concept DatasetTargets = Float<F> && (std::same_as<T, Labels> || std::same_as<T, Vector<F>> ||
                                      std::same_as<T, Matrix<F>>);

/// Records with optional targets, sample weights and feature names. Unsupervised algorithms
/// ignore the targets; `view()` carries all of it to an algorithm without a copy.
/// `Targets` must satisfy DatasetTargets: `Labels` (the default), `Vector<F>` or `Matrix<F>`.
template <Float F, class Targets = Labels>
    requires DatasetTargets<Targets, F>
class Dataset {
public:
    /// Records only (one sample per row): no targets, unweighted, no feature names.
    explicit Dataset(Matrix<F> records) : records_(std::move(records)) {}
    /// Records and their targets; throws InvalidInput unless `targets` has one row per sample.
    Dataset(Matrix<F> records, Targets targets)
        : records_(std::move(records)), targets_(std::move(targets)) {
        if (static_cast<std::size_t>(targets_->rows()) != n_samples()) {
            throw InvalidInput("targets: expected one target per sample (" +
                               std::to_string(n_samples()) + "), found " +
                               std::to_string(targets_->rows()));
        }
    }

    /// The records, n_samples x n_features.
    const Matrix<F>& records() const& { return records_; }
    /// Moves the records out of a dataset about to expire.
    Matrix<F> records() && { return std::move(records_); }
    /// Whether the dataset was built with targets.
    bool has_targets() const { return targets_.has_value(); }
    /// The targets; throws InvalidInput when the dataset has none.
    const Targets& targets() const {
        if (!targets_) throw InvalidInput("dataset has no targets");
        return *targets_;
    }
    /// Whether sample weights were set (`with_weights`).
    bool has_weights() const { return weights_.size() != 0; }
    /// The sample weights, one per sample; empty when unweighted.
    const Vector<F>& weights() const { return weights_; }
    /// The feature names, one per feature; empty when none were set.
    const std::vector<std::string>& feature_names() const { return feature_names_; }

    /// Sets one weight per sample (their values are validated when an algorithm consumes them);
    /// throws InvalidInput unless there is one per sample.
    Dataset& with_weights(Vector<F> weights) & {
        if (static_cast<std::size_t>(weights.size()) != n_samples()) {
            throw InvalidInput("sample weights: expected one weight per sample (" +
                               std::to_string(n_samples()) + "), found " +
                               std::to_string(weights.size()));
        }
        weights_ = std::move(weights);
        return *this;
    }
    /// `with_weights` on a temporary: returns the dataset by value.
    Dataset with_weights(Vector<F> weights) && { return std::move(with_weights(std::move(weights))); }

    /// Sets one name per feature; throws InvalidInput unless there are n_features of them.
    Dataset& with_feature_names(std::vector<std::string> names) & {
        if (names.size() != n_features()) {
            throw InvalidInput("feature names: expected " + std::to_string(n_features()) +
                               ", found " + std::to_string(names.size()));
        }
        feature_names_ = std::move(names);
        return *this;
    }
    /// `with_feature_names` on a temporary: returns the dataset by value.
    Dataset with_feature_names(std::vector<std::string> names) && {
        return std::move(with_feature_names(std::move(names)));
    }

    /// Number of samples (rows of the records).
    std::size_t n_samples() const { return static_cast<std::size_t>(records_.rows()); }
    /// Number of features (columns of the records).
    std::size_t n_features() const { return static_cast<std::size_t>(records_.cols()); }

    /// Records, weights and targets (labels or continuous), none of them copied.
    DatasetView<F> view() const {
        DatasetView<F> view(MatrixView<F>(records_.data(), records_.rows(), records_.cols()),
                            std::span<const F>(weights_.data(), static_cast<std::size_t>(weights_.size())));
        if (!targets_) return view;
        const Targets& t = *targets_;
        if constexpr (std::same_as<Targets, Labels>) {
            return view.with_labels(std::span<const std::int32_t>(t.data(), static_cast<std::size_t>(t.size())));
        } else {
            return view.with_targets(MatrixView<F>(t.data(), t.rows(), t.cols()));
        }
    }
    /// Implicit conversion to `view()`: a Dataset is usable wherever a DatasetView is.
    operator DatasetView<F>() const { return view(); }  // NOLINT: a Dataset is usable wherever a view is

private:
    Matrix<F> records_;
    std::optional<Targets> targets_;
    Vector<F> weights_;
    std::vector<std::string> feature_names_;
};

}  // namespace linfa
