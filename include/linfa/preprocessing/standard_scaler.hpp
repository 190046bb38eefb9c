// StandardScaler, as scikit-learn's: each feature centred on its mean and divided by its
// standard deviation (weighted when the data carry sample weights), with `with_mean` and
// `with_std` to skip either step. `fit` reads the records once; `fit_with` merges a batch
// into a model (scikit-learn's partial_fit), so data that never fit in memory can be scaled.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "../core/chunked_rows.hpp"
#include "../core/dataset.hpp"
#include "../core/params.hpp"
#include "../core/validation.hpp"
#include "column_summaries.hpp"
#include "errors.hpp"
#include "feature_map.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::preprocessing {

template <Float F>
class StandardScaler;
template <Float F>
class StandardScalerValidParams;

/// Builder of StandardScaler hyper-parameters (see `StandardScaler<F>::params`).
template <Float F>
class StandardScalerParams : public GuardedParams<StandardScalerParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = StandardScalerValidParams<F>;

    /// Centre each feature on its mean (default true).
    StandardScalerParams& with_mean(bool on) { with_mean_ = on; return *this; }
    /// Divide each feature by its standard deviation (default true).
    StandardScalerParams& with_std(bool on) { with_std_ = on; return *this; }
    /// Whether features are centred.
    bool with_mean() const { return with_mean_; }
    /// Whether features are divided by their standard deviation.
    bool with_std() const { return with_std_; }

    /// Every combination is valid; returns the checked parameters.
    StandardScalerValidParams<F> check() const { return StandardScalerValidParams<F>(*this); }

private:
    bool with_mean_ = true, with_std_ = true;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class StandardScalerValidParams {
public:
    /// The parameters as checked.
    const StandardScalerParams<F>& params() const { return params_; }

    /// The means and variances of `data`'s features (weighted by its sample weights, if any).
    /// Throws ScalerInputError for no samples or no features, InvalidInput for NaN, infinity
    /// or invalid weights.
    StandardScaler<F> fit(const DatasetView<F>& data) const { return fit_with(std::nullopt, data); }

    /// `model` updated with one more batch (a new model from `std::nullopt`); the result equals
    /// `fit` on all batches together up to rounding. The parameters given here apply. Throws as
    /// `fit`, and ScalerInputError when the batch's feature count differs from the model's.
    StandardScaler<F> fit_with(std::optional<StandardScaler<F>> model, const DatasetView<F>& batch) const;
    /// `fit` on sparse records (the values not stored count as zeros). Throws ScalerInputError
    /// when `with_mean` is on: centring would make every zero non-zero.
    template <SparseIndex I>
    StandardScaler<F> fit(const SparseDatasetView<F, I>& data) const { return fit_with(std::nullopt, data); }
    /// `fit` on unweighted sparse records.
    template <SparseIndex I>
    StandardScaler<F> fit(const CsrView<F, I>& records) const { return fit(SparseDatasetView<F, I>(records)); }
    /// `fit_with` on a sparse batch. Throws as the sparse `fit`.
    template <SparseIndex I>
    StandardScaler<F> fit_with(std::optional<StandardScaler<F>> model, const SparseDatasetView<F, I>& batch) const {
        if (params_.with_mean()) {
            throw ScalerInputError("StandardScaler: cannot centre sparse records (every zero would become non-zero): "
                                   "set with_mean(false)");
        }
        return fit_moments(std::move(model), batch);
    }

    /// The fit from rows wherever they are held (core/chunked_rows.hpp): this process's rows,
    /// or every rank's in a distributed fit (distributed/scalers.hpp). The rows must have
    /// passed `fit`'s checks of their shape and weights (require_batch); NaN and infinity are
    /// found by the pass.
    template <ChunkedRows<F> Rows>
    StandardScaler<F> fit_rows(const Rows& rows) const {
        return StandardScaler<F>(column_moments_of<F>(rows), params_.with_mean(), params_.with_std());
    }

private:
    friend class StandardScalerParams<F>;
    explicit StandardScalerValidParams(StandardScalerParams<F> params) : params_(params) {}

    template <class Data>
    StandardScaler<F> fit_moments(std::optional<StandardScaler<F>> model, const Data& batch) const;

    StandardScalerParams<F> params_;
};

/// Standardisation: x -> (x - mean) / scale per feature, where the scale is the standard
/// deviation (divided by the total weight: numpy's var), or 1 for a feature that is constant
/// within rounding (scikit-learn's rule) or when `with_std` is off; the mean is 0 when
/// `with_mean` is off. The statistics are in double for either scalar type.
///
/// ```cpp
/// const auto scaler = linfa::preprocessing::StandardScaler<double>::params().fit(x);
/// const linfa::Matrix<double> z = scaler.transform(x);  // mean 0, variance 1 per feature
/// ```
template <Float F>
class StandardScaler {
public:
    /// Hyper-parameters with their defaults (centre and scale).
    static StandardScalerParams<F> params() { return StandardScalerParams<F>(); }

    /// Whether `transform` centres.
    bool with_mean() const { return with_mean_; }
    /// Whether `transform` divides by the standard deviation.
    bool with_std() const { return with_std_; }
    /// The weighted mean of each feature (computed even when `with_mean` is off).
    const Eigen::VectorXd& mean() const { return moments_.mean; }
    /// The weighted variance of each feature (computed even when `with_std` is off).
    Eigen::VectorXd variance() const { return moments_.variance(); }
    /// What each centred feature is divided by (all ones when `with_std` is off).
    const Eigen::VectorXd& scale() const { return map_.divisor; }
    /// The moments learnt: rows, total weight, means and sums of squared deviations.
    const ColumnMoments& moments() const { return moments_; }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return std::size_t(moments_.mean.size()); }

    /// The records standardised. Throws ScalerInputError for a wrong feature count,
    /// InvalidInput for NaN or infinity.
    Matrix<F> transform(const DatasetView<F>& data) const { return map_.apply(data, "StandardScaler"); }
    /// Standardised records back to the original scale. Throws as `transform`.
    Matrix<F> inverse_transform(const DatasetView<F>& data) const { return map_.invert(data, "StandardScaler"); }
    /// Sparse records scaled (the same structure, each stored value divided by its scale).
    /// Throws ScalerInputError when the model centres (`with_mean`), as for a wrong feature count.
    template <SparseIndex I>
    CsrMatrix<F, I> transform(const CsrView<F, I>& records) const { return map_.apply(records, "StandardScaler"); }
    /// Scaled sparse records back to the original scale. Throws as the sparse `transform`.
    template <SparseIndex I>
    CsrMatrix<F, I> inverse_transform(const CsrView<F, I>& records) const { return map_.invert(records, "StandardScaler"); }

private:
    friend class StandardScalerValidParams<F>;
    friend struct linfa::model_io<StandardScaler<F>>;

    StandardScaler(ColumnMoments moments, bool with_mean, bool with_std)
        : moments_(std::move(moments)), with_mean_(with_mean), with_std_(with_std), map_(derive_map()) {}

    /// scikit-learn's scale: sqrt(var), with 1 for features whose variance is within the
    /// rounding error of a two-pass variance (Chan, Golub and LeVeque's bound).
    FeatureMap derive_map() const {
        FeatureMap map = FeatureMap::identity(n_features());
        if (with_mean_) map.centre = moments_.mean;
        if (!with_std_) return map;
        const double eps = std::numeric_limits<double>::epsilon(), n = moments_.weight;
        const Eigen::VectorXd var = variance();
        for (Eigen::Index j = 0; j < var.size(); ++j) {
            const double bound = n * eps * var[j] + std::pow(n * moments_.mean[j] * eps, 2);
            map.divisor[j] = var[j] <= bound ? 1.0 : std::sqrt(var[j]);
        }
        return map;
    }

    ColumnMoments moments_;
    bool with_mean_, with_std_;
    FeatureMap map_;
};

template <Float F>
StandardScaler<F> StandardScalerValidParams<F>::fit_with(std::optional<StandardScaler<F>> model,
                                                         const DatasetView<F>& batch) const {
    return fit_moments(std::move(model), batch);
}

template <Float F>
template <class Data>
StandardScaler<F> StandardScalerValidParams<F>::fit_moments(std::optional<StandardScaler<F>> model, const Data& batch) const {
    require_batch(batch, "StandardScaler", /*weighted=*/true, model ? std::optional(model->n_features()) : std::nullopt);
    ColumnMoments moments = column_moments(batch);
    if (model) moments = model->moments().merged(moments);
    return StandardScaler<F>(std::move(moments), params_.with_mean(), params_.with_std());
}

}  // namespace linfa::preprocessing
