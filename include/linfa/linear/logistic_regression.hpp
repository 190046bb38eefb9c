// Logistic regression: the public face. See LogisticRegression (logistic_regression/model.hpp)
// for what it computes, and the parts: logistic_regression/params.hpp (builder),
// logistic_regression/algorithm.hpp (fit), logistic_regression/loss.hpp (the fused loss and
// gradient pass), logistic_regression/link.hpp (scores and link functions),
// logistic_regression/serialization.hpp, logistic_regression/model_example.hpp; the solver is
// optim/lbfgs.hpp.
#pragma once

#include "errors.hpp"
#include "logistic_regression/algorithm.hpp"
#include "logistic_regression/model.hpp"
#include "logistic_regression/model_example.hpp"
#include "logistic_regression/params.hpp"
#include "logistic_regression/serialization.hpp"

#include "../core/instances.hpp"

/// The dense fit once the classes are known (the single-process and the distributed fits' common
/// part), for `F`, in an instance list.
#define LINFA_LOGISTIC_FIT_CLASSES_INSTANCE(how, F)                                                     \
    how linfa::linear::LogisticRegression<F> linfa::linear::LogisticRegressionValidParams<F>::fit_classes( \
        const linfa::DatasetView<F>&, const linfa::ClassSet&, std::span<const std::int32_t>,           \
        const std::vector<double>&, const linfa::linear::logistic_detail::ChunkSums&) const;

/// LogisticRegression's dense fits for float and double, compiled once (core/instances.hpp).
/// Not its sparse fits: compiled in the same file, they changed the dense fit's last bits (the
/// determinism test, which compares with a build without the instances, failed), so they are
/// compiled where they are used, as before.
#define LINFA_LOGISTIC_REGRESSION_INSTANCES(how)                                                        \
    LINFA_INSTANCE_PAIR(how, linfa::linear::LogisticRegressionValidParams)                              \
    LINFA_LOGISTIC_FIT_CLASSES_INSTANCE(how, float)                                                     \
    LINFA_LOGISTIC_FIT_CLASSES_INSTANCE(how, double)
LINFA_DECLARE_INSTANCES(LINFA_LOGISTIC_REGRESSION_INSTANCES)
