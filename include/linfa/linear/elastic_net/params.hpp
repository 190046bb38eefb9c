// ElasticNet hyper-parameters, after linfa's guard pattern: `ElasticNetParams` is a builder
// whose setters chain; `check()` validates them and returns `ElasticNetValidParams`; `fit` on
// either (the builder's through GuardedParams) returns a fitted `ElasticNet`. Lasso is the
// same model with l1_ratio 1 (`lasso_params`).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/rng.hpp"
#include "../errors.hpp"

namespace linfa::linalg {
struct Centring;
}

namespace linfa::linear {

template <Float F>
class ElasticNet;
template <Float F>
class ElasticNetValidParams;

/// Whether coordinate descent runs on the Gram matrix X^T X (formed once) or on the columns
/// of X with a residual vector (scikit-learn's `precompute`).
enum class Precompute : std::uint32_t {
    Auto = 0,    ///< the Gram matrix when samples outnumber features enough for it to pay
    Always = 1,  ///< always the Gram matrix (d x d doubles)
    Never = 2,   ///< always the columns and the residual (a centred copy of X)
};

/// The order coordinates are visited in within a sweep (scikit-learn's `selection`).
enum class Selection : std::uint32_t {
    Cyclic = 0,  ///< features in order
    Random = 1,  ///< n_features draws with replacement from the params' Rng
};

/// Builder of elastic net hyper-parameters (see `ElasticNet<F>::params`). The objective per
/// target, as scikit-learn's: 1/(2 n) ||y - X w - b||^2 + alpha l1_ratio ||w||_1 +
/// alpha (1 - l1_ratio) ||w||^2 / 2, squared residuals weighted by sample weights rescaled to
/// sum to n, the intercept b unpenalised.
template <Float F>
class ElasticNetParams : public GuardedParams<ElasticNetParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = ElasticNetValidParams<F>;

    /// Penalty strength, >= 0 (default 1).
    ElasticNetParams& alpha(double a) { alpha_ = a; return *this; }
    /// Share of the L1 penalty in [0, 1] (default 0.5); 1 is the Lasso, 0 a ridge penalty.
    ElasticNetParams& l1_ratio(double r) { l1_ratio_ = r; return *this; }
    /// Fit an unpenalised intercept (centre the data first; default true).
    ElasticNetParams& fit_intercept(bool fit) { fit_intercept_ = fit; return *this; }
    /// Most sweeps over the features per target (default 1000).
    ElasticNetParams& max_iter(std::size_t n) { max_iter_ = n; return *this; }
    /// Stop when the duality gap is below tol x ||y - mean||^2 (default 1e-4), as scikit-learn.
    ElasticNetParams& tol(double t) { tol_ = t; return *this; }
    /// Constrain the coefficients to be >= 0 (default false).
    ElasticNetParams& positive(bool p) { positive_ = p; return *this; }
    /// Visiting order of the coordinates (default Selection::Cyclic).
    ElasticNetParams& selection(Selection s) { selection_ = s; return *this; }
    /// Gram matrix or residual (default Precompute::Auto).
    ElasticNetParams& precompute(Precompute p) { precompute_ = p; return *this; }
    /// The engine random selection draws from, copied by each fit (default Rng(), seed 42).
    ElasticNetParams& rng(Rng r) { rng_ = r; return *this; }
    /// Starting coefficients, n_targets x n_features (scikit-learn's warm_start with coef_).
    ElasticNetParams& warm_start(Eigen::MatrixXd coef) { start_ = std::move(coef); return *this; }
    /// Starts from a fitted model's coefficients.
    ElasticNetParams& warm_start(const ElasticNet<F>& model);

    /// alpha.
    double alpha() const { return alpha_; }
    /// l1_ratio.
    double l1_ratio() const { return l1_ratio_; }
    /// Whether an intercept is fitted.
    bool fit_intercept() const { return fit_intercept_; }
    /// Most sweeps per target.
    std::size_t max_iter() const { return max_iter_; }
    /// The duality-gap tolerance.
    double tol() const { return tol_; }
    /// Whether coefficients are kept >= 0.
    bool positive() const { return positive_; }
    /// The coordinate order.
    Selection selection() const { return selection_; }
    /// Gram matrix or residual.
    Precompute precompute() const { return precompute_; }
    /// The engine of random selection.
    const Rng& rng() const { return rng_; }
    /// The starting coefficients, if any.
    const std::optional<Eigen::MatrixXd>& start() const { return start_; }

    /// Validates every parameter; throws LinearParamsError naming the first invalid one.
    ElasticNetValidParams<F> check() const {
        if (!std::isfinite(alpha_) || alpha_ < 0) {
            throw LinearParamsError("ElasticNet: alpha must be finite and >= 0, found " + std::to_string(alpha_));
        }
        if (!std::isfinite(l1_ratio_) || l1_ratio_ < 0 || l1_ratio_ > 1) {
            throw LinearParamsError("ElasticNet: l1_ratio must be in [0, 1], found " + std::to_string(l1_ratio_));
        }
        if (!std::isfinite(tol_) || tol_ < 0) {
            throw LinearParamsError("ElasticNet: tol must be finite and >= 0, found " + std::to_string(tol_));
        }
        if (max_iter_ == 0) throw LinearParamsError("ElasticNet: max_iter must be at least 1");
        if (selection_ != Selection::Cyclic && selection_ != Selection::Random) {
            throw LinearParamsError("ElasticNet: unknown selection");
        }
        if (precompute_ != Precompute::Auto && precompute_ != Precompute::Always && precompute_ != Precompute::Never) {
            throw LinearParamsError("ElasticNet: unknown precompute");
        }
        if (start_ && !start_->allFinite()) {
            throw LinearParamsError("ElasticNet: the warm-start coefficients must be finite");
        }
        return ElasticNetValidParams<F>(*this);
    }

private:
    double alpha_ = 1.0;
    double l1_ratio_ = 0.5;
    bool fit_intercept_ = true;
    std::size_t max_iter_ = 1000;
    double tol_ = 1e-4;
    bool positive_ = false;
    Selection selection_ = Selection::Cyclic;
    Precompute precompute_ = Precompute::Auto;
    Rng rng_;
    std::optional<Eigen::MatrixXd> start_;
};

/// Lasso hyper-parameters: ElasticNet's with l1_ratio 1 and the given alpha.
template <Float F>
ElasticNetParams<F> lasso_params(double alpha = 1.0) {
    return ElasticNetParams<F>().alpha(alpha).l1_ratio(1.0);
}

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class ElasticNetValidParams {
public:
    /// The parameters as checked.
    const ElasticNetParams<F>& params() const { return params_; }

    /// Elastic net on `data` (records, continuous targets, optional sample weights), each
    /// target column fitted on its own. Throws LinearInputError for data it cannot fit, and
    /// LinearParamsError for warm-start coefficients whose shape does not match the data.
    ElasticNet<F> fit(const DatasetView<F>& data) const;
    /// Elastic net on sparse records, by coordinate descent over their columns with the
    /// centring and the weights applied implicitly (sparse_cd.hpp): the records stay sparse,
    /// and the solution is the dense fit's to within the same duality-gap tolerance. Throws as
    /// the dense `fit`.
    template <SparseIndex I>
    ElasticNet<F> fit(const SparseDatasetView<F, I>& data) const;

    /// Whether dense records of this shape are fitted on their Gram matrix (`precompute`;
    /// Auto: at least 2 samples per feature, at most 4096 features), which `fit_moments` does.
    bool gram_chosen(std::size_t n_samples, std::size_t n_features) const;
    /// Elastic net on the Gram matrix of the rows `moments` stands for (linalg::LocalMoments'
    /// contract: centring and gram): what `fit` runs when `gram_chosen`, and what a
    /// distributed fit runs over rows spread across processes. The rows must have passed `fit`'s checks.
    template <class Moments>
    ElasticNet<F> fit_moments(const Moments& moments) const;

private:
    friend class ElasticNetParams<F>;
    /// What the fits of dense and sparse records share: checks, the penalties scaled to the
    /// samples, then `descend(centring, scale, penalty, order, coef)` for every target, then
    /// the model.
    template <class Data, class Descend>
    ElasticNet<F> fit_targets(const Data& data, const linalg::Centring& centring, Descend&& descend) const;
    explicit ElasticNetValidParams(ElasticNetParams<F> params) : params_(std::move(params)) {}
    ElasticNetParams<F> params_;
};

}  // namespace linfa::linear
