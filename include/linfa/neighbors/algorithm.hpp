// Fitting k-nearest neighbours: the checks, then the training records kept and indexed
// (with the classes and each sample's class, or the targets), dense or sparse.
#pragma once

#include <string>

#include "../core/classes.hpp"
#include "../core/sparse.hpp"
#include "../core/validation.hpp"
#include "errors.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa::neighbors {

namespace fit_detail {

/// The checks both models make before keeping `data` (a DatasetView or a SparseDatasetView):
/// samples, features, finite records within the distance bound, no sample weights, at least
/// n_neighbors samples.
template <class Data>
void require_fittable(const Data& data, const NeighborsOptions& options, const std::string& model) {
    if (data.n_samples() == 0) throw NeighborsInputError(model + ": need at least one sample, found 0");
    if (data.n_features() == 0) throw NeighborsInputError(model + ": records have zero features; need at least one");
    if (data.has_weights()) throw NeighborsInputError(model + ": sample weights are not supported (scikit-learn's fit takes none)");
    nn::require_within_distance_bound(data.records(), "records");
    if (options.n_neighbors > data.n_samples())
        throw NeighborsInputError(model + ": n_neighbors = " + std::to_string(options.n_neighbors) +
                                  " must be at most the number of training samples, found n_samples = " +
                                  std::to_string(data.n_samples()));
}

/// What a model keeps of dense records: a copy.
template <Float F>
Matrix<F> kept_records(const MatrixView<F>& records) { return Matrix<F>(records); }
/// What a model keeps of sparse records: the view, which the index copies.
template <Float F, SparseIndex I>
const CsrView<F, I>& kept_records(const CsrView<F, I>& records) { return records; }

}  // namespace fit_detail

template <Float F>
template <class Data>
KNeighborsClassifier<F> KNeighborsClassifierValidParams<F>::fit_data(const Data& data) const {
    const std::string model = "KNeighborsClassifier";
    if (data.n_samples() > 0 && !data.has_labels()) throw NeighborsInputError(model + ": the dataset has no class labels to fit");
    fit_detail::require_fittable(data, options_, model);
    ClassSet classes = ClassSet::of(data.labels());
    std::vector<std::int32_t> class_index = classes.encode(data.labels());
    return KNeighborsClassifier<F>(fit_detail::kept_records(data.records()), std::move(classes), std::move(class_index), options_);
}

template <Float F>
template <class Data>
KNeighborsRegressor<F> KNeighborsRegressorValidParams<F>::fit_data(const Data& data) const {
    const std::string model = "KNeighborsRegressor";
    if (data.n_samples() > 0 && !data.has_targets()) throw NeighborsInputError(model + ": the dataset has no targets to fit");
    fit_detail::require_fittable(data, options_, model);
    if (data.n_targets() == 0) throw NeighborsInputError(model + ": targets have zero columns; need at least one");
    require_finite<F>(data.targets(), "targets");
    return KNeighborsRegressor<F>(fit_detail::kept_records(data.records()), Matrix<F>(data.targets()), options_);
}

template <Float F>
KNeighborsClassifier<F> KNeighborsClassifierValidParams<F>::fit(const DatasetView<F>& data) const {
    return fit_data(data);
}

template <Float F>
template <SparseIndex I>
KNeighborsClassifier<F> KNeighborsClassifierValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    return fit_data(data);
}

template <Float F>
KNeighborsRegressor<F> KNeighborsRegressorValidParams<F>::fit(const DatasetView<F>& data) const {
    return fit_data(data);
}

template <Float F>
template <SparseIndex I>
KNeighborsRegressor<F> KNeighborsRegressorValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    return fit_data(data);
}

}  // namespace linfa::neighbors
