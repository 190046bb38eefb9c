// Ridge in the generic tests (core/model_example.hpp).
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// Ridge in the generic tests: alpha 0.5.
template <Float F>
struct model_example<linear::Ridge<F>> {
    /// The defaults with alpha 0.5.
    static linear::RidgeParams<F> params() { return linear::Ridge<F>::params().alpha(0.5); }
};

}  // namespace linfa
