// Datasets: records (one sample per row) with optional targets, sample weights and feature
// names. `Dataset` owns its parts; `DatasetView` is what algorithms consume: a cheap,
// non-owning view that a Dataset, a Matrix or a raw NumPy buffer all convert to, so wrapping
// data never copies the records.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"
#include "matrix.hpp"

namespace linfa {

/// Non-owning view of records and optional sample weights. Valid while the viewed data lives.
template <Float F>
class DatasetView {
public:
    DatasetView(MatrixView<F> records, std::span<const F> weights = {})
        : records_(records), weights_(weights) {
        if (!weights_.empty() && weights_.size() != static_cast<std::size_t>(records_.rows())) {
            throw InvalidInput("sample weights: expected one weight per sample (" +
                               std::to_string(records_.rows()) + "), found " +
                               std::to_string(weights_.size()));
        }
    }
    DatasetView(const Matrix<F>& records)  // NOLINT: implicit by design, a Matrix is a dataset
        : DatasetView(MatrixView<F>(records.data(), records.rows(), records.cols())) {}

    const MatrixView<F>& records() const { return records_; }
    /// Empty when the samples are unweighted (every weight is 1).
    std::span<const F> weights() const { return weights_; }
    bool has_weights() const { return !weights_.empty(); }
    std::size_t n_samples() const { return static_cast<std::size_t>(records_.rows()); }
    std::size_t n_features() const { return static_cast<std::size_t>(records_.cols()); }
    /// Weight of sample i (1 when unweighted).
    F weight(std::size_t i) const { return weights_.empty() ? F(1) : weights_[i]; }

private:
    MatrixView<F> records_;
    std::span<const F> weights_;
};

/// Records with optional targets, sample weights and feature names.
///
/// `Targets` is any type with a `rows()` member giving one entry per sample (default:
/// `Labels`); it is not interpreted by unsupervised algorithms.
template <Float F, class Targets = Labels>
class Dataset {
public:
    explicit Dataset(Matrix<F> records) : records_(std::move(records)) {}
    Dataset(Matrix<F> records, Targets targets)
        : records_(std::move(records)), targets_(std::move(targets)) {
        if (static_cast<std::size_t>(targets_->rows()) != n_samples()) {
            throw InvalidInput("targets: expected one target per sample (" +
                               std::to_string(n_samples()) + "), found " +
                               std::to_string(targets_->rows()));
        }
    }

    const Matrix<F>& records() const& { return records_; }
    Matrix<F> records() && { return std::move(records_); }
    bool has_targets() const { return targets_.has_value(); }
    /// The targets; throws InvalidInput when the dataset has none.
    const Targets& targets() const {
        if (!targets_) throw InvalidInput("dataset has no targets");
        return *targets_;
    }
    bool has_weights() const { return weights_.size() != 0; }
    const Vector<F>& weights() const { return weights_; }
    const std::vector<std::string>& feature_names() const { return feature_names_; }

    /// Sets one weight per sample (validated when an algorithm consumes them).
    Dataset& with_weights(Vector<F> weights) & {
        if (static_cast<std::size_t>(weights.size()) != n_samples()) {
            throw InvalidInput("sample weights: expected one weight per sample (" +
                               std::to_string(n_samples()) + "), found " +
                               std::to_string(weights.size()));
        }
        weights_ = std::move(weights);
        return *this;
    }
    Dataset with_weights(Vector<F> weights) && { return std::move(with_weights(std::move(weights))); }

    Dataset& with_feature_names(std::vector<std::string> names) & {
        if (names.size() != n_features()) {
            throw InvalidInput("feature names: expected " + std::to_string(n_features()) +
                               ", found " + std::to_string(names.size()));
        }
        feature_names_ = std::move(names);
        return *this;
    }
    Dataset with_feature_names(std::vector<std::string> names) && {
        return std::move(with_feature_names(std::move(names)));
    }

    std::size_t n_samples() const { return static_cast<std::size_t>(records_.rows()); }
    std::size_t n_features() const { return static_cast<std::size_t>(records_.cols()); }

    DatasetView<F> view() const {
        return DatasetView<F>(MatrixView<F>(records_.data(), records_.rows(), records_.cols()),
                              std::span<const F>(weights_.data(), static_cast<std::size_t>(weights_.size())));
    }
    operator DatasetView<F>() const { return view(); }  // NOLINT: a Dataset is usable wherever a view is

private:
    Matrix<F> records_;
    std::optional<Targets> targets_;
    Vector<F> weights_;
    std::vector<std::string> feature_names_;
};

}  // namespace linfa
