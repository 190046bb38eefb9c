// PCA failures. Both derive from the core exceptions, so callers may catch either the PCA
// type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include "../../core/error.hpp"

namespace linfa::decomposition {

/// A PCA hyper-parameter is invalid (from `PcaParams::check()` or `fit`).
class PcaParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be decomposed as asked (too few samples, wrong feature count, NaN...).
class PcaInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::decomposition
