// Feature scaling: the public face. Three scalers, each a per-feature affine map learnt in one
// pass over the data, with inverse_transform and batch updates (fit_with):
//   preprocessing/standard_scaler.hpp   StandardScaler (mean and standard deviation; weights)
//   preprocessing/min_max_scaler.hpp    MinMaxScaler (onto a feature range; clip)
//   preprocessing/max_abs_scaler.hpp    MaxAbsScaler (divide by the largest magnitude)
// and their shared parts:
//   preprocessing/column_summaries.hpp  one-pass moments and extremes, mergeable
//   preprocessing/feature_map.hpp       the map and its inverse, one pass
//   preprocessing/serialization.hpp     model files;  preprocessing/model_examples.hpp  generic tests
#pragma once

#include "preprocessing/errors.hpp"
#include "preprocessing/max_abs_scaler.hpp"
#include "preprocessing/min_max_scaler.hpp"
#include "preprocessing/model_examples.hpp"
#include "preprocessing/serialization.hpp"
#include "preprocessing/standard_scaler.hpp"

#include "core/instances.hpp"

/// The scalers' fits for float and double, compiled once (core/instances.hpp).
#define LINFA_PREPROCESSING_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::preprocessing::StandardScalerValidParams) \
    LINFA_INSTANCE_PAIR(how, linfa::preprocessing::MinMaxScalerValidParams) \
    LINFA_INSTANCE_PAIR(how, linfa::preprocessing::MaxAbsScalerValidParams)
LINFA_DECLARE_INSTANCES(LINFA_PREPROCESSING_INSTANCES)
