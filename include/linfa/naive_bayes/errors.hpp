// Naive Bayes failures. Both derive from the core exceptions, so callers may catch either the
// naive Bayes type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include "../core/error.hpp"

namespace linfa::naive_bayes {

/// A naive Bayes hyper-parameter is invalid (from `check()`, or priors whose number does not
/// match the classes at fit).
class NaiveBayesParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be fitted as asked (no labels, a label outside the classes, a batch whose
/// feature count differs from the model's...).
class NaiveBayesInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

}  // namespace linfa::naive_bayes
