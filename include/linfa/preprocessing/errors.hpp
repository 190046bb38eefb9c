// Scaler failures. Both derive from the core exceptions, so callers may catch either the
// scaler type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include "../core/error.hpp"

namespace linfa::preprocessing {

/// A scaler hyper-parameter is invalid (from `check()`).
class ScalerParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be scaled as asked (no samples, wrong feature count, weights where the
/// scaler takes none...).
class ScalerInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::preprocessing
