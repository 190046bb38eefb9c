// K-Means clustering: the public face of the algorithm. See KMeans (model.hpp) for what it
// computes, KMeansParams (params.hpp) for the hyper-parameters, and the parts:
//   params.hpp         builder + validation        init.hpp      random, k-means++, k-means||
//   assign.hpp         assignment over a dataset   hamerly.hpp   the bound-based iteration
//   lloyd.hpp          the fused Lloyd iteration   algorithm.hpp fit
//   model.hpp          the fitted model            serialization.hpp  model files
//   errors.hpp         exceptions                  model_example.hpp  for the generic tests
//   minibatch_params.hpp, minibatch.hpp   mini-batch / incremental fit (fit_with)
// The distance + argmin kernels it assigns rows with are shared: nn/assigner.hpp (and
// nn/centroid_scanner.hpp), over simd/reg.hpp and simd/lanes.hpp.
#pragma once

#include "kmeans/algorithm.hpp"
#include "kmeans/errors.hpp"
#include "kmeans/minibatch.hpp"
#include "kmeans/model.hpp"
#include "kmeans/model_example.hpp"
#include "kmeans/params.hpp"
#include "kmeans/serialization.hpp"

#include "../core/instances.hpp"

/// K-Means' fits for float and double, compiled once (core/instances.hpp).
#define LINFA_KMEANS_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::clustering::KMeansValidParams) \
    LINFA_INSTANCE_PAIR(how, linfa::clustering::MiniBatchKMeansValidParams) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::clustering::KMeans, linfa::clustering::KMeansValidParams, fit) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::clustering::KMeansWithLabels, linfa::clustering::KMeansValidParams, fit_predict) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::clustering::KMeans, linfa::clustering::MiniBatchKMeansValidParams, fit) \
    LINFA_SPARSE_FIT_INSTANCES(how, linfa::clustering::KMeansWithLabels, linfa::clustering::MiniBatchKMeansValidParams, fit_predict)
LINFA_DECLARE_INSTANCES(LINFA_KMEANS_INSTANCES)
