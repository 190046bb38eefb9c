// The steps of a pipeline: any listed model that transforms records of the pipeline's scalar
// type (scalers, PCA, K-Means' distances), held by value in a std::variant of them all. The
// alternatives come from the model list itself, so a new transformer becomes a possible step
// by being listed in models.hpp.
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "../core/concepts.hpp"
#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/model_list.hpp"
#include "../io/model_file.hpp"

namespace linfa {

/// Every algorithm's model type (defined in models.hpp, which includes this header first):
/// the models a pipeline's steps and final model may be. Templates name it only as a default
/// argument, so it is complete wherever a pipeline type is used.
struct Estimators;

/// A model that can be a step of a pipeline over scalar type F: a model file can hold it, it
/// states its input width, and it maps records of F to records of F.
/// Requires: `SerializableModel<M>` with scalar type F; `m.n_features()`; `m.transform(view)`
/// returning exactly `Matrix<F>`.
template <class M, class F>
concept PipelineStepModel = SerializableModel<M> && std::same_as<typename model_io<M>::scalar_type, F> &&
                            requires(const M& m, const DatasetView<F>& x) {
                                { m.n_features() } -> std::convertible_to<std::size_t>;
                                { m.transform(x) } -> std::same_as<Matrix<F>>;
                            };

namespace pipeline_detail {

/// `Found` (a std::variant) extended with those of `Ms` that are steps over F.
template <class F, class Found, class... Ms>
struct collect_steps {
    using type = Found;
};
template <class F, class... Found, class M, class... Rest>
struct collect_steps<F, std::variant<Found...>, M, Rest...> {
    using type = typename collect_steps<F, std::conditional_t<PipelineStepModel<M, F>, std::variant<Found..., M>, std::variant<Found...>>,
                                        Rest...>::type;
};

/// `of<Ms...>`: the variant of the steps over F among Ms.
template <class F>
struct steps_among {
    template <class... Ms>
    using of = typename collect_steps<F, std::variant<>, Ms...>::type;
};

}  // namespace pipeline_detail

/// One step of a pipeline over F: a std::variant of every model of `Registry::list` that is a
/// PipelineStepModel over F.
template <Float F, class Registry = Estimators>
using PipelineStep = typename list_into<typename Registry::list, pipeline_detail::steps_among<F>::template of>::type;

namespace pipeline_detail {

/// The model kind of a step ("preprocessing.standard_scaler").
template <class... Ms>
std::string_view step_kind(const std::variant<Ms...>& step) {
    return std::visit([](const auto& model) { return std::string_view(model_io<std::decay_t<decltype(model)>>::kind); }, step);
}

/// The number of features a step takes.
template <class... Ms>
std::size_t step_features(const std::variant<Ms...>& step) {
    return std::visit([](const auto& model) { return std::size_t(model.n_features()); }, step);
}

/// Runs `call()` for step `position` (from 1) of `count`, of model kind `kind` (empty: not
/// known yet, as when checking hyper-parameters): an
/// InvalidInput or InvalidParams it throws is thrown again with the step named first,
/// "pipeline step 2 of 3 (decomposition.pca): ...".
template <class Call>
decltype(auto) at_step(std::size_t position, std::size_t count, std::string_view kind, Call&& call) {
    auto named = [&](const char* what) {
        const std::string named_kind = kind.empty() ? "" : " (" + std::string(kind) + ")";
        return "pipeline step " + std::to_string(position) + " of " + std::to_string(count) + named_kind + ": " + what;
    };
    try {
        return std::forward<Call>(call)();
    } catch (const InvalidInput& e) {
        throw InvalidInput(named(e.what()));
    } catch (const InvalidParams& e) {
        throw InvalidParams(named(e.what()));
    }
}

}  // namespace pipeline_detail

}  // namespace linfa
