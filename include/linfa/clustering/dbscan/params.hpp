// DBSCAN hyper-parameters, after linfa's guard pattern: `DbscanParams` is a builder whose
// setters chain; `check()` validates every value and returns `DbscanValidParams`, which has
// `fit_predict` and no `fit`: DBSCAN labels the data it is given and leaves no model (the
// core's fit-predict-only shape, `FitPredictOnly`).
#pragma once

#include <cmath>
#include <cstddef>
#include <string>

#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/sparse.hpp"
#include "../../core/validation.hpp"
#include "../../nn/index.hpp"
#include "errors.hpp"

namespace linfa::clustering {

template <Float F>
class DbscanValidParams;
struct DbscanClusters;

/// Builder of DBSCAN hyper-parameters (scikit-learn's names and defaults).
template <Float F>
class DbscanParams : public GuardedParams<DbscanParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = DbscanValidParams<F>;

    /// Neighbourhoods of radius `eps` (distance <= eps); a sample with at least `min_samples`
    /// samples in its neighbourhood, itself included, is a core sample.
    explicit DbscanParams(double eps = 0.5, std::size_t min_samples = 5) : eps_(eps), min_samples_(min_samples) {}

    /// The neighbourhood radius, in the metric's distance (finite, > 0).
    DbscanParams& eps(double value) { eps_ = value; return *this; }
    /// Samples (or total sample weight) a neighbourhood needs for a core sample (>= 1).
    DbscanParams& min_samples(std::size_t value) { min_samples_ = value; return *this; }
    /// The distance (default Euclidean).
    DbscanParams& metric(nn::Metric value) { index_.metric = value; return *this; }
    /// The neighbour index that answers the radius queries (default: chosen by shape).
    DbscanParams& algorithm(nn::IndexAlgorithm value) { index_.algorithm = value; return *this; }
    /// Points per tree leaf (>= 1; the trees only).
    DbscanParams& leaf_size(std::size_t value) { index_.leaf_size = value; return *this; }

    /// The neighbourhood radius.
    double eps() const { return eps_; }
    /// Samples (or weight) a core sample's neighbourhood needs.
    std::size_t min_samples() const { return min_samples_; }
    /// The metric, index algorithm and leaf size of the radius queries.
    const nn::IndexOptions& index_options() const { return index_; }

    /// Validates every parameter; throws DbscanParamsError naming the first invalid one.
    /// `fit_predict` (from GuardedParams) calls it, then DbscanValidParams's.
    DbscanValidParams<F> check() const;

private:
    double eps_;
    std::size_t min_samples_;
    nn::IndexOptions index_;
};

/// Parameters that passed `check()`: the only thing that can cluster data.
template <Float F>
class DbscanValidParams {
public:
    /// The parameters as checked.
    const DbscanParams<F>& params() const { return params_; }

    /// Clusters the records of `data`. Optional sample weights count towards `min_samples`: a
    /// sample of weight `min_samples` is core by itself, one of negative weight keeps its
    /// neighbours from being core (scikit-learn's rule). Throws DbscanInputError for no
    /// samples, or NaN or infinity in the records or weights.
    DbscanClusters fit_predict(const DatasetView<F>& data) const;
    /// `fit_predict` of sparse records: brute force over their stored entries, whatever the
    /// algorithm asked for, with the clusters of their dense form, bit for bit.
    template <SparseIndex I>
    DbscanClusters fit_predict(const SparseDatasetView<F, I>& data) const;

private:
    friend class DbscanParams<F>;
    explicit DbscanValidParams(DbscanParams<F> params) : params_(std::move(params)) {}
    DbscanParams<F> params_;
};

template <Float F>
DbscanValidParams<F> DbscanParams<F>::check() const {
    auto invalid = [](const std::string& what) { throw DbscanParamsError("DBSCAN: " + what); };
    if (!std::isfinite(eps_) || !(eps_ > 0)) invalid("eps must be a finite number > 0, found " + short_number(eps_));
    if (!(F(eps_) > 0)) invalid("eps must be representable as a positive " + std::string(std::is_same_v<F, float> ? "float" : "double") + ", found " + short_number(eps_));
    if (min_samples_ == 0) invalid("min_samples must be at least 1, found 0");
    if (index_.leaf_size == 0) invalid("leaf_size must be at least 1, found 0");
    try {
        index_.metric.validate();
    } catch (const InvalidParams& error) {
        invalid(error.what());
    }
    return DbscanValidParams<F>(*this);
}

}  // namespace linfa::clustering
