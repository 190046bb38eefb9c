// Label lists for the classification metrics: the sorted union of the labels two label vectors
// hold (scikit-learn's default label list), and the position of a label in a caller's list.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"

namespace linfa::metrics::labels_detail {

/// The distinct labels of `a` and `b` together, sorted increasingly.
inline std::vector<std::int32_t> sorted_union(std::span<const std::int32_t> a, std::span<const std::int32_t> b) {
    std::vector<std::int32_t> all(a.begin(), a.end());
    all.insert(all.end(), b.begin(), b.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
}

/// The position of each label of a list given in any order, looked up in O(log k).
class LabelPositions {
public:
    /// Positions in `labels`; throws InvalidInput when it is empty or holds a label twice.
    LabelPositions(const char* metric, std::span<const std::int32_t> labels) {
        if (labels.empty()) throw InvalidInput(std::string(metric) + ": labels must hold at least one label, found none");
        for (std::size_t k = 0; k < labels.size(); ++k) sorted_.emplace_back(labels[k], static_cast<std::int32_t>(k));
        std::sort(sorted_.begin(), sorted_.end());
        for (std::size_t k = 1; k < sorted_.size(); ++k) {
            if (sorted_[k].first == sorted_[k - 1].first) {
                throw InvalidInput(std::string(metric) + ": labels must be distinct, found " +
                                   std::to_string(sorted_[k].first) + " twice");
            }
        }
    }

    /// The position of `label` in the list, or -1 when it is not in it.
    std::int32_t find(std::int32_t label) const {
        const auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair{label, std::int32_t(-1)});
        return it != sorted_.end() && it->first == label ? it->second : -1;
    }

    /// Number of labels in the list.
    std::size_t size() const { return sorted_.size(); }

private:
    std::vector<std::pair<std::int32_t, std::int32_t>> sorted_;  // (label, position), by label
};

/// "0, 1, 2" for messages.
inline std::string joined(std::span<const std::int32_t> labels) {
    std::string text;
    for (const std::int32_t label : labels) text += (text.empty() ? "" : ", ") + std::to_string(label);
    return text;
}

}  // namespace linfa::metrics::labels_detail
