// Distributed LinearRegression, Ridge and ElasticNet over the in-process ThreadGroup: the
// single-process model bit for bit, for 1-4 ranks and every shard layout; errors raised on
// every rank.
#include <doctest/doctest.h>

#include <linfa/distributed/elastic_net.hpp>
#include <linfa/distributed/linear.hpp>
#include <linfa/distributed/thread_group.hpp>

#include "distributed/every_layout.hpp"

using linfa::DatasetView;
using linfa::Matrix;
using linfa::distributed::ThreadGroup;
using linfa::linear::ElasticNet;
using linfa::linear::LinearRegression;
using linfa::linear::Precompute;
using linfa::linear::Ridge;
using linfa::linear::RidgeSolver;

namespace {

/// Records of test::shards::Data with `t` targets, each a linear function of the records
/// plus noise; `collinear`: the last feature repeats the first (rank-deficient X).
template <class F>
struct Regression {
    test::shards::Data<F> data;
    Matrix<F> targets;

    Regression(std::size_t n, std::size_t d, std::size_t t, bool weighted, bool collinear)
        : data(n, d, 5, weighted, 31), targets(Eigen::Index(n), Eigen::Index(t)) {
        if (collinear) data.records.col(Eigen::Index(d - 1)) = data.records.col(0);
        linfa::Rng rng(32);
        Matrix<F> beta{Eigen::Index(d), Eigen::Index(t)};
        for (Eigen::Index i = 0; i < beta.size(); ++i) beta.data()[i] = F(rng.uniform() * 4 - 2);
        targets = data.records * beta;
        for (Eigen::Index i = 0; i < targets.size(); ++i) targets.data()[i] += F(0.1) * rng.normal<F>() + F(3);
    }

    DatasetView<F> slice(std::size_t begin, std::size_t end) const {
        const auto t = targets.cols();
        return data.slice(begin, end).with_targets(linfa::MatrixView<F>(targets.data() + begin * std::size_t(t), Eigen::Index(end - begin), t));
    }
    DatasetView<F> view() const { return slice(0, std::size_t(targets.rows())); }
};

/// Fits `params` on every layout of 1-4 ThreadGroup ranks; every rank's model must be the
/// single-process one (same coefficients, intercepts and, through `same`, the rest).
template <class F, class Params, class Same>
void check_every_layout(const Regression<F>& problem, const Params& params, Same&& same) {
    test::shards::check_fit_on_every_layout(problem, params, [&](const auto& model, const auto& one) {
        CHECK(model.coef() == one.coef());
        CHECK(model.intercept() == one.intercept());
        same(model, one);
    });
}

}  // namespace

TEST_CASE_TEMPLATE("distributed LinearRegression fits the single-process model bit for bit", F, float, double) {
    auto same = [](const LinearRegression<F>& a, const LinearRegression<F>& b) {
        CHECK(a.rank() == b.rank());
        CHECK(a.singular() == b.singular());
    };
    // Normal equations (well conditioned), then TSQR (a repeated column: rank-deficient).
    check_every_layout(Regression<F>(20011, 6, 1, true, false), LinearRegression<F>::params().check(), same);
    check_every_layout(Regression<F>(9001, 5, 3, false, true), LinearRegression<F>::params().check(), same);
    auto no_intercept = LinearRegression<F>::params();
    no_intercept.fit_intercept(false);
    check_every_layout(Regression<F>(5000, 4, 2, true, false), no_intercept.check(), same);
}

TEST_CASE_TEMPLATE("distributed Ridge fits the single-process model bit for bit", F, float, double) {
    auto same = [](const Ridge<F>&, const Ridge<F>&) {};
    const Regression<F> problem(20011, 7, 2, true, false);
    check_every_layout(problem, Ridge<F>::params().alphas({0.5, 4}).check(), same);
    check_every_layout(problem, Ridge<F>::params().alpha(2).solver(RidgeSolver::Svd).check(), same);
}

TEST_CASE_TEMPLATE("distributed ElasticNet fits the single-process model bit for bit", F, float, double) {
    auto same = [](const ElasticNet<F>& a, const ElasticNet<F>& b) {
        CHECK(a.n_iter() == b.n_iter());
        CHECK(a.dual_gap() == b.dual_gap());
        CHECK(a.converged() == b.converged());
    };
    // Weighted, one target; then three targets, a Lasso visiting coordinates at random from a
    // warm start, positive coefficients, no intercept.
    check_every_layout(Regression<F>(20011, 6, 1, true, false), ElasticNet<F>::params().alpha(0.05).check(), same);
    Eigen::MatrixXd start = Eigen::MatrixXd::Constant(3, 5, 0.25);
    auto lasso = linfa::linear::lasso_params<F>(0.02);
    lasso.selection(linfa::linear::Selection::Random).rng(linfa::Rng(7)).warm_start(start).positive(true).fit_intercept(false);
    check_every_layout(Regression<F>(9001, 5, 3, false, false), lasso.precompute(Precompute::Always).check(), same);
}

TEST_CASE("distributed ElasticNet refuses, on every rank, parameters that descend on the columns") {
    const Regression<double> problem(6000, 3, 1, false, false);
    auto errors_of = [&](const linfa::linear::ElasticNetValidParams<double>& params) {
        return test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            linfa::distributed::fit(params, comm, problem.slice(comm.rank() * 2000, comm.rank() * 2000 + 2000));
        });
    };
    for (const auto& e : errors_of(ElasticNet<double>::params().precompute(Precompute::Never).check())) {
        CHECK(e.find("ElasticNet: a distributed fit descends on the Gram matrix") != std::string::npos);
        CHECK(e.find("n_samples = 6000, n_features = 3") != std::string::npos);
    }
    // Auto chooses the columns for fewer than 2 rows per feature: 20 rows of 11 features.
    const Regression<double> wide(20, 11, 1, false, false);
    const auto errors = test::shards::errors_on_ranks(2, [&](const ThreadGroup::Member& comm) {
        linfa::distributed::fit(ElasticNet<double>::params().check(), comm, wide.slice(comm.rank() * 10, comm.rank() * 10 + 10));
    });
    for (const auto& e : errors) CHECK(e.find("set precompute to Always") != std::string::npos);
    // A warm start of the wrong shape fails on every rank, as one process fails.
    Eigen::MatrixXd start = Eigen::MatrixXd::Zero(2, 3);
    for (const auto& e : errors_of(ElasticNet<double>::params().warm_start(start).check())) {
        CHECK(e.find("warm-start coefficients are 2 x 3") != std::string::npos);
    }
}

TEST_CASE("distributed least squares: bad rows fail on every rank, named by the rank holding them") {
    Regression<double> problem(6000, 3, 1, false, false);
    problem.targets(5500, 0) = std::numeric_limits<double>::infinity();
    std::vector<std::string> errors(3);
    auto fit_on = [&](const Regression<double>& p, const auto& params) {
        errors = test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            const std::size_t r = comm.rank();
            linfa::distributed::fit(params, comm, p.slice(r * 2000, r * 2000 + 2000));
        });
    };
    fit_on(problem, LinearRegression<double>::params().check());
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("targets") != std::string::npos);
    fit_on(Regression<double>(6000, 3, 2, false, false), Ridge<double>::params().alphas({1, 2, 3}).check());
    for (const auto& e : errors) CHECK(e.find("3 alphas for 2 targets") != std::string::npos);
}

TEST_CASE("distributed least squares: a rank whose rows all weigh zero takes part; no weight anywhere fails on every rank") {
    // Only the weights of every rank together must weigh something (the other fits share the check).
    Regression<double> problem(6000, 3, 1, true, false);
    std::fill(problem.data.weights.begin() + 4000, problem.data.weights.end(), 0.0);  // rank 2's rows
    const auto params = LinearRegression<double>::params().check();
    const auto one = params.fit(problem.view());
    std::vector<std::optional<LinearRegression<double>>> models(3);
    ThreadGroup::run(3, [&](const ThreadGroup::Member& comm) {
        const std::size_t r = comm.rank();
        models[r] = linfa::distributed::fit(params, comm, problem.slice(r * 2000, r * 2000 + 2000));
    });
    for (const auto& model : models) CHECK(model->coef() == one.coef());
    std::fill(problem.data.weights.begin(), problem.data.weights.end(), 0.0);
    const auto errors = test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
        linfa::distributed::fit(params, comm, problem.slice(comm.rank() * 2000, comm.rank() * 2000 + 2000));
    });
    for (const auto& e : errors) CHECK(e.find("sample weights must not all be zero") != std::string::npos);
}
