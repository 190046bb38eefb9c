// Gaussian mixture failures. Both derive from the core exceptions, so callers may catch either
// the Gaussian-mixture type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include "../../core/error.hpp"

namespace linfa::clustering {

/// A Gaussian-mixture hyper-parameter is invalid (from `GaussianMixtureParams::check()` or `fit`).
class GaussianMixtureParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be fitted as asked (too few samples, wrong feature count, NaN, or a
/// component whose covariance is not positive definite even with reg_covar).
class GaussianMixtureInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::clustering
