// Fitting a pipeline: `make_pipeline(step params..., final params)` checks every step's
// hyper-parameters, then `fit` fits each step on the output of the ones before it and the
// final model on the last output, giving a linfa::Pipeline.
#pragma once

#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

#include "../core/concepts.hpp"
#include "../core/dataset.hpp"
#include "../core/params.hpp"
#include "model.hpp"

namespace linfa {

/// Checked hyper-parameters of every step of a pipeline, the final model's last (each a
/// checked parameter type, e.g. `LogisticRegressionValidParams<F>`).
template <class... Checked>
class PipelineValidParams {
    static constexpr std::size_t n_models = sizeof...(Checked);

public:
    /// The checked parameters of each step, in order, the final model's last.
    explicit PipelineValidParams(Checked... params) : params_(std::move(params)...) {}

    /// Fits each step on the records transformed by the steps before it (unweighted: the steps
    /// are transformers, fitted on records only), then the final model on the last step's
    /// output with `data`'s targets, labels and weights. Errors name the step.
    /// Requires: every step's parameters fit a listed transformer over F, the last a model.
    template <Float F>
        requires(Fit<Checked, DatasetView<F>> && ...)
    auto fit(const DatasetView<F>& data) const {
        using FinalParams = std::tuple_element_t<n_models - 1, std::tuple<Checked...>>;
        using FinalModel = fitted_t<FinalParams, DatasetView<F>>;
        using Result = Pipeline<FinalModel>;
        std::vector<typename Result::Step> steps;
        steps.reserve(n_models - 1);
        Matrix<F> transformed;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (fit_step<I>(data, transformed, steps), ...);
        }(std::make_index_sequence<n_models - 1>{});
        const DatasetView<F> input =
            n_models == 1 ? data : data.with_records(MatrixView<F>(transformed.data(), transformed.rows(), transformed.cols()));
        FinalModel final_model = pipeline_detail::at_step(n_models, n_models, model_io<FinalModel>::kind,
                                                          [&] { return std::get<n_models - 1>(params_).fit(input); });
        return Result(std::move(steps), std::move(final_model));
    }

private:
    /// Fits step I on the records `transformed` holds (`data`'s for the first), appends it to
    /// `steps` and replaces `transformed` by its output.
    template <std::size_t I, Float F, class Step>
    void fit_step(const DatasetView<F>& data, Matrix<F>& transformed, std::vector<Step>& steps) const {
        using Model = fitted_t<std::tuple_element_t<I, std::tuple<Checked...>>, DatasetView<F>>;
        static_assert(PipelineStepModel<Model, F> && std::is_constructible_v<Step, Model>,
                      "every step of a pipeline but the last must fit a listed transformer (models.hpp)");
        const DatasetView<F> input = I == 0 ? DatasetView<F>(data.records()) : DatasetView<F>(transformed);
        pipeline_detail::at_step(I + 1, n_models, model_io<Model>::kind, [&] {
            Model model = std::get<I>(params_).fit(input);
            Matrix<F> next = model.transform(input);
            transformed.swap(next);
            steps.emplace_back(std::move(model));
        });
    }

    std::tuple<Checked...> params_;
};

/// Hyper-parameters of a pipeline: each step's builder, the final model's last. `check()`
/// checks them all in order (errors name the step); `fit(data)` (from GuardedParams) fits the
/// pipeline. Made by `make_pipeline`.
template <ParamGuard... Params>
class PipelineParams : public GuardedParams<PipelineParams<Params...>> {
    static constexpr std::size_t n_models = sizeof...(Params);
    static_assert(n_models >= 1, "a pipeline needs at least its final model");

public:
    /// The checked form of every step's parameters.
    using Checked = PipelineValidParams<typename Params::Checked...>;

    /// The builders of each step, in order, the final model's last.
    explicit PipelineParams(Params... params) : params_(std::move(params)...) {}

    /// Checks every step's parameters, in order; throws the first step's InvalidParams with
    /// the step named.
    Checked check() const {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            // A braced list runs the checks in order, so the first bad step is the one named.
            return Checked{pipeline_detail::at_step(I + 1, n_models, {}, [&] { return std::get<I>(params_).check(); })...};
        }(std::make_index_sequence<n_models>{});
    }

private:
    std::tuple<Params...> params_;
};

/// The pipeline of hyper-parameters `params`: every transformer's builder, then the final
/// model's. `make_pipeline(StandardScalerParams<double>(), PcaParams<double>(...),
/// LogisticRegressionParams<double>()).fit(data)` gives a
/// `Pipeline<LogisticRegression<double>>`.
template <ParamGuard... Params>
PipelineParams<Params...> make_pipeline(Params... params) {
    return PipelineParams<Params...>(std::move(params)...);
}

}  // namespace linfa
