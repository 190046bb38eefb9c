// A fitted pipeline: transformers applied in order, then a final model, as one model with the
// final model's capabilities. Only the capabilities the final model has exist (each member is
// constrained on the final model's concept), so generic code, linfa-serve included, sees a
// pipeline ending in a classifier as a classifier.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/concepts.hpp"
#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/validation.hpp"
#include "step.hpp"

namespace linfa {

/// A model the end of a pipeline can be: a model file can hold it and it states its input
/// width. Requires: `SerializableModel<M>` and `m.n_features()`.
template <class M>
concept PipelineFinalModel = SerializableModel<M> && requires(const M& m) {
    { m.n_features() } -> std::convertible_to<std::size_t>;
};

/// Transformers (`steps()`, each a PipelineStep) applied in order, then `final_model()`: one
/// model that answers what the final model answers (labels, values, probabilities, a
/// transform, a score) for records in the first step's input space. It is one model file
/// (kind "pipeline." + the final model's kind, with every step's model inside), loads with
/// `linfa::load`, and linfa-serve serves it like any model.
///
/// Bad input is refused by the step it reaches first, with that step named:
/// "pipeline step 1 of 3 (preprocessing.standard_scaler): ...".
///
/// Build one by fitting `make_pipeline(step params..., final params)` (pipeline/params.hpp),
/// or from fitted models:
/// \code
/// linfa::Pipeline<linfa::linear::LogisticRegression<double>> pipeline({scaler, pca}, classifier);
/// \endcode
///
/// Template parameters: `Final` is a PipelineFinalModel; `Registry` (the listed models,
/// `linfa::Estimators`) supplies the types a step may have.
template <PipelineFinalModel Final, class Registry = Estimators>
class Pipeline {
public:
    /// The scalar type of every step and of the final model.
    using Scalar = typename model_io<Final>::scalar_type;
    /// A step: any listed transformer over Scalar.
    using Step = PipelineStep<Scalar, Registry>;
    /// The final model's type.
    using FinalModel = Final;

    /// The pipeline of `steps` then `final_model`. Throws InvalidInput unless each step's
    /// output has as many columns as the next step (or the final model) takes.
    Pipeline(std::vector<Step> steps, Final final_model) : steps_(std::move(steps)), final_(std::move(final_model)) {
        require_widths_chain();
    }

    /// The transformers, in the order they apply.
    const std::vector<Step>& steps() const { return steps_; }
    /// The model the transformed records reach.
    const Final& final_model() const { return final_; }
    /// Number of transformers (the final model not counted).
    std::size_t n_steps() const { return steps_.size(); }
    /// Number of features of the pipeline's input (the first step's).
    std::size_t n_features() const {
        return steps_.empty() ? std::size_t(final_.n_features()) : pipeline_detail::step_features(steps_.front());
    }
    /// The model kind of every step, then the final model's: what linfa-serve's metadata lists.
    std::vector<std::string> step_kinds() const {
        std::vector<std::string> kinds;
        for (const Step& step : steps_) kinds.emplace_back(pipeline_detail::step_kind(step));
        kinds.emplace_back(model_io<Final>::kind);
        return kinds;
    }
    /// The largest input magnitude the first model accepts (its `input_bound()`; unbounded
    /// when it declares none). Later models see transformed values: those check their own.
    InputBound input_bound() const {
        auto bound_of = [](const auto& model) {
            if constexpr (requires { { model.input_bound() } -> std::same_as<InputBound>; }) {
                return model.input_bound();
            } else {
                return InputBound{};
            }
        };
        return steps_.empty() ? bound_of(final_) : std::visit(bound_of, steps_.front());
    }

    /// The records every step has transformed: the final model's input.
    Matrix<Scalar> transform_steps(const DatasetView<Scalar>& data) const {
        if (steps_.empty()) return data.records();
        Matrix<Scalar> current;
        for (std::size_t i = 0; i < steps_.size(); ++i) {
            const DatasetView<Scalar> input = i == 0 ? data : DatasetView<Scalar>(current);
            Matrix<Scalar> next = at(i, [&] { return std::visit([&](const auto& step) { return step.transform(input); }, steps_[i]); });
            current.swap(next);
        }
        return current;
    }

    /// The final model's predictions (labels or values) for `data`.
    auto predict(const DatasetView<Scalar>& data) const
        requires Predict<Final, DatasetView<Scalar>>
    {
        return through_steps(data, [&](const DatasetView<Scalar>& input) { return final_.predict(input); });
    }
    /// The final model's predictions for `data`, written into `out`.
    template <class Out>
        requires PredictInplace<Final, DatasetView<Scalar>, Out>
    void predict_inplace(const DatasetView<Scalar>& data, Out& out) const {
        through_steps(data, [&](const DatasetView<Scalar>& input) { final_.predict_inplace(input, out); });
    }
    /// The final model's class probabilities for `data`.
    auto predict_proba(const DatasetView<Scalar>& data) const
        requires PredictProba<Final, DatasetView<Scalar>>
    {
        return through_steps(data, [&](const DatasetView<Scalar>& input) { return final_.predict_proba(input); });
    }
    /// The final model's transform of `data`.
    auto transform(const DatasetView<Scalar>& data) const
        requires Transformer<Final, DatasetView<Scalar>>
    {
        return through_steps(data, [&](const DatasetView<Scalar>& input) { return final_.transform(input); });
    }
    /// The final model's score of `data` (its targets, labels and weights are kept).
    double score(const DatasetView<Scalar>& data) const
        requires requires(const Final& m, const DatasetView<Scalar>& x) {
            { m.score(x) } -> std::convertible_to<double>;
        }
    {
        return through_steps(data, [&](const DatasetView<Scalar>& input) { return double(final_.score(input)); });
    }

private:
    /// Runs `call()` as step i (from 0; the final model is step n_steps()).
    template <class Call>
    decltype(auto) at(std::size_t i, Call&& call) const {
        const std::string_view kind = i < steps_.size() ? pipeline_detail::step_kind(steps_[i]) : std::string_view(model_io<Final>::kind);
        return pipeline_detail::at_step(i + 1, steps_.size() + 1, kind, std::forward<Call>(call));
    }

    /// `answer(input)` for the final model, where input is `data` with its records transformed
    /// by every step (no copy when there is no step).
    template <class Answer>
    decltype(auto) through_steps(const DatasetView<Scalar>& data, Answer&& answer) const {
        if (steps_.empty()) return at(0, [&]() -> decltype(auto) { return answer(data); });
        const Matrix<Scalar> transformed = transform_steps(data);
        const DatasetView<Scalar> input = data.with_records(MatrixView<Scalar>(transformed.data(), transformed.rows(), transformed.cols()));
        return at(steps_.size(), [&]() -> decltype(auto) { return answer(input); });
    }

    /// Throws InvalidInput unless each model's output width is the next one's input width
    /// (found by transforming one row of zeros, so no step needs an accessor for it).
    void require_widths_chain() const {
        for (std::size_t i = 0; i < steps_.size(); ++i) {
            const std::size_t d = pipeline_detail::step_features(steps_[i]);
            const Matrix<Scalar> zeros = Matrix<Scalar>::Zero(1, Eigen::Index(d));
            const auto width = std::size_t(std::visit([&](const auto& step) { return step.transform(DatasetView<Scalar>(zeros)); }, steps_[i]).cols());
            const std::size_t next = i + 1 < steps_.size() ? pipeline_detail::step_features(steps_[i + 1]) : std::size_t(final_.n_features());
            if (width != next) {
                throw InvalidInput("pipeline step " + std::to_string(i + 1) + " (" + std::string(pipeline_detail::step_kind(steps_[i])) +
                                   ") gives " + std::to_string(width) + " features, but step " + std::to_string(i + 2) +
                                   " takes " + std::to_string(next));
            }
        }
    }

    std::vector<Step> steps_;
    Final final_;
};

}  // namespace linfa
