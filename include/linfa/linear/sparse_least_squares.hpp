// LinearRegression and Ridge on sparse records: the centred, weighted problem of each target
// solved by CGLS (linalg/cgls.hpp) through products with the sparse records, never forming the
// centred matrix (dense) or X^T X (n_features^2). The dense fits' direct solvers are exact to
// rounding; these stop at a tolerance, so the two agree to within it.
#pragma once

#include <cstddef>

#include "../core/sparse.hpp"
#include "../linalg/cgls.hpp"
#include "../linalg/sparse_centred.hpp"
#include "errors.hpp"
#include "linear_regression/model.hpp"
#include "ridge/model.hpp"
#include "solvers.hpp"

namespace linfa::linear {
namespace least_squares_detail {

/// LinearRegression's tolerance on sparse records (it has no `tol`): ||A^T r|| <= 1e-10 x
/// ||A^T y|| is within rounding of the exact solution for condition numbers up to about 1e5.
inline constexpr double least_squares_tol = 1e-10;

/// Coefficients (t x d) and intercepts of the damped problem of every target: alpha[k] for
/// target k, CGLS stopping at `tol` or after `max_iter` iterations.
template <Float F, SparseIndex I>
LinearPredictor<F> solve_damped(const SparseDatasetView<F, I>& data, bool fit_intercept, const linalg::VectorD& alpha,
                                double tol, std::size_t max_iter) {
    const linalg::SparseColumns<F, I> columns(data.records());
    const linalg::Centring centring = linalg::weighted_means(data, columns, true, fit_intercept);
    const linalg::CentredSparseOperator<F, I> a(data, columns, centring);
    const auto t = Eigen::Index(data.n_targets());
    linalg::MatrixD coef(t, a.cols());
    for (Eigen::Index k = 0; k < t; ++k) {
        coef.row(k) = linalg::cgls(a, a.centred_target(centring, std::size_t(k)), alpha[k], tol, max_iter).x.transpose();
    }
    const auto intercept = linear_detail::intercepts(coef, centring);
    return LinearPredictor<F>(linear_detail::in_scalar<F>(coef), linear_detail::in_scalar<F>(intercept));
}

}  // namespace least_squares_detail

template <Float F>
template <SparseIndex I>
LinearRegression<F> LinearRegressionValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    require_regression_data(data, "LinearRegression");
    const auto t = Eigen::Index(data.n_targets());
    return LinearRegression<F>(least_squares_detail::solve_damped(data, params_.fit_intercept(), linalg::VectorD::Zero(t),
                                                                  least_squares_detail::least_squares_tol,
                                                                  2 * data.n_features()),
                               0, Vector<F>());
}

template <Float F>
template <SparseIndex I>
Ridge<F> RidgeValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    require_regression_data(data, "Ridge");
    if (params_.solver() == RidgeSolver::Svd) {
        throw LinearParamsError("Ridge: the SVD solver needs dense records; sparse ones are solved by conjugate gradients "
                                "(solver Auto)");
    }
    const linear_detail::VectorD alpha = alphas_for(data.n_targets());
    const std::size_t max_iter = params_.max_iter() != 0 ? params_.max_iter() : 10 * data.n_features();
    return Ridge<F>(least_squares_detail::solve_damped(data, params_.fit_intercept(), alpha, params_.tol(), max_iter));
}

}  // namespace linfa::linear
