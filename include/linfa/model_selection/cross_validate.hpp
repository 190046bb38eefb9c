// Cross-validation: fit any parameters on each fold's training rows and score the fitted model
// on its test rows. Folds run in parallel, one fold per chunk of `for_each_chunk`, each score
// written to the fold's own slot, so the scores are the same bit for bit on any thread count
// (every linfa model is). Inside a fold, OpenMP regions run on one thread: the folds already
// occupy the threads, and nesting would oversubscribe the cores.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/concepts.hpp"
#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/parallel.hpp"
#include "../metrics/classification.hpp"
#include "../metrics/regression.hpp"
#include "split.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace linfa::model_selection {

/// `Metric` scores a fitted `Model` on a test dataset: `metric(model, test)` for a `const
/// Model&` and a `const DatasetView<F>&` returns something convertible to double (higher is
/// better, as scikit-learn's scorers).
/// Requires: `Float<F>`, and that call on a `const Metric&`.
template <class Metric, class Model, class F>
concept FoldMetric = Float<F> && std::invocable<const Metric&, const Model&, const DatasetView<F>&> &&
                     std::convertible_to<std::invoke_result_t<const Metric&, const Model&, const DatasetView<F>&>, double>;

/// `S` cuts a dataset into cross-validation folds (`KFold`, `StratifiedKFold`).
/// Requires: `Float<F>`, and `splitter.split(data)` on a `const S&` and a `const
/// DatasetView<F>&` returning exactly `std::vector<Split>`.
template <class S, class F>
concept FoldSplitter = Float<F> && requires(const S& splitter, const DatasetView<F>& data) {
    { splitter.split(data) } -> std::same_as<std::vector<Split>>;
};

/// Model `M` predicts class labels for a `DatasetView<F>`.
/// Requires: `model.predict(data)` returns exactly `Labels`.
template <class M, class F>
concept LabelPredictor = Float<F> && requires(const M& model, const DatasetView<F>& data) {
    { model.predict(data) } -> std::same_as<Labels>;
};

/// Model `M` predicts continuous targets (n_samples x n_targets) for a `DatasetView<F>`.
/// Requires: `model.predict(data)` returns exactly `Matrix<F>`.
template <class M, class F>
concept ValuePredictor = Float<F> && requires(const M& model, const DatasetView<F>& data) {
    { model.predict(data) } -> std::same_as<Matrix<F>>;
};

/// Accuracy of a classifier's predicted labels on the test labels, weighted by the test sample
/// weights when there are any (`metrics::accuracy_score`). Use the `accuracy` object.
struct Accuracy {
    /// The accuracy of `model` on `test`; throws InvalidInput when `test` has no labels.
    template <class M, Float F>
        requires LabelPredictor<M, F>
    double operator()(const M& model, const DatasetView<F>& test) const {
        const Labels predicted = model.predict(test);
        return metrics::accuracy_score<F>(test.labels(), std::span<const std::int32_t>(predicted.data(), std::size_t(predicted.size())),
                                          test.weights());
    }
};

/// R^2 of a regressor's predictions on the test targets, weighted by the test sample weights
/// when there are any, averaged over targets (`metrics::r2_score`). Use the `r2` object.
struct R2 {
    /// The R^2 of `model` on `test`; throws InvalidInput when `test` has no continuous targets.
    template <class M, Float F>
        requires ValuePredictor<M, F>
    double operator()(const M& model, const DatasetView<F>& test) const {
        const Matrix<F> predicted = model.predict(test);
        return metrics::r2_score<F>(test.targets(), MatrixView<F>(predicted.data(), predicted.rows(), predicted.cols()),
                                    test.weights());
    }
};

/// Scores a classifier by accuracy: `cross_validate(params, data, folds, accuracy)`.
inline constexpr Accuracy accuracy{};
/// Scores a regressor by R^2: `cross_validate(params, data, folds, r2)`.
inline constexpr R2 r2{};

/// The scores of a cross-validation, one per fold, in fold order.
struct CrossValidation {
    std::vector<double> scores;  ///< the test score of each fold

    /// The mean of the scores, summed in fold order (NaN when there are none).
    double mean() const {
        double sum = 0;
        for (const double s : scores) sum += s;
        return sum / double(scores.size());
    }
    /// The population standard deviation of the scores (NumPy's default, ddof = 0).
    double std() const {
        const double m = mean();
        double sum = 0;
        for (const double s : scores) sum += (s - m) * (s - m);
        return std::sqrt(sum / double(scores.size()));
    }
};

namespace cross_validate_detail {

/// While alive on a thread inside a parallel region, the OpenMP regions that thread starts run
/// on one thread, whatever OMP_MAX_ACTIVE_LEVELS says (nthreads-var is per task, so other
/// threads and the caller are untouched).
class SerialInnerRegions {
public:
    SerialInnerRegions() {
#ifdef _OPENMP
        if (omp_in_parallel()) {
            saved_ = omp_get_max_threads();
            omp_set_num_threads(1);
        }
#endif
    }
    ~SerialInnerRegions() {
#ifdef _OPENMP
        if (saved_ > 0) omp_set_num_threads(saved_);
#endif
    }
    SerialInnerRegions(const SerialInnerRegions&) = delete;
    SerialInnerRegions& operator=(const SerialInnerRegions&) = delete;

private:
    [[maybe_unused]] int saved_ = 0;  // unused without OpenMP
};

/// Throws InvalidInput unless there are folds and each has training and test samples.
inline void require_folds(std::span<const Split> folds) {
    if (folds.empty()) throw InvalidInput("cross_validate: need at least one fold, found 0");
    for (std::size_t f = 0; f < folds.size(); ++f) {
        if (folds[f].train.empty() || folds[f].test.empty()) {
            throw InvalidInput("cross_validate: fold " + std::to_string(f) + " has no " +
                               (folds[f].train.empty() ? "training" : "test") + " samples; each fold needs both");
        }
    }
}

}  // namespace cross_validate_detail

/// Fits `params` on the training rows of each fold of `data` and scores the model on the
/// fold's test rows with `metric(model, test)`. Each fold copies its rows (take_rows), and
/// folds run in parallel, so memory grows with the thread count. Throws InvalidInput for no
/// folds, a fold with an empty part or an index out of range, and rethrows what `fit` or
/// `metric` throws (the lowest fold's error).
template <Float F, Fit<DatasetView<F>> P, FoldMetric<fitted_t<P, DatasetView<F>>, F> Metric>
CrossValidation cross_validate(const P& params, const DatasetView<F>& data, std::span<const Split> folds, const Metric& metric) {
    cross_validate_detail::require_folds(folds);
    for (const Split& fold : folds) {
        split_detail::require_indices(fold.train, data.n_samples(), "cross_validate");
        split_detail::require_indices(fold.test, data.n_samples(), "cross_validate");
    }
    CrossValidation result{std::vector<double>(folds.size())};
    // one fold per chunk: the plan depends on the fold count only
    for_each_chunk(plan_chunks(folds.size(), 1, folds.size()), [&](std::size_t fold, std::size_t, std::size_t) {
        const cross_validate_detail::SerialInnerRegions serial;
        const Subset<F> train = take_rows(data, std::span<const std::size_t>(folds[fold].train));
        const auto model = params.fit(train.view());
        const Subset<F> test = take_rows(data, std::span<const std::size_t>(folds[fold].test));
        result.scores[fold] = static_cast<double>(std::invoke(metric, model, test.view()));
    });
    return result;
}

/// `cross_validate` on the folds `splitter.split(data)` (e.g. `KFold(5)`); throws as it and as
/// the splitter.
template <Float F, Fit<DatasetView<F>> P, FoldSplitter<F> S, FoldMetric<fitted_t<P, DatasetView<F>>, F> Metric>
CrossValidation cross_validate(const P& params, const DatasetView<F>& data, const S& splitter, const Metric& metric) {
    const std::vector<Split> folds = splitter.split(data);
    return cross_validate(params, data, std::span<const Split>(folds), metric);
}

}  // namespace linfa::model_selection
