// K-Means failures. Both derive from the core exceptions, so callers may catch either the
// K-Means type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include "../../core/error.hpp"

namespace linfa::clustering {

/// A K-Means hyper-parameter is invalid (from `KMeansParams::check()` or `fit`).
class KMeansParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be clustered as asked (too few samples, wrong feature count, NaN...).
class KMeansInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::clustering
