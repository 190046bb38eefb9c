// K-Means clustering: the public face of the algorithm. See KMeans (model.hpp) for what it
// computes, KMeansParams (params.hpp) for the hyper-parameters, and the parts:
//   params.hpp         builder + validation        init.hpp      random, k-means++, k-means||
//   kernels.hpp        distance + argmin kernels   assign.hpp    assignment over a dataset
//   lloyd.hpp          the fused Lloyd iteration   algorithm.hpp fit
//   model.hpp          the fitted model            serialization.hpp  model files
//   errors.hpp         exceptions
//   minibatch_params.hpp, minibatch.hpp   mini-batch / incremental fit (fit_with)
#pragma once

#include "kmeans/algorithm.hpp"
#include "kmeans/errors.hpp"
#include "kmeans/minibatch.hpp"
#include "kmeans/model.hpp"
#include "kmeans/params.hpp"
#include "kmeans/serialization.hpp"
