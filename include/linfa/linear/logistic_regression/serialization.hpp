// Logistic regression model files: kind "linear_model.logistic_regression", shape
// {n_classes, n_features}; the body holds the classes, the layout of the coefficient rows, the
// coefficients and intercepts, and the L-BFGS iterations and convergence of the fit.
#pragma once

#include <string_view>

#include "../../core/classes.hpp"
#include "../../io/model_file.hpp"
#include "model.hpp"

namespace linfa {

/// Model files of LogisticRegression<F>: kind "linear_model.logistic_regression", shape
/// {n_classes, n_features}; the body holds the classes, the layout, the coefficients (one
/// row for two classes, else one per class), the intercepts, the iterations and whether the
/// fit converged.
template <Float F>
struct model_io<linear::LogisticRegression<F>> {
    /// The model type.
    using Model = linear::LogisticRegression<F>;
    /// Its scalar type, recorded in the header as "f32" or "f64".
    using scalar_type = F;
    /// The kind recorded in the header.
    static constexpr std::string_view kind = "linear_model.logistic_regression";

    /// The header's shape: {n_classes, n_features}.
    static std::vector<std::uint64_t> shape(const Model& m) { return {m.n_classes(), m.n_features()}; }

    /// Writes the body through an io::Writer.
    template <class Writer>
    static void save_body(Writer& w, const Model& m) {
        io::save_classes(w, m.classes());
        w.enumeration("layout", m.layout());
        w.matrix("coef", m.coef());
        w.vector("intercept", std::span<const F>(m.intercept().data(), std::size_t(m.intercept().size())));
        w.vector("n_iter", std::span<const std::uint64_t>(m.n_iter()));
        w.value("converged", std::uint32_t(m.converged() ? 1 : 0));
    }

    /// Reads the body through an io::Reader; throws ModelFileError for a bad shape, classes
    /// out of order, a layout that does not fit the class count, or non-finite coefficients.
    template <class Reader>
    static Model load_body(Reader& r, const ModelHeader& header) {
        using linear::logistic_detail::Layout;
        if (header.shape.size() != 2 || header.shape[0] < 2 || header.shape[0] > std::uint64_t(INT32_MAX) ||
            header.shape[1] == 0 || header.shape[1] > std::uint64_t(INT32_MAX)) {
            io::fail("a LogisticRegression model needs shape {n_classes >= 2, n_features >= 1}");
        }
        const std::uint64_t k = header.shape[0], d = header.shape[1];
        ClassSet classes = io::load_classes(r, k);
        const auto layout = r.enumeration("layout", {Layout::Binary, Layout::Multinomial, Layout::OneVsRest, Layout::BinarySoftmax});
        const bool two_class_layout = layout == Layout::Binary || layout == Layout::BinarySoftmax;
        if (two_class_layout != (k == 2)) io::fail("the layout does not fit " + std::to_string(k) + " classes");
        const std::uint64_t rows = std::uint64_t(linear::logistic_detail::score_rows(layout, k));
        Matrix<F> coef = r.template matrix<F>("coef", rows, d);
        const auto intercept = r.template vector<F>("intercept", rows);
        Vector<F> b = Eigen::Map<const Vector<F>>(intercept.data(), Eigen::Index(intercept.size()));
        if (!coef.allFinite() || !b.allFinite()) io::fail("coefficients and intercepts must be finite");
        auto n_iter = r.template vector<std::uint64_t>("n_iter", layout == Layout::OneVsRest ? k : 1);
        const auto converged = r.template value<std::uint32_t>("converged");
        if (converged > 1) io::fail("converged must be 0 or 1");
        return Model(std::move(classes), layout, std::move(coef), std::move(b), std::move(n_iter), converged == 1);
    }
};

}  // namespace linfa
