// PCA model files: kind "decomposition.pca", shape {n_components, n_features}; the body holds
// whiten, the training sample count, the components (n_components x n_features), the mean,
// the explained variances, their ratios, the singular values and the noise variance.
#pragma once

#include <cmath>
#include <span>
#include <string_view>

#include "../../io/model_file.hpp"
#include "model.hpp"

namespace linfa {

/// Model files of Pca<F>: kind "decomposition.pca", shape {n_components, n_features}; the
/// body holds whiten, the training sample count, the components, the mean, the explained
/// variances and their ratios, the singular values and the noise variance.
template <Float F>
struct model_io<decomposition::Pca<F>> {
    /// The model type.
    using Model = decomposition::Pca<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "decomposition.pca";

    /// The header's shape: {n_components, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_components(), m.n_features()}; }

    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        w.value("whiten", std::uint32_t(m.whiten() ? 1 : 0));
        w.value("n_samples", m.n_samples());
        w.matrix("components", m.components());
        save_vector(w, "mean", m.mean());
        save_vector(w, "explained_variance", m.explained_variance());
        save_vector(w, "explained_variance_ratio", m.explained_variance_ratio());
        save_vector(w, "singular_values", m.singular_values());
        w.value("noise_variance", m.noise_variance());
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, whiten not
    /// 0 or 1, fewer than 2 samples, non-finite values, or negative variances, ratios, singular
    /// values or noise variance.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        if (header.shape.size() != 2 || header.shape[0] == 0 || header.shape[1] == 0 ||
            header.shape[0] > header.shape[1] || header.shape[1] > std::uint64_t(INT32_MAX)) {
            io::fail("a PCA model needs shape {1 <= n_components <= n_features, n_features}");
        }
        const auto k = header.shape[0], d = header.shape[1];
        typename Model::Parts p;
        const auto whiten = r.template value<std::uint32_t>("whiten");
        if (whiten > 1) io::fail("whiten must be 0 or 1");
        p.whiten = whiten == 1;
        p.n_samples = r.template value<std::uint64_t>("n_samples");
        p.components = r.template matrix<F>("components", k, d);
        p.mean = load_vector(r, "mean", d);
        p.explained_variance = load_vector(r, "explained_variance", k);
        p.explained_variance_ratio = load_vector(r, "explained_variance_ratio", k);
        p.singular_values = load_vector(r, "singular_values", k);
        p.noise_variance = r.template value<double>("noise_variance");
        if (p.n_samples < 2) io::fail("n_samples must be at least 2");
        if (!p.components.allFinite() || !p.mean.allFinite()) io::fail("components and mean must be finite");
        for (const auto* v : {&p.explained_variance, &p.explained_variance_ratio, &p.singular_values}) {
            if (!v->allFinite() || (v->array() < 0).any()) io::fail("variances and singular values must be finite and >= 0");
        }
        if (!std::isfinite(p.noise_variance) || p.noise_variance < 0) io::fail("noise_variance must be finite and >= 0");
        return Model(std::move(p));
    }

private:
    template <class Writer>
    static void save_vector(Writer& w, const char* name, const Vector<F>& v) {
        w.vector(name, std::span<const F>(v.data(), std::size_t(v.size())));
    }
    template <class Reader>
    static Vector<F> load_vector(Reader& r, const char* name, std::uint64_t size) {
        const auto values = r.template vector<F>(name, size);
        return Eigen::Map<const Vector<F>>(values.data(), Eigen::Index(values.size()));
    }
};

}  // namespace linfa
