// Pipeline model files: kind "pipeline." + the final model's kind (so a reader dispatches on
// what the pipeline answers), shape {n_steps, n_features}; the body holds, for every step and
// then the final model, a part with that model's own header fields and body, written and
// checked by the model's own model_io. A part JSON keeps as an object of its own.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "../io/model_file.hpp"
#include "model.hpp"

namespace linfa {

/// Most steps a pipeline file may declare (a damaged count must not allocate).
inline constexpr std::uint64_t max_pipeline_steps = 64;

namespace pipeline_detail {

/// "pipeline." followed by `kind`, as a constant string.
template <std::string_view const& kind>
struct PrefixedKind {
    static constexpr std::string_view prefix = "pipeline.";
    static constexpr auto text = [] {
        std::array<char, prefix.size() + kind.size()> chars{};
        for (std::size_t i = 0; i < prefix.size(); ++i) chars[i] = prefix[i];
        for (std::size_t i = 0; i < kind.size(); ++i) chars[prefix.size() + i] = kind[i];
        return chars;
    }();
    static constexpr std::string_view value{text.data(), text.size()};
};

/// The name of step i's part ("step_1", ...), from 1.
inline std::string part_name(std::size_t i) { return "step_" + std::to_string(i + 1); }

/// Writes `model` as a part: its header fields, then its body.
template <class Writer, SerializableModel M>
void save_model_part(Writer& w, const M& model) {
    io::write_header(w, io::header_of(model));
    model_io<M>::save_body(w, model);
}

/// Reads the model of type M whose header fields `header` were just read.
template <SerializableModel M, class Reader>
M load_model_part(Reader& r, const ModelHeader& header) {
    io::require_header_matches<M>(header);
    return model_io<M>::load_body(r, header);
}

/// Reads a step whose header fields `header` were just read: the alternative of Step (a
/// std::variant) of the header's kind and scalar type.
template <class Step, std::size_t I = 0, class Reader>
Step load_step_part(Reader& r, const ModelHeader& header) {
    if constexpr (I == std::variant_size_v<Step>) {
        io::fail("a pipeline step holds a '" + header.kind + "' model of " + header.scalar +
                 " values, which is not a transformer of the pipeline's scalar type");
    } else {
        using M = std::variant_alternative_t<I, Step>;
        if (header.kind == model_io<M>::kind && header.scalar == scalar_name<typename model_io<M>::scalar_type>()) {
            return Step(std::in_place_index<I>, load_model_part<M>(r, header));
        }
        return load_step_part<Step, I + 1>(r, header);
    }
}

}  // namespace pipeline_detail

/// Model files of Pipeline<Final>: kind "pipeline." + Final's kind, shape {n_steps,
/// n_features}; one part per step ("step_1", ...) and one for the final model ("final"), each
/// with the model's header fields and body.
template <PipelineFinalModel Final, class Registry>
struct model_io<Pipeline<Final, Registry>> {
    /// The model type.
    using Model = Pipeline<Final, Registry>;
    /// Its scalar type: the final model's.
    using scalar_type = typename model_io<Final>::scalar_type;
    /// The kind recorded in the header: "pipeline." + the final model's kind.
    static constexpr std::string_view kind = pipeline_detail::PrefixedKind<model_io<Final>::kind>::value;

    /// The header's shape: {n_steps, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_steps(), m.n_features()}; }

    /// Writes every step's part, then the final model's.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        for (std::size_t i = 0; i < m.n_steps(); ++i) {
            const std::string name = pipeline_detail::part_name(i);
            w.part(name.c_str(), [&] {
                std::visit([&](const auto& step) { pipeline_detail::save_model_part(w, step); }, m.steps()[i]);
            });
        }
        w.part("final", [&] { pipeline_detail::save_model_part(w, m.final_model()); });
    }

    /// Reads the parts; throws ModelFileError for a bad shape, a part that is not a model of
    /// a possible kind, a damaged part, or widths that do not chain.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 2 || header.shape[0] > max_pipeline_steps || header.shape[1] == 0) {
            io::fail("a pipeline needs shape {n_steps <= " + std::to_string(max_pipeline_steps) + ", n_features >= 1}");
        }
        std::vector<typename Model::Step> steps;
        for (std::size_t i = 0; i < header.shape[0]; ++i) {
            const std::string name = pipeline_detail::part_name(i);
            steps.push_back(r.part(name.c_str(), [&] {
                return pipeline_detail::load_step_part<typename Model::Step>(r, io::read_header(r));
            }));
        }
        Final final_model = r.part("final", [&] { return pipeline_detail::load_model_part<Final>(r, io::read_header(r)); });
        try {
            Model model(std::move(steps), std::move(final_model));
            if (model.n_features() != header.shape[1]) io::fail("the first step does not take the header's feature count");
            return model;
        } catch (const InvalidInput& e) {
            io::fail(e.what());
        }
    }
};

}  // namespace linfa
