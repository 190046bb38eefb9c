// The class labels of rows spread over the ranks of a Communicator, for the classifiers'
// distributed fits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "../core/classes.hpp"
#include "communicator.hpp"

namespace linfa::distributed {

/// The classes of every rank's labels: the union of each rank's distinct labels (one all-gather).
template <Communicator C>
ClassSet agreed_classes(const C& comm, std::span<const std::int32_t> labels) {
    std::vector<std::int32_t> mine;
    if (!labels.empty()) {
        const ClassSet local = ClassSet::of(labels);
        mine.assign(local.labels().begin(), local.labels().end());
    }
    std::vector<std::int32_t> all = all_gather_joined(comm, std::span<const std::int32_t>(mine));
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return ClassSet(std::move(all));
}

}  // namespace linfa::distributed
