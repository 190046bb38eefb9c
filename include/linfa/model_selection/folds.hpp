// K-fold cross-validation splits, sized as scikit-learn sizes them: `KFold` cuts the samples
// (optionally shuffled) into k consecutive folds, the first n % k one sample larger;
// `StratifiedKFold` deals each class's samples over the folds as scikit-learn 1.2's
// StratifiedKFold does, so without shuffling both give scikit-learn's folds exactly. Shuffled
// folds draw from the splitter's own `linfa::Rng` (a copy per `split`, so splitting the same
// data twice gives the same folds), which differs from NumPy's, so they are not scikit-learn's.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "split.hpp"

namespace linfa::model_selection {

namespace folds_detail {

/// Throws InvalidParams unless k >= 2; `splitter` names the caller.
inline void require_fold_count(const char* splitter, std::size_t k) {
    if (k < 2) throw InvalidParams(std::string(splitter) + ": expected at least 2 folds, found " + std::to_string(k));
}

/// Throws InvalidInput unless there are at least `k` samples.
inline void require_enough_samples(const char* splitter, std::size_t k, std::size_t n_samples) {
    if (n_samples == 0) throw InvalidInput(std::string(splitter) + ": need at least one sample, found 0");
    if (k > n_samples) {
        throw InvalidInput(std::string(splitter) + ": " + std::to_string(k) + " folds need at least " + std::to_string(k) +
                           " samples, found " + std::to_string(n_samples));
    }
}

/// One Split per fold from the fold of each sample: test = the fold's samples, train = the
/// others, both in increasing index order.
inline std::vector<Split> splits_of(const std::vector<std::size_t>& fold_of, std::size_t k) {
    std::vector<Split> splits(k);
    for (std::size_t i = 0; i < fold_of.size(); ++i) {
        for (std::size_t f = 0; f < k; ++f) (f == fold_of[i] ? splits[f].test : splits[f].train).push_back(i);
    }
    return splits;
}

}  // namespace folds_detail

/// K-fold splits: the samples, in order or shuffled, cut into k consecutive test folds whose
/// sizes differ by at most one (the first n % k folds hold one more); each fold's training
/// part is every other sample. scikit-learn's KFold.
class KFold {
public:
    /// `k` folds, in data order or shuffled with draws from `rng`. Throws InvalidParams unless
    /// k >= 2.
    explicit KFold(std::size_t k, bool shuffle = false, Rng rng = Rng()) : k_(k), shuffle_(shuffle), rng_(rng) {
        folds_detail::require_fold_count("KFold", k);
    }

    /// Number of folds.
    std::size_t n_splits() const { return k_; }

    /// The k splits of `n_samples` samples: test indices in fold order (permuted order when
    /// shuffling), training indices increasing. Throws InvalidInput when n_samples < k or 0.
    std::vector<Split> split(std::size_t n_samples) const {
        folds_detail::require_enough_samples("KFold", k_, n_samples);
        std::vector<std::size_t> order = split_detail::iota(n_samples);
        if (shuffle_) {
            Rng rng = rng_;  // a copy: the same folds on every call
            split_detail::shuffle(order, rng);
        }
        std::vector<Split> splits(k_);
        std::size_t begin = 0;
        for (std::size_t f = 0; f < k_; ++f) {
            const std::size_t size = n_samples / k_ + (f < n_samples % k_ ? 1 : 0);
            std::vector<bool> in_test(n_samples, false);
            for (std::size_t i = begin; i < begin + size; ++i) {
                splits[f].test.push_back(order[i]);
                in_test[order[i]] = true;
            }
            for (std::size_t i = 0; i < n_samples; ++i) {
                if (!in_test[i]) splits[f].train.push_back(i);
            }
            begin += size;
        }
        return splits;
    }

    /// The k splits of `data`'s samples (see the overload on a count).
    template <Float F>
    std::vector<Split> split(const DatasetView<F>& data) const {
        return split(data.n_samples());
    }

private:
    std::size_t k_;
    bool shuffle_;
    Rng rng_;
};

/// K-fold splits that keep each class's proportion in every fold (scikit-learn 1.2's
/// StratifiedKFold). Classes are taken in order of first appearance; the labels sorted that
/// way are dealt round-robin over the folds, which fixes how many samples of each class every
/// fold gets; each class then hands its samples, in data order, to fold 0's share first, fold
/// 1's next, and so on (in shuffled order when shuffling). Where scikit-learn only warns about
/// a class with fewer than k members (some test folds would miss it), this throws: a fold
/// without a class scores a classifier on data unlike the rest.
class StratifiedKFold {
public:
    /// `k` folds, classes dealt in data order or shuffled with draws from `rng`. Throws
    /// InvalidParams unless k >= 2.
    explicit StratifiedKFold(std::size_t k, bool shuffle = false, Rng rng = Rng()) : k_(k), shuffle_(shuffle), rng_(rng) {
        folds_detail::require_fold_count("StratifiedKFold", k);
    }

    /// Number of folds.
    std::size_t n_splits() const { return k_; }

    /// The k splits of samples with class `labels`; test and training indices increasing.
    /// Throws InvalidInput when there are fewer than k samples, or a class has fewer than k.
    std::vector<Split> split(std::span<const std::int32_t> labels) const {
        folds_detail::require_enough_samples("StratifiedKFold", k_, labels.size());
        const std::vector<std::vector<std::size_t>> members = members_by_appearance(labels);
        Rng rng = rng_;  // a copy: the same folds on every call
        std::vector<std::size_t> fold_of(labels.size());
        std::size_t first_sorted_position = 0;  // of the class's block in the labels sorted by class
        for (const std::vector<std::size_t>& samples : members) {
            if (samples.size() < k_) {
                throw InvalidInput("StratifiedKFold: every class needs at least " + std::to_string(k_) + " samples (one per fold), label " +
                                   std::to_string(labels[samples.front()]) + " has " + std::to_string(samples.size()));
            }
            std::vector<std::size_t> folds;  // the fold of each of this class's samples, in fold order
            for (std::size_t f = 0; f < k_; ++f) {
                folds.insert(folds.end(), dealt_to(f, first_sorted_position, samples.size()), f);
            }
            if (shuffle_) split_detail::shuffle(folds, rng);
            for (std::size_t j = 0; j < samples.size(); ++j) fold_of[samples[j]] = folds[j];
            first_sorted_position += samples.size();
        }
        return folds_detail::splits_of(fold_of, k_);
    }

    /// The k splits of `data`'s labels; throws InvalidInput when it has none, and as the
    /// overload on labels.
    template <Float F>
    std::vector<Split> split(const DatasetView<F>& data) const {
        if (!data.has_labels()) throw InvalidInput("StratifiedKFold: stratifying needs class labels; the dataset has none");
        return split(data.labels());
    }

private:
    /// How many of the positions [first, first + count) of the sorted labels the round-robin
    /// deal (position p to fold p % k) gives to `fold`.
    std::size_t dealt_to(std::size_t fold, std::size_t first, std::size_t count) const {
        const auto up_to = [&](std::size_t end) { return end / k_ + (end % k_ > fold ? 1 : 0); };  // positions < end
        return up_to(first + count) - up_to(first);
    }

    /// The samples of each class, classes in order of first appearance, samples in data order.
    static std::vector<std::vector<std::size_t>> members_by_appearance(std::span<const std::int32_t> labels) {
        std::map<std::int32_t, std::size_t> class_of;  // label -> its index in `members`
        std::vector<std::vector<std::size_t>> members;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const auto [at, is_new] = class_of.emplace(labels[i], members.size());
            if (is_new) members.emplace_back();
            members[at->second].push_back(i);
        }
        return members;
    }

    std::size_t k_;
    bool shuffle_;
    Rng rng_;
};

}  // namespace linfa::model_selection
