// linfa::metrics: hand-computed values, scikit-learn's edge cases, and every input error.
// Agreement with scikit-learn on random data is tested in python/tests/test_metrics.py.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <linfa/core/rng.hpp>
#include <linfa/metrics.hpp>

#include "error_message.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using linfa::InvalidInput;
using linfa::Matrix;
using linfa::MatrixView;
using namespace linfa::metrics;
using Ints = std::vector<std::int32_t>;
using Doubles = std::vector<double>;

MatrixView<double> column(const Doubles& values) {
    return MatrixView<double>(values.data(), static_cast<Eigen::Index>(values.size()), 1);
}
MatrixView<double> view(const Matrix<double>& m) { return MatrixView<double>(m.data(), m.rows(), m.cols()); }
std::span<const double> span(const Doubles& values) { return values; }

/// The message of the InvalidInput that `call` throws.
template <class Call>
std::string error_of(Call call) {
    return test::message_of<InvalidInput>(call);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// ------------------------------------------------------------------ regression

TEST_CASE("metrics: regression scores by hand") {
    const Doubles y{1, 2, 3, 4}, p{1, 2, 3, 5}, w{1, 1, 1, 3};
    CHECK(r2_score(column(y), column(p)) == doctest::Approx(0.8).epsilon(1e-15));
    CHECK(mean_squared_error(column(y), column(p)) == 0.25);
    CHECK(mean_absolute_error(column(y), column(p)) == 0.25);
    // weighted mean 3, SS_tot 8, SS_res 3
    CHECK(r2_score(column(y), column(p), span(w)) == doctest::Approx(0.625).epsilon(1e-15));
    CHECK(mean_squared_error(column(y), column(p), span(w)) == 0.5);
    CHECK(mean_absolute_error(column(y), column(p), span(w)) == 0.5);
}

TEST_CASE("metrics: R2 averages targets and scores constant targets as scikit-learn") {
    Matrix<double> y(4, 2), exact(4, 2), off(4, 2);
    y << 1, 2, 2, 2, 3, 2, 4, 2;
    exact << 1, 2, 2, 2, 3, 2, 5, 2;  // second target constant, predicted exactly: 1
    off << 1, 2, 2, 2, 3, 2, 5, 3;    // second target constant, missed: 0
    CHECK(r2_score(view(y), view(exact)) == doctest::Approx(0.9).epsilon(1e-15));
    CHECK(r2_score(view(y), view(off)) == doctest::Approx(0.4).epsilon(1e-15));
    CHECK(mean_squared_error(view(y), view(off)) == doctest::Approx((0.25 + 0.25) / 2));
    const Doubles one{3};
    CHECK(std::isnan(r2_score(column(one), column(one))));
    CHECK(mean_squared_error(column(one), column(one)) == 0);
}

TEST_CASE("metrics: regression scores accept float") {
    const std::vector<float> y{1, 2, 3, 4}, p{1, 2, 3, 5};
    const MatrixView<float> yv(y.data(), 4, 1), pv(p.data(), 4, 1);
    CHECK(r2_score(yv, pv) == doctest::Approx(0.8).epsilon(1e-15));
    CHECK(mean_absolute_error(yv, pv) == 0.25);
}

TEST_CASE("metrics: regression input errors") {
    const Doubles y{1, 2, 3}, short_p{1, 2}, nan_p{1, std::nan(""), 3}, inf_y{1, INFINITY, 3};
    const Doubles negative{1, -1, 1}, zero{0, 0, 0}, two{1, 1}, empty;
    CHECK(contains(error_of([&] { r2_score(column(y), column(short_p)); }), "y_pred is 2 x 1, expected the shape of y_true, 3 x 1"));
    CHECK(contains(error_of([&] { mean_squared_error(column(y), column(nan_p)); }),
                   "mean_squared_error: y_pred contain NaN or infinity (row 1, column 0)"));
    CHECK(contains(error_of([&] { mean_absolute_error(column(inf_y), column(y)); }), "y_true contain NaN or infinity"));
    CHECK(contains(error_of([&] { r2_score(column(empty), column(empty)); }), "r2_score: need at least one sample, found 0"));
    CHECK(contains(error_of([&] { r2_score(column(y), column(y), span(negative)); }), "must be non-negative"));
    CHECK(contains(error_of([&] { r2_score(column(y), column(y), span(zero)); }), "must not all be zero"));
    CHECK(contains(error_of([&] { r2_score(column(y), column(y), span(two)); }),
                   "r2_score: sample_weight has 2 values, expected 3"));
    const Matrix<double> no_targets(3, 0);
    CHECK(contains(error_of([&] { r2_score(view(no_targets), view(no_targets)); }), "need at least one target, found 0"));
}

// ------------------------------------------------------------------ accuracy, confusion matrix

TEST_CASE("metrics: accuracy and confusion matrix by hand") {
    const Ints t{0, 1, 2, 2}, p{0, 2, 2, 1};
    const Doubles w{1, 2, 3, 4};
    CHECK(accuracy_score(t, p) == 0.5);
    CHECK(accuracy_score(t, p, span(w)) == doctest::Approx(0.4).epsilon(1e-15));

    const Matrix<double> counts = confusion_matrix(t, p);
    Matrix<double> expected(3, 3);
    expected << 1, 0, 0, 0, 0, 1, 0, 1, 1;
    CHECK(counts == expected);
    const Matrix<double> weighted = confusion_matrix(t, p, {}, span(w));
    expected << 1, 0, 0, 0, 0, 2, 0, 4, 3;
    CHECK(weighted == expected);
    // a label list orders the rows and drops samples outside it
    const Ints order{2, 0};
    const Matrix<double> chosen = confusion_matrix(t, p, order);
    Matrix<double> expected_chosen(2, 2);
    expected_chosen << 1, 0, 0, 1;
    CHECK(chosen == expected_chosen);
}

TEST_CASE("metrics: accuracy and confusion matrix input errors") {
    const Ints t{0, 1, 2}, shorter{0, 1}, empty, absent{7}, twice{1, 1};
    const Doubles negative{1, -1, 1}, nan_w{1, std::nan(""), 1};
    CHECK(contains(error_of([&] { accuracy_score(t, shorter); }), "accuracy_score: y_pred has 2 values, expected 3"));
    CHECK(contains(error_of([&] { accuracy_score(empty, empty); }), "need at least one sample, found 0"));
    CHECK(contains(error_of([&] { accuracy_score(t, t, span(negative)); }), "must be non-negative"));
    CHECK(contains(error_of([&] { accuracy_score(t, t, span(nan_w)); }), "NaN or infinity"));
    CHECK(contains(error_of([&] { confusion_matrix(t, shorter); }), "confusion_matrix: y_pred has 2 values"));
    CHECK(contains(error_of([&] { confusion_matrix(t, t, absent); }), "expected at least one of labels [7] in y_true, found none"));
    CHECK(contains(error_of([&] { confusion_matrix(t, t, twice); }), "labels must be distinct, found 1 twice"));
}

// ------------------------------------------------------------------ precision, recall, F1

TEST_CASE("metrics: binary precision, recall and F1 by hand") {
    const Ints t{0, 1, 1, 0, 1}, p{0, 1, 0, 1, 1};
    CHECK(precision_score(t, p) == doctest::Approx(2.0 / 3).epsilon(1e-15));
    CHECK(recall_score(t, p) == doctest::Approx(2.0 / 3).epsilon(1e-15));
    CHECK(f1_score(t, p) == doctest::Approx(2.0 / 3).epsilon(1e-15));
    const auto negative = precision_recall_fscore(t, p, {.pos_label = 0});
    CHECK(negative.precision == 0.5);
    CHECK(negative.recall == 0.5);
    CHECK(negative.f1 == 0.5);
    // weighting sample 3 (a false positive) three times: precision 2/5, recall 2/3
    const Doubles w{1, 1, 1, 3, 1};
    const auto weighted = precision_recall_fscore(t, p, {}, span(w));
    CHECK(weighted.precision == doctest::Approx(0.4).epsilon(1e-15));
    CHECK(weighted.recall == doctest::Approx(2.0 / 3).epsilon(1e-15));
    CHECK(weighted.f1 == doctest::Approx(2 * 0.4 * (2.0 / 3) / (0.4 + 2.0 / 3)).epsilon(1e-15));
}

TEST_CASE("metrics: averaged and per-label precision, recall and F1 by hand") {
    const Ints t{0, 1, 2, 2, 1}, p{0, 2, 2, 1, 1};
    const auto macro = precision_recall_fscore(t, p, {.average = Average::Macro});
    CHECK(macro.precision == doctest::Approx(2.0 / 3).epsilon(1e-15));
    CHECK(macro.f1 == doctest::Approx(2.0 / 3).epsilon(1e-15));
    CHECK(f1_score(t, p, {.average = Average::Micro}) == doctest::Approx(0.6).epsilon(1e-15));
    CHECK(recall_score(t, p, {.average = Average::Weighted}) == doctest::Approx(0.6).epsilon(1e-15));
    const PerLabelScores per = precision_recall_fscore_support(t, p);
    CHECK(per.labels == Ints{0, 1, 2});
    CHECK(per.precision[0] == 1.0);
    CHECK(per.recall[1] == 0.5);
    CHECK(per.f1[2] == 0.5);
    CHECK(per.support[1] == 2.0);
    // a chosen label list, one label absent from the data: all its scores are 0
    const Ints chosen{2, 9};
    const PerLabelScores some = precision_recall_fscore_support(t, p, chosen);
    CHECK(some.precision[0] == 0.5);
    CHECK(some.precision[1] == 0.0);
    CHECK(some.support[1] == 0.0);
    CHECK(precision_score(t, p, {.average = Average::Macro, .labels = {2, 9}}) == 0.25);
}

TEST_CASE("metrics: zero divisions count as 0, as scikit-learn's zero_division=0") {
    const Ints t{0, 0}, p{1, 1};
    const auto s = precision_recall_fscore(t, p);  // no positive in y_true: recall 0/0
    CHECK(s.precision == 0.0);
    CHECK(s.recall == 0.0);
    CHECK(s.f1 == 0.0);
    const Ints only_zero{0, 0};
    CHECK(f1_score(only_zero, only_zero) == 0.0);  // pos_label 1 absent from a single present label
    // Weighted over labels without true samples: zeros
    CHECK(precision_score(t, p, {.average = Average::Weighted, .labels = {1}}) == 0.0);
}

TEST_CASE("metrics: precision, recall and F1 input errors") {
    const Ints multi{0, 1, 2}, two{0, 1, 1}, shorter{0, 1};
    CHECK(contains(error_of([&] { precision_score(multi, multi); }),
                   "Average::Binary expects at most two distinct labels, found 3 (0, 1, 2); choose Micro, Macro or Weighted"));
    CHECK(contains(error_of([&] { recall_score(two, two, {.pos_label = 5}); }),
                   "pos_label 5 is not a valid label; expected one of 0, 1"));
    CHECK(contains(error_of([&] { f1_score(two, shorter); }), "y_pred has 2 values, expected 3"));
    CHECK(contains(error_of([&] { f1_score(two, two, {.average = Average::Macro, .labels = {1, 1}}); }),
                   "labels must be distinct"));
    const Ints none;
    CHECK(contains(error_of([&] { precision_recall_fscore_support(none, none); }), "need at least one sample"));
    const Doubles negative{1, -2, 1};
    CHECK(contains(error_of([&] { precision_recall_fscore_support(two, two, {}, span(negative)); }), "non-negative"));
}

// ------------------------------------------------------------------ log loss

TEST_CASE("metrics: log loss by hand, clipped and renormalised as scikit-learn 1.2") {
    const double eps = std::numeric_limits<double>::epsilon();
    const linfa::ClassSet classes({0, 1});
    const Ints t{0, 1};
    Matrix<double> p(2, 2);
    p << 0.8, 0.2, 0.3, 0.7;
    CHECK(log_loss(t, view(p), classes) == doctest::Approx(-(std::log(0.8) + std::log(0.7)) / 2).epsilon(1e-15));
    const Doubles w{3, 1};
    CHECK(log_loss(t, view(p), classes, span(w)) ==
          doctest::Approx(-(3 * std::log(0.8) + std::log(0.7)) / 4).epsilon(1e-15));
    // rows need not sum to 1: each is divided by its sum after clipping
    Matrix<double> unnormalised(2, 2);
    unnormalised << 2, 2, 1, 3;
    CHECK(log_loss(t, view(unnormalised), classes) ==
          doctest::Approx(-(std::log((1 - eps) / (2 - 2 * eps)) + std::log(0.5)) / 2).epsilon(1e-15));
    // a zero probability for the true class is clipped to eps
    Matrix<double> certain(1, 2);
    certain << 1, 0;
    const Ints one{1};
    CHECK(log_loss(one, view(certain), classes) == doctest::Approx(-std::log(eps)).epsilon(1e-15));
    // labels are any int32 values, columns in the order of the class set
    const linfa::ClassSet odd({-5, 40, 70});
    Matrix<double> three(2, 3);
    three << 0.2, 0.5, 0.3, 0.1, 0.1, 0.8;
    const Ints labels{40, 70};
    CHECK(log_loss(labels, view(three), odd) == doctest::Approx(-(std::log(0.5) + std::log(0.8)) / 2).epsilon(1e-15));
    const std::vector<float> pf{0.8f, 0.2f, 0.3f, 0.7f};
    CHECK(log_loss(t, MatrixView<float>(pf.data(), 2, 2), classes) ==
          doctest::Approx(-(std::log(0.8) + std::log(0.7)) / 2).epsilon(1e-6));
}

TEST_CASE("metrics: log loss input errors") {
    const linfa::ClassSet classes({0, 1});
    const Ints t{0, 1}, unknown{0, 3}, none;
    Matrix<double> p(2, 2), narrow(2, 1), nan_p(2, 2), rows3(3, 2);
    p << 0.8, 0.2, 0.3, 0.7;
    narrow << 0.5, 0.5;
    nan_p << 0.8, 0.2, std::nan(""), 0.7;
    rows3.setConstant(0.5);
    CHECK(contains(error_of([&] { log_loss(t, view(narrow), classes); }),
                   "log_loss: probabilities have 1 columns, expected one per class (2)"));
    CHECK(contains(error_of([&] { log_loss(t, view(rows3), classes); }), "log_loss: probabilities has 3 rows, expected 2"));
    CHECK(contains(error_of([&] { log_loss(t, view(nan_p), classes); }), "probabilities contain NaN or infinity (row 1, column 0)"));
    CHECK(contains(error_of([&] { log_loss(unknown, view(p), classes); }),
                   "log_loss: y_true holds label 3 (sample 1), expected one of the classes [0, 1]"));
    CHECK(contains(error_of([&] { log_loss(t, view(narrow), linfa::ClassSet({0})); }), "need at least two classes, found 1"));
    CHECK(contains(error_of([&] { log_loss(none, view(Matrix<double>(0, 2)), classes); }), "need at least one sample"));
    const Doubles negative{-1, 1};
    CHECK(contains(error_of([&] { log_loss(t, view(p), classes, span(negative)); }), "non-negative"));
}

// ------------------------------------------------------------------ ROC AUC

TEST_CASE("metrics: ROC AUC by hand, ties counting half") {
    const Ints t{0, 0, 1, 1};
    const Doubles s{0.1, 0.4, 0.35, 0.8};
    CHECK(roc_auc_score(t, span(s)) == 0.75);
    const Ints tied_t{0, 1};
    const Doubles tied{0.5, 0.5};
    CHECK(roc_auc_score(tied_t, span(tied)) == 0.5);
    const Ints t2{0, 1, 1, 0};
    const Doubles s2{1, 1, 2, 0};
    CHECK(roc_auc_score(t2, span(s2)) == 0.875);
    CHECK(roc_auc_score(t2, span(s2), 0) == 0.125);  // the other class positive: 1 - AUC
    // weights: a positive of weight 3 scored above everything
    const Doubles w{1, 1, 3, 1};
    CHECK(roc_auc_score(t2, span(s2), 1, span(w)) == doctest::Approx((3 * 2 + 1 * 1.5) / 8).epsilon(1e-15));
    const Ints labels{-1, 7, 7, -1};
    CHECK(roc_auc_score(labels, span(s2), 7) == 0.875);
}

TEST_CASE("metrics: ROC AUC input errors") {
    const Ints one_class{1, 1}, three{0, 1, 2}, t{0, 1};
    const Doubles s{0.1, 0.2}, s3{0.1, 0.2, 0.3}, nan_s{0.1, std::nan("")};
    CHECK(contains(error_of([&] { roc_auc_score(one_class, span(s)); }), "expected exactly two classes in y_true, found 1 (1)"));
    CHECK(contains(error_of([&] { roc_auc_score(three, span(s3)); }), "expected exactly two classes in y_true, found 3"));
    CHECK(contains(error_of([&] { roc_auc_score(t, span(s), 4); }), "pos_label 4 is not in y_true; expected one of 0, 1"));
    CHECK(contains(error_of([&] { roc_auc_score(t, span(s3)); }), "roc_auc_score: scores has 3 values, expected 2"));
    CHECK(contains(error_of([&] { roc_auc_score(t, span(nan_s)); }), "roc_auc_score: scores contain NaN or infinity"));
    const Doubles zero_positive{1, 0};
    CHECK(contains(error_of([&] { roc_auc_score(t, span(s), 1, span(zero_positive)); }),
                   "the positive class has zero total weight"));
    const Ints none;
    const Doubles no_scores;
    CHECK(contains(error_of([&] { roc_auc_score(none, span(no_scores)); }), "need at least one sample"));
}

// ------------------------------------------------------------------ silhouette

namespace {

/// Silhouettes by the definition, from an explicit distance matrix (tests only).
Doubles brute_force_silhouettes(const Matrix<double>& x, const Ints& labels) {
    const auto n = static_cast<std::size_t>(x.rows());
    const std::int32_t k = *std::max_element(labels.begin(), labels.end()) + 1;
    Doubles s(n);
    for (std::size_t i = 0; i < n; ++i) {
        Doubles sums(std::size_t(k), 0.0), sizes(std::size_t(k), 0.0);
        for (std::size_t j = 0; j < n; ++j) {
            sums[std::size_t(labels[j])] += (x.row(Eigen::Index(i)) - x.row(Eigen::Index(j))).norm();
            sizes[std::size_t(labels[j])] += 1;
        }
        const auto own = std::size_t(labels[i]);
        if (sizes[own] == 1) continue;
        const double a = sums[own] / (sizes[own] - 1);
        double b = INFINITY;
        for (std::size_t c = 0; c < std::size_t(k); ++c)
            if (c != own && sizes[c] > 0) b = std::min(b, sums[c] / sizes[c]);
        s[i] = (b - a) / std::max(a, b);
    }
    return s;
}

}  // namespace

TEST_CASE("metrics: silhouette by hand") {
    const Doubles x{0, 1, 10, 11};
    const Ints labels{0, 0, 1, 1};
    const double expected = (9.5 / 10.5 + 8.5 / 9.5) / 2;
    CHECK(silhouette_score(column(x), labels) == doctest::Approx(expected).epsilon(1e-15));
    const Eigen::VectorXd s = silhouette_samples(column(x), labels);
    CHECK(s[0] == doctest::Approx(9.5 / 10.5).epsilon(1e-15));
    CHECK(s[1] == doctest::Approx(8.5 / 9.5).epsilon(1e-15));
    // a singleton cluster scores 0; labels are any int32 values
    const Doubles y{0, 1, 10};
    const Ints odd{-3, -3, 100};
    const Eigen::VectorXd t = silhouette_samples(column(y), odd);
    CHECK(t[0] == doctest::Approx(0.9).epsilon(1e-15));
    CHECK(t[1] == doctest::Approx(8.0 / 9).epsilon(1e-15));
    CHECK(t[2] == 0.0);
    // identical points in two clusters: a = b = 0 scores 0
    const Doubles same{1, 1, 1};
    const Ints two{0, 0, 1};
    CHECK(silhouette_score(column(same), two) == 0.0);
}

TEST_CASE("metrics: silhouette matches the definition and is the same on any thread count") {
    // several blocks, several tiles per cluster, uneven clusters
    linfa::Rng rng(7);
    const Eigen::Index n = 1500, d = 5;
    Matrix<double> x(n, d);
    Ints labels(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) {
        labels[std::size_t(i)] = static_cast<std::int32_t>(i % 7 == 0 ? 3 : i % 3);
        for (Eigen::Index f = 0; f < d; ++f) x(i, f) = rng.uniform() + 2.0 * labels[std::size_t(i)] * (f == 0);
    }
    const Doubles reference = brute_force_silhouettes(x, labels);
    const Eigen::VectorXd s = silhouette_samples(view(x), labels);
    double mean = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        CHECK(s[i] == doctest::Approx(reference[std::size_t(i)]).epsilon(1e-12));
        mean += reference[std::size_t(i)];
    }
    mean /= double(n);
    const double score = silhouette_score(view(x), labels);
    CHECK(score == doctest::Approx(mean).epsilon(1e-12));
#ifdef _OPENMP
    const int threads = omp_get_max_threads();
    for (const int t : {1, 2, 3}) {
        omp_set_num_threads(t);
        CHECK(silhouette_score(view(x), labels) == score);
        CHECK(silhouette_samples(view(x), labels) == s);
    }
    omp_set_num_threads(threads);
#endif
    const Matrix<float> xf = x.cast<float>();
    CHECK(silhouette_score(MatrixView<float>(xf.data(), n, d), labels) == doctest::Approx(score).epsilon(1e-5));
}

TEST_CASE("metrics: silhouette input errors") {
    const Doubles x{0, 1, 10, 11};
    const Ints one{0, 0, 0, 0}, all{0, 1, 2, 3}, shorter{0, 1};
    CHECK(contains(error_of([&] { silhouette_score(column(x), one); }),
                   "silhouette_score: expected between 2 and n_samples - 1 (3) distinct labels, found 1"));
    CHECK(contains(error_of([&] { silhouette_samples(column(x), all); }), "distinct labels, found 4"));
    CHECK(contains(error_of([&] { silhouette_score(column(x), shorter); }), "labels has 2 values, expected 4"));
    const Doubles nan_x{0, std::nan(""), 1, 2}, huge{0, 1e200, 1, 2};
    const Ints two{0, 0, 1, 1};
    CHECK(contains(error_of([&] { silhouette_score(column(nan_x), two); }), "records contain NaN or infinity (row 1, column 0)"));
    CHECK(contains(error_of([&] { silhouette_score(column(huge), two); }), "squared distances would overflow"));
    const Matrix<double> no_features(4, 0), none(0, 2);
    CHECK(contains(error_of([&] { silhouette_score(view(no_features), two); }), "need at least one feature, found 0"));
    CHECK(contains(error_of([&] { silhouette_score(view(none), Ints{}); }), "need at least one sample, found 0"));
}
