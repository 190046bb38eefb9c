// Fitting Gaussian naive Bayes: the checks, the classes, one pass over the batch
// (class_moments.hpp), and the merge into the model so far.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "../core/classes.hpp"
#include "../core/validation.hpp"
#include "class_moments.hpp"
#include "errors.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa::naive_bayes {

namespace fit_detail {

/// The checks of a batch before its one pass: samples, labels, features, weights, and the
/// model's feature count. Finiteness rides on the pass (batch_moments).
template <Float F>
void require_batch(const DatasetView<F>& batch, const std::optional<GaussianNb<F>>& model) {
    if (batch.n_samples() == 0) throw NaiveBayesInputError("GaussianNB: need at least one sample, found 0");
    if (!batch.has_labels()) throw NaiveBayesInputError("GaussianNB: the dataset has no class labels to fit");
    require_trainable<F>(batch, /*finite_checked=*/true);
    if (model && model->n_features() != batch.n_features()) {
        throw NaiveBayesInputError("GaussianNB: the batch has " + std::to_string(batch.n_features()) +
                                   " features, the model " + std::to_string(model->n_features()));
    }
}

/// The classes of the fit: the model's, else those given, else the batch's labels. Classes
/// given must be the model's (scikit-learn's rule for partial_fit).
template <Float F>
ClassSet classes_of(const GaussianNbValidParams<F>& params, const std::optional<GaussianNb<F>>& model,
                    const DatasetView<F>& batch) {
    if (model) {
        if (params.classes() && *params.classes() != model->classes()) {
            throw NaiveBayesInputError("GaussianNB: the classes given differ from those of the model being updated");
        }
        return model->classes();
    }
    return params.classes() ? *params.classes() : ClassSet::of(batch.labels());
}

/// Throws NaiveBayesParamsError unless the priors, if any, are one per class.
template <Float F>
void require_priors(const GaussianNbParams<F>& params, const ClassSet& classes) {
    const auto& priors = params.priors();
    if (priors && priors->size() != classes.size()) {
        throw NaiveBayesParamsError("GaussianNB: priors need one value per class (" + std::to_string(classes.size()) +
                                    "), found " + std::to_string(priors->size()));
    }
}

/// The per-class epsilons after merging a batch of epsilon `epsilon` whose classes weigh
/// `batch_weight`: each class's weighted mean of its batches' epsilons (what scikit-learn's
/// partial_fit adds up to); a class the batch lacks keeps its own, the first batch's when never
/// seen (`past` empty: this is the first batch).
inline Eigen::VectorXd merged_class_epsilon(const Eigen::VectorXd& past, const Eigen::VectorXd& past_weight,
                                            const Eigen::VectorXd& batch_weight, double epsilon) {
    if (past.size() == 0) return Eigen::VectorXd::Constant(batch_weight.size(), epsilon);
    Eigen::VectorXd merged = past;
    for (Eigen::Index c = 0; c < merged.size(); ++c) {
        if (!(batch_weight[c] > 0)) continue;
        merged[c] = past_weight[c] > 0 ? (past_weight[c] * past[c] + batch_weight[c] * epsilon) / (past_weight[c] + batch_weight[c])
                                       : epsilon;
    }
    return merged;
}

/// scikit-learn's epsilon: var_smoothing times the largest unweighted variance of the batch.
inline double epsilon_of(const GroupMoments& all_rows, double var_smoothing) {
    const double largest = (all_rows.m2.row(0) / all_rows.weight[0]).maxCoeff();
    return var_smoothing * largest;
}

}  // namespace fit_detail

template <Float F>
GaussianNb<F> GaussianNbValidParams<F>::fit_with(std::optional<GaussianNb<F>> model, const DatasetView<F>& batch) const {
    fit_detail::require_batch(batch, model);
    ClassSet classes = fit_detail::classes_of(*this, model, batch);
    fit_detail::require_priors(params_, classes);
    const std::vector<std::int32_t> class_of = classes.encode(batch.labels());
    const BatchMoments learnt = batch_moments(batch, class_of, classes.size());
    return merged(std::move(model), std::move(classes), learnt);
}

template <Float F>
template <ChunkedRows<F> Rows>
GaussianNb<F> GaussianNbValidParams<F>::fit_rows(const Rows& rows, ClassSet classes, std::span<const std::int32_t> class_of) const {
    fit_detail::require_priors(params_, classes);
    const BatchMoments learnt = batch_moments_of<F>(rows, class_of, classes.size());
    return merged(std::nullopt, std::move(classes), learnt);
}

template <Float F>
GaussianNb<F> GaussianNbValidParams<F>::merged(std::optional<GaussianNb<F>> model, ClassSet classes, const BatchMoments& learnt) const {
    GroupMoments moments = model ? model->moments() : GroupMoments::empty(classes.size(), learnt.per_class.n_features());
    const double epsilon = fit_detail::epsilon_of(learnt.all_rows, params_.var_smoothing());
    Eigen::VectorXd class_epsilon = fit_detail::merged_class_epsilon(model ? model->class_epsilon() : Eigen::VectorXd(),
                                                                     moments.weight, learnt.per_class.weight, epsilon);
    moments.merge(learnt.per_class);
    return GaussianNb<F>(std::move(classes), std::move(moments), std::move(class_epsilon), epsilon, params_.var_smoothing(),
                         params_.priors());
}

}  // namespace linfa::naive_bayes
