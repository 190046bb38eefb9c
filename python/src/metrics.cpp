// linfa._linfa.metrics: the C++ linfa::metrics functions, each for float32 and float64 values
// where it takes any (r2_score_f32 / _f64, ...), labels as int32 arrays (the Python layer,
// linfa/metrics.py, maps labels of any type onto 0..k-1) and sample weights in the values'
// type (float64 for the label-only metrics). Arrays are viewed in place; the GIL is released
// while C++ computes.
#include "common.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <linfa/metrics.hpp>

namespace linfa_python {
namespace {

namespace metrics = linfa::metrics;
using IntArray = py::array_t<std::int32_t, py::array::c_style>;
template <linfa::Float F>
using OptionalWeights = std::optional<CArray<F>>;

/// A 1-D array's values, viewed in place; `name` says which in messages.
template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style>& a, const char* name) {
    if (a.ndim() != 1) {
        throw linfa::InvalidInput(std::string(name) + " must be 1-D, found " + std::to_string(a.ndim()) + " dimension(s)");
    }
    return {a.data(), static_cast<std::size_t>(a.size())};
}

/// The sample weights, or an empty span (unweighted).
template <linfa::Float F>
std::span<const F> weights_of(const OptionalWeights<F>& weights) {
    return weights ? span_of<F>(*weights, "sample_weight") : std::span<const F>();
}

/// The caller's label list, or an empty span (the metric's default list).
std::span<const std::int32_t> labels_of(const std::optional<IntArray>& labels) {
    return labels ? span_of<std::int32_t>(*labels, "labels") : std::span<const std::int32_t>();
}

// ------------------------------------------------------------------ regression

template <linfa::Float F>
void bind_regression(py::module_& m) {
    const auto bind = [&](const char* name, auto metric, const char* doc) {
        m.def(
            per_scalar_name<F>(name).c_str(),
            [metric](const CArray<F>& y_true, const CArray<F>& y_pred, const OptionalWeights<F>& weights) {
                const auto t = view_of(y_true), p = view_of(y_pred);
                const auto w = weights_of(weights);
                return without_gil([&] { return metric(t, p, w); });
            },
            py::arg("y_true").noconvert(), py::arg("y_pred").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
            doc);
    };
    bind("r2_score", &metrics::r2_score<F>, "R^2 of y_pred for y_true (both n_samples x n_targets), averaged over targets.");
    bind("mean_squared_error", &metrics::mean_squared_error<F>, "Mean squared error, averaged over targets.");
    bind("mean_absolute_error", &metrics::mean_absolute_error<F>, "Mean absolute error, averaged over targets.");
}

// ------------------------------------------------------------------ labels

void bind_label_metrics(py::module_& m) {
    m.def(
        "accuracy_score",
        [](const IntArray& y_true, const IntArray& y_pred, const OptionalWeights<double>& weights) {
            return metrics::accuracy_score<double>(span_of(y_true, "y_true"), span_of(y_pred, "y_pred"), weights_of(weights));
        },
        py::arg("y_true").noconvert(), py::arg("y_pred").noconvert(), py::arg("sample_weight").noconvert() = py::none(),
        "The (weighted) fraction of correct labels.");
    m.def(
        "confusion_matrix",
        [](const IntArray& y_true, const IntArray& y_pred, const std::optional<IntArray>& labels,
           const OptionalWeights<double>& weights) {
            return metrics::confusion_matrix<double>(span_of(y_true, "y_true"), span_of(y_pred, "y_pred"), labels_of(labels),
                                                     weights_of(weights));
        },
        py::arg("y_true").noconvert(), py::arg("y_pred").noconvert(), py::arg("labels").noconvert() = py::none(),
        py::arg("sample_weight").noconvert() = py::none(), "(Weighted) counts of (true label, predicted label) pairs.");
    m.def(
        "precision_recall_fscore",
        [](const IntArray& y_true, const IntArray& y_pred, metrics::Average average, std::int32_t pos_label,
           const std::optional<IntArray>& labels, const OptionalWeights<double>& weights) {
            const auto chosen = labels_of(labels);
            const metrics::ScoreOptions options{average, pos_label, {chosen.begin(), chosen.end()}};
            const auto s = metrics::precision_recall_fscore<double>(span_of(y_true, "y_true"), span_of(y_pred, "y_pred"),
                                                                    options, weights_of(weights));
            return std::make_tuple(s.precision, s.recall, s.f1);
        },
        py::arg("y_true").noconvert(), py::arg("y_pred").noconvert(), py::arg("average"), py::arg("pos_label"),
        py::arg("labels").noconvert() = py::none(), py::arg("sample_weight").noconvert() = py::none(),
        "Averaged (precision, recall, f1).");
    m.def(
        "precision_recall_fscore_support",
        [](const IntArray& y_true, const IntArray& y_pred, const std::optional<IntArray>& labels,
           const OptionalWeights<double>& weights) {
            auto s = metrics::precision_recall_fscore_support<double>(span_of(y_true, "y_true"), span_of(y_pred, "y_pred"),
                                                                      labels_of(labels), weights_of(weights));
            return std::make_tuple(std::move(s.precision), std::move(s.recall), std::move(s.f1), std::move(s.support));
        },
        py::arg("y_true").noconvert(), py::arg("y_pred").noconvert(), py::arg("labels").noconvert() = py::none(),
        py::arg("sample_weight").noconvert() = py::none(), "Per-label (precision, recall, f1, support) arrays.");
}

// ------------------------------------------------------------------ probabilities and scores

template <linfa::Float F>
void bind_score_metrics(py::module_& m) {
    m.def(
        per_scalar_name<F>("log_loss").c_str(),
        [](const IntArray& y_true, const CArray<F>& probabilities, std::vector<std::int32_t> classes,
           const OptionalWeights<F>& weights) {
            const linfa::ClassSet class_set(std::move(classes));
            return metrics::log_loss<F>(span_of(y_true, "y_true"), view_of(probabilities), class_set, weights_of(weights));
        },
        py::arg("y_true").noconvert(), py::arg("y_pred").noconvert(), py::arg("classes"),
        py::arg("sample_weight").noconvert() = py::none(), "Mean cross-entropy of probabilities (n_samples x n_classes).");
    m.def(
        per_scalar_name<F>("roc_auc_score").c_str(),
        [](const IntArray& y_true, const CArray<F>& scores, std::int32_t pos_label, const OptionalWeights<F>& weights) {
            const auto t = span_of(y_true, "y_true");
            const auto s = span_of<F>(scores, "y_score");
            const auto w = weights_of(weights);
            return without_gil([&] { return metrics::roc_auc_score<F>(t, s, pos_label, w); });
        },
        py::arg("y_true").noconvert(), py::arg("y_score").noconvert(), py::arg("pos_label"),
        py::arg("sample_weight").noconvert() = py::none(), "Area under the ROC curve of binary scores.");
    m.def(
        per_scalar_name<F>("silhouette_samples").c_str(),
        [](const CArray<F>& x, const IntArray& labels) {
            const auto records = view_of(x);
            const auto l = span_of(labels, "labels");
            return without_gil([&] { return metrics::silhouette_samples<F>(records, l); });
        },
        py::arg("X").noconvert(), py::arg("labels").noconvert(), "Silhouette coefficient of each sample (euclidean).");
    m.def(
        per_scalar_name<F>("silhouette_score").c_str(),
        [](const CArray<F>& x, const IntArray& labels) {
            const auto records = view_of(x);
            const auto l = span_of(labels, "labels");
            return without_gil([&] { return metrics::silhouette_score<F>(records, l); });
        },
        py::arg("X").noconvert(), py::arg("labels").noconvert(), "Mean silhouette coefficient (euclidean).");
}

void bind_metrics(py::module_& m) {
    py::module_ sub = m.def_submodule("metrics", "C++ linfa::metrics (the scikit-learn API is linfa.metrics).");
    py::enum_<metrics::Average>(sub, "Average", "How per-label scores are averaged (C++ linfa::metrics::Average).")
        .value("Binary", metrics::Average::Binary)
        .value("Micro", metrics::Average::Micro)
        .value("Macro", metrics::Average::Macro)
        .value("Weighted", metrics::Average::Weighted);
    bind_regression<float>(sub);
    bind_regression<double>(sub);
    bind_label_metrics(sub);
    bind_score_metrics<float>(sub);
    bind_score_metrics<double>(sub);
}

const RegisterBindings registered(bind_metrics);

}  // namespace
}  // namespace linfa_python
