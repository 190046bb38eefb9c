// K-nearest neighbours: the public face. KNeighborsClassifier and KNeighborsRegressor
// (neighbors/model.hpp) explain what they compute; their parts:
//   neighbors/params.hpp         builders (n_neighbors, weights, algorithm, leaf_size, metric) and check()
//   neighbors/errors.hpp         NeighborsParamsError, NeighborsInputError
//   neighbors/algorithm.hpp      fit (dense or sparse records): the checks, the training samples kept and indexed
//   neighbors/model.hpp          the fitted models: predict, predict_proba, kneighbors
//   neighbors/serialization.hpp  model files;  neighbors/model_example.hpp  generic tests
// The index itself (brute force, KD-tree, ball tree) is nn/index.hpp (face: linfa/nn.hpp).
#pragma once

#include "neighbors/algorithm.hpp"
#include "neighbors/errors.hpp"
#include "neighbors/model.hpp"
#include "neighbors/model_example.hpp"
#include "neighbors/params.hpp"
#include "neighbors/serialization.hpp"

#include "core/instances.hpp"

/// The neighbour models' fits (dense and sparse) for float and double, compiled once
/// (core/instances.hpp).
#define LINFA_NEIGHBORS_INSTANCES(how)                                                                                      \
    LINFA_INSTANCE_PAIR(how, linfa::neighbors::KNeighborsClassifierValidParams)                                             \
    LINFA_INSTANCE_PAIR(how, linfa::neighbors::KNeighborsRegressorValidParams)                                              \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::neighbors::KNeighborsClassifier, linfa::neighbors::KNeighborsClassifierValidParams, fit) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::neighbors::KNeighborsRegressor, linfa::neighbors::KNeighborsRegressorValidParams, fit)
LINFA_DECLARE_INSTANCES(LINFA_NEIGHBORS_INSTANCES)
