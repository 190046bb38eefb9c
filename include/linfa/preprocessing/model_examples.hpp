// The scalers in the generic tests (core/model_example.hpp).
#pragma once

#include "../core/model_example.hpp"
#include "max_abs_scaler.hpp"
#include "min_max_scaler.hpp"
#include "standard_scaler.hpp"

namespace linfa {

/// StandardScaler in the generic tests: centre and scale.
template <Float F>
struct model_example<preprocessing::StandardScaler<F>> {
    /// The defaults.
    static preprocessing::StandardScalerParams<F> params() { return preprocessing::StandardScaler<F>::params(); }
};

/// MinMaxScaler in the generic tests: onto [-1, 2], clipped.
template <Float F>
struct model_example<preprocessing::MinMaxScaler<F>> {
    /// A range other than the default, clipped, so both are exercised.
    static preprocessing::MinMaxScalerParams<F> params() {
        return preprocessing::MinMaxScaler<F>::params().feature_range(-1, 2).clip(true);
    }
};

/// MaxAbsScaler in the generic tests.
template <Float F>
struct model_example<preprocessing::MaxAbsScaler<F>> {
    /// The (empty) parameters.
    static preprocessing::MaxAbsScalerParams<F> params() { return preprocessing::MaxAbsScaler<F>::params(); }
};

}  // namespace linfa
