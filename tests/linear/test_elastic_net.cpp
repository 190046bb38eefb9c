// ElasticNet and Lasso: the optimality (KKT) conditions of the objective on sparse problems,
// both descent paths (Gram matrix, residual) agreeing, positive coefficients, random selection,
// warm starts, several targets, float32, and every bad parameter and input. Agreement with
// scikit-learn itself is checked from Python (python/tests/test_elastic_net.py).
#include <doctest/doctest.h>

#include <cmath>

#include <linfa/linear/elastic_net.hpp>

#include "support.hpp"

using linfa::DatasetView;
using linfa::Matrix;
using linfa::Vector;
using linfa::linear::ElasticNet;
using linfa::linear::ElasticNetParams;
using linfa::linear::Precompute;
using linfa::linear::Selection;

static_assert(linfa::ParamGuard<ElasticNetParams<double>>);
static_assert(linfa::Fit<ElasticNetParams<double>, DatasetView<double>>);
static_assert(linfa::Fit<ElasticNetParams<float>, linfa::Dataset<float, Vector<float>>>);
static_assert(linfa::Predict<ElasticNet<double>, DatasetView<double>>);
static_assert(linfa::PredictInplace<ElasticNet<float>, DatasetView<float>, Matrix<float>>);
static_assert(!linfa::FitWith<ElasticNetParams<double>, ElasticNet<double>, DatasetView<double>>);
static_assert(!linfa::FitPredict<ElasticNetParams<double>, DatasetView<double>>);
static_assert(!linfa::PredictProba<ElasticNet<double>, DatasetView<double>>);
static_assert(!linfa::Transformer<ElasticNet<double>, DatasetView<double>>);
static_assert(!std::is_default_constructible_v<ElasticNet<double>>);

namespace {

template <class F = double>
struct Problem {
    Matrix<F> x, y;
    Vector<F> w;  // sample weights (empty: none)
    DatasetView<F> view() const {
        const linfa::MatrixView<F> records(x.data(), x.rows(), x.cols());
        const DatasetView<F> v(records, std::span<const F>(w.data(), std::size_t(w.size())));
        return v.with_targets(linfa::MatrixView<F>(y.data(), y.rows(), y.cols()));
    }
    template <class G>
    Problem<G> as() const {
        return {x.template cast<G>(), y.template cast<G>(), w.template cast<G>()};
    }
};

/// n x d records with an offset, t targets driven by 4 features each, noise, optional weights.
Problem<> sparse_problem(Eigen::Index n, Eigen::Index d, Eigen::Index t, bool weighted, std::uint64_t seed = 3) {
    linfa::Rng rng(seed);
    Problem<> p{Matrix<double>(n, d), Matrix<double>(n, t), Vector<double>()};
    for (Eigen::Index i = 0; i < p.x.size(); ++i) p.x.data()[i] = rng.normal<double>() * (1 + double(i % d) / double(d)) + 0.5;
    Matrix<double> b = Matrix<double>::Zero(t, d);
    for (Eigen::Index k = 0; k < t; ++k) {
        for (Eigen::Index j = 0; j < 4; ++j) b(k, (k + 3 * j) % d) = (j % 2 ? -1.0 : 1.0) * (1.0 + double(j));
    }
    p.y = p.x * b.transpose();
    for (Eigen::Index i = 0; i < p.y.size(); ++i) p.y.data()[i] += 0.5 * rng.normal<double>() + 2.0;
    if (weighted) {
        p.w.resize(n);
        for (Eigen::Index i = 0; i < n; ++i) p.w[i] = 0.2 + 3 * rng.uniform();
    }
    return p;
}

/// Largest violation of the optimality conditions of the objective, target by target:
/// g_j = (1/n) sum_i s_i x_ij r_i (s: weights summing to n) must be alpha l1 sign(w_j) +
/// alpha l2 w_j where w_j != 0, and within [-alpha l1, alpha l1] where w_j = 0.
double kkt_violation(const Problem<>& p, const ElasticNet<double>& m, double alpha, double l1_ratio, bool positive = false) {
    const Eigen::Index n = p.x.rows();
    Vector<double> s = p.w.size() ? Vector<double>(p.w * (double(n) / p.w.sum())) : Vector<double>::Ones(n);
    double worst = 0;
    for (Eigen::Index k = 0; k < p.y.cols(); ++k) {
        const Vector<double> r = p.y.col(k) - p.x * m.coef().row(k).transpose() - Vector<double>::Constant(n, m.intercept()[k]);
        worst = std::max(worst, std::abs(s.dot(r)) / double(n));  // the intercept's own condition
        const Vector<double> g = p.x.transpose() * (s.array() * r.array()).matrix() / double(n);
        for (Eigen::Index j = 0; j < g.size(); ++j) {
            const double wj = m.coef()(k, j), l1 = alpha * l1_ratio, l2 = alpha * (1 - l1_ratio);
            if (wj != 0) {
                worst = std::max(worst, std::abs(g[j] - (l1 * (wj > 0 ? 1 : -1) + l2 * wj)));
            } else {
                worst = std::max(worst, positive ? std::max(0.0, g[j] - l1) : std::max(0.0, std::abs(g[j]) - l1));
            }
        }
    }
    return worst;
}

}  // namespace

TEST_CASE("ElasticNet and Lasso meet the optimality conditions, on either path, weighted or not") {
    for (const bool weighted : {false, true}) {
        const auto p = sparse_problem(300, 12, 2, weighted);
        for (const double l1_ratio : {1.0, 0.5, 0.1}) {
            for (const auto how : {Precompute::Always, Precompute::Never}) {
                CAPTURE(weighted);
                CAPTURE(l1_ratio);
                const auto m = ElasticNet<double>::params().alpha(0.3).l1_ratio(l1_ratio).tol(1e-12).precompute(how).fit(p.view());
                CHECK(kkt_violation(p, m, 0.3, l1_ratio) < 1e-7);
                CHECK(m.converged() == std::vector<std::uint8_t>{1, 1});
                CHECK(m.n_iter().size() == 2);
                CHECK(m.dual_gap()[0] < 1e-12 * 1e4);
                if (l1_ratio == 1.0) CHECK((m.coef().array() == 0).count() >= 8);  // sparse
            }
        }
    }
}

TEST_CASE("ElasticNet: the Gram path and the residual path give the same model") {
    const auto p = sparse_problem(500, 20, 3, true);
    auto params = linfa::linear::lasso_params<double>(0.1).tol(1e-12);
    const auto gram = params.precompute(Precompute::Always).fit(p.view());
    const auto columns = params.precompute(Precompute::Never).fit(p.view());
    CHECK((gram.coef() - columns.coef()).cwiseAbs().maxCoeff() < 1e-8);
    CHECK((gram.intercept() - columns.intercept()).cwiseAbs().maxCoeff() < 1e-8);
    CHECK(gram.predict(p.view()).isApprox(columns.predict(p.view()), 1e-9));
}

TEST_CASE("ElasticNet: several targets are fitted each on its own") {
    const auto p = sparse_problem(200, 8, 3, false);
    const auto params = ElasticNet<double>::params().alpha(0.2).tol(1e-10);
    const auto all = params.fit(p.view());
    for (Eigen::Index k = 0; k < 3; ++k) {
        Problem<> one{p.x, p.y.col(k), p.w};
        const auto m = params.fit(one.view());
        CHECK((m.coef().row(0) - all.coef().row(k)).cwiseAbs().maxCoeff() < 1e-12);
        CHECK(std::abs(m.intercept()[0] - all.intercept()[k]) < 1e-12);
        CHECK(m.n_iter()[0] == all.n_iter()[std::size_t(k)]);
    }
}

TEST_CASE("ElasticNet: positive keeps every coefficient >= 0 at the constrained optimum") {
    const auto p = sparse_problem(300, 10, 1, false);
    for (const auto how : {Precompute::Always, Precompute::Never}) {
        const auto m = linfa::linear::lasso_params<double>(0.05).positive(true).tol(1e-12).precompute(how).fit(p.view());
        CHECK(m.coef().minCoeff() >= 0);
        CHECK((m.coef().array() > 0).count() >= 1);
        CHECK(kkt_violation(p, m, 0.05, 1.0, true) < 1e-7);
    }
}

TEST_CASE("ElasticNet: random selection is reproducible and reaches the same optimum") {
    const auto p = sparse_problem(300, 15, 1, false);
    for (const auto how : {Precompute::Always, Precompute::Never}) {
        auto params = ElasticNet<double>::params().alpha(0.1).l1_ratio(0.8).tol(1e-12).precompute(how).selection(Selection::Random);
        const auto a = params.rng(linfa::Rng(5)).fit(p.view());
        const auto b = params.rng(linfa::Rng(5)).fit(p.view());
        const auto c = params.rng(linfa::Rng(6)).fit(p.view());
        CHECK(a.coef() == b.coef());
        CHECK(a.n_iter() == b.n_iter());
        CHECK((a.coef() - c.coef()).cwiseAbs().maxCoeff() < 1e-8);
        CHECK(kkt_violation(p, a, 0.1, 0.8) < 1e-7);
    }
}

TEST_CASE("ElasticNet: a warm start from the solution converges at once") {
    const auto p = sparse_problem(300, 10, 2, true);
    for (const auto how : {Precompute::Always, Precompute::Never}) {
        const auto params = ElasticNet<double>::params().alpha(0.1).tol(1e-10).precompute(how);
        const auto cold = params.fit(p.view());
        auto warm_params = params;
        const auto warm = warm_params.warm_start(cold).fit(p.view());
        CHECK(warm.n_iter()[0] <= 2);
        CHECK(warm.n_iter()[0] < cold.n_iter()[0]);
        CHECK((warm.coef() - cold.coef()).cwiseAbs().maxCoeff() < 1e-8);
        // and from any start, the same optimum
        const auto from_ones = ElasticNet<double>::params().alpha(0.1).tol(1e-12).precompute(how)
                                   .warm_start(Eigen::MatrixXd::Ones(2, 10)).fit(p.view());
        CHECK((from_ones.coef() - cold.coef()).cwiseAbs().maxCoeff() < 1e-6);
    }
}

TEST_CASE("ElasticNet: a large alpha gives zero coefficients and the mean as intercept") {
    const auto p = sparse_problem(100, 5, 1, false);
    const auto m = linfa::linear::lasso_params<double>(1e6).fit(p.view());
    CHECK(m.coef().isZero(0));
    CHECK(std::abs(m.intercept()[0] - p.y.mean()) < 1e-12);
    CHECK(m.n_iter()[0] == 1);
    const auto no_intercept = linfa::linear::lasso_params<double>(1e6).fit_intercept(false).fit(p.view());
    CHECK(no_intercept.intercept()[0] == 0);
}

TEST_CASE("ElasticNet: max_iter reached is reported as not converged") {
    const auto p = sparse_problem(200, 10, 1, false);
    const auto m = ElasticNet<double>::params().alpha(0.01).tol(0).max_iter(3).fit(p.view());
    CHECK(m.n_iter()[0] == 3);
    CHECK(m.converged()[0] == 0);
    CHECK(m.dual_gap()[0] >= 0);
}

TEST_CASE("ElasticNet: float32 stays float32 and agrees with float64") {
    const auto p = sparse_problem(400, 10, 1, true);
    const auto pf = p.as<float>();
    for (const auto how : {Precompute::Always, Precompute::Never}) {
        const auto md = ElasticNet<double>::params().alpha(0.1).precompute(how).tol(1e-8).fit(p.view());
        const auto mf = linfa::linear::ElasticNetParams<float>().alpha(0.1).precompute(how).tol(1e-8).fit(pf.view());
        const Matrix<float> predicted = mf.predict(pf.view());
        CHECK((mf.coef().cast<double>() - md.coef()).cwiseAbs().maxCoeff() < 1e-3);
        CHECK(std::abs(double(mf.intercept()[0]) - md.intercept()[0]) < 1e-3);
        CHECK(predicted.rows() == 400);
    }
}

TEST_CASE("ElasticNet: model files keep iterations, gaps and convergence") {
    const auto p = sparse_problem(100, 6, 2, false);
    const auto m = ElasticNet<double>::params().alpha(0.1).fit(p.view());
    for (const auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        const auto back = test::from_bytes<ElasticNet<double>>(test::to_bytes(m, format));
        CHECK(back.coef() == m.coef());
        CHECK(back.n_iter() == m.n_iter());
        CHECK(back.dual_gap() == m.dual_gap());
        CHECK(back.converged() == m.converged());
    }
}

TEST_CASE("ElasticNet: bad parameters are refused, naming the value") {
    const auto p = sparse_problem(50, 4, 1, false);
    using linfa::linear::LinearParamsError;
    const auto fit = [&](const ElasticNetParams<double>& params) { return params.fit(p.view()); };
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().alpha(-1)); }, "alpha");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().alpha(NAN)); }, "alpha");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().alpha(INFINITY)); }, "alpha");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().l1_ratio(1.5)); }, "l1_ratio");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().l1_ratio(-0.1)); }, "l1_ratio");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().l1_ratio(NAN)); }, "l1_ratio");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().tol(-1)); }, "tol");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().tol(NAN)); }, "tol");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().max_iter(0)); }, "max_iter");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().warm_start(Eigen::MatrixXd::Zero(2, 4))); },
                                          "warm-start");
    test::check_throws<LinearParamsError>([&] { fit(ElasticNet<double>::params().warm_start(Eigen::MatrixXd::Zero(1, 3))); },
                                          "1 x 4");
    test::check_throws<LinearParamsError>(
        [&] { fit(ElasticNet<double>::params().warm_start(Eigen::MatrixXd::Constant(1, 4, NAN))); }, "finite");
    test::check_throws<linfa::InvalidParams>([&] { fit(ElasticNet<double>::params().selection(Selection(7))); }, "selection");
    test::check_throws<linfa::InvalidParams>([&] { fit(ElasticNet<double>::params().precompute(Precompute(7))); }, "precompute");
}

TEST_CASE("ElasticNet: bad data are refused") {
    using linfa::linear::LinearInputError;
    const auto params = ElasticNet<double>::params();
    auto p = sparse_problem(50, 4, 1, false);
    test::check_throws<linfa::InvalidInput>([&] { params.fit(DatasetView<double>(p.x)); }, "no continuous targets");
    Matrix<double> no_targets(50, 0);
    test::check_throws<LinearInputError>(
        [&] { params.fit(DatasetView<double>(p.x).with_targets(linfa::MatrixView<double>(no_targets.data(), 50, 0))); },
        "zero columns");
    auto bad = p;
    bad.x(3, 2) = NAN;
    test::check_throws<linfa::InvalidInput>([&] { params.fit(bad.view()); }, "NaN");
    bad = p;
    bad.y(7, 0) = INFINITY;
    test::check_throws<linfa::InvalidInput>([&] { params.fit(bad.view()); }, "targets");
    bad = p;
    bad.w = Vector<double>::Ones(50);
    bad.w[4] = -1;
    test::check_throws<linfa::InvalidInput>([&] { params.fit(bad.view()); }, "non-negative");
    Matrix<double> empty(0, 4), empty_y(0, 1);
    test::check_throws<LinearInputError>(
        [&] { params.fit(DatasetView<double>(empty).with_targets(linfa::MatrixView<double>(empty_y.data(), 0, 1))); },
        "at least one sample");
    const auto m = params.fit(p.view());
    Matrix<double> narrow(3, 3);
    narrow.setZero();
    test::check_throws<linfa::InvalidInput>([&] { m.predict(DatasetView<double>(narrow)); }, "expected 4 features");
    // Values so large that the squared deviations overflow double
    bad = p;
    bad.x(0, 0) = 1e200;
    test::check_throws<linfa::InvalidInput>([&] { ElasticNet<double>::params().precompute(Precompute::Always).fit(bad.view()); }, "");
}
