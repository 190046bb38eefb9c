// The linear models on sparse (CSR) records: each fit equals the dense fit of the same data
// (LinearRegression and Ridge to their solver's tolerance, ElasticNet and LogisticRegression to
// rounding), for float and double, with sample weights, with and without an intercept, several
// targets, and 32- or 64-bit indices (bit for bit the same); the same bits on any thread
// count; sparse predictions equal dense ones; and every bad input refused with its message.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include <linfa/linear/elastic_net.hpp>
#include <linfa/linear/linear_regression.hpp>
#include <linfa/linear/logistic_regression.hpp>
#include <linfa/linear/ridge.hpp>

#include "error_message.hpp"
#include "helpers.hpp"
#include "support.hpp"

using linfa::CsrMatrix;
using linfa::DatasetView;
using linfa::Labels;
using linfa::Matrix;
using linfa::SparseDatasetView;
using linfa::linear::ElasticNet;
using linfa::linear::LinearRegression;
using linfa::linear::LogisticRegression;
using linfa::linear::MultiClass;
using linfa::linear::Ridge;
using linfa::linear::RidgeSolver;

static_assert(linfa::Fit<linfa::linear::RidgeParams<double>, SparseDatasetView<double>>);
static_assert(linfa::Fit<linfa::linear::LogisticRegressionParams<float>, SparseDatasetView<float, std::int64_t>>);

namespace {

/// A sparse problem (about a fifth of the entries stored, shifted off zero so that the
/// centring matters) with its dense copy, continuous targets, class labels and weights.
template <class F = double>
struct Problem {
    Matrix<F> x, y;
    Labels labels;
    std::vector<F> weights;
    CsrMatrix<F, std::int32_t> narrow;
    CsrMatrix<F, std::int64_t> wide;

    Problem(Eigen::Index n, Eigen::Index d, Eigen::Index targets, unsigned seed, bool weighted)
        : x(Matrix<F>::Zero(n, d)), y(n, targets), labels(n), narrow(dense_csr<std::int32_t>(n, d, seed)),
          wide(CsrMatrix<F, std::int64_t>::from_dense(x)) {
        std::mt19937 gen(seed + 1);
        std::normal_distribution<double> noise;
        std::uniform_real_distribution<double> uniform(0.5, 2.0);
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index k = 0; k < targets; ++k) y(i, k) = F(x.row(i).head(4).sum() * double(k + 1) - x(i, d - 1) + 0.1 * noise(gen) + 3);
            const double s = double(x.row(i).head(3).sum()) + 0.5 * noise(gen);
            labels[i] = s > 1.2 ? 2 : (s > 0.3 ? 1 : 0);
            if (weighted) weights.push_back(F(uniform(gen)));
        }
    }

    /// Fills x and returns its CSR form.
    template <class I>
    CsrMatrix<F, I> dense_csr(Eigen::Index n, Eigen::Index d, unsigned seed) {
        std::mt19937 gen(seed);
        std::normal_distribution<double> value(0.7, 1.0);
        std::bernoulli_distribution stored(0.2);
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index j = 0; j < d; ++j) {
                if (stored(gen)) x(i, j) = F(value(gen));
            }
        }
        return CsrMatrix<F, I>::from_dense(x);
    }

    std::span<const F> w() const { return {weights.data(), weights.size()}; }
    std::span<const std::int32_t> classes() const { return {labels.data(), std::size_t(labels.size())}; }
    linfa::MatrixView<F> targets() const { return {y.data(), y.rows(), y.cols()}; }

    DatasetView<F> dense() const {
        return DatasetView<F>(linfa::MatrixView<F>(x.data(), x.rows(), x.cols()), w()).with_targets(targets()).with_labels(classes());
    }
    SparseDatasetView<F> sparse() const { return SparseDatasetView<F>(narrow.view(), w()).with_targets(targets()).with_labels(classes()); }
    SparseDatasetView<F, std::int64_t> sparse_wide() const {
        return SparseDatasetView<F, std::int64_t>(wide.view(), w()).with_targets(targets()).with_labels(classes());
    }
};

template <class A, class B>
double max_difference(const A& a, const B& b) {
    return double((a.template cast<double>() - b.template cast<double>()).cwiseAbs().maxCoeff());
}

/// The sparse fit (both index widths, one and two threads: all the same bits) of `params`,
/// checked against its dense fit: coefficients, intercepts and predictions within `tol`.
template <class F, class Params>
auto check_against_dense(const Problem<F>& p, const Params& params, double tol) {
    const auto dense = params.fit(p.dense());
    const auto sparse = test::with_threads(1, [&] { return params.fit(p.sparse()); });
    const auto two = test::with_threads(2, [&] { return params.fit(p.sparse()); });
    const auto wide = test::with_threads(2, [&] { return params.fit(p.sparse_wide()); });
    CHECK(sparse.coef() == two.coef());
    CHECK(sparse.coef() == wide.coef());
    CHECK(sparse.intercept() == wide.intercept());
    CHECK(max_difference(sparse.coef(), dense.coef()) <= tol);
    CHECK(max_difference(sparse.intercept(), dense.intercept()) <= tol);
    CHECK(max_difference(sparse.predict(p.narrow.view()), dense.predict(p.dense())) <= 10 * tol);
    CHECK(max_difference(sparse.predict(p.sparse_wide()), dense.predict(p.dense())) <= 10 * tol);
    return sparse;
}

}  // namespace

TEST_CASE("sparse LinearRegression and Ridge: the dense solutions, to the solver's tolerance") {
    for (const bool weighted : {false, true}) {
        for (const bool intercept : {true, false}) {
            CAPTURE(weighted);
            CAPTURE(intercept);
            const Problem<double> p(300, 30, 2, 7, weighted);
            const auto ols = check_against_dense(p, LinearRegression<double>::params().fit_intercept(intercept), 1e-8);
            CHECK(ols.rank() == 0);  // not computed for sparse records
            CHECK(ols.singular().size() == 0);
            CHECK(ols.score(p.sparse()) == doctest::Approx(LinearRegression<double>::params().fit_intercept(intercept).fit(p.dense()).score(p.dense())));
            check_against_dense(p, Ridge<double>::params().alphas({0.5, 4.0}).fit_intercept(intercept).tol(1e-12), 1e-9);
        }
    }
    SUBCASE("more features than samples: the minimum-norm solution, as the dense fit") {
        const Problem<double> p(40, 90, 1, 11, false);
        check_against_dense(p, LinearRegression<double>::params(), 1e-7);
    }
    SUBCASE("float: the dense float fit to float rounding") {
        const Problem<float> p(300, 20, 1, 5, true);
        check_against_dense(p, LinearRegression<float>::params(), 1e-4);
        check_against_dense(p, Ridge<float>::params().alpha(2).tol(1e-8), 1e-4);
    }
    SUBCASE("the default tolerance is scikit-learn's 1e-4, relative to X^T y") {
        const Problem<double> p(300, 30, 1, 3, false);
        const auto loose = Ridge<double>::params().alpha(1).fit(p.sparse());
        const auto exact = Ridge<double>::params().alpha(1).fit(p.dense());
        CHECK(max_difference(loose.coef(), exact.coef()) < 1e-2 * exact.coef().cwiseAbs().maxCoeff());
    }
}

TEST_CASE("sparse ElasticNet and Lasso: the dense coordinate descent's solution, to rounding") {
    for (const bool weighted : {false, true}) {
        for (const bool intercept : {true, false}) {
            for (const double l1_ratio : {1.0, 0.4}) {
                CAPTURE(weighted);
                CAPTURE(intercept);
                CAPTURE(l1_ratio);
                const Problem<double> p(250, 25, 2, 13, weighted);
                const auto params = ElasticNet<double>::params().alpha(0.02).l1_ratio(l1_ratio).fit_intercept(intercept).tol(1e-10).max_iter(5000);
                const auto fitted = check_against_dense(p, params, 1e-9);
                CHECK(fitted.n_iter() == params.fit(p.dense()).n_iter());
                CHECK((fitted.coef().array() == 0).any() == (params.fit(p.dense()).coef().array() == 0).any());
            }
        }
    }
    SUBCASE("positive coefficients, random selection, a warm start") {
        const Problem<double> p(200, 20, 1, 17, true);
        const auto base = ElasticNet<double>::params().alpha(0.05).tol(1e-10).max_iter(5000);
        check_against_dense(p, ElasticNet<double>::params().alpha(0.05).positive(true).tol(1e-10), 1e-9);
        check_against_dense(p, ElasticNet<double>::params().alpha(0.05).selection(linfa::linear::Selection::Random).rng(linfa::Rng(3)).tol(1e-10), 1e-9);
        const auto start = base.fit(p.dense());
        auto warm = ElasticNet<double>::params().alpha(0.04).tol(1e-10);
        warm.warm_start(start);
        check_against_dense(p, warm, 1e-9);
    }
    SUBCASE("float") {
        const Problem<float> p(200, 20, 1, 19, false);
        check_against_dense(p, ElasticNet<float>::params().alpha(0.02f).tol(1e-8), 1e-4);
    }
}

TEST_CASE("sparse LogisticRegression: the dense fit to rounding, every layout") {
    const Problem<double> p(400, 30, 1, 23, true);
    for (const MultiClass how : {MultiClass::Auto, MultiClass::OneVsRest, MultiClass::Multinomial}) {
        CAPTURE(int(how));
        const auto params = LogisticRegression<double>::params().c(3).multi_class(how).tol(1e-9).max_iter(500);
        const auto dense = params.fit(p.dense());
        const auto sparse = test::with_threads(1, [&] { return params.fit(p.sparse()); });
        CHECK(sparse.coef() == test::with_threads(2, [&] { return params.fit(p.sparse()); }).coef());
        // 32- and 64-bit indices are two compiled fits, which GCC may contract into FMAs
        // differently: equal to rounding, not bit for bit (threads never change a fit's bits)
        CHECK(max_difference(sparse.coef(), params.fit(p.sparse_wide()).coef()) < 1e-8);
        CHECK(max_difference(sparse.coef(), dense.coef()) < 1e-7);
        CHECK(max_difference(sparse.predict_proba(p.narrow.view()), dense.predict_proba(p.dense())) < 1e-9);
        CHECK(max_difference(sparse.predict_log_proba(p.sparse_wide()), dense.predict_log_proba(p.dense())) < 1e-8);
        CHECK(max_difference(sparse.decision_function(p.sparse()), dense.decision_function(p.dense())) < 1e-8);
        CHECK(sparse.predict(p.sparse()) == dense.predict(p.dense()));
        CHECK(sparse.score(p.sparse()) == doctest::Approx(dense.score(p.dense())));
    }
    SUBCASE("two classes, balanced class weights, no intercept; float") {
        Problem<float> q(300, 15, 1, 29, false);
        for (auto& label : q.labels) label = label == 2 ? 1 : label;
        const auto params = LogisticRegression<float>::params().balanced_class_weight().fit_intercept(false).tol(1e-6);
        const auto dense = params.fit(q.dense());
        const auto sparse = params.fit(q.sparse());
        CHECK(max_difference(sparse.coef(), dense.coef()) < 1e-3);
        CHECK(max_difference(sparse.predict_proba(q.sparse()), dense.predict_proba(q.dense())) < 1e-4);
    }
}

TEST_CASE("sparse linear models: bad input refused") {
    const Problem<double> p(60, 8, 1, 31, false);
    const SparseDatasetView<double> no_targets(p.narrow.view());
    CHECK(test::message_of<linfa::InvalidInput>([&] { Ridge<double>::params().fit(no_targets); }) ==
          "Ridge: the dataset has no continuous targets to fit");
    CHECK(test::message_of<linfa::InvalidInput>([&] { LogisticRegression<double>::params().fit(no_targets); }) ==
          "LogisticRegression: the dataset has no class labels to fit");
    CHECK(test::message_of<linfa::InvalidParams>([&] { Ridge<double>::params().solver(RidgeSolver::Svd).fit(p.sparse()); }) ==
          "Ridge: the SVD solver needs dense records; sparse ones are solved by conjugate gradients (solver Auto)");
    CHECK(test::message_of<linfa::InvalidParams>([&] { Ridge<double>::params().tol(-1).check(); }) ==
          "Ridge: tol must be finite and >= 0, found -1.000000");
    std::vector<double> negative(60, 1.0);
    negative[4] = -2;
    const auto weighted = SparseDatasetView<double>(p.narrow.view(), negative).with_targets(p.targets());
    CHECK(test::message_of<linfa::InvalidInput>([&] { ElasticNet<double>::params().fit(weighted); }) ==
          "sample weights must be non-negative, found -2.000000 at sample 4");
    CHECK(test::message_of<linfa::InvalidInput>([&] { SparseDatasetView<double>(p.narrow.view()).with_targets(std::span<const double>(p.y.data(), 5)); }) ==
          "targets: expected one row of targets per sample (60), found 5");

    const auto model = Ridge<double>::params().fit(p.sparse());
    const auto narrower = CsrMatrix<double>::from_dense(Matrix<double>(p.x.leftCols(7)));
    CHECK(test::message_of<linfa::InvalidInput>([&] { model.predict(narrower.view()); }) ==
          "linear model: expected 8 features per sample (as in training), found 7");
    const auto classifier = LogisticRegression<double>::params().fit(p.sparse());
    CHECK(test::message_of<linfa::InvalidInput>([&] { classifier.predict_proba(narrower.view()); }) ==
          "LogisticRegression: expected 8 features per sample (as in training), found 7");
    CHECK(test::message_of<linfa::InvalidInput>([&] { classifier.score(SparseDatasetView<double>(p.narrow.view())); }) ==
          "dataset has no class labels");
}
