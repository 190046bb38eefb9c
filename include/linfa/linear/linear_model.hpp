// The fitted form every linear regressor shares: y = X coef^T + intercept, for one or several
// targets. LinearRegression and Ridge models hold one (their own types, so that their model
// files keep their kinds) and answer `predict` and `score` through it.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/parallel.hpp"
#include "../core/sparse.hpp"
#include "../core/validation.hpp"
#include "../metrics/regression.hpp"

namespace linfa::linear {

/// Coefficients (n_targets x n_features) and intercepts (n_targets) of a linear regressor.
template <Float F>
class LinearPredictor {
public:
    /// Coefficients (n_targets x n_features) and one intercept per target (not checked).
    LinearPredictor(Matrix<F> coef, Vector<F> intercept) : coef_(std::move(coef)), intercept_(std::move(intercept)) {}

    /// One row of coefficients per target.
    const Matrix<F>& coef() const { return coef_; }
    /// One intercept per target (zeros when fitted without an intercept).
    const Vector<F>& intercept() const { return intercept_; }
    /// Number of features the coefficients apply to.
    std::size_t n_features() const { return static_cast<std::size_t>(coef_.cols()); }
    /// Number of targets predicted per sample.
    std::size_t n_targets() const { return static_cast<std::size_t>(coef_.rows()); }

    /// The predicted targets, n_samples x n_targets. Throws InvalidInput for a wrong feature
    /// count or non-finite records.
    Matrix<F> predict(const DatasetView<F>& data) const {
        Matrix<F> out = output_matrix<F>(static_cast<Eigen::Index>(data.n_samples()), coef_.rows());
        predict_inplace(data, out);
        return out;
    }

    /// Writes the predictions into `out` (n_samples x n_targets, resized if needed).
    /// Throws as `predict`.
    void predict_inplace(const DatasetView<F>& data, Matrix<F>& out) const {
        require_predictable(data);
        out.resize(static_cast<Eigen::Index>(data.n_samples()), coef_.rows());
        for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
            const auto rows = static_cast<Eigen::Index>(end - begin);
            const auto x = data.records().middleRows(static_cast<Eigen::Index>(begin), rows);
            auto y = out.middleRows(static_cast<Eigen::Index>(begin), rows);
            // One matrix-vector product per target: Eigen never splits those over threads, so
            // each prediction is the same dot product whatever the thread count.
            for (Eigen::Index j = 0; j < coef_.rows(); ++j) {
                y.col(j).noalias() = x * coef_.row(j).transpose();
                y.col(j).array() += intercept_[j];
            }
        });
    }

    /// The predicted targets of sparse rows (a CsrView or a SparseDatasetView), n_samples x
    /// n_targets; the dense rows' predictions to rounding. Throws InvalidInput for a wrong
    /// feature count.
    template <class Sparse>
        requires SparseRowsOf<Sparse, F>
    Matrix<F> predict(const Sparse& data) const {
        const auto& x = sparse_records(data);
        require_feature_count(x.cols());
        Matrix<F> out = output_matrix<F>(static_cast<Eigen::Index>(x.rows()), coef_.rows());
        for_each_chunk(plan_chunks(x.rows()), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                for (Eigen::Index j = 0; j < coef_.rows(); ++j) {
                    out(Eigen::Index(i), j) = F(dot(x.row(i), coef_.row(j).data()) + double(intercept_[j]));
                }
            }
        });
        return out;
    }

    /// R^2 as `score`, for sparse records with continuous targets.
    template <SparseIndex I>
    double score(const SparseDatasetView<F, I>& data) const { return score_of(predict(data), data); }

    /// The coefficient of determination R^2 of the predictions for `data`'s continuous targets,
    /// weighted by its sample weights, averaged over targets (scikit-learn's `score`); NaN for
    /// fewer than two samples, where R^2 is undefined (as scikit-learn). Throws as `predict`,
    /// and InvalidInput when `data` has no continuous targets, not n_targets of them, or
    /// non-finite ones, or (two samples or more) invalid sample weights (metrics::r2_score).
    double score(const DatasetView<F>& data) const { return score_of(predict(data), data); }

private:
    /// R^2 of `predicted` against `data`'s targets (dense or sparse records).
    template <class Data>
    double score_of(const Matrix<F>& predicted, const Data& data) const {
        const auto y = data.targets();
        if (static_cast<std::size_t>(y.cols()) != n_targets()) {
            throw InvalidInput("score: expected " + std::to_string(n_targets()) + " targets per sample, found " +
                               std::to_string(y.cols()));
        }
        require_finite<F>(y, "targets");
        if (data.n_samples() < 2) return std::numeric_limits<double>::quiet_NaN();
        const MatrixView<F> predicted_view(predicted.data(), predicted.rows(), predicted.cols());
        return metrics::r2_score<F>(y, predicted_view, data.weights());
    }

    void require_feature_count(std::size_t found) const {
        if (found != n_features()) {
            throw InvalidInput("linear model: expected " + std::to_string(n_features()) +
                               " features per sample (as in training), found " + std::to_string(found));
        }
    }

    void require_predictable(const DatasetView<F>& data) const {
        require_feature_count(data.n_features());
        require_finite<F>(data.records(), "records");
    }

    Matrix<F> coef_;
    Vector<F> intercept_;
};

}  // namespace linfa::linear
