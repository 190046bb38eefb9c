// Gaussian naive Bayes model files: kind "naive_bayes.gaussian_nb", shape {n_classes,
// n_features}. The body holds what the model learnt, in double, and its parameters; the priors
// and the scorer are derived again on load, so a file cannot hold ones that disagree with it:
//   classes, class_weight, theta (n_classes x n_features), m2 (the same), class_epsilon (one per
//   class), epsilon, var_smoothing, the presence of priors, then priors (one per class) when present.
#pragma once

#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string_view>

#include "../core/classes.hpp"
#include "../io/model_file.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa::naive_bayes::io_detail {

/// A finite, non-negative number named `name`.
template <class Reader>
double load_non_negative(Reader& r, const char* name) {
    const double v = r.template value<double>(name);
    if (!std::isfinite(v) || v < 0) io::fail(std::string(name) + " must be finite and >= 0");
    return v;
}

/// The per-class moments of `k` classes and `d` features, validated.
template <class Reader>
GroupMoments load_moments(Reader& r, std::uint64_t k, std::uint64_t d) {
    const auto weights = r.template vector<double>("class_weight", k);
    GroupMoments m;
    m.weight = Eigen::Map<const Eigen::VectorXd>(weights.data(), Eigen::Index(weights.size()));
    m.mean = r.template matrix<double>("theta", k, d);
    m.m2 = r.template matrix<double>("m2", k, d);
    if (!m.weight.allFinite() || (m.weight.array() < 0).any() || !(m.weight.sum() > 0)) {
        io::fail("class weights must be finite, non-negative and not all 0");
    }
    if (!m.all_finite()) io::fail("theta and m2 must be finite");
    if ((m.m2.array() < 0).any()) io::fail("m2 must be >= 0");
    return m;
}

/// The epsilon of each of `k` classes: finite and >= 0.
template <class Reader>
Eigen::VectorXd load_class_epsilon(Reader& r, std::uint64_t k) {
    const auto values = r.template vector<double>("class_epsilon", k);
    Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(values.data(), Eigen::Index(values.size()));
    if (!v.allFinite() || (v.array() < 0).any()) io::fail("class_epsilon must be finite and >= 0");
    return v;
}

/// The priors, when the file says it holds them: one per class, valid as `check()` wants them.
template <class Reader>
std::optional<std::vector<double>> load_priors(Reader& r, std::uint64_t k) {
    if (!r.presence("has_priors")) return std::nullopt;
    std::vector<double> priors = r.template vector<double>("priors", k);
    double sum = 0;
    for (const double p : priors) {
        if (!std::isfinite(p) || p < 0) io::fail("priors must be finite and >= 0");
        sum += p;
    }
    if (std::abs(sum - 1.0) > priors_sum_tolerance) io::fail("priors must sum to 1");
    return priors;
}

}  // namespace linfa::naive_bayes::io_detail

namespace linfa {

/// Model files of GaussianNb<F>: kind "naive_bayes.gaussian_nb", shape {n_classes,
/// n_features}; the body holds the classes, the per-class weights, means and sums of squared
/// deviations (double), the per-class and last epsilons, var_smoothing and the priors if they were given.
template <Float F>
struct model_io<naive_bayes::GaussianNb<F>> {
    /// The model type.
    using Model = naive_bayes::GaussianNb<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "naive_bayes.gaussian_nb";

    /// The header's shape: {n_classes, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_classes(), m.n_features()}; }

    /// Writes the body, in the order above, through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        io::save_classes(w, m.classes());
        const auto& weight = m.moments().weight;
        w.vector("class_weight", std::span<const double>(weight.data(), std::size_t(weight.size())));
        w.matrix("theta", m.moments().mean);
        w.matrix("m2", m.moments().m2);
        const auto& class_epsilon = m.class_epsilon();
        w.vector("class_epsilon", std::span<const double>(class_epsilon.data(), std::size_t(class_epsilon.size())));
        w.value("epsilon", m.epsilon());
        w.value("var_smoothing", m.var_smoothing());
        w.presence("has_priors", m.priors().has_value());
        if (m.priors()) w.vector("priors", std::span<const double>(*m.priors()));
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, classes
    /// not distinct and increasing, class weights that are not finite and non-negative or are
    /// all 0, non-finite means, negative or non-finite sums of squares, epsilons or
    /// var_smoothing not finite and >= 0, or priors that are not valid probabilities.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using namespace naive_bayes::io_detail;
        if (header.shape.size() != 2 || header.shape[0] == 0 || header.shape[1] == 0 ||
            header.shape[0] > std::uint64_t(INT32_MAX) || header.shape[1] > std::uint64_t(INT32_MAX)) {
            io::fail("a GaussianNB model needs shape {n_classes >= 1, n_features >= 1}");
        }
        const std::uint64_t k = header.shape[0], d = header.shape[1];
        ClassSet classes = io::load_classes(r, k);
        naive_bayes::GroupMoments moments = load_moments(r, k, d);
        Eigen::VectorXd class_epsilon = load_class_epsilon(r, k);
        const double epsilon = load_non_negative(r, "epsilon");
        const double var_smoothing = load_non_negative(r, "var_smoothing");
        auto priors = load_priors(r, k);
        return Model(std::move(classes), std::move(moments), std::move(class_epsilon), epsilon, var_smoothing, std::move(priors));
    }
};

}  // namespace linfa
