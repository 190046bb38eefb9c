// MinMaxScaler, as scikit-learn's: each feature mapped linearly from its training range
// [min, max] onto `feature_range` (default [0, 1]), optionally clipped there. `fit` reads the
// records once; `fit_with` merges a batch into a model (scikit-learn's partial_fit).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

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
class MinMaxScaler;
template <Float F>
class MinMaxScalerValidParams;

/// Builder of MinMaxScaler hyper-parameters (see `MinMaxScaler<F>::params`).
template <Float F>
class MinMaxScalerParams : public GuardedParams<MinMaxScalerParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = MinMaxScalerValidParams<F>;

    /// The range training data are mapped onto (default [0, 1]); `low < high`, both finite.
    MinMaxScalerParams& feature_range(double low, double high) { range_ = {low, high}; return *this; }
    /// Clip transformed values to the feature range (default false).
    MinMaxScalerParams& clip(bool on) { clip_ = on; return *this; }
    /// The range training data are mapped onto.
    std::pair<double, double> feature_range() const { return range_; }
    /// Whether transformed values are clipped to the feature range.
    bool clip() const { return clip_; }

    /// Throws ScalerParamsError unless the feature range is finite and increasing.
    MinMaxScalerValidParams<F> check() const {
        if (!std::isfinite(range_.first) || !std::isfinite(range_.second) || !(range_.first < range_.second)) {
            throw ScalerParamsError("MinMaxScaler: feature_range must be finite with min < max, found (" +
                                    short_number(range_.first) + ", " + short_number(range_.second) + ")");
        }
        return MinMaxScalerValidParams<F>(*this);
    }

private:
    std::pair<double, double> range_{0.0, 1.0};
    bool clip_ = false;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class MinMaxScalerValidParams {
public:
    /// The parameters as checked.
    const MinMaxScalerParams<F>& params() const { return params_; }

    /// The range of `data`'s features. Throws ScalerInputError for no samples, no features or
    /// sample weights (the range has none), InvalidInput for NaN or infinity.
    MinMaxScaler<F> fit(const DatasetView<F>& data) const { return fit_with(std::nullopt, data); }

    /// `model` updated with one more batch (a new model from `std::nullopt`); the result equals
    /// `fit` on all batches together. The parameters given here apply. Throws as `fit`, and
    /// ScalerInputError when the batch's feature count differs from the model's.
    MinMaxScaler<F> fit_with(std::optional<MinMaxScaler<F>> model, const DatasetView<F>& batch) const;

    /// The fit from rows wherever they are held (core/chunked_rows.hpp): this process's rows,
    /// or every rank's in a distributed fit (distributed/scalers.hpp). The rows must have
    /// passed `fit`'s checks of their shape and weights (require_batch); NaN and infinity are
    /// found by the pass.
    template <ChunkedRows<F> Rows>
    MinMaxScaler<F> fit_rows(const Rows& rows) const {
        return MinMaxScaler<F>(column_extremes_of<F>(rows), params_.feature_range(), params_.clip());
    }

private:
    friend class MinMaxScalerParams<F>;
    explicit MinMaxScalerValidParams(MinMaxScalerParams<F> params) : params_(params) {}
    MinMaxScalerParams<F> params_;
};

/// Min-max scaling: x -> x * scale + min per feature, with scale = (high - low) / (max - min)
/// and min = low - data_min * scale, so the training range [data_min, data_max] lands on the
/// feature range [low, high]. A feature whose range is within rounding of 0 (under 10 epsilon
/// of F, scikit-learn's rule) gets scale high - low. The statistics are in double.
///
/// ```cpp
/// const auto scaler = linfa::preprocessing::MinMaxScaler<float>::params().feature_range(-1, 1).fit(x);
/// const linfa::Matrix<float> y = scaler.transform(x);  // training data within [-1, 1]
/// ```
template <Float F>
class MinMaxScaler {
public:
    /// Hyper-parameters with their defaults (feature range [0, 1], no clipping).
    static MinMaxScalerParams<F> params() { return MinMaxScalerParams<F>(); }

    /// The range training data are mapped onto.
    std::pair<double, double> feature_range() const { return range_; }
    /// Whether transformed values are clipped to the feature range.
    bool clip() const { return clip_; }
    /// The smallest training value of each feature.
    const Eigen::VectorXd& data_min() const { return extremes_.min; }
    /// The largest training value of each feature.
    const Eigen::VectorXd& data_max() const { return extremes_.max; }
    /// What each feature is multiplied by.
    const Eigen::VectorXd& scale() const { return map_.multiplier; }
    /// What is then added to each feature.
    const Eigen::VectorXd& min() const { return map_.offset; }
    /// The extremes learnt, with the number of rows seen.
    const ColumnExtremes& extremes() const { return extremes_; }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return std::size_t(extremes_.min.size()); }

    /// The records scaled (and clipped when asked). Throws ScalerInputError for a wrong
    /// feature count, InvalidInput for NaN or infinity.
    Matrix<F> transform(const DatasetView<F>& data) const { return map_.apply(data, "MinMaxScaler"); }
    /// Scaled records back to the original scale (clipped values stay clipped). Throws as
    /// `transform`.
    Matrix<F> inverse_transform(const DatasetView<F>& data) const { return map_.invert(data, "MinMaxScaler"); }

private:
    friend class MinMaxScalerValidParams<F>;
    friend struct linfa::model_io<MinMaxScaler<F>>;

    MinMaxScaler(ColumnExtremes extremes, std::pair<double, double> range, bool clip)
        : extremes_(std::move(extremes)), range_(range), clip_(clip), map_(derive_map()) {}

    FeatureMap derive_map() const {
        FeatureMap map = FeatureMap::identity(n_features());
        const double width = range_.second - range_.first, eps = std::numeric_limits<F>::epsilon();
        for (Eigen::Index j = 0; j < extremes_.min.size(); ++j) {
            const double data_range = extremes_.max[j] - extremes_.min[j];
            map.multiplier[j] = width / (data_range < 10 * eps ? 1.0 : data_range);
            map.offset[j] = range_.first - extremes_.min[j] * map.multiplier[j];
        }
        if (clip_) map.clip = range_;
        return map;
    }

    ColumnExtremes extremes_;
    std::pair<double, double> range_;
    bool clip_;
    FeatureMap map_;
};

template <Float F>
MinMaxScaler<F> MinMaxScalerValidParams<F>::fit_with(std::optional<MinMaxScaler<F>> model,
                                                     const DatasetView<F>& batch) const {
    require_batch(batch, "MinMaxScaler", /*weighted=*/false, model ? std::optional(model->n_features()) : std::nullopt);
    ColumnExtremes extremes = column_extremes(batch);
    if (model) extremes = model->extremes().merged(extremes);
    return MinMaxScaler<F>(std::move(extremes), params_.feature_range(), params_.clip());
}

}  // namespace linfa::preprocessing
