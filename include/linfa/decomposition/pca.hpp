// Principal component analysis: the public face. See Pca (pca/model.hpp) for what it
// computes, and the parts:
//   pca/params.hpp        builder + validation (components, whiten, solver)
//   pca/algorithm.hpp     fit: the solver choice and the variances
//   pca/spectrum.hpp      the full solver (covariance eigenvectors) and the sign convention
//   pca/randomized.hpp    the randomized solver
//   pca/model.hpp         transform, inverse_transform, score_samples
//   pca/serialization.hpp model files;  pca/model_example.hpp  for the generic tests
#pragma once

#include "pca/algorithm.hpp"
#include "pca/errors.hpp"
#include "pca/model.hpp"
#include "pca/model_example.hpp"
#include "pca/params.hpp"
#include "pca/serialization.hpp"

#include "../core/instances.hpp"

/// PCA's fit for float and double, compiled once (core/instances.hpp).
#define LINFA_PCA_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::decomposition::PcaValidParams)
LINFA_DECLARE_INSTANCES(LINFA_PCA_INSTANCES)
