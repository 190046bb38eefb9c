// Logistic regression hyper-parameters, after linfa's guard pattern: `LogisticRegressionParams`
// is a builder whose setters chain; `check()` validates them and returns
// `LogisticRegressionValidParams`; `fit` on either returns a fitted `LogisticRegression`.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../../core/classes.hpp"
#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../errors.hpp"

namespace linfa::linear {
namespace logistic_detail {
class ChunkSums;
}  // namespace logistic_detail

template <Float F>
class LogisticRegression;
template <Float F>
class LogisticRegressionValidParams;

/// How several classes are modelled (scikit-learn's `multi_class`).
enum class MultiClass : std::uint32_t {
    Auto = 0,         ///< binary for two classes, multinomial for more (the default)
    Multinomial = 1,  ///< one softmax over a coefficient row per class (two classes too)
    OneVsRest = 2,    ///< an independent binary model per class, probabilities normalised
};

/// Builder of logistic regression hyper-parameters (see `LogisticRegression<F>::params`).
/// The objective, as scikit-learn's with the "lbfgs" solver: the sum over samples of
/// weight x log-loss, plus ||W||^2 / (2 C) (the intercepts unpenalised), where a sample's
/// weight is its sample weight times its class's weight.
template <Float F>
class LogisticRegressionParams : public GuardedParams<LogisticRegressionParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = LogisticRegressionValidParams<F>;

    /// Inverse of the L2 penalty's strength, > 0 (default 1); infinity: no penalty.
    LogisticRegressionParams& c(double value) { c_ = value; return *this; }
    /// Fit an unpenalised intercept per model row (default true).
    LogisticRegressionParams& fit_intercept(bool fit) { fit_intercept_ = fit; return *this; }
    /// Most L-BFGS iterations (default 100); past them the model says it did not converge.
    LogisticRegressionParams& max_iter(std::size_t n) { max_iter_ = n; return *this; }
    /// Stop when the largest gradient component is at most this (default 1e-4), as
    /// scikit-learn's `tol` for "lbfgs".
    LogisticRegressionParams& tol(double value) { tol_ = value; return *this; }
    /// How several classes are modelled (default MultiClass::Auto).
    LogisticRegressionParams& multi_class(MultiClass how) { multi_class_ = how; return *this; }
    /// A weight per class label (labels not listed weigh 1), multiplying sample weights.
    LogisticRegressionParams& class_weight(std::map<std::int32_t, double> weights) {
        class_weight_ = std::move(weights), balanced_ = false;
        return *this;
    }
    /// Weights classes inversely to their frequency, n_samples / (n_classes x count), as
    /// scikit-learn's class_weight="balanced".
    LogisticRegressionParams& balanced_class_weight() { class_weight_.clear(), balanced_ = true; return *this; }
    /// Starts L-BFGS from a fitted model's coefficients (scikit-learn's warm_start); its
    /// classes, features and layout must match what the fit finds.
    LogisticRegressionParams& warm_start(const LogisticRegression<F>& model);

    /// C.
    double c() const { return c_; }
    /// Whether intercepts are fitted.
    bool fit_intercept() const { return fit_intercept_; }
    /// Most iterations.
    std::size_t max_iter() const { return max_iter_; }
    /// The gradient tolerance.
    double tol() const { return tol_; }
    /// How several classes are modelled.
    MultiClass multi_class() const { return multi_class_; }
    /// Weights per label (empty: all 1, unless balanced).
    const std::map<std::int32_t, double>& class_weight() const { return class_weight_; }
    /// Whether classes are weighted by inverse frequency.
    bool balanced() const { return balanced_; }
    /// The starting coefficients (rows x features, then a column of intercepts) if any.
    const std::optional<Eigen::MatrixXd>& start() const { return start_; }

    /// Validates every parameter; throws LinearParamsError naming the first invalid one.
    LogisticRegressionValidParams<F> check() const {
        if (!(c_ > 0)) throw LinearParamsError("LogisticRegression: C must be > 0, found " + std::to_string(c_));
        if (!std::isfinite(tol_) || tol_ < 0) throw LinearParamsError("LogisticRegression: tol must be finite and >= 0");
        if (max_iter_ == 0) throw LinearParamsError("LogisticRegression: max_iter must be at least 1");
        if (multi_class_ != MultiClass::Auto && multi_class_ != MultiClass::Multinomial &&
            multi_class_ != MultiClass::OneVsRest) {
            throw LinearParamsError("LogisticRegression: unknown multi_class");
        }
        for (const auto& [label, weight] : class_weight_) {
            if (!std::isfinite(weight) || weight < 0) {
                throw LinearParamsError("LogisticRegression: the weight of class " + std::to_string(label) +
                                        " must be finite and >= 0, found " + std::to_string(weight));
            }
        }
        return LogisticRegressionValidParams<F>(*this);
    }

private:
    double c_ = 1.0;
    bool fit_intercept_ = true;
    std::size_t max_iter_ = 100;
    double tol_ = 1e-4;
    MultiClass multi_class_ = MultiClass::Auto;
    std::map<std::int32_t, double> class_weight_;
    bool balanced_ = false;
    std::optional<Eigen::MatrixXd> start_;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class LogisticRegressionValidParams {
public:
    /// The parameters as checked.
    const LogisticRegressionParams<F>& params() const { return params_; }

    /// Logistic regression on `data` (records, class labels, optional sample weights).
    /// Throws InvalidInput for data it cannot fit (no labels, a single class, NaN, negative
    /// weights) and LinearParamsError for a warm start that does not match the data.
    LogisticRegression<F> fit(const DatasetView<F>& data) const;
    /// Logistic regression on sparse records (with class labels, optional sample weights): the
    /// same loss, scored and differentiated entry by entry, so the dense fit's model to
    /// rounding. Throws as the dense `fit`.
    template <SparseIndex I>
    LogisticRegression<F> fit(const SparseDatasetView<F, I>& data) const;

    /// The fit once the classes are known: `targets` are the class indices of data's rows,
    /// `class_counts` how many rows of each class there are in all, and `sums` says where the
    /// loss's chunks are. `fit` calls it with every row in this process; distributed::fit with
    /// one rank's rows and every rank's counts. Never inlined, so that both call the same
    /// compiled code (logistic_detail::ChunkSums says why).
    template <class Data>
    [[gnu::noinline]] LogisticRegression<F> fit_classes(const Data& data, const ClassSet& classes,
                                                        std::span<const std::int32_t> targets,
                                                        const std::vector<double>& class_counts,
                                                        const logistic_detail::ChunkSums& sums) const;

private:
    friend class LogisticRegressionParams<F>;
    /// The fit of dense or sparse records (`Data`: a DatasetView or a SparseDatasetView).
    template <class Data>
    LogisticRegression<F> fit_records(const Data& data) const;
    explicit LogisticRegressionValidParams(LogisticRegressionParams<F> params) : params_(std::move(params)) {}
    LogisticRegressionParams<F> params_;
};

}  // namespace linfa::linear
