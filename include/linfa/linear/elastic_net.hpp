// ElasticNet and Lasso (coordinate descent): the public face. See ElasticNet
// (elastic_net/model.hpp) for what it computes, and the parts: elastic_net/params.hpp (builder,
// lasso_params), elastic_net/cd.hpp (one sweep and the duality gap, on the Gram matrix or on
// the columns with a residual), elastic_net/algorithm.hpp (fit), elastic_net/model.hpp,
// elastic_net/serialization.hpp, elastic_net/model_example.hpp.
#pragma once

#include "errors.hpp"
#include "elastic_net/algorithm.hpp"
#include "elastic_net/model.hpp"
#include "elastic_net/model_example.hpp"
#include "elastic_net/params.hpp"
#include "elastic_net/serialization.hpp"

#include "../core/instances.hpp"

/// ElasticNet's dense and sparse fits for float and double, compiled once (core/instances.hpp).
#define LINFA_ELASTIC_NET_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::linear::ElasticNetValidParams) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::linear::ElasticNet, linfa::linear::ElasticNetValidParams, fit)
LINFA_DECLARE_INSTANCES(LINFA_ELASTIC_NET_INSTANCES)
