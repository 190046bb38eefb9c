// Fitting LinearRegression: validate, centre, form the Gram matrix, solve (solvers.hpp).
#pragma once

#include "../errors.hpp"
#include "../../linalg/centred.hpp"
#include "../solvers.hpp"
#include "model.hpp"

namespace linfa::linear {

template <Float F>
LinearRegression<F> LinearRegressionValidParams<F>::fit(const DatasetView<F>& data) const {
    require_regression_data(data, "LinearRegression");
    return fit_moments(linalg::LocalMoments<F>{data});
}

template <Float F>
template <class Moments>
LinearRegression<F> LinearRegressionValidParams<F>::fit_moments(const Moments& moments) const {
    const auto centring = moments.centring(params_.fit_intercept());
    const auto gram = moments.gram(centring);
    const auto solution = linear_detail::solve_least_squares(moments.n_samples(), moments.n_features(), gram,
                                                             [&] { return moments.r_factor(centring); });
    const auto intercept = linear_detail::intercepts(solution.coef, centring);
    return LinearRegression<F>(LinearPredictor<F>(linear_detail::in_scalar<F>(solution.coef), linear_detail::in_scalar<F>(intercept)),
                               std::uint64_t(solution.rank), solution.singular.template cast<F>());
}

}  // namespace linfa::linear
