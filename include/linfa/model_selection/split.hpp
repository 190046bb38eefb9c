// Train/test splits: index sets (`Split`), the rows they select as an owning dataset
// (`take_rows`), and `train_test_split`, plain or stratified by class label. Every random
// choice draws from the caller's `linfa::Rng` through Boost.Random, so a seed gives the same
// split on every platform. Sizes follow scikit-learn's ShuffleSplit / StratifiedShuffleSplit:
// a fraction f of n samples puts ceil(f * n) in the test part.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"

namespace linfa::model_selection {

/// The sample indices of one split: rows to train on and rows to test on (disjoint).
struct Split {
    std::vector<std::size_t> train;  ///< indices of the training samples
    std::vector<std::size_t> test;   ///< indices of the test samples
};

/// How many samples go to the test part: a fraction of them (implicit from a double, so
/// `train_test_split(data, 0.25, rng)` reads naturally) or an exact count (`TestSize::count`).
class TestSize {
public:
    /// A fraction in (0, 1) of the samples; checked when the split is made.
    TestSize(double fraction) : fraction_(fraction) {}  // NOLINT: implicit by design
    /// Exactly `n` test samples; checked when the split is made.
    static TestSize count(std::size_t n) {
        TestSize size(0.0);
        size.count_ = n;
        return size;
    }

    /// The number of test samples out of `n_samples`: ceil(fraction * n_samples) or the count.
    /// Throws InvalidParams for a fraction outside (0, 1) and InvalidInput when the train or the
    /// test part would be empty.
    std::size_t of(std::size_t n_samples) const {
        std::size_t n_test = 0;
        if (count_) {
            n_test = *count_;
        } else {
            if (!(fraction_ > 0.0 && fraction_ < 1.0)) {
                throw InvalidParams("test fraction: expected a value in (0, 1), found " + std::to_string(fraction_) +
                                    " (use TestSize::count for a number of samples)");
            }
            n_test = static_cast<std::size_t>(std::ceil(fraction_ * double(n_samples)));
        }
        if (n_test == 0 || n_test >= n_samples) {
            throw InvalidInput("train_test_split: " + std::to_string(n_test) + " test samples out of " +
                               std::to_string(n_samples) + " leave the " + (n_test == 0 ? "test" : "training") +
                               " part empty; both need at least one sample");
        }
        return n_test;
    }

private:
    double fraction_;
    std::optional<std::size_t> count_;
};

/// Whether `train_test_split` keeps the class proportions of the labels in both parts.
enum class Stratify {
    no,         ///< a uniform random split
    by_labels,  ///< each class split in proportion (needs class labels)
};

/// An owning copy of some rows of a dataset with every part a `DatasetView` can carry:
/// records, continuous targets, class labels and sample weights (a view may hold both targets
/// and labels, which no single `Dataset<F, Targets>` can). Converts to a view like a Dataset.
template <Float F>
struct Subset {
    Matrix<F> records;                ///< the selected rows, n x n_features
    std::optional<Matrix<F>> targets;  ///< their continuous targets, when the source had some
    std::optional<Labels> labels;      ///< their class labels, when the source had some
    Vector<F> weights;                 ///< their sample weights; empty when unweighted

    /// Number of samples.
    std::size_t n_samples() const { return static_cast<std::size_t>(records.rows()); }
    /// A view of every part, none copied.
    DatasetView<F> view() const {
        // a DatasetView is not assignable (it holds an Eigen::Map): build it in one expression
        const DatasetView<F> plain(MatrixView<F>(records.data(), records.rows(), records.cols()),
                                   std::span<const F>(weights.data(), static_cast<std::size_t>(weights.size())));
        const DatasetView<F> with_targets =
            targets ? plain.with_targets(MatrixView<F>(targets->data(), targets->rows(), targets->cols())) : plain;
        return labels ? with_targets.with_labels(
                            std::span<const std::int32_t>(labels->data(), static_cast<std::size_t>(labels->size())))
                      : with_targets;
    }
    /// Implicit conversion to `view()`: a Subset is usable wherever a DatasetView is.
    operator DatasetView<F>() const { return view(); }  // NOLINT: usable wherever a view is
};

namespace split_detail {

/// Throws InvalidInput naming the first index that is not below `n_samples`; `caller` names
/// the function in the message.
inline void require_indices(std::span<const std::size_t> indices, std::size_t n_samples, const char* caller = "take_rows") {
    for (const std::size_t i : indices) {
        if (i >= n_samples) {
            throw InvalidInput(std::string(caller) + ": index " + std::to_string(i) + " is out of range; the dataset has " +
                               std::to_string(n_samples) + " samples");
        }
    }
}

/// Rows `indices` of a row-major matrix, in that order.
template <class Scalar, class Source>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> gather(const Source& source,
                                                                              std::span<const std::size_t> indices) {
    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows(static_cast<Eigen::Index>(indices.size()),
                                                                                source.cols());
    for (std::size_t r = 0; r < indices.size(); ++r) rows.row(Eigen::Index(r)) = source.row(Eigen::Index(indices[r]));
    return rows;
}

/// Entries `indices` of a vector-like span, in that order.
template <class Out, class T>
Out gather_values(std::span<const T> values, std::span<const std::size_t> indices) {
    Out out(static_cast<Eigen::Index>(indices.size()));
    for (std::size_t r = 0; r < indices.size(); ++r) out(Eigen::Index(r)) = values[indices[r]];
    return out;
}

/// Shuffles `values` in place (Fisher-Yates, every draw from `rng`).
template <class T>
void shuffle(std::vector<T>& values, Rng& rng) {
    for (std::size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[rng.below(i)]);
}

/// 0, 1, ..., n - 1.
inline std::vector<std::size_t> iota(std::size_t n) {
    std::vector<std::size_t> indices(n);
    for (std::size_t i = 0; i < n; ++i) indices[i] = i;
    return indices;
}

/// Throws InvalidInput when a dataset has no samples; `what` names the caller.
inline void require_samples(const char* what, std::size_t n_samples) {
    if (n_samples == 0) throw InvalidInput(std::string(what) + ": need at least one sample, found 0");
}

/// The samples of each class, classes in increasing label order, samples in data order.
inline std::vector<std::vector<std::size_t>> members_by_class(std::span<const std::int32_t> labels) {
    std::map<std::int32_t, std::vector<std::size_t>> by_label;
    for (std::size_t i = 0; i < labels.size(); ++i) by_label[labels[i]].push_back(i);
    std::vector<std::vector<std::size_t>> members;
    for (auto& entry : by_label) members.push_back(std::move(entry.second));
    return members;
}

/// How many of `n_draws` samples each class gets, in proportion to `counts` (scikit-learn's
/// `_approximate_mode`): each class gets the floor of its share, and the samples left go to the
/// classes with the largest remainders, ties broken at random. The totals are exact. Computed
/// in integers, so equal remainders are equal exactly.
inline std::vector<std::size_t> proportional_counts(const std::vector<std::size_t>& counts, std::size_t n_draws, Rng& rng) {
    std::size_t total = 0;
    for (const std::size_t c : counts) total += c;
    std::vector<std::size_t> share(counts.size()), remainder(counts.size());
    std::size_t left = n_draws;
    for (std::size_t k = 0; k < counts.size(); ++k) {
        share[k] = counts[k] * n_draws / total;
        remainder[k] = counts[k] * n_draws % total;
        left -= share[k];
    }
    std::vector<std::size_t> order = iota(counts.size());
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
    for (std::size_t begin = 0; left > 0 && begin < order.size();) {
        std::size_t end = begin;
        while (end < order.size() && remainder[order[end]] == remainder[order[begin]]) ++end;
        std::vector<std::size_t> tied(order.begin() + std::ptrdiff_t(begin), order.begin() + std::ptrdiff_t(end));
        if (tied.size() > left) shuffle(tied, rng);  // only a draw among ties needs randomness
        for (std::size_t t = 0; t < tied.size() && left > 0; ++t, --left) ++share[tied[t]];
        begin = end;
    }
    return share;
}

}  // namespace split_detail

/// The rows `indices` of `data` (in that order, repeats allowed) as an owning Subset with the
/// matching targets, labels and weights. Throws InvalidInput for an index out of range.
template <Float F>
Subset<F> take_rows(const DatasetView<F>& data, std::span<const std::size_t> indices) {
    split_detail::require_indices(indices, data.n_samples());
    Subset<F> subset;
    subset.records = split_detail::gather<F>(data.records(), indices);
    if (data.has_targets()) subset.targets = split_detail::gather<F>(data.targets(), indices);
    if (data.has_labels()) subset.labels = split_detail::gather_values<Labels>(data.labels(), indices);
    if (data.has_weights()) subset.weights = split_detail::gather_values<Vector<F>>(data.weights(), indices);
    return subset;
}

/// The rows `indices` of `data` (in that order) as a Dataset of the same type, with their
/// targets and weights and the same feature names. Throws InvalidInput for an index out of
/// range.
template <Float F, class T>
Dataset<F, T> take_rows(const Dataset<F, T>& data, std::span<const std::size_t> indices) {
    Subset<F> rows = take_rows(data.view(), indices);
    std::optional<Dataset<F, T>> taken;
    if (!data.has_targets()) {
        taken.emplace(std::move(rows.records));
    } else if constexpr (std::same_as<T, Labels>) {
        taken.emplace(std::move(rows.records), std::move(*rows.labels));
    } else if constexpr (std::same_as<T, Vector<F>>) {
        taken.emplace(std::move(rows.records), Vector<F>(rows.targets->col(0)));
    } else {
        taken.emplace(std::move(rows.records), std::move(*rows.targets));
    }
    if (data.has_weights()) taken->with_weights(std::move(rows.weights));
    if (!data.feature_names().empty()) taken->with_feature_names(data.feature_names());
    return std::move(*taken);
}

/// A uniform random split of `n_samples` samples: the test part is the first `test_size.of(n)`
/// samples of a random permutation, the training part the rest, both in permuted order
/// (scikit-learn's ShuffleSplit). Throws InvalidInput for no samples and as `TestSize::of`.
inline Split shuffle_split(std::size_t n_samples, TestSize test_size, Rng& rng) {
    split_detail::require_samples("train_test_split", n_samples);
    const std::size_t n_test = test_size.of(n_samples);
    std::vector<std::size_t> order = split_detail::iota(n_samples);
    split_detail::shuffle(order, rng);
    Split split;
    split.test.assign(order.begin(), order.begin() + std::ptrdiff_t(n_test));
    split.train.assign(order.begin() + std::ptrdiff_t(n_test), order.end());
    return split;
}

/// A random split that keeps the class proportions of `labels` in both parts (scikit-learn's
/// StratifiedShuffleSplit): each class puts its share of the training size, rounded so the
/// totals are exact, into the training part and the rest into the test part, chosen at random
/// within the class; both parts are then shuffled. Throws InvalidInput for no samples, a class
/// with a single member, or fewer training or test samples than classes, and as `TestSize::of`.
inline Split stratified_shuffle_split(std::span<const std::int32_t> labels, TestSize test_size, Rng& rng) {
    split_detail::require_samples("train_test_split", labels.size());
    const std::size_t n_test = test_size.of(labels.size()), n_train = labels.size() - n_test;
    std::vector<std::vector<std::size_t>> members = split_detail::members_by_class(labels);
    std::vector<std::size_t> counts;
    for (const auto& m : members) counts.push_back(m.size());
    const std::size_t fewest = *std::min_element(counts.begin(), counts.end());
    if (fewest < 2) throw InvalidInput("train_test_split: stratified splitting needs at least 2 samples of each class, found a class with 1");
    if (std::min(n_train, n_test) < members.size()) {
        throw InvalidInput("train_test_split: stratified splitting needs at least one training and one test sample per class (" +
                           std::to_string(members.size()) + " classes), found " + std::to_string(n_train) + " training and " +
                           std::to_string(n_test) + " test samples");
    }
    const std::vector<std::size_t> train_counts = split_detail::proportional_counts(counts, n_train, rng);
    Split split;
    for (std::size_t k = 0; k < members.size(); ++k) {
        split_detail::shuffle(members[k], rng);
        split.train.insert(split.train.end(), members[k].begin(), members[k].begin() + std::ptrdiff_t(train_counts[k]));
        split.test.insert(split.test.end(), members[k].begin() + std::ptrdiff_t(train_counts[k]), members[k].end());
    }
    split_detail::shuffle(split.train, rng);
    split_detail::shuffle(split.test, rng);
    return split;
}

/// The split `train_test_split` makes of `data`: `shuffle_split`, or `stratified_shuffle_split`
/// of its labels. Throws as those, and InvalidInput for `Stratify::by_labels` without labels.
template <Float F>
Split split_indices(const DatasetView<F>& data, TestSize test_size, Rng& rng, Stratify stratify = Stratify::no) {
    if (stratify == Stratify::no) return shuffle_split(data.n_samples(), test_size, rng);
    if (!data.has_labels()) throw InvalidInput("train_test_split: stratifying needs class labels; the dataset has none");
    return stratified_shuffle_split(data.labels(), test_size, rng);
}

/// Splits `data` into (train, test) owning copies with all their parts (see `split_indices` for
/// the choice and the errors).
template <Float F>
std::pair<Subset<F>, Subset<F>> train_test_split(const DatasetView<F>& data, TestSize test_size, Rng& rng,
                                                 Stratify stratify = Stratify::no) {
    const Split split = split_indices(data, test_size, rng, stratify);
    return {take_rows(data, std::span<const std::size_t>(split.train)), take_rows(data, std::span<const std::size_t>(split.test))};
}

/// Splits `data` into (train, test) Datasets of the same type, with their targets, weights and
/// feature names (see `split_indices` for the choice and the errors).
template <Float F, class T>
std::pair<Dataset<F, T>, Dataset<F, T>> train_test_split(const Dataset<F, T>& data, TestSize test_size, Rng& rng,
                                                         Stratify stratify = Stratify::no) {
    const Split split = split_indices(data.view(), test_size, rng, stratify);
    return {take_rows(data, std::span<const std::size_t>(split.train)), take_rows(data, std::span<const std::size_t>(split.test))};
}

}  // namespace linfa::model_selection
