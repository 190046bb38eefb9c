// Ridge hyper-parameters, after linfa's guard pattern: `RidgeParams` is a builder whose
// setters chain; `check()` validates them and returns `RidgeValidParams`; `fit` on either
// (the builder's through GuardedParams) returns a fitted `Ridge`.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/sparse.hpp"
#include "../errors.hpp"

namespace linfa::linear {

template <Float F>
class Ridge;
template <Float F>
class RidgeValidParams;

/// How the ridge system is solved (scikit-learn's `solver` for dense data).
enum class RidgeSolver : std::uint32_t {
    Auto = 0,      ///< Cholesky, falling back to the SVD when it fails (the default)
    Cholesky = 1,  ///< Cholesky of X^T X + alpha I (also falls back to the SVD, as scikit-learn)
    Svd = 2,       ///< the SVD of X: slower, the most stable
};

/// Builder of ridge regression hyper-parameters (see `Ridge<F>::params`).
template <Float F>
class RidgeParams : public GuardedParams<RidgeParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = RidgeValidParams<F>;

    /// L2 penalty strength, the same for every target (default 1).
    RidgeParams& alpha(double a) { alphas_ = {a}; return *this; }
    /// One penalty per target (their number must match the targets at fit).
    RidgeParams& alphas(std::vector<double> a) { alphas_ = std::move(a); return *this; }
    /// Fit an unpenalised intercept (centre the data first; default true); false: no intercept.
    RidgeParams& fit_intercept(bool fit) { fit_intercept_ = fit; return *this; }
    /// How the system is solved (default RidgeSolver::Auto).
    RidgeParams& solver(RidgeSolver s) { solver_ = s; return *this; }
    /// Sparse records only (they are solved by conjugate gradients): stop when the normal
    /// equations' residual is at most tol x ||X^T y|| (default 1e-4, scikit-learn's).
    RidgeParams& tol(double t) { tol_ = t; return *this; }
    /// Sparse records only: the most conjugate-gradient iterations per target (default 0:
    /// 10 x n_features, scipy's default).
    RidgeParams& max_iter(std::size_t m) { max_iter_ = m; return *this; }

    /// The penalties: one value for all targets, or one per target.
    const std::vector<double>& alphas() const { return alphas_; }
    /// Whether an intercept is fitted.
    bool fit_intercept() const { return fit_intercept_; }
    /// The solver asked for.
    RidgeSolver solver() const { return solver_; }
    /// The conjugate gradients' tolerance (sparse records).
    double tol() const { return tol_; }
    /// The conjugate gradients' iteration limit (sparse records; 0: 10 x n_features).
    std::size_t max_iter() const { return max_iter_; }

    /// Validates every parameter; throws LinearParamsError naming the first invalid one.
    RidgeValidParams<F> check() const {
        if (alphas_.empty()) throw LinearParamsError("Ridge: alpha needs at least one value");
        for (const double a : alphas_) {
            if (!std::isfinite(a) || a < 0) throw LinearParamsError("Ridge: alpha must be finite and >= 0, found " + std::to_string(a));
        }
        if (solver_ != RidgeSolver::Auto && solver_ != RidgeSolver::Cholesky && solver_ != RidgeSolver::Svd) {
            throw LinearParamsError("Ridge: unknown solver");
        }
        if (!std::isfinite(tol_) || tol_ < 0) throw LinearParamsError("Ridge: tol must be finite and >= 0, found " + std::to_string(tol_));
        return RidgeValidParams<F>(*this);
    }

private:
    std::vector<double> alphas_{1.0};
    bool fit_intercept_ = true;
    RidgeSolver solver_ = RidgeSolver::Auto;
    double tol_ = 1e-4;
    std::size_t max_iter_ = 0;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class RidgeValidParams {
public:
    /// The parameters as checked.
    const RidgeParams<F>& params() const { return params_; }

    /// Ridge regression on `data` (records, continuous targets, optional sample weights).
    /// Throws LinearInputError for data it cannot fit (or a per-target alpha count that does
    /// not match the targets).
    Ridge<F> fit(const DatasetView<F>& data) const;
    /// Ridge regression on sparse records (with continuous targets, optional sample weights),
    /// by conjugate gradients on the normal equations with the centring applied implicitly
    /// (the records stay sparse): the dense fit's coefficients to within `tol`. Throws as
    /// the dense `fit`, and LinearParamsError for RidgeSolver::Svd, which needs dense records.
    template <SparseIndex I>
    Ridge<F> fit(const SparseDatasetView<F, I>& data) const;

    /// The dense fit from the moments of the rows (linalg::LocalMoments' contract), wherever
    /// they are held: `fit` passes the rows of this process, a distributed fit those of
    /// every rank (distributed/linear.hpp). The rows must have passed `fit`'s checks.
    template <class Moments>
    Ridge<F> fit_moments(const Moments& moments) const;

private:
    friend class RidgeParams<F>;
    /// The penalty of each of `n_targets` targets; throws LinearInputError when the alphas
    /// given are neither one nor one per target.
    Eigen::VectorXd alphas_for(std::size_t n_targets) const;
    explicit RidgeValidParams(RidgeParams<F> params) : params_(std::move(params)) {}
    RidgeParams<F> params_;
};

}  // namespace linfa::linear
