// Ridge regression: the public face. See Ridge (ridge/model.hpp) for what it computes, and the
// parts: ridge/params.hpp (builder, solvers), ridge/algorithm.hpp (fit; linalg/centred.hpp and
// solvers.hpp are shared with LinearRegression), ridge/model.hpp, ridge/serialization.hpp,
// ridge/model_example.hpp; sparse records: sparse_least_squares.hpp (conjugate gradients).
#pragma once

#include "errors.hpp"
#include "ridge/algorithm.hpp"
#include "ridge/model.hpp"
#include "ridge/model_example.hpp"
#include "ridge/params.hpp"
#include "ridge/serialization.hpp"
#include "sparse_least_squares.hpp"

#include "../core/instances.hpp"

/// Ridge's dense and sparse fits for float and double, compiled once (core/instances.hpp).
#define LINFA_RIDGE_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::linear::RidgeValidParams) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::linear::Ridge, linfa::linear::RidgeValidParams, fit)
LINFA_DECLARE_INSTANCES(LINFA_RIDGE_INSTANCES)
