// Ridge model files: kind "linear_model.ridge", shape {n_targets, n_features}; the body holds
// the coefficients (n_targets x n_features) and the intercepts.
#pragma once

#include <string_view>

#include "../../io/model_file.hpp"
#include "../model_io_checks.hpp"
#include "model.hpp"

namespace linfa {

/// Model files of Ridge<F>: kind "linear_model.ridge", shape {n_targets, n_features}; the
/// body holds the coefficients and the intercepts.
template <Float F>
struct model_io<linear::Ridge<F>> {
    /// The model type.
    using Model = linear::Ridge<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "linear_model.ridge";

    /// The header's shape: {n_targets, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_targets(), m.n_features()}; }

    /// Writes the coefficients and intercepts through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        linear_detail::save_predictor(w, m.predictor_);
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape or
    /// non-finite coefficients or intercepts.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 2) io::fail("a Ridge model needs shape {n_targets, n_features}");
        return Model(linear_detail::load_predictor<F>(r, header.shape[0], header.shape[1]));
    }
};

}  // namespace linfa
