// ElasticNet model files: kind "linear_model.elastic_net", shape {n_targets, n_features}; the
// body holds the coefficients and intercepts, then per target the sweeps run, the duality
// gap and whether the fit converged.
#pragma once

#include <cmath>
#include <span>
#include <string_view>

#include "../../io/model_file.hpp"
#include "../model_io_checks.hpp"
#include "model.hpp"

namespace linfa {

/// Model files of ElasticNet<F> (Lasso included): kind "linear_model.elastic_net", shape
/// {n_targets, n_features}; the body holds the coefficients, the intercepts, and per target
/// the iterations, the duality gap and the convergence flag.
template <Float F>
struct model_io<linear::ElasticNet<F>> {
    /// The model type.
    using Model = linear::ElasticNet<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "linear_model.elastic_net";

    /// The header's shape: {n_targets, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_targets(), m.n_features()}; }

    /// Writes the body through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        linear_detail::save_predictor(w, m.predictor_);
        w.vector("n_iter", std::span<const std::uint64_t>(m.n_iter()));
        w.vector("dual_gap", std::span<const double>(m.dual_gap()));
        w.vector("converged", std::span<const std::uint8_t>(m.converged()));
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, non-finite
    /// coefficients, intercepts or gaps, zero iterations or a flag other than 0 or 1.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 2) io::fail("an ElasticNet model needs shape {n_targets, n_features}");
        auto predictor = linear_detail::load_predictor<F>(r, header.shape[0], header.shape[1]);
        const std::uint64_t t = header.shape[0];
        auto n_iter = r.template vector<std::uint64_t>("n_iter", t);
        auto gap = r.template vector<double>("dual_gap", t);
        auto converged = r.template vector<std::uint8_t>("converged", t);
        for (std::uint64_t k = 0; k < t; ++k) {
            if (n_iter[k] == 0) io::fail("n_iter must be at least 1 for every target");
            if (!std::isfinite(gap[k])) io::fail("dual_gap must be finite");
            if (converged[k] > 1) io::fail("converged must be 0 or 1");
        }
        return Model(std::move(predictor), std::move(n_iter), std::move(gap), std::move(converged));
    }
};

}  // namespace linfa
