// Fitting Ridge: validate, centre, form the Gram matrix, then Cholesky or the SVD (solvers.hpp).
#pragma once

#include <string>

#include "../errors.hpp"
#include "../../linalg/centred.hpp"
#include "../solvers.hpp"
#include "model.hpp"

namespace linfa::linear {

template <Float F>
Ridge<F> RidgeValidParams<F>::fit(const DatasetView<F>& data) const {
    require_regression_data(data, "Ridge");
    return fit_moments(linalg::LocalMoments<F>{data});
}

template <Float F>
template <class Moments>
Ridge<F> RidgeValidParams<F>::fit_moments(const Moments& moments) const {
    const auto d = Eigen::Index(moments.n_features());
    const linear_detail::VectorD alpha = alphas_for(moments.n_targets());
    const auto centring = moments.centring(params_.fit_intercept());
    std::optional<linear_detail::MatrixD> coef;
    if (params_.solver() != RidgeSolver::Svd) coef = linear_detail::ridge_cholesky(moments.gram(centring), d, alpha);
    if (!coef) coef = linear_detail::ridge_svd(moments.r_factor(centring), d, alpha);
    const auto intercept = linear_detail::intercepts(*coef, centring);
    return Ridge<F>(LinearPredictor<F>(linear_detail::in_scalar<F>(*coef), linear_detail::in_scalar<F>(intercept)));
}

template <Float F>
linear_detail::VectorD RidgeValidParams<F>::alphas_for(std::size_t n_targets) const {
    const auto& given = params_.alphas();
    const auto t = Eigen::Index(n_targets);
    if (given.size() != 1 && Eigen::Index(given.size()) != t) {
        throw LinearInputError("Ridge: " + std::to_string(given.size()) + " alphas for " + std::to_string(t) +
                               " targets; give one alpha, or one per target");
    }
    return given.size() == 1 ? linear_detail::VectorD::Constant(t, given[0])
                             : linear_detail::VectorD(Eigen::Map<const linear_detail::VectorD>(given.data(), t));
}

}  // namespace linfa::linear
