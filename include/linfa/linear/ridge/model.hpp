// The fitted Ridge model: y = X coef^T + intercept, coefficients shrunk by an L2 penalty.
#pragma once

#include "../../core/dataset.hpp"
#include "../linear_model.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::linear {

/// Ridge regression: the coefficients minimising ||y - X w||^2 + alpha ||w||^2 (weighted
/// squared residuals with sample weights), per target, the intercept unpenalised (the data
/// are centred first), as scikit-learn's Ridge.
///
/// How: one pass forms the centred Gram matrix of [X | Y] in double; the `Cholesky` solver
/// factors X^T X + alpha I per target; the `Svd` solver (and the fallback when Cholesky fails)
/// takes the SVD of X from a tall-skinny QR in a second pass. Same result on any thread count.
///
/// ```cpp
/// const auto model = linfa::linear::Ridge<double>::params().alpha(0.5).fit(data);
/// const linfa::Matrix<double> predicted = model.predict(x);
/// ```
template <Float F>
class Ridge {
public:
    /// Hyper-parameters with their defaults (alpha 1, an intercept, the automatic solver).
    static RidgeParams<F> params() { return RidgeParams<F>(); }

    /// One row of coefficients per target (n_targets x n_features).
    const Matrix<F>& coef() const { return predictor_.coef(); }
    /// One intercept per target.
    const Vector<F>& intercept() const { return predictor_.intercept(); }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return predictor_.n_features(); }
    /// Number of targets predicted per sample.
    std::size_t n_targets() const { return predictor_.n_targets(); }

    /// Predicted targets, n_samples x n_targets.
    /// Throws InvalidInput for a wrong feature count or non-finite records.
    Matrix<F> predict(const DatasetView<F>& data) const { return predictor_.predict(data); }
    /// Writes the predictions into `out` (resized to n_samples x n_targets).
    /// Throws as `predict`.
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
    friend class RidgeValidParams<F>;
    friend struct linfa::model_io<Ridge<F>>;
    explicit Ridge(LinearPredictor<F> predictor) : predictor_(std::move(predictor)) {}

    LinearPredictor<F> predictor_;
};

}  // namespace linfa::linear
