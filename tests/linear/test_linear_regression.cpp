// LinearRegression and Ridge: exact recovery, weights as multiplicities, the minimum-norm
// solution on rank-deficient and underdetermined data, both solvers of each, and bad input.
// Agreement with scikit-learn itself is checked from Python (python/tests/test_linear.py).
#include <doctest/doctest.h>

#include <Eigen/QR>

#include <linfa/linear/linear_regression.hpp>
#include <linfa/linear/ridge.hpp>

using linfa::DatasetView;
using linfa::Matrix;
using linfa::Vector;
using linfa::linear::LinearRegression;
using linfa::linear::Ridge;
using linfa::linear::RidgeSolver;

static_assert(linfa::ParamGuard<linfa::linear::LinearRegressionParams<double>>);
static_assert(linfa::Fit<linfa::linear::LinearRegressionParams<double>, linfa::Dataset<double, Vector<double>>>);
static_assert(linfa::Fit<linfa::linear::RidgeParams<float>, DatasetView<float>>);
static_assert(linfa::Predict<LinearRegression<double>, DatasetView<double>>);
static_assert(linfa::PredictInplace<Ridge<float>, DatasetView<float>, Matrix<float>>);
static_assert(!linfa::FitWith<linfa::linear::LinearRegressionParams<double>, LinearRegression<double>, DatasetView<double>>);
static_assert(!linfa::FitPredict<linfa::linear::RidgeParams<double>, DatasetView<double>>);
static_assert(!linfa::PredictProba<LinearRegression<double>, DatasetView<double>>);
static_assert(!linfa::Transformer<Ridge<double>, DatasetView<double>>);
static_assert(!std::is_default_constructible_v<LinearRegression<double>>);

namespace {

struct Problem {
    Matrix<double> x, y;
    DatasetView<double> view() const { return DatasetView<double>(x).with_targets(linfa::MatrixView<double>(y.data(), y.rows(), y.cols())); }
};

/// y = x b^T + c (+ noise), n x d records, t targets.
Problem linear_problem(Eigen::Index n, Eigen::Index d, Eigen::Index t, double noise, std::uint64_t seed = 1) {
    linfa::Rng rng(seed);
    Problem p{Matrix<double>(n, d), Matrix<double>(n, t)};
    for (Eigen::Index i = 0; i < p.x.size(); ++i) p.x.data()[i] = rng.normal<double>() * 3 + 1;
    Matrix<double> b(t, d);
    for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = rng.normal<double>();
    p.y = p.x * b.transpose();
    for (Eigen::Index j = 0; j < t; ++j) p.y.col(j).array() += double(j) - 2.0;
    for (Eigen::Index i = 0; i < p.y.size(); ++i) p.y.data()[i] += noise * rng.normal<double>();
    return p;
}

/// The minimum-norm least-squares solution with an intercept, by a complete orthogonal
/// decomposition of the centred data: the reference for rank-deficient problems.
Matrix<double> min_norm_reference(const Problem& p) {
    const Eigen::RowVectorXd xm = p.x.colwise().mean(), ym = p.y.colwise().mean();
    const Eigen::MatrixXd xc = p.x.rowwise() - xm, yc = p.y.rowwise() - ym;
    return xc.completeOrthogonalDecomposition().solve(yc).transpose();
}

}  // namespace

TEST_CASE("LinearRegression recovers exact linear data, one and several targets") {
    for (const Eigen::Index t : {1, 3}) {
        const Problem p = linear_problem(500, 6, t, 0.0);
        const auto model = LinearRegression<double>::params().fit(p.view());
        CHECK(model.n_targets() == std::size_t(t));
        CHECK(model.rank() == 6);
        CHECK(model.singular().size() == 6);
        const Matrix<double> predicted = model.predict(p.x);
        CHECK((predicted - p.y).cwiseAbs().maxCoeff() < 1e-9);
        for (Eigen::Index j = 0; j < t; ++j) CHECK(model.intercept()[j] == doctest::Approx(double(j) - 2.0).epsilon(1e-10));
        CHECK(model.score(p.view()) == doctest::Approx(1.0));
    }
}

TEST_CASE("LinearRegression: weights act as multiplicities; no intercept goes through the origin") {
    const Problem p = linear_problem(200, 4, 1, 0.5);
    Vector<double> w(200);
    for (Eigen::Index i = 0; i < 200; ++i) w[i] = double(i % 3);  // 0, 1, 2 copies
    Problem repeated{Matrix<double>(0, 4), Matrix<double>(0, 1)};
    for (Eigen::Index i = 0; i < 200; ++i) {
        for (int c = 0; c < int(w[i]); ++c) {
            repeated.x.conservativeResize(repeated.x.rows() + 1, 4), repeated.x.bottomRows(1) = p.x.row(i);
            repeated.y.conservativeResize(repeated.y.rows() + 1, 1), repeated.y.bottomRows(1) = p.y.row(i);
        }
    }
    const auto weighted = LinearRegression<double>::params().fit(
        DatasetView<double>(linfa::MatrixView<double>(p.x.data(), 200, 4), std::span<const double>(w.data(), 200))
            .with_targets(linfa::MatrixView<double>(p.y.data(), 200, 1)));
    const auto copies = LinearRegression<double>::params().fit(repeated.view());
    CHECK((weighted.coef() - copies.coef()).cwiseAbs().maxCoeff() < 1e-10);
    CHECK(weighted.intercept()[0] == doctest::Approx(copies.intercept()[0]).epsilon(1e-10));

    const auto origin = LinearRegression<double>::params().fit_intercept(false).fit(p.view());
    CHECK(origin.intercept()[0] == 0.0);
    const Eigen::VectorXd direct = p.x.colPivHouseholderQr().solve(Eigen::VectorXd(p.y.col(0)));
    CHECK((origin.coef().row(0).transpose() - direct).cwiseAbs().maxCoeff() < 1e-10);
}

TEST_CASE("LinearRegression: rank-deficient and underdetermined data give the minimum-norm solution") {
    Problem p = linear_problem(300, 5, 2, 0.1);
    p.x.col(4) = p.x.col(1);                        // a duplicated feature
    p.x.col(3) = 2.0 * p.x.col(0) - p.x.col(2);     // a combination of others
    const auto model = LinearRegression<double>::params().fit(p.view());
    CHECK(model.rank() == 3);
    CHECK((model.coef() - min_norm_reference(p)).cwiseAbs().maxCoeff() < 1e-8);
    CHECK(model.coef()(0, 1) == doctest::Approx(model.coef()(0, 4)).epsilon(1e-8));  // split evenly
    CHECK(model.coef().allFinite());

    const Problem wide = linear_problem(8, 20, 1, 0.0);  // fewer samples than features
    const auto under = LinearRegression<double>::params().fit(wide.view());
    CHECK(under.rank() == 7);                           // n - 1 after centring
    CHECK(under.singular().size() == 8);                // min(n, d) singular values
    CHECK((under.predict(wide.x) - wide.y).cwiseAbs().maxCoeff() < 1e-9);  // interpolates
    CHECK((under.coef() - min_norm_reference(wide)).cwiseAbs().maxCoeff() < 1e-8);
}

TEST_CASE("LinearRegression: ill-conditioned data takes the QR route and stays accurate") {
    Problem p = linear_problem(400, 4, 1, 0.0);
    p.x.col(3) = p.x.col(0) + 1e-5 * p.x.col(3);  // condition number ~1e5: the normal equations would lose ~6 digits
    const Eigen::RowVectorXd b = (Eigen::RowVectorXd(4) << 1, -2, 0.5, 3).finished();
    p.y.col(0) = (p.x * b.transpose()).array() + 0.25;
    const auto model = LinearRegression<double>::params().fit(p.view());
    CHECK(model.rank() == 4);
    CHECK((model.coef().row(0) - b).cwiseAbs().maxCoeff() < 1e-7);
}

TEST_CASE("LinearRegression float32: fits in double, answers in float") {
    const Problem p = linear_problem(300, 3, 1, 0.0);
    const Matrix<float> x = p.x.cast<float>(), y = p.y.cast<float>();
    const auto model = LinearRegression<float>::params().fit(
        DatasetView<float>(x).with_targets(linfa::MatrixView<float>(y.data(), y.rows(), 1)));
    static_assert(std::same_as<decltype(model.predict(x)), Matrix<float>>);
    CHECK((model.predict(x) - y).cwiseAbs().maxCoeff() < 1e-3);
}

TEST_CASE("Ridge: Cholesky and SVD solvers agree with the closed form; alpha 0 is least squares") {
    const Problem p = linear_problem(250, 5, 2, 1.0);
    const Eigen::RowVectorXd xm = p.x.colwise().mean(), ym = p.y.colwise().mean();
    const Eigen::MatrixXd xc = p.x.rowwise() - xm, yc = p.y.rowwise() - ym;
    const double alpha = 7.5;
    const Eigen::MatrixXd expected =
        ((xc.transpose() * xc + alpha * Eigen::MatrixXd::Identity(5, 5)).ldlt().solve(xc.transpose() * yc)).transpose();
    for (const auto solver : {RidgeSolver::Auto, RidgeSolver::Cholesky, RidgeSolver::Svd}) {
        CAPTURE(int(solver));
        const auto model = Ridge<double>::params().alpha(alpha).solver(solver).fit(p.view());
        CHECK((model.coef() - expected).cwiseAbs().maxCoeff() < 1e-10);
        const Eigen::VectorXd intercept = ym.transpose() - expected * xm.transpose();
        CHECK((model.intercept() - intercept).cwiseAbs().maxCoeff() < 1e-10);
    }
    const auto ols = LinearRegression<double>::params().fit(p.view());
    const auto zero = Ridge<double>::params().alpha(0).fit(p.view());
    CHECK((zero.coef() - ols.coef()).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("Ridge: one alpha per target; singular systems fall back to the SVD") {
    Problem p = linear_problem(100, 4, 2, 0.3);
    const auto both = Ridge<double>::params().alphas({0.5, 20.0}).fit(p.view());
    const auto first = Ridge<double>::params().alpha(0.5).fit(p.view());
    const auto second = Ridge<double>::params().alpha(20.0).fit(p.view());
    CHECK((both.coef().row(0) - first.coef().row(0)).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((both.coef().row(1) - second.coef().row(1)).cwiseAbs().maxCoeff() < 1e-12);

    p.x.col(3).setConstant(2.5);  // a constant feature: X^T X is singular, with alpha 0 Cholesky fails
    const auto fallback = Ridge<double>::params().alpha(0).solver(RidgeSolver::Cholesky).fit(p.view());
    CHECK(fallback.coef().allFinite());
    CHECK(fallback.coef().col(3).isZero());  // the SVD drops the direction of no variance
    CHECK((fallback.coef() - min_norm_reference(p)).cwiseAbs().maxCoeff() < 1e-8);
}

TEST_CASE("linear models refuse bad parameters and bad data by name") {
    const Problem p = linear_problem(50, 3, 2, 0.1);
    CHECK_THROWS_WITH_AS(Ridge<double>::params().alpha(-1).check(), "Ridge: alpha must be finite and >= 0, found -1.000000",
                         linfa::linear::LinearParamsError);
    CHECK_THROWS_AS(Ridge<double>::params().alpha(std::nan("")).check(), linfa::InvalidParams);
    CHECK_THROWS_WITH_AS(Ridge<double>::params().alphas({1, 2, 3}).fit(p.view()),
                         "Ridge: 3 alphas for 2 targets; give one alpha, or one per target", linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(LinearRegression<double>::params().fit(DatasetView<double>(p.x)),
                         "LinearRegression: the dataset has no continuous targets to fit", linfa::InvalidInput);
    Matrix<double> y = p.y;
    y(7, 1) = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS(LinearRegression<double>::params().fit(DatasetView<double>(p.x).with_targets(linfa::MatrixView<double>(y.data(), 50, 2))),
                         "targets contain NaN or infinity (row 7, column 1)", linfa::InvalidInput);
    const auto model = LinearRegression<double>::params().fit(p.view());
    CHECK_THROWS_WITH_AS(model.predict(Matrix<double>(Matrix<double>::Zero(2, 4))),
                         "linear model: expected 3 features per sample (as in training), found 4", linfa::InvalidInput);
}
