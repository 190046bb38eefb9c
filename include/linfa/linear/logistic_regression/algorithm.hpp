// Fitting logistic regression: find the classes, weigh them, then minimise the penalised loss
// (loss.hpp) with L-BFGS: once for two classes or the multinomial model, once per class for
// one-vs-rest.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../../core/classes.hpp"
#include "../../optim/lbfgs.hpp"
#include "loss.hpp"
#include "model.hpp"

namespace linfa::linear {
namespace logistic_detail {

/// The layout `how` asks for with `n_classes` classes.
inline Layout layout_for(MultiClass how, std::size_t n_classes) {
    if (how == MultiClass::Multinomial) return n_classes == 2 ? Layout::BinarySoftmax : Layout::Multinomial;
    if (n_classes == 2) return Layout::Binary;
    return how == MultiClass::OneVsRest ? Layout::OneVsRest : Layout::Multinomial;
}

/// Class weights by class index from the label map (labels absent from it weigh 1).
inline std::vector<double> listed_class_weights(const std::map<std::int32_t, double>& given, const ClassSet& classes) {
    std::vector<double> weights(classes.size(), 1.0);
    for (const auto& [label, weight] : given) {
        try {
            weights[classes.index_of(label)] = weight;
        } catch (const InvalidInput&) {
            throw InvalidInput("LogisticRegression: class_weight names class " + std::to_string(label) +
                               ", which is not in the data");
        }
    }
    return weights;
}

/// How many rows of each target value 0..n_values-1 `targets` holds (unweighted).
inline std::vector<double> value_counts(std::span<const std::int32_t> targets, std::size_t n_values) {
    std::vector<double> counts(n_values, 0.0);
    for (const std::int32_t t : targets) counts[std::size_t(t)] += 1;
    return counts;
}

/// n_samples / (n_values x count of each value), from the counts of each value (unweighted,
/// as scikit-learn's "balanced"); values that never occur weigh 0.
inline std::vector<double> balanced_weights(const std::vector<double>& counts) {
    double n = 0;
    for (const double count : counts) n += count;  // whole numbers: exact in any order
    std::vector<double> weights(counts.size(), 0.0);
    for (std::size_t v = 0; v < counts.size(); ++v) {
        if (counts[v] > 0) weights[v] = n / (double(counts.size()) * counts[v]);
    }
    return weights;
}

/// The starting parameter vector: zeros, or the warm start's rows (rows x (features + 1),
/// the last column the intercepts) in the loss's layout.
inline Eigen::VectorXd starting_point(const std::optional<Eigen::MatrixXd>& start, Eigen::Index rows, Eigen::Index d,
                                      bool fit_intercept) {
    Eigen::VectorXd w = Eigen::VectorXd::Zero(rows * d + (fit_intercept ? rows : 0));
    if (!start) return w;
    for (Eigen::Index r = 0; r < rows; ++r) {
        w.segment(r * d, d) = start->row(r).head(d).transpose();
        if (fit_intercept) w[rows * d + r] = (*start)(r, d);
    }
    return w;
}

/// One L-BFGS run: the minimiser's rows (rows x (features + 1), the last column the
/// intercepts), its iterations and whether it converged.
struct Solution {
    Eigen::MatrixXd rows;
    std::uint64_t iterations = 0;
    bool converged = false;
};

template <class Loss, Float F>
Solution solve(const Loss& loss, Eigen::Index rows, Eigen::Index d, bool fit_intercept,
               const std::optional<Eigen::MatrixXd>& start, const LogisticRegressionParams<F>& params) {
    optim::LbfgsOptions options;
    options.max_iterations = params.max_iter();
    options.gradient_tolerance = params.tol();
    const optim::LbfgsResult found =
        optim::minimize_lbfgs(loss, starting_point(start, rows, d, fit_intercept), options);
    Solution s;
    s.rows = Eigen::MatrixXd::Zero(rows, d + 1);
    for (Eigen::Index r = 0; r < rows; ++r) {
        s.rows.row(r).head(d) = found.x.segment(r * d, d).transpose();
        if (fit_intercept) s.rows(r, d) = found.x[rows * d + r];
    }
    s.iterations = found.iterations;
    s.converged = found.converged;
    return s;
}

/// The warm start's rows as the solver's rows for `layout` (BinarySoftmax solves with rows
/// -w and w); throws LinearParamsError when its shape does not fit.
inline std::optional<Eigen::MatrixXd> solver_start(const std::optional<Eigen::MatrixXd>& start, Layout layout,
                                                   std::size_t n_classes, Eigen::Index d) {
    if (!start) return start;
    const Eigen::Index expected = score_rows(layout, n_classes);
    if (start->rows() != expected || start->cols() != d + 1) {
        throw LinearParamsError("LogisticRegression: the warm start has " + std::to_string(start->rows()) + " x " +
                                std::to_string(start->cols() - 1) + " coefficients; this fit needs " +
                                std::to_string(expected) + " x " + std::to_string(d));
    }
    if (layout != Layout::BinarySoftmax) return start;
    Eigen::MatrixXd both(2, d + 1);
    both.row(0) = -start->row(0);
    both.row(1) = start->row(0);
    return both;
}

}  // namespace logistic_detail

template <Float F>
LogisticRegression<F> LogisticRegressionValidParams<F>::fit(const DatasetView<F>& data) const {
    return fit_records(data);
}

template <Float F>
template <SparseIndex I>
LogisticRegression<F> LogisticRegressionValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    return fit_records(data);
}

template <Float F>
template <class Data>
LogisticRegression<F> LogisticRegressionValidParams<F>::fit_records(const Data& data) const {
    require_classification_data(data, "LogisticRegression");
    const ClassSet classes = ClassSet::of(data.labels());
    const std::vector<std::int32_t> targets = classes.encode(data.labels());
    return fit_classes(data, classes, targets, logistic_detail::value_counts(targets, classes.size()),
                       logistic_detail::in_process_sums());
}

template <Float F>
template <class Data>
LogisticRegression<F> LogisticRegressionValidParams<F>::fit_classes(const Data& data, const ClassSet& classes,
                                                                  std::span<const std::int32_t> targets,
                                                                  const std::vector<double>& class_counts,
                                                                  const logistic_detail::ChunkSums& sums) const {
    using namespace logistic_detail;
    if (classes.size() < 2) {
        throw InvalidInput("LogisticRegression: needs samples of at least 2 classes, but the data contains only class " +
                           std::to_string(classes.label(0)));
    }
    const std::size_t k = classes.size();
    const auto d = Eigen::Index(data.n_features());
    const Layout layout = layout_for(params_.multi_class(), k);
    const double penalty = std::isinf(params_.c()) ? 0.0 : 1.0 / params_.c();
    const bool intercept = params_.fit_intercept();
    const std::vector<double> listed = listed_class_weights(params_.class_weight(), classes);
    const auto start = solver_start(params_.start(), layout, k, d);
    using Loss = LogisticLoss<Data>;

    std::vector<Solution> solutions;
    if (layout == Layout::Multinomial || layout == Layout::BinarySoftmax) {
        const auto weights = params_.balanced() ? balanced_weights(class_counts) : listed;
        const Loss loss(data, targets, targets, weights, Layout::Multinomial, Eigen::Index(k), intercept, penalty, sums);
        solutions.push_back(solve(loss, Eigen::Index(k), d, intercept, start, params_));
        if (layout == Layout::BinarySoftmax) solutions.back().rows = solutions.back().rows.row(1).eval();
    } else {
        // binary problems: the second class against the first, or each class against the rest
        const std::size_t problems = layout == Layout::Binary ? 1 : k;
        double n = 0;
        for (const double count : class_counts) n += count;
        std::vector<std::int32_t> is_class(targets.size());
        for (std::size_t p = 0; p < problems; ++p) {
            const std::int32_t positive = layout == Layout::Binary ? 1 : std::int32_t(p);
            for (std::size_t i = 0; i < targets.size(); ++i) is_class[i] = targets[i] == positive ? 1 : 0;
            // balanced weights follow the binary split; listed ones the original classes
            const double positives = class_counts[std::size_t(positive)];
            const Loss loss = params_.balanced()
                ? Loss(data, is_class, is_class, balanced_weights({n - positives, positives}), Layout::Binary, 1, intercept, penalty, sums)
                : Loss(data, is_class, targets, listed, Layout::Binary, 1, intercept, penalty, sums);
            std::optional<Eigen::MatrixXd> row_start;
            if (start) row_start = start->row(Eigen::Index(p)).eval();
            solutions.push_back(solve(loss, 1, d, intercept, row_start, params_));
        }
    }
    const Eigen::Index m = score_rows(layout, k);
    Matrix<F> coef(m, d);
    Vector<F> b(m);
    std::vector<std::uint64_t> n_iter;
    bool converged = true;
    for (std::size_t p = 0; p < solutions.size(); ++p) {
        const Eigen::Index first = layout == Layout::OneVsRest ? Eigen::Index(p) : 0;
        const Eigen::MatrixXd& rows = solutions[p].rows;
        coef.middleRows(first, rows.rows()) = rows.leftCols(d).template cast<F>();
        b.segment(first, rows.rows()) = rows.col(d).template cast<F>();
        n_iter.push_back(solutions[p].iterations);
        converged = converged && solutions[p].converged;
    }
    return LogisticRegression<F>(classes, layout, std::move(coef), std::move(b), std::move(n_iter), converged);
}

}  // namespace linfa::linear
