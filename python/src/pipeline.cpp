// Pipelines in linfa._linfa: the C++ linfa::Pipeline of every listed pipeline type (one bound
// class per final model and scalar type, named after the model kind), and `pipeline_of`, which
// joins fitted models of the other bindings into one pipeline model. The estimator contract
// (steps by name, fit, what it answers) lives in linfa/_pipeline.py.
#include "common.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <linfa/models.hpp>

namespace linfa_python {
namespace {

/// Whether M is a pipeline type (it has a final model and steps).
template <class M>
concept PipelineModel = requires(const M& m) {
    m.final_model();
    m.steps();
};

/// The Python name of a bound pipeline class: "Pipeline_" + its kind and scalar, with
/// underscores for dots ("Pipeline_linear_model_logistic_regression_f64").
template <class M>
std::string class_name() {
    std::string name = "Pipeline_" + std::string(linfa::model_io<M>::kind.substr(std::string_view("pipeline.").size())) + "_" +
                       std::string(linfa::scalar_name<typename linfa::model_io<M>::scalar_type>());
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
}

/// The step a Python object holds: a bound model of one of Step's alternatives, copied.
template <class Step, std::size_t I = 0>
std::optional<Step> step_from(const py::handle& object) {
    if constexpr (I == std::variant_size_v<Step>) {
        return std::nullopt;
    } else {
        using M = std::variant_alternative_t<I, Step>;
        if (py::isinstance<M>(object)) return Step(std::in_place_index<I>, object.cast<const M&>());
        return step_from<Step, I + 1>(object);
    }
}

template <PipelineModel M>
void bind_pipeline_model(py::module_& m) {
    using F = typename linfa::model_io<M>::scalar_type;
    py::class_<M> model_class(m, class_name<M>().c_str(), "A fitted pipeline (C++ linfa::Pipeline): transformers, then a final model.");
    def_model_file_members(model_class);
    model_class.def_property_readonly("n_features", &M::n_features)
        .def_property_readonly("n_steps", &M::n_steps)
        .def_property_readonly(
            "steps",
            [](const M& model) {
                py::list steps;
                for (const auto& step : model.steps()) std::visit([&](const auto& s) { steps.append(py::cast(s)); }, step);
                return steps;
            },
            "The transformers' models (copies), in the order they apply.")
        .def_property_readonly("final", [](const M& model) { return py::cast(model.final_model()); },
                               "The final model (a copy).")
        .def_property_readonly("step_kinds", &M::step_kinds, "The model kind of every step, the final model's last.")
        .def(
            "transform_steps",
            [](const M& model, const CArray<F>& x) {
                const linfa::DatasetView<F> data(view_of(x));
                return without_gil([&] { return model.transform_steps(data); });
            },
            py::arg("X").noconvert(), "X transformed by every step: the final model's input, in X's dtype.");
}

/// The pipeline model of `steps` (bound transformer models) then `final` (a bound model that
/// ends listed pipelines), all of one scalar type, as its bound Python object.
py::object pipeline_of(const py::list& steps, const py::object& final_model) {
    py::object joined;
    linfa::Models::for_each([&](auto type) {
        using M = typename decltype(type)::type;
        if constexpr (PipelineModel<M>) {
            using Final = typename M::FinalModel;
            if (joined || !py::isinstance<Final>(final_model)) return;
            std::vector<typename M::Step> held;
            for (std::size_t i = 0; i < steps.size(); ++i) {
                auto step = step_from<typename M::Step>(steps[i]);
                if (!step) {
                    throw py::type_error("pipeline step " + std::to_string(i + 1) + " is a " +
                                         std::string(py::str(py::type::of(steps[i]).attr("__name__"))) +
                                         ", not a fitted linfa transformer of the final model's dtype");
                }
                held.push_back(std::move(*step));
            }
            joined = py::cast(M(std::move(held), final_model.cast<const Final&>()));
        }
    });
    if (!joined) {
        throw py::type_error("a pipeline's final model must be a fitted linfa model that predicts, found a " +
                             std::string(py::str(py::type::of(final_model).attr("__name__"))));
    }
    return joined;
}

void bind_pipelines(py::module_& m) {
    linfa::Models::for_each([&](auto type) {
        using M = typename decltype(type)::type;
        if constexpr (PipelineModel<M>) bind_pipeline_model<M>(m);
    });
    m.def("pipeline_of", &pipeline_of, py::arg("steps"), py::arg("final"),
          "One pipeline model of fitted transformer models `steps`, then `final`; ValueError when widths do not chain.");
}

}  // namespace

const RegisterBindings registered_pipelines(bind_pipelines);

}  // namespace linfa_python
