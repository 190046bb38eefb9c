// The fitted logistic regression model: class scores X W^T + b, read as probabilities through
// the sigmoid (two classes, or one-vs-rest) or the softmax (multinomial).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../../core/classes.hpp"
#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../metrics/classification.hpp"
#include "link.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::linear {

/// Logistic regression, as scikit-learn's LogisticRegression with the "lbfgs" solver: the
/// coefficients minimising the weighted log-loss plus ||W||^2 / (2 C), found by L-BFGS
/// (optim/lbfgs.hpp) from a fused, parallel, deterministic loss-and-gradient pass. Two classes
/// give one coefficient row (the second class's score); more give a row per class, fitted
/// jointly (multinomial) or one class against the rest.
///
/// ```cpp
/// const auto model = linfa::linear::LogisticRegression<double>::params().c(0.5).fit(data);
/// const linfa::Labels labels = model.predict(x);
/// const linfa::Matrix<double> p = model.predict_proba(x);
/// ```
template <Float F>
class LogisticRegression {
public:
    /// Hyper-parameters with their defaults (C 1, an intercept, 100 iterations, tol 1e-4).
    static LogisticRegressionParams<F> params() { return LogisticRegressionParams<F>(); }

    /// The classes seen at fit, in increasing order (the columns of predict_proba).
    const ClassSet& classes() const { return classes_; }
    /// Number of classes.
    std::size_t n_classes() const { return classes_.size(); }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return std::size_t(coef_.cols()); }
    /// Coefficient rows x features: one row for two classes, else one per class.
    const Matrix<F>& coef() const { return coef_; }
    /// One intercept per coefficient row (zeros when fitted without).
    const Vector<F>& intercept() const { return intercept_; }
    /// How the rows are read: binary, multinomial (also BinarySoftmax) or one-vs-rest.
    logistic_detail::Layout layout() const { return layout_; }
    /// L-BFGS iterations: one count, or one per class for one-vs-rest.
    const std::vector<std::uint64_t>& n_iter() const { return n_iter_; }
    /// Whether every L-BFGS run met its tolerance within max_iter.
    bool converged() const { return converged_; }

    /// Class scores, n_samples x coefficient rows (scikit-learn's decision_function).
    /// Throws InvalidInput for a wrong feature count or non-finite records.
    Matrix<F> decision_function(const DatasetView<F>& data) const { return scores_of(data); }
    /// Class probabilities, n_samples x n_classes (columns in the order of `classes()`).
    /// Throws as `decision_function`.
    Matrix<F> predict_proba(const DatasetView<F>& data) const { return probabilities_of(data); }
    /// Log-probabilities, n_samples x n_classes, from the scores (finite far from every class).
    /// Throws as `decision_function`.
    Matrix<F> predict_log_proba(const DatasetView<F>& data) const { return log_probabilities_of(data); }
    /// The most probable class of each sample (a label of `classes()`).
    /// Throws as `decision_function`.
    Labels predict(const DatasetView<F>& data) const {
        Labels labels(static_cast<Eigen::Index>(data.n_samples()));
        predict_inplace(data, labels);
        return labels;
    }
    /// Writes the most probable class of each sample into `labels` (resized if needed).
    /// Throws as `decision_function`.
    void predict_inplace(const DatasetView<F>& data, Labels& labels) const { labels_of(data, labels); }
    /// The (weighted) accuracy of `predict` on `data`'s labels (scikit-learn's `score`).
    /// Throws as `decision_function`, and InvalidInput when `data` has no labels.
    double score(const DatasetView<F>& data) const { return accuracy_of(data); }

    /// `decision_function` of sparse rows (a CsrView or a SparseDatasetView).
    /// Throws InvalidInput for a wrong feature count.
    template <class Sparse>
        requires SparseRowsOf<Sparse, F>
    Matrix<F> decision_function(const Sparse& x) const { return scores_of(x); }
    /// `predict_proba` of sparse rows. Throws as the sparse `decision_function`.
    template <class Sparse>
        requires SparseRowsOf<Sparse, F>
    Matrix<F> predict_proba(const Sparse& x) const { return probabilities_of(x); }
    /// `predict_log_proba` of sparse rows. Throws as the sparse `decision_function`.
    template <class Sparse>
        requires SparseRowsOf<Sparse, F>
    Matrix<F> predict_log_proba(const Sparse& x) const { return log_probabilities_of(x); }
    /// `predict` of sparse rows. Throws as the sparse `decision_function`.
    template <class Sparse>
        requires SparseRowsOf<Sparse, F>
    Labels predict(const Sparse& x) const {
        Labels labels;
        labels_of(x, labels);
        return labels;
    }
    /// `score` of sparse records with labels. Throws as the sparse `decision_function`, and
    /// InvalidInput when `data` has no labels.
    template <SparseIndex I>
    double score(const SparseDatasetView<F, I>& data) const { return accuracy_of(data); }

private:
    friend class LogisticRegressionValidParams<F>;
    friend class LogisticRegressionParams<F>;
    friend struct linfa::model_io<LogisticRegression<F>>;

    LogisticRegression(ClassSet classes, logistic_detail::Layout layout, Matrix<F> coef, Vector<F> intercept,
                       std::vector<std::uint64_t> n_iter, bool converged)
        : classes_(std::move(classes)), layout_(layout), coef_(std::move(coef)), intercept_(std::move(intercept)),
          n_iter_(std::move(n_iter)), converged_(converged) {
        scorer_.coef = coef_;
        scorer_.intercept = intercept_.template cast<double>().array();
    }

    /// The records of dense rows to predict, checked (feature count, finite values).
    const MatrixView<F>& checked_rows(const DatasetView<F>& data) const {
        require_predictable<F>(data, n_features(), "LogisticRegression");
        return data.records();
    }
    /// The records of sparse rows to predict, checked (their values were when viewed).
    template <class Sparse>
    const auto& checked_rows(const Sparse& x) const {
        const auto& rows = sparse_records(x);
        if (rows.cols() != n_features()) {
            throw InvalidInput("LogisticRegression: expected " + std::to_string(n_features()) +
                               " features per sample (as in training), found " + std::to_string(rows.cols()));
        }
        return rows;
    }

    template <class Input>
    Matrix<F> scores_of(const Input& x) const {
        return rows_of(checked_rows(x), coef_.rows(), [](const logistic_detail::Block& z, logistic_detail::Block& out) { out = z; });
    }
    template <class Input>
    Matrix<F> probabilities_of(const Input& x) const {
        return rows_of(checked_rows(x), Eigen::Index(n_classes()), [this](const logistic_detail::Block& z, logistic_detail::Block& out) {
            logistic_detail::probabilities(layout_, z, out);
        });
    }
    template <class Input>
    Matrix<F> log_probabilities_of(const Input& x) const {
        return rows_of(checked_rows(x), Eigen::Index(n_classes()), [this](const logistic_detail::Block& z, logistic_detail::Block& out) {
            logistic_detail::log_probabilities(layout_, z, out);
        });
    }
    template <class Input>
    void labels_of(const Input& x, Labels& labels) const {
        const auto& records = checked_rows(x);
        labels.resize(static_cast<Eigen::Index>(records.rows()));
        for_blocks(records, [&](Eigen::Index start, const logistic_detail::Block& z) {
            for (Eigen::Index r = 0; r < z.cols(); ++r) {
                labels[start + r] = classes_.label(std::size_t(logistic_detail::predicted_class(layout_, z, r)));
            }
        });
    }
    template <class Data>
    double accuracy_of(const Data& data) const {
        Labels predicted;
        labels_of(data, predicted);
        return metrics::accuracy_score<F>(data.labels(), std::span<const std::int32_t>(predicted.data(), std::size_t(predicted.size())),
                                          data.weights());
    }

    /// Calls `each(first row, scores)` for every block of `records` (dense or sparse; scores:
    /// one column per row), in parallel over chunks of rows.
    template <class Records, class Each>
    void for_blocks(const Records& records, Each&& each) const {
        for_each_chunk(plan_chunks(std::size_t(records.rows())), [&](std::size_t, std::size_t begin, std::size_t end) {
            logistic_detail::Block z;
            for (auto start = Eigen::Index(begin); start < Eigen::Index(end); start += logistic_detail::block_rows) {
                scorer_.score(records, start, std::min(logistic_detail::block_rows, Eigen::Index(end) - start), z);
                each(start, z);
            }
        });
    }

    /// An n_samples x `width` result whose rows are those of `fill(scores, out)` for each block
    /// of `records` (`out`: one column per row).
    template <class Records, class Fill>
    Matrix<F> rows_of(const Records& records, Eigen::Index width, Fill&& fill) const {
        Matrix<F> out = output_matrix<F>(static_cast<Eigen::Index>(records.rows()), width);
        for_blocks(records, [&](Eigen::Index start, const logistic_detail::Block& z) {
            logistic_detail::Block values;
            fill(z, values);
            out.middleRows(start, values.cols()) = values.transpose().matrix().template cast<F>();
        });
        return out;
    }

    ClassSet classes_;
    logistic_detail::Layout layout_;
    Matrix<F> coef_;
    Vector<F> intercept_;
    std::vector<std::uint64_t> n_iter_;
    bool converged_;
    logistic_detail::Scorer<F> scorer_;
};

template <Float F>
LogisticRegressionParams<F>& LogisticRegressionParams<F>::warm_start(const LogisticRegression<F>& model) {
    Eigen::MatrixXd start(model.coef().rows(), model.coef().cols() + 1);
    start.leftCols(model.coef().cols()) = model.coef().template cast<double>();
    start.col(model.coef().cols()) = model.intercept().template cast<double>();
    start_ = std::move(start);
    return *this;
}

}  // namespace linfa::linear
