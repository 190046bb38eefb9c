// The fitted LinearRegression model: ordinary least squares, y = X coef^T + intercept.
#pragma once

#include <cstdint>

#include "../../core/dataset.hpp"
#include "../linear_model.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::linear {

/// Ordinary least squares: the coefficients minimising the (weighted) sum of squared
/// residuals, for one or several targets; on rank-deficient data the solution of minimum
/// norm (as scikit-learn's LinearRegression, through LAPACK's gelsd).
///
/// How: one pass forms the centred Gram matrix of [X | Y] in double; when X is well
/// conditioned its eigenvectors give the solution, otherwise a second pass computes the R
/// factor of X by a tall-skinny QR and its SVD gives the minimum-norm solution. Either way the
/// result is the same bit for bit on any thread count.
///
/// ```cpp
/// linfa::Matrix<double> x = ...;           // n x d
/// linfa::Vector<double> y = ...;           // n
/// const linfa::Dataset<double, linfa::Vector<double>> data(x, y);
/// const auto model = linfa::linear::LinearRegression<double>::params().fit(data);
/// const linfa::Matrix<double> predicted = model.predict(x);  // n x 1
/// ```
template <Float F>
class LinearRegression {
public:
    /// Hyper-parameters with their defaults (an intercept is fitted).
    static LinearRegressionParams<F> params() { return LinearRegressionParams<F>(); }

    /// One row of coefficients per target (n_targets x n_features).
    const Matrix<F>& coef() const { return predictor_.coef(); }
    /// One intercept per target.
    const Vector<F>& intercept() const { return predictor_.intercept(); }
    /// The rank of the centred (weighted) records.
    std::uint64_t rank() const { return rank_; }
    /// Their singular values, descending (min(n_samples, n_features) of them).
    const Vector<F>& singular() const { return singular_; }
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
    friend class LinearRegressionValidParams<F>;
    friend struct linfa::model_io<LinearRegression<F>>;
    LinearRegression(LinearPredictor<F> predictor, std::uint64_t rank, Vector<F> singular)
        : predictor_(std::move(predictor)), rank_(rank), singular_(std::move(singular)) {}

    LinearPredictor<F> predictor_;
    std::uint64_t rank_;
    Vector<F> singular_;
};

}  // namespace linfa::linear
