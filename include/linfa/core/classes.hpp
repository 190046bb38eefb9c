// What every classifier shares: the set of classes seen at fit (any int32 label values, kept
// sorted, as scikit-learn's `classes_`), the map from a label to its column in a probability
// matrix, the checks on labelled training data, and the model-file form of the class list.
// Python maps labels of any type (strings too) onto 0..k-1 before they reach C++.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dataset.hpp"
#include "error.hpp"
#include "validation.hpp"

namespace linfa {

/// The distinct class labels of a classifier, sorted increasingly. A class's index in this list
/// is its column in `predict_proba` and its row in per-class parameters.
class ClassSet {
public:
    /// The distinct values of `labels`, sorted. Throws InvalidInput when `labels` is empty.
    static ClassSet of(std::span<const std::int32_t> labels) {
        if (labels.empty()) throw InvalidInput("labels: need at least one sample");
        // Classifiers see few classes: keep the distinct values in a small sorted list (one
        // look-up per run of equal labels) rather than sort a copy of every label; past
        // `few` of them, sort after all.
        constexpr std::size_t few = 256;
        std::vector<std::int32_t> distinct{labels[0]};
        std::int32_t last = labels[0];
        for (const std::int32_t label : labels) {
            if (label == last) continue;
            last = label;
            const auto at = std::lower_bound(distinct.begin(), distinct.end(), label);
            if (at != distinct.end() && *at == label) continue;
            if (distinct.size() == few) return sorted_distinct(labels);
            distinct.insert(at, label);
        }
        return ClassSet(std::move(distinct));
    }

    /// Classes given in increasing order; throws InvalidInput unless there is at least one and
    /// each is larger than the one before (a model file's list, or scikit-learn's `classes=`).
    explicit ClassSet(std::vector<std::int32_t> sorted) : labels_(std::move(sorted)) {
        if (labels_.empty()) throw InvalidInput("classes: need at least one class");
        for (std::size_t i = 1; i < labels_.size(); ++i) {
            if (labels_[i] <= labels_[i - 1]) throw InvalidInput("classes: must be distinct and in increasing order");
        }
    }

    /// Number of classes.
    std::size_t size() const { return labels_.size(); }
    /// The classes, in increasing order.
    std::span<const std::int32_t> labels() const { return labels_; }
    /// The label of class index `k` (0 <= k < size()).
    std::int32_t label(std::size_t k) const { return labels_[k]; }

    /// The index of `label`; throws InvalidInput naming it when it is not one of the classes.
    std::size_t index_of(std::int32_t label) const {
        const auto it = std::lower_bound(labels_.begin(), labels_.end(), label);
        if (it == labels_.end() || *it != label) {
            throw InvalidInput("label " + std::to_string(label) + " is not one of the " + std::to_string(size()) +
                               " classes seen at fit");
        }
        return static_cast<std::size_t>(it - labels_.begin());
    }

    /// The class index of every label (one pass; throws as `index_of` for an unknown one).
    std::vector<std::int32_t> encode(std::span<const std::int32_t> labels) const {
        std::vector<std::int32_t> indices(labels.size());
        // consecutive equal labels are common (sorted or grouped data): reuse the last look-up
        std::int32_t last_label = 0, last_index = -1;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (last_index < 0 || labels[i] != last_label) {
                last_label = labels[i];
                last_index = static_cast<std::int32_t>(index_of(labels[i]));
            }
            indices[i] = last_index;
        }
        return indices;
    }

    /// Whether both hold the same classes.
    friend bool operator==(const ClassSet&, const ClassSet&) = default;

private:
    static ClassSet sorted_distinct(std::span<const std::int32_t> labels) {
        std::vector<std::int32_t> distinct(labels.begin(), labels.end());
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        return ClassSet(std::move(distinct));
    }

    std::vector<std::int32_t> labels_;
};

/// Checks what every classifier needs to train: at least one sample and one feature, class
/// labels, finite records, valid sample weights. `model` names the caller in messages.
/// `Data`: a DatasetView or a SparseDatasetView.
template <class Data>
void require_classification_data(const Data& data, const std::string& model) {
    if (data.n_samples() == 0) throw InvalidInput(model + ": need at least one sample, found 0");
    if (!data.has_labels()) throw InvalidInput(model + ": the dataset has no class labels to fit");
    require_trainable(data);
}

/// Throws InvalidInput unless `found` features are the `expected` of the model `model`.
inline void require_feature_count(std::size_t found, std::size_t expected, const std::string& model) {
    if (found != expected) {
        throw InvalidInput(model + ": expected " + std::to_string(expected) + " features per sample (as in training), found " +
                           std::to_string(found));
    }
}

/// Throws InvalidInput unless `data` has `n_features` features and finite records: what every
/// classifier checks before it predicts. `model` names the caller in messages.
template <Float F>
void require_predictable(const DatasetView<F>& data, std::size_t n_features, const std::string& model) {
    if (data.n_features() != n_features) {
        throw InvalidInput(model + ": expected " + std::to_string(n_features) + " features per sample (as in training), found " +
                           std::to_string(data.n_features()));
    }
    require_finite<F>(data.records(), "records");
}

/// Throws InvalidInput unless sparse `records` have `n_features` features (the CsrView has
/// checked its values).
template <Float F, SparseIndex I>
void require_predictable(const CsrView<F, I>& records, std::size_t n_features, const std::string& model) {
    require_feature_count(records.cols(), n_features, model);
}

}  // namespace linfa

namespace linfa::io {

/// Writes a class list (read back with `load_classes`).
template <class Writer>
void save_classes(Writer& w, const ClassSet& classes) {
    w.vector("classes", classes.labels());
}

/// Reads `n_classes` classes written by `save_classes`; throws ModelFileError unless they are
/// distinct and increasing.
template <class Reader>
ClassSet load_classes(Reader& r, std::uint64_t n_classes) {
    std::vector<std::int32_t> labels = r.template vector<std::int32_t>("classes", n_classes);
    for (std::size_t i = 1; i < labels.size(); ++i) {
        if (labels[i] <= labels[i - 1]) throw ModelFileError("model file: classes must be distinct and increasing");
    }
    if (labels.empty()) throw ModelFileError("model file: a classifier needs at least one class");
    return ClassSet(std::move(labels));
}

}  // namespace linfa::io
