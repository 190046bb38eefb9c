// Gaussian naive Bayes hyper-parameters, after linfa's guard pattern: `GaussianNbParams` is a
// builder whose setters chain; `check()` validates them and returns `GaussianNbValidParams`,
// whose `fit` and `fit_with` (algorithm.hpp) give a `GaussianNb`.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../core/chunked_rows.hpp"
#include "../core/classes.hpp"
#include "../core/dataset.hpp"
#include "../core/params.hpp"
#include "../core/validation.hpp"
#include "class_moments.hpp"
#include "errors.hpp"

namespace linfa::naive_bayes {

template <Float F>
class GaussianNb;
template <Float F>
class GaussianNbValidParams;

/// How far the priors' sum may be from 1: numpy's `isclose(sum, 1)` (absolute 1e-8 plus
/// relative 1e-5), scikit-learn's test, so the Python estimator accepts what scikit-learn does.
inline constexpr double priors_sum_tolerance = 1e-8 + 1e-5;

/// Builder of Gaussian naive Bayes hyper-parameters (see `GaussianNb<F>::params`).
template <Float F>
class GaussianNbParams : public GuardedParams<GaussianNbParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = GaussianNbValidParams<F>;

    /// Prior probability of each class, in the order of the sorted classes (default: the
    /// classes' weighted frequencies in the training data). Non-negative, finite, summing to 1;
    /// one per class at fit.
    GaussianNbParams& priors(std::vector<double> p) { priors_ = std::move(p); return *this; }
    /// Part of the largest feature variance added to every variance, for stability (default
    /// 1e-9; finite and >= 0).
    GaussianNbParams& var_smoothing(double v) { var_smoothing_ = v; return *this; }
    /// Every class the batches of `fit_with` may hold (scikit-learn's `classes=` of
    /// partial_fit), in any order; without it the classes are those of the first batch.
    GaussianNbParams& classes(std::vector<std::int32_t> c) { classes_ = std::move(c); return *this; }

    /// The priors given, if any.
    const std::optional<std::vector<double>>& priors() const { return priors_; }
    /// The variance smoothing.
    double var_smoothing() const { return var_smoothing_; }
    /// The classes given, if any.
    const std::optional<std::vector<std::int32_t>>& classes() const { return classes_; }

    /// Validates every parameter; throws NaiveBayesParamsError naming the first invalid one.
    GaussianNbValidParams<F> check() const {
        if (!std::isfinite(var_smoothing_) || var_smoothing_ < 0) {
            throw NaiveBayesParamsError("GaussianNB: var_smoothing must be finite and >= 0, found " + short_number(var_smoothing_));
        }
        if (priors_) check_priors(*priors_);
        std::optional<ClassSet> classes;
        if (classes_) classes = distinct_classes(*classes_);
        return GaussianNbValidParams<F>(*this, std::move(classes));
    }

private:
    static void check_priors(const std::vector<double>& priors) {
        if (priors.empty()) throw NaiveBayesParamsError("GaussianNB: priors need one value per class, found none");
        double sum = 0;
        for (std::size_t k = 0; k < priors.size(); ++k) {
            if (!std::isfinite(priors[k]) || priors[k] < 0) {
                throw NaiveBayesParamsError("GaussianNB: priors must be finite and non-negative, found " +
                                            short_number(priors[k]) + " at class " + std::to_string(k));
            }
            sum += priors[k];
        }
        if (std::abs(sum - 1.0) > priors_sum_tolerance) {
            throw NaiveBayesParamsError("GaussianNB: the priors must sum to 1, found a sum of " + std::to_string(sum));
        }
    }

    /// The classes sorted, each once (scikit-learn takes `unique(classes)` too).
    static ClassSet distinct_classes(std::vector<std::int32_t> classes) {
        if (classes.empty()) throw NaiveBayesParamsError("GaussianNB: classes must hold at least one class");
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        return ClassSet(std::move(classes));
    }

    std::optional<std::vector<double>> priors_;
    double var_smoothing_ = 1e-9;
    std::optional<std::vector<std::int32_t>> classes_;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class GaussianNbValidParams {
public:
    /// The parameters as checked.
    const GaussianNbParams<F>& params() const { return params_; }
    /// The classes given to the builder, sorted and distinct, if any.
    const std::optional<ClassSet>& classes() const { return classes_; }

    /// The per-class weighted means and variances of `data` (records, class labels, optional
    /// sample weights). Throws InvalidInput for no samples, no labels, no features, NaN or
    /// infinity, invalid weights or a label outside the given classes; NaiveBayesParamsError
    /// when the priors are not one per class.
    GaussianNb<F> fit(const DatasetView<F>& data) const { return fit_with(std::nullopt, data); }

    /// `model` updated with one more batch (a new model from `std::nullopt`): the per-class
    /// statistics of all batches together (Chan's merge), and epsilon from this batch alone,
    /// as scikit-learn's partial_fit. The parameters given here apply. Throws as `fit`, and
    /// InvalidInput when the batch's feature count differs from the model's, a label is not one
    /// of the model's classes, or the classes given differ from the model's.
    GaussianNb<F> fit_with(std::optional<GaussianNb<F>> model, const DatasetView<F>& batch) const;

    /// The fit from rows wherever they are held (core/chunked_rows.hpp): this process's rows,
    /// or every rank's in a distributed fit (distributed/naive_bayes.hpp). `classes`: the fit's
    /// (those given, else the labels of every row); `class_of`: the class index of each row
    /// held here. The rows must have passed `fit`'s checks of their shape, labels and weights;
    /// NaN and infinity are found by the pass.
    template <ChunkedRows<F> Rows>
    GaussianNb<F> fit_rows(const Rows& rows, ClassSet classes, std::span<const std::int32_t> class_of) const;

private:
    friend class GaussianNbParams<F>;
    GaussianNbValidParams(GaussianNbParams<F> params, std::optional<ClassSet> classes)
        : params_(std::move(params)), classes_(std::move(classes)) {}

    /// `model` (none: a new one) with the moments `learnt` from a batch of classes `classes`.
    GaussianNb<F> merged(std::optional<GaussianNb<F>> model, ClassSet classes, const BatchMoments& learnt) const;

    GaussianNbParams<F> params_;
    std::optional<ClassSet> classes_;
};

}  // namespace linfa::naive_bayes
