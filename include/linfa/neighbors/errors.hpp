// K-nearest-neighbours failures. Both derive from the core exceptions, so callers may catch
// either the neighbours type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include "../core/error.hpp"

namespace linfa::neighbors {

/// A k-nearest-neighbours hyper-parameter is invalid (from `check()`).
class NeighborsParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be fitted as asked (no labels or targets, fewer samples than n_neighbors,
/// sample weights).
class NeighborsInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::neighbors
