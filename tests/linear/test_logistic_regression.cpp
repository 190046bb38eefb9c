// LogisticRegression and its L-BFGS: the optimum against an independent Newton solution,
// weights as multiplicities, class weights, one-vs-rest as separate binary fits, warm starts,
// labels of any value, far-away records, and bad input. Agreement with scikit-learn and SciPy
// is checked from Python (python/tests/test_logistic.py).
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <sstream>

#include <Eigen/Cholesky>

#include <linfa/linear/logistic_regression.hpp>
#include <linfa/optim/lbfgs.hpp>

#include "support.hpp"

using linfa::DatasetView;
using linfa::InvalidInput;
using linfa::InvalidParams;
using linfa::Labels;
using linfa::Matrix;
using linfa::linear::LogisticRegression;
using linfa::linear::MultiClass;

static_assert(linfa::ParamGuard<linfa::linear::LogisticRegressionParams<double>>);
static_assert(linfa::Fit<linfa::linear::LogisticRegressionParams<double>, DatasetView<double>>);
static_assert(linfa::Fit<linfa::linear::LogisticRegressionParams<float>, linfa::Dataset<float>>);
static_assert(linfa::PredictInplace<LogisticRegression<float>, DatasetView<float>, Labels>);
static_assert(linfa::PredictProba<LogisticRegression<double>, DatasetView<double>>);
static_assert(!linfa::Transformer<LogisticRegression<double>, DatasetView<double>>);
static_assert(std::is_same_v<decltype(std::declval<LogisticRegression<float>>().predict_proba(std::declval<DatasetView<float>>())),
                             Matrix<float>>);

namespace {

/// `x` with one label per row and optional weights, viewed.
template <class T>
DatasetView<T> labelled(const Matrix<T>& x, const Labels& labels, std::span<const T> weights = {}) {
    return DatasetView<T>(linfa::MatrixView<T>(x.data(), x.rows(), x.cols()), weights)
        .with_labels(std::span<const std::int32_t>(labels.data(), std::size_t(labels.size())));
}

/// Records around `k` centres that overlap (so the optimum is finite), labels `label_of(c)`.
struct Problem {
    Matrix<double> x;
    Labels labels;
    DatasetView<double> view() const { return labelled(x, labels); }
};

Problem overlapping_classes(Eigen::Index n, Eigen::Index d, int k, std::uint64_t seed = 3,
                            std::int32_t (*label_of)(int) = [](int c) { return std::int32_t(c); }) {
    linfa::Rng rng(seed);
    Problem p{Matrix<double>(n, d), Labels(n)};
    for (Eigen::Index i = 0; i < n; ++i) {
        const int c = int(i % k);
        p.labels[i] = label_of(c);
        for (Eigen::Index j = 0; j < d; ++j) p.x(i, j) = rng.normal<double>() + (j % k == c ? 1.0 : 0.0) + 0.5;
    }
    return p;
}

/// The binary optimum by Newton's method on [w, b]: an independent reference for L-BFGS.
Eigen::VectorXd newton_binary(const Matrix<double>& x, const Labels& labels, std::int32_t positive, double c,
                              const Eigen::VectorXd& weights) {
    const Eigen::Index n = x.rows(), d = x.cols();
    Eigen::MatrixXd a(n, d + 1);
    a << x, Eigen::VectorXd::Ones(n);
    Eigen::VectorXd w = Eigen::VectorXd::Zero(d + 1), y(n);
    for (Eigen::Index i = 0; i < n; ++i) y[i] = labels[i] == positive ? 1.0 : 0.0;
    Eigen::VectorXd penalty = Eigen::VectorXd::Constant(d + 1, 1.0 / c);
    penalty[d] = 0;  // the intercept is not penalised
    for (int step = 0; step < 50; ++step) {
        const Eigen::ArrayXd p = 1.0 / (1.0 + (-(a * w).array()).exp());
        const Eigen::VectorXd gradient = a.transpose() * (weights.array() * (p - y.array())).matrix() + penalty.cwiseProduct(w);
        Eigen::MatrixXd hessian = a.transpose() * (weights.array() * p * (1 - p)).matrix().asDiagonal() * a;
        hessian.diagonal() += penalty;
        w -= hessian.ldlt().solve(gradient);
        if (gradient.lpNorm<Eigen::Infinity>() < 1e-12) break;
    }
    return w;
}

/// The penalised binary objective at [w, b].
double binary_objective(const Matrix<double>& x, const Labels& labels, std::int32_t positive, double c,
                        const Eigen::VectorXd& weights, const Eigen::VectorXd& w) {
    double total = 0.5 / c * w.head(x.cols()).squaredNorm();
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double s = x.row(i).dot(w.head(x.cols())) + w[x.cols()], y = labels[i] == positive ? 1.0 : 0.0;
        total += weights[i] * (std::log1p(std::exp(-std::abs(s))) + std::max(s, 0.0) - y * s);
    }
    return total;
}

}  // namespace

TEST_CASE("L-BFGS minimises the Rosenbrock function to its tolerance") {
    auto rosenbrock = [](const Eigen::VectorXd& v, Eigen::VectorXd& g) {
        const double a = 1 - v[0], b = v[1] - v[0] * v[0];
        g.resize(2);
        g[0] = -2 * a - 400 * v[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    };
    linfa::optim::LbfgsOptions options;
    options.max_iterations = 200;
    options.gradient_tolerance = 1e-10;
    options.relative_decrease = 0;
    const auto result = linfa::optim::minimize_lbfgs(rosenbrock, Eigen::Vector2d(-1.2, 1.0), options);
    CHECK(result.converged);
    CHECK(std::abs(result.x[0] - 1) < 1e-8);
    CHECK(std::abs(result.x[1] - 1) < 1e-8);
    CHECK(result.iterations < 100);
}

TEST_CASE("binary logistic regression reaches Newton's optimum, with and without sample weights") {
    const Problem p = overlapping_classes(600, 4, 2);
    for (const bool weighted : {false, true}) {
        Eigen::VectorXd weights = Eigen::VectorXd::Ones(p.x.rows());
        if (weighted) {
            for (Eigen::Index i = 0; i < weights.size(); ++i) weights[i] = 0.25 + double(i % 7) / 4;
        }
        const DatasetView<double> data = labelled(p.x, p.labels, std::span<const double>(weights.data(), std::size_t(weights.size())));
        const auto model = LogisticRegression<double>::params().c(0.7).tol(1e-10).max_iter(500).fit(data);
        const Eigen::VectorXd reference = newton_binary(p.x, p.labels, 1, 0.7, weights);
        REQUIRE(model.coef().rows() == 1);
        CHECK(model.converged());
        // L-BFGS also stops when an iteration lowers the objective by < 2.2e-9 of it (SciPy's
        // ftol, as scikit-learn): the objective is then that close, the coefficients ~1e-4
        for (Eigen::Index j = 0; j < 4; ++j) CHECK(model.coef()(0, j) == doctest::Approx(reference[j]).epsilon(1e-4));
        CHECK(model.intercept()[0] == doctest::Approx(reference[4]).epsilon(1e-4));
        Eigen::VectorXd found(5);
        found << model.coef().row(0).transpose(), model.intercept()[0];
        CHECK(binary_objective(p.x, p.labels, 1, 0.7, weights, found) ==
              doctest::Approx(binary_objective(p.x, p.labels, 1, 0.7, weights, reference)).epsilon(1e-8));
    }
}

TEST_CASE("one-vs-rest rows are the binary fits of each class against the rest") {
    const Problem p = overlapping_classes(900, 3, 3);
    const auto model = LogisticRegression<double>::params().multi_class(MultiClass::OneVsRest).tol(1e-10).max_iter(500).fit(p.view());
    REQUIRE(model.coef().rows() == 3);
    CHECK(model.n_iter().size() == 3);
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(p.x.rows());
    for (std::int32_t c = 0; c < 3; ++c) {
        const Eigen::VectorXd reference = newton_binary(p.x, p.labels, c, 1.0, ones);
        for (Eigen::Index j = 0; j < 3; ++j) CHECK(model.coef()(c, j) == doctest::Approx(reference[j]).epsilon(1e-4));
    }
    const Matrix<double> proba = model.predict_proba(DatasetView<double>(p.x));
    CHECK((proba.rowwise().sum().array() - 1).abs().maxCoeff() < 1e-12);
}

TEST_CASE("multinomial logistic regression: a stationary point, probabilities that sum to one") {
    const Problem p = overlapping_classes(1200, 5, 4);
    const auto model = LogisticRegression<double>::params().c(2.0).tol(1e-8).max_iter(500).fit(p.view());
    REQUIRE(model.coef().rows() == 4);
    CHECK(model.converged());
    // the gradient of the objective at the model: residuals sum to zero per class (intercepts)
    // and X^T residuals + W / C vanishes
    const Matrix<double> proba = model.predict_proba(DatasetView<double>(p.x));
    Eigen::MatrixXd residual = proba;
    for (Eigen::Index i = 0; i < p.x.rows(); ++i) residual(i, p.labels[i]) -= 1;
    const Eigen::MatrixXd coef_gradient = residual.transpose() * p.x + model.coef() / 2.0;
    // small next to the n = 1200 terms summed (L-BFGS also stops on a tiny relative decrease)
    CHECK(coef_gradient.lpNorm<Eigen::Infinity>() < 1e-2);
    CHECK(residual.colwise().sum().lpNorm<Eigen::Infinity>() < 1e-2);
    CHECK((proba.rowwise().sum().array() - 1).abs().maxCoeff() < 1e-12);
    const Matrix<double> log_proba = model.predict_log_proba(DatasetView<double>(p.x));
    CHECK((log_proba.array().exp() - proba.array()).abs().maxCoeff() < 1e-12);
    const Labels predicted = model.predict(DatasetView<double>(p.x));
    CHECK(model.score(p.view()) == doctest::Approx((predicted.array() == p.labels.array()).cast<double>().mean()));
}

TEST_CASE("integer sample weights act as repeated records; class weights as sample weights") {
    const Problem p = overlapping_classes(300, 3, 3);
    Eigen::VectorXd weights(p.x.rows());
    Problem repeated{Matrix<double>(0, 3), Labels(0)};
    std::vector<Eigen::Index> rows;
    for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
        weights[i] = double(i % 4);  // (labels cycle with period 3: every class keeps records)
        for (int r = 0; r < int(i % 4); ++r) rows.push_back(i);
    }
    repeated.x.resize(Eigen::Index(rows.size()), 3);
    repeated.labels.resize(Eigen::Index(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
        repeated.x.row(Eigen::Index(r)) = p.x.row(rows[r]);
        repeated.labels[Eigen::Index(r)] = p.labels[rows[r]];
    }
    const auto params = LogisticRegression<double>::params().tol(1e-10).max_iter(500);
    const DatasetView<double> weighted = labelled(p.x, p.labels, std::span<const double>(weights.data(), std::size_t(weights.size())));
    const auto a = params.fit(weighted), b = params.fit(repeated.view());
    CHECK((a.coef() - b.coef()).lpNorm<Eigen::Infinity>() < 1e-6);

    // class 2 weighing 3 is every record of class 2 weighing 3
    Eigen::VectorXd by_class(p.x.rows());
    for (Eigen::Index i = 0; i < p.x.rows(); ++i) by_class[i] = p.labels[i] == 2 ? 3.0 : 1.0;
    const DatasetView<double> class_weighted = labelled(p.x, p.labels, std::span<const double>(by_class.data(), std::size_t(by_class.size())));
    auto listed = params;
    listed.class_weight({{2, 3.0}});
    CHECK((listed.fit(p.view()).coef() - params.fit(class_weighted).coef()).lpNorm<Eigen::Infinity>() < 1e-6);

    // balanced: n / (k x count); with equal counts every class weighs 1
    auto balanced = params;
    balanced.balanced_class_weight();
    CHECK((balanced.fit(p.view()).coef() - params.fit(p.view()).coef()).lpNorm<Eigen::Infinity>() < 1e-9);
}

TEST_CASE("labels of any value; two classes fitted as a softmax give one row of half the binary scores") {
    const Problem p = overlapping_classes(400, 3, 2, 5, [](int c) { return std::int32_t(c == 0 ? -7 : 1000); });
    const auto binary = LogisticRegression<double>::params().tol(1e-10).fit(p.view());
    CHECK(std::vector<std::int32_t>(binary.classes().labels().begin(), binary.classes().labels().end()) ==
          std::vector<std::int32_t>{-7, 1000});
    const Labels predicted = binary.predict(DatasetView<double>(p.x));
    for (Eigen::Index i = 0; i < predicted.size(); ++i) CHECK((predicted[i] == -7 || predicted[i] == 1000));
    // the softmax of rows -w and w is the sigmoid of 2w: half the binary model's coefficients
    // at C doubled (the penalty counts both rows)
    const auto softmax = LogisticRegression<double>::params().multi_class(MultiClass::Multinomial).c(0.5).tol(1e-10).fit(p.view());
    const auto halved = LogisticRegression<double>::params().c(1.0).tol(1e-10).fit(p.view());
    REQUIRE(softmax.coef().rows() == 1);
    CHECK((2 * softmax.coef() - halved.coef()).lpNorm<Eigen::Infinity>() < 1e-4);  // both stop at ftol
    const Matrix<double> a = softmax.predict_proba(DatasetView<double>(p.x)), b = halved.predict_proba(DatasetView<double>(p.x));
    CHECK((a - b).lpNorm<Eigen::Infinity>() < 1e-4);
}

TEST_CASE("far-away records get finite log-probabilities and the expected class") {
    const Problem p = overlapping_classes(600, 3, 3);
    const auto model = LogisticRegression<double>::params().fit(p.view());
    Matrix<double> far = Matrix<double>::Zero(1, 3);
    far(0, 1) = 1e6;  // deep in class 1's direction
    const Matrix<double> log_proba = model.predict_log_proba(DatasetView<double>(far));
    CHECK(log_proba.allFinite());
    CHECK(model.predict(DatasetView<double>(far))[0] == 1);
    CHECK(log_proba(0, 0) < -1e3);
}

TEST_CASE("a warm start from the optimum converges at once to the same model") {
    const Problem p = overlapping_classes(500, 3, 3);
    const auto cold = LogisticRegression<double>::params().tol(1e-6).fit(p.view());
    auto params = LogisticRegression<double>::params().tol(1e-6);
    params.warm_start(cold);
    const auto warm = params.fit(p.view());
    CHECK(warm.n_iter()[0] <= 2);
    CHECK((warm.coef() - cold.coef()).lpNorm<Eigen::Infinity>() < 1e-4);
    const Problem binary = overlapping_classes(500, 3, 2);
    test::check_throws([&] { params.fit(binary.view()); }, "warm start");
}

TEST_CASE("float records fit in float and agree with double") {
    const Problem p = overlapping_classes(800, 4, 3);
    const Matrix<float> x = p.x.cast<float>();
    const auto f = LogisticRegression<float>::params().tol(1e-6).fit(labelled(x, p.labels));
    const auto d = LogisticRegression<double>::params().tol(1e-6).fit(p.view());
    CHECK((f.coef().cast<double>() - d.coef()).lpNorm<Eigen::Infinity>() < 1e-3);
}

TEST_CASE("logistic regression refuses bad parameters and data, naming the problem") {
    const Problem p = overlapping_classes(60, 2, 2);
    using Params = linfa::linear::LogisticRegressionParams<double>;
    CHECK_THROWS_AS(Params().c(0).check(), InvalidParams);
    CHECK_THROWS_AS(Params().c(-1).check(), InvalidParams);
    CHECK_THROWS_AS(Params().c(std::nan("")).check(), InvalidParams);
    CHECK_THROWS_AS(Params().tol(-1).check(), InvalidParams);
    CHECK_THROWS_AS(Params().max_iter(0).check(), InvalidParams);
    CHECK_THROWS_AS(Params().class_weight({{0, -1.0}}).check(), InvalidParams);
    test::check_throws([&] { Params().class_weight({{5, 2.0}}).fit(p.view()); }, "class 5");

    Labels one_class = Labels::Zero(p.x.rows());
    test::check_throws(
        [&] { Params().fit(labelled(p.x, one_class)); },
        "at least 2 classes");
    test::check_throws([&] { Params().fit(DatasetView<double>(p.x)); }, "no class labels");
    Matrix<double> with_nan = p.x;
    with_nan(3, 1) = std::nan("");
    test::check_throws(
        [&] { Params().fit(labelled(with_nan, p.labels)); },
        "NaN");
    std::vector<double> negative(60, 1.0);
    negative[4] = -1;
    test::check_throws(
        [&] {
            Params().fit(labelled(p.x, p.labels, std::span<const double>(negative)));
        },
        "non-negative");
    const auto model = Params().fit(p.view());
    const Matrix<double> wrong = Matrix<double>::Zero(2, 3);
    test::check_throws([&] { model.predict_proba(DatasetView<double>(wrong)); }, "expected 2 features");
    Matrix<double> inf_row = Matrix<double>::Zero(1, 2);
    inf_row(0, 0) = INFINITY;
    CHECK_THROWS_AS(model.predict(DatasetView<double>(inf_row)), InvalidInput);
}

TEST_CASE("a logistic model file whose layout does not fit its classes is refused") {
    const Problem p = overlapping_classes(90, 2, 3);
    const auto model = LogisticRegression<double>::params().fit(p.view());
    std::ostringstream out;
    linfa::save(model, out, linfa::FileFormat::json);
    std::string text = out.str();
    const auto at = text.find("\"layout\": 1");
    REQUIRE(at != std::string::npos);
    text.replace(at, 11, "\"layout\": 0");
    std::istringstream in(text);
    CHECK_THROWS_AS(linfa::load<LogisticRegression<double>>(in), linfa::ModelFileError);
}
