// The fitted elastic net (and Lasso): y = X coef^T + intercept, sparse coefficients.
#pragma once

#include <cstdint>
#include <vector>

#include "../../core/dataset.hpp"
#include "../linear_model.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::linear {

/// Elastic net regression by coordinate descent, as scikit-learn's ElasticNet (and Lasso,
/// l1_ratio 1): per target, the coefficients minimising
/// 1/(2n) ||y - X w - b||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) ||w||^2 / 2
/// (weighted squared residuals with sample weights, rescaled to sum to n), the intercept b
/// unpenalised. The L1 part sets coefficients to exactly zero.
///
/// How: the data are centred (the intercept then follows from the means); each target is
/// fitted on its own by cyclic (or random) coordinate descent with soft thresholding, on the
/// Gram matrix X^T X formed once in double when samples outnumber features enough
/// (`Precompute`), otherwise on the columns of a centred copy of X with a residual. Descent
/// stops on scikit-learn's duality-gap rule. Same result on any thread count.
///
/// ```cpp
/// const auto model = linfa::linear::ElasticNet<double>::params().alpha(0.1).l1_ratio(0.7).fit(data);
/// const auto lasso = linfa::linear::lasso_params<double>(0.1).fit(data);
/// const linfa::Matrix<double> predicted = model.predict(x);
/// ```
template <Float F>
class ElasticNet {
public:
    /// Hyper-parameters with their defaults (alpha 1, l1_ratio 0.5, an intercept).
    static ElasticNetParams<F> params() { return ElasticNetParams<F>(); }

    /// One row of coefficients per target (n_targets x n_features).
    const Matrix<F>& coef() const { return predictor_.coef(); }
    /// One intercept per target.
    const Vector<F>& intercept() const { return predictor_.intercept(); }
    /// Sweeps over the features run per target.
    const std::vector<std::uint64_t>& n_iter() const { return n_iter_; }
    /// The duality gap per target at the end, divided by n (scikit-learn's dual_gap_).
    const std::vector<double>& dual_gap() const { return dual_gap_; }
    /// Per target: whether the gap fell below the tolerance before max_iter ran out.
    const std::vector<std::uint8_t>& converged() const { return converged_; }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return predictor_.n_features(); }
    /// Number of targets predicted per sample.
    std::size_t n_targets() const { return predictor_.n_targets(); }

    /// Predicted targets, n_samples x n_targets.
    /// Throws InvalidInput for a wrong feature count or non-finite records.
    Matrix<F> predict(const DatasetView<F>& data) const { return predictor_.predict(data); }
    /// Writes the predictions into `out` (resized to n_samples x n_targets). Throws as `predict`.
    void predict_inplace(const DatasetView<F>& data, Matrix<F>& out) const { predictor_.predict_inplace(data, out); }
    /// R^2 of the predictions for `data`'s targets (weighted, averaged over targets).
    /// Throws as `predict`, and InvalidInput without n_targets continuous targets.
    double score(const DatasetView<F>& data) const { return predictor_.score(data); }
    /// Predicted targets of sparse rows (a CsrView or a SparseDatasetView), n_samples x
    /// n_targets. Throws InvalidInput for a wrong feature count.
    template <class Sparse>
        requires SparseRowsOf<Sparse, F>
    Matrix<F> predict(const Sparse& x) const { return predictor_.predict(x); }
    /// R^2 on sparse records with continuous targets. Throws as the dense `score`.
    template <SparseIndex I>
    double score(const SparseDatasetView<F, I>& data) const { return predictor_.score(data); }

private:
    friend class ElasticNetValidParams<F>;
    friend struct linfa::model_io<ElasticNet<F>>;
    ElasticNet(LinearPredictor<F> predictor, std::vector<std::uint64_t> n_iter, std::vector<double> dual_gap,
               std::vector<std::uint8_t> converged)
        : predictor_(std::move(predictor)), n_iter_(std::move(n_iter)), dual_gap_(std::move(dual_gap)),
          converged_(std::move(converged)) {}

    LinearPredictor<F> predictor_;
    std::vector<std::uint64_t> n_iter_;
    std::vector<double> dual_gap_;
    std::vector<std::uint8_t> converged_;
};

template <Float F>
ElasticNetParams<F>& ElasticNetParams<F>::warm_start(const ElasticNet<F>& model) {
    return warm_start(Eigen::MatrixXd(model.coef().template cast<double>()));
}

}  // namespace linfa::linear
