// The input bound of every model that computes squared Euclidean distances (K-Means, and the
// neighbour and mixture models to come): past it, finite values give infinite distances and
// an arbitrary nearest point. Such a model declares `input_bound()` from here; the generic
// checks (core/validation.hpp, linfa-serve) enforce whatever a model declares.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include <string>

#include "../core/matrix.hpp"
#include "../core/sparse.hpp"
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

/// Throws InvalidInput, naming the row and column, for the first value of dense `records` that
/// is NaN, infinite or past distance_input_bound<F>(records.cols()).
template <Float F>
void require_within_distance_bound(const MatrixView<F>& records, const std::string& what) {
    require_finite<F>(records, what, distance_input_bound<F>(std::size_t(records.cols())));
}

/// Throws InvalidInput, naming the row and column, for the first stored value of sparse
/// `records` past distance_input_bound<F>(records.cols()), as require_finite does for dense
/// records (the CsrView has refused NaN and infinity).
template <Float F, SparseIndex I>
void require_within_distance_bound(const CsrView<F, I>& records, const std::string& what) {
    const InputBound bound = distance_input_bound<F>(records.cols());
    const F limit = bound_limit<F>(bound);
    for (std::size_t i = 0; i < records.rows(); ++i) {
        const SparseRow<F, I> row = records.row(i);
        for (std::size_t e = 0; e < row.values.size(); ++e) {
            if (std::abs(row.values[e]) <= limit) continue;
            throw_out_of_bound<F>(what, "row " + std::to_string(i) + ", column " + std::to_string(row.indices[e]), row.values[e], bound, limit);
        }
    }
}

}  // namespace linfa::nn
