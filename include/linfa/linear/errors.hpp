// Failures of the linear models. Both derive from the core exceptions, so callers may catch
// either the linear type or the generic linfa one (the Python layer maps the generic ones).
#pragma once

#include <string>

#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/validation.hpp"

namespace linfa::linear {

/// A hyper-parameter of a linear model is invalid (from `check()` or `fit`).
class LinearParamsError : public InvalidParams {
public:
    using InvalidParams::InvalidParams;
};

/// The data cannot be fitted as asked (no targets, too few samples, NaN...).
class LinearInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

/// Checks what every regressor needs: at least one sample and one feature, continuous targets,
/// finite records and targets, valid sample weights. `model` names the caller in messages.
/// `Data`: a DatasetView or a SparseDatasetView.
template <class Data>
void require_regression_data(const Data& data, const std::string& model) {
    using F = scalar_of<Data>;
    if (data.n_samples() == 0) throw LinearInputError(model + ": need at least one sample, found 0");
    if (!data.has_targets()) throw LinearInputError(model + ": the dataset has no continuous targets to fit");
    if (data.n_targets() == 0) throw LinearInputError(model + ": the targets have zero columns; need at least one");
    require_trainable(data);
    require_finite<F>(data.targets(), "targets");
}

}  // namespace linfa::linear
