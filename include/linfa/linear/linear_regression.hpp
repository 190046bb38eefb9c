// Ordinary least squares: the public face. See LinearRegression (linear_regression/model.hpp)
// for what it computes, and the parts:
//   linear_regression/params.hpp     builder + validation
//   linear_regression/algorithm.hpp  fit (../linalg/centred.hpp, solvers.hpp: shared with Ridge)
//   linear_regression/model.hpp      the fitted model (predict, score through linear_model.hpp)
//   linear_regression/serialization.hpp   model files
//   linear_regression/model_example.hpp   for the generic tests
//   sparse_least_squares.hpp         fit on sparse records (conjugate gradients, shared with Ridge)
#pragma once

#include "errors.hpp"
#include "linear_regression/algorithm.hpp"
#include "linear_regression/model.hpp"
#include "linear_regression/model_example.hpp"
#include "linear_regression/params.hpp"
#include "linear_regression/serialization.hpp"
#include "sparse_least_squares.hpp"

#include "../core/instances.hpp"

/// LinearRegression's dense and sparse fits for float and double, compiled once (core/instances.hpp).
#define LINFA_LINEAR_REGRESSION_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::linear::LinearRegressionValidParams) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::linear::LinearRegression, linfa::linear::LinearRegressionValidParams, fit)
LINFA_DECLARE_INSTANCES(LINFA_LINEAR_REGRESSION_INSTANCES)
