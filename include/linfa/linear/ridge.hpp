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
