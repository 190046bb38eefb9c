// Gaussian mixture models (scikit-learn's GaussianMixture): the public face. See
// GaussianMixture (model.hpp) for what it computes, GaussianMixtureParams (params.hpp) for the
// hyper-parameters, and the parts:
//   params.hpp       builder + validation          components.hpp  parameters, E-step row kernel,
//   init.hpp         initial parameters                             M-step sums and M-step
//   algorithm.hpp    EM fit, n_init, warm start    model.hpp       the fitted model
//   errors.hpp       exceptions                    serialization.hpp  model files
//   model_example.hpp  for the generic tests
#pragma once

#include "gmm/algorithm.hpp"
#include "gmm/errors.hpp"
#include "gmm/model.hpp"
#include "gmm/model_example.hpp"
#include "gmm/params.hpp"
#include "gmm/serialization.hpp"

#include "../core/instances.hpp"

/// The Gaussian mixture's fits for float and double, compiled once (core/instances.hpp).
#define LINFA_GMM_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::clustering::GaussianMixtureValidParams)
LINFA_DECLARE_INSTANCES(LINFA_GMM_INSTANCES)
