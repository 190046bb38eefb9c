// LinearRegression model files: kind "linear_model.linear_regression", shape {n_targets,
// n_features, n_singular}; the body holds the coefficients (n_targets x n_features), the
// intercepts, the rank and the singular values of the training records.
#pragma once

#include <span>
#include <string_view>

#include "../../io/model_file.hpp"
#include "../model_io_checks.hpp"
#include "model.hpp"

namespace linfa {

/// Model files of LinearRegression<F>: kind "linear_model.linear_regression", shape
/// {n_targets, n_features, n_singular}; the body holds the coefficients, the intercepts, the
/// rank and the singular values.
template <Float F>
struct model_io<linear::LinearRegression<F>> {
    /// The model type.
    using Model = linear::LinearRegression<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "linear_model.linear_regression";

    /// The header's shape: {n_targets, n_features, number of singular values}.
    static std::vector<std::uint64_t> shape(const Model& m) {
        return {m.n_targets(), m.n_features(), std::uint64_t(m.singular().size())};
    }

    /// Writes coefficients, intercepts, rank and singular values through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        linear_detail::save_predictor(w, m.predictor_);
        w.value("rank", m.rank());
        w.vector("singular", std::span<const F>(m.singular().data(), std::size_t(m.singular().size())));
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, non-finite
    /// coefficients or intercepts, negative or non-finite singular values, or a rank above their
    /// number.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 3) io::fail("a LinearRegression model needs shape {n_targets, n_features, n_singular}");
        auto predictor = linear_detail::load_predictor<F>(r, header.shape[0], header.shape[1]);
        const auto rank = r.template value<std::uint64_t>("rank");
        if (header.shape[2] > header.shape[1]) io::fail("more singular values than features");
        const auto values = r.template vector<F>("singular", header.shape[2]);
        const Vector<F> singular = Eigen::Map<const Vector<F>>(values.data(), Eigen::Index(values.size()));
        if (!singular.allFinite() || (singular.array() < 0).any()) io::fail("singular values must be finite and >= 0");
        if (rank > header.shape[2]) io::fail("rank larger than the number of singular values");
        return Model(std::move(predictor), rank, singular);
    }
};

}  // namespace linfa
