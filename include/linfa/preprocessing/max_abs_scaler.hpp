// MaxAbsScaler, as scikit-learn's: each feature divided by its largest training magnitude, so
// training data land in [-1, 1] without being shifted (zeros stay zeros). `fit` reads the
// records once; `fit_with` merges a batch into a model (scikit-learn's partial_fit).
#pragma once

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
class MaxAbsScaler;
template <Float F>
class MaxAbsScalerValidParams;

/// Builder of MaxAbsScaler hyper-parameters (see `MaxAbsScaler<F>::params`): there are none.
template <Float F>
class MaxAbsScalerParams : public GuardedParams<MaxAbsScalerParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = MaxAbsScalerValidParams<F>;
    /// Nothing can be invalid; returns the checked parameters.
    MaxAbsScalerValidParams<F> check() const { return MaxAbsScalerValidParams<F>(); }
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class MaxAbsScalerValidParams {
public:
    /// The largest magnitude of `data`'s features. Throws ScalerInputError for no samples, no
    /// features or sample weights, InvalidInput for NaN or infinity.
    MaxAbsScaler<F> fit(const DatasetView<F>& data) const { return fit_with(std::nullopt, data); }

    /// `model` updated with one more batch (a new model from `std::nullopt`); the result equals
    /// `fit` on all batches together. Throws as `fit`, and ScalerInputError when the batch's
    /// feature count differs from the model's.
    MaxAbsScaler<F> fit_with(std::optional<MaxAbsScaler<F>> model, const DatasetView<F>& batch) const;
    /// `fit` on sparse records (the values not stored count as zeros).
    template <SparseIndex I>
    MaxAbsScaler<F> fit(const CsrView<F, I>& records) const { return fit_with(std::nullopt, SparseDatasetView<F, I>(records)); }
    /// `fit_with` on a sparse batch.
    template <SparseIndex I>
    MaxAbsScaler<F> fit_with(std::optional<MaxAbsScaler<F>> model, const SparseDatasetView<F, I>& batch) const {
        return fit_summaries(std::move(model), batch);
    }

    /// The fit from rows wherever they are held (core/chunked_rows.hpp): this process's rows,
    /// or every rank's in a distributed fit (distributed/scalers.hpp). The rows must have
    /// passed `fit`'s checks of their shape and weights (require_batch); NaN and infinity are
    /// found by the pass.
    template <ChunkedRows<F> Rows>
    MaxAbsScaler<F> fit_rows(const Rows& rows) const { return MaxAbsScaler<F>(column_extremes_of<F>(rows)); }

private:
    friend class MaxAbsScalerParams<F>;
    MaxAbsScalerValidParams() = default;

    template <class Data>
    static MaxAbsScaler<F> fit_summaries(std::optional<MaxAbsScaler<F>> model, const Data& batch);
};

/// Max-abs scaling: x -> x / max_abs per feature, with 1 for a feature whose largest magnitude
/// is within rounding of 0 (under 10 epsilon of F, scikit-learn's rule).
///
/// ```cpp
/// const auto scaler = linfa::preprocessing::MaxAbsScaler<double>::params().fit(x);
/// const linfa::Matrix<double> y = scaler.transform(x);  // training data within [-1, 1]
/// ```
template <Float F>
class MaxAbsScaler {
public:
    /// Hyper-parameters (there are none).
    static MaxAbsScalerParams<F> params() { return MaxAbsScalerParams<F>(); }

    /// The largest training magnitude of each feature.
    Eigen::VectorXd max_abs() const { return extremes_.max_abs(); }
    /// What each feature is divided by.
    const Eigen::VectorXd& scale() const { return map_.divisor; }
    /// The extremes learnt, with the number of rows seen.
    const ColumnExtremes& extremes() const { return extremes_; }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return std::size_t(extremes_.min.size()); }

    /// The records scaled. Throws ScalerInputError for a wrong feature count, InvalidInput for
    /// NaN or infinity.
    Matrix<F> transform(const DatasetView<F>& data) const { return map_.apply(data, "MaxAbsScaler"); }
    /// Scaled records back to the original scale. Throws as `transform`.
    Matrix<F> inverse_transform(const DatasetView<F>& data) const { return map_.invert(data, "MaxAbsScaler"); }
    /// Sparse records scaled: the same structure, each stored value divided.
    template <SparseIndex I>
    CsrMatrix<F, I> transform(const CsrView<F, I>& records) const { return map_.apply(records, "MaxAbsScaler"); }
    /// Scaled sparse records back to the original scale.
    template <SparseIndex I>
    CsrMatrix<F, I> inverse_transform(const CsrView<F, I>& records) const { return map_.invert(records, "MaxAbsScaler"); }

private:
    friend class MaxAbsScalerValidParams<F>;
    friend struct linfa::model_io<MaxAbsScaler<F>>;

    explicit MaxAbsScaler(ColumnExtremes extremes) : extremes_(std::move(extremes)), map_(derive_map()) {}

    FeatureMap derive_map() const {
        FeatureMap map = FeatureMap::identity(n_features());
        const Eigen::VectorXd largest = max_abs();
        const double eps = std::numeric_limits<F>::epsilon();
        for (Eigen::Index j = 0; j < largest.size(); ++j) map.divisor[j] = largest[j] < 10 * eps ? 1.0 : largest[j];
        return map;
    }

    ColumnExtremes extremes_;
    FeatureMap map_;
};

template <Float F>
MaxAbsScaler<F> MaxAbsScalerValidParams<F>::fit_with(std::optional<MaxAbsScaler<F>> model,
                                                     const DatasetView<F>& batch) const {
    return fit_summaries(std::move(model), batch);
}

template <Float F>
template <class Data>
MaxAbsScaler<F> MaxAbsScalerValidParams<F>::fit_summaries(std::optional<MaxAbsScaler<F>> model, const Data& batch) {
    require_batch(batch, "MaxAbsScaler", /*weighted=*/false, model ? std::optional(model->n_features()) : std::nullopt);
    ColumnExtremes extremes = column_extremes(batch);
    if (model) extremes = model->extremes().merged(extremes);
    return MaxAbsScaler<F>(std::move(extremes));
}

}  // namespace linfa::preprocessing
