// LinearRegression hyper-parameters, after linfa's guard pattern: `LinearRegressionParams` is a
// builder whose setters chain; `check()` returns `LinearRegressionValidParams`; `fit` on either
// (the builder's through GuardedParams) returns a fitted `LinearRegression`.
#pragma once

#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/sparse.hpp"

namespace linfa::linear {

template <Float F>
class LinearRegression;
template <Float F>
class LinearRegressionValidParams;

/// Builder of ordinary least squares hyper-parameters (see `LinearRegression<F>::params`).
template <Float F>
class LinearRegressionParams : public GuardedParams<LinearRegressionParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = LinearRegressionValidParams<F>;

    /// Fit an intercept (centre the data first); false: the model goes through the origin.
    LinearRegressionParams& fit_intercept(bool fit) { fit_intercept_ = fit; return *this; }
    /// Whether an intercept is fitted (default true).
    bool fit_intercept() const { return fit_intercept_; }

    /// Nothing can be invalid yet; returns the checked parameters.
    LinearRegressionValidParams<F> check() const { return LinearRegressionValidParams<F>(*this); }

private:
    bool fit_intercept_ = true;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class LinearRegressionValidParams {
public:
    /// The parameters as checked.
    const LinearRegressionParams<F>& params() const { return params_; }

    /// Least squares on `data` (records, continuous targets, optional sample weights); see
    /// algorithm.hpp. Throws LinearInputError for data it cannot fit.
    LinearRegression<F> fit(const DatasetView<F>& data) const;
    /// Least squares on sparse records (continuous targets, optional sample weights), by
    /// conjugate gradients on the normal equations (CGLS, which like scipy's LSQR behind
    /// scikit-learn converges to the minimum-norm solution) with the centring applied
    /// implicitly, so the records stay sparse; at most 2 x n_features iterations per target
    /// (LSQR's default limit). The model's rank is 0 and its singular values empty: they are
    /// not computed (scikit-learn sets neither for sparse X). Throws as the dense `fit`.
    template <SparseIndex I>
    LinearRegression<F> fit(const SparseDatasetView<F, I>& data) const;

    /// The dense fit from the moments of the rows (linalg::LocalMoments' contract), wherever
    /// they are held: `fit` passes the rows of this process, a distributed fit those of
    /// every rank (distributed/linear.hpp). The rows must have passed `fit`'s checks.
    template <class Moments>
    LinearRegression<F> fit_moments(const Moments& moments) const;

private:
    friend class LinearRegressionParams<F>;
    explicit LinearRegressionValidParams(LinearRegressionParams<F> params) : params_(std::move(params)) {}
    LinearRegressionParams<F> params_;
};

}  // namespace linfa::linear
