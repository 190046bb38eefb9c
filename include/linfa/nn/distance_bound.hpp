// The input bound of every model that computes squared Euclidean distances (K-Means, and the
// neighbour and mixture models to come): past it, finite values give infinite distances and
// an arbitrary nearest point. Such a model declares `input_bound()` from here; the generic
// checks (core/validation.hpp, linfa-serve) enforce whatever a model declares.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "../core/matrix.hpp"
#include "../core/validation.hpp"

namespace linfa::nn {

/// The largest magnitude of values whose squared distances to one another stay finite in a
/// type whose largest value is `largest`: d terms of at most (2 |x|)^2 each.
inline double distance_safe_magnitude(double largest, std::size_t d) {
    return std::sqrt(largest / (4.0 * double(std::max<std::size_t>(d, 1))));
}

/// The bound of a model computing squared distances in F between rows of d features.
template <Float F>
InputBound distance_input_bound(std::size_t d) {
    return {distance_safe_magnitude(double(std::numeric_limits<F>::max()), d), "squared distances would overflow"};
}

}  // namespace linfa::nn
