// DBSCAN failures, derived from the core exceptions so callers may catch either.
#pragma once

#include "../../core/error.hpp"

namespace linfa::clustering {

/// A DBSCAN hyper-parameter is invalid (from `DbscanParams::check()`).
class DbscanParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be clustered (no samples, NaN, bad weights...).
class DbscanInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::clustering
