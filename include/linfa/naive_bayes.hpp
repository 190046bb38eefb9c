// Naive Bayes classifiers: the public face. GaussianNb (naive_bayes/model.hpp) explains what it
// computes; its parts:
//   naive_bayes/params.hpp         builder (priors, var_smoothing, classes) and check()
//   naive_bayes/class_moments.hpp  per-class weighted moments in one pass, mergeable
//   naive_bayes/algorithm.hpp      fit and fit_with (scikit-learn's partial_fit)
//   naive_bayes/model.hpp          the fitted model: predict, predict_proba, predict_log_proba
//   naive_bayes/serialization.hpp  model files;  naive_bayes/model_example.hpp  generic tests
#pragma once

#include "naive_bayes/algorithm.hpp"
#include "naive_bayes/class_moments.hpp"
#include "naive_bayes/errors.hpp"
#include "naive_bayes/model.hpp"
#include "naive_bayes/model_example.hpp"
#include "naive_bayes/params.hpp"
#include "naive_bayes/serialization.hpp"

#include "core/instances.hpp"

/// Gaussian naive Bayes' fit for float and double, compiled once (core/instances.hpp).
#define LINFA_NAIVE_BAYES_INSTANCES(how) \
    LINFA_INSTANCE_PAIR(how, linfa::naive_bayes::GaussianNbValidParams)
LINFA_DECLARE_INSTANCES(LINFA_NAIVE_BAYES_INSTANCES)
