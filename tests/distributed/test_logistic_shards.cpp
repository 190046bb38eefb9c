// Distributed LogisticRegression over the in-process ThreadGroup: the single-process model bit
// for bit, for 1-4 ranks and every shard layout, binary, multinomial and one-vs-rest, with
// class and sample weights; errors raised on every rank.
#include <doctest/doctest.h>

#include <linfa/distributed/logistic.hpp>
#include <linfa/distributed/thread_group.hpp>

#include "distributed/every_layout.hpp"

using linfa::DatasetView;
using linfa::distributed::ThreadGroup;
using linfa::linear::LogisticRegression;
using linfa::linear::MultiClass;

namespace {

/// Blobs (test::shards::Data) with a class label per row: labels[c] for the rows of blob c,
/// or, when `grouped`, for the c-th k-th of the rows (so that most ranks see few classes).
template <class F>
struct Classification {
    test::shards::Data<F> data;
    std::vector<std::int32_t> labels;

    Classification(std::size_t n, std::size_t d, const std::vector<std::int32_t>& classes, bool weighted, bool grouped)
        : data(n, d, classes.size(), weighted, 41) {
        const std::size_t k = classes.size();
        for (std::size_t i = 0; i < n; ++i) labels.push_back(classes[grouped ? i * k / n : i % k]);
        if (grouped) {  // row i is of blob i % k: put the rows of blob 0 first, then blob 1's...
            const auto records = data.records;
            const auto weights = data.weights;
            std::size_t to = 0;
            for (std::size_t blob = 0; blob < k; ++blob) {
                for (std::size_t i = blob; i < n; i += k, ++to) {
                    data.records.row(Eigen::Index(to)) = records.row(Eigen::Index(i));
                    if (!weights.empty()) data.weights[to] = weights[i];
                }
            }
        }
    }

    DatasetView<F> slice(std::size_t begin, std::size_t end) const {
        return data.slice(begin, end).with_labels(std::span<const std::int32_t>(labels.data() + begin, end - begin));
    }
    DatasetView<F> view() const { return slice(0, labels.size()); }
};

/// Fits `params` on every layout of 1-4 ThreadGroup ranks; every rank's model must be the
/// single-process one: classes, coefficients, intercepts, iterations and convergence.
template <class F>
void check_every_layout(const Classification<F>& problem, const linfa::linear::LogisticRegressionValidParams<F>& params) {
    test::shards::check_fit_on_every_layout(problem, params, [](const LogisticRegression<F>& model, const LogisticRegression<F>& one) {
        CHECK(std::ranges::equal(model.classes().labels(), one.classes().labels()));
        CHECK(model.layout() == one.layout());
        CHECK(model.coef() == one.coef());
        CHECK(model.intercept() == one.intercept());
        CHECK(model.n_iter() == one.n_iter());
        CHECK(model.converged() == one.converged());
    });
}

}  // namespace

TEST_CASE_TEMPLATE("distributed LogisticRegression fits the single-process model bit for bit", F, float, double) {
    using Params = LogisticRegression<F>;
    SUBCASE("binary, weighted rows") {
        check_every_layout(Classification<F>(20011, 6, {-1, 4}, true, false), Params::params().c(0.5).check());
    }
    SUBCASE("multinomial, balanced, classes grouped by row (ranks see different classes)") {
        check_every_layout(Classification<F>(12007, 5, {3, 7, 8, 20, 21}, false, true),
                           Params::params().balanced_class_weight().max_iter(60).check());
    }
    SUBCASE("one-vs-rest, listed class weights, no intercept, weighted rows") {
        check_every_layout(Classification<F>(9001, 4, {0, 1, 2}, true, false),
                           Params::params().multi_class(MultiClass::OneVsRest).class_weight({{1, 2.5}}).fit_intercept(false).check());
    }
    SUBCASE("one-vs-rest, balanced") {
        check_every_layout(Classification<F>(7001, 3, {5, 6, 9}, false, true),
                           Params::params().multi_class(MultiClass::OneVsRest).balanced_class_weight().check());
    }
}

TEST_CASE("distributed LogisticRegression: bad rows fail on every rank, named by the rank holding them") {
    Classification<double> problem(6000, 3, {0, 1}, false, false);
    auto fit_on = [&](const Classification<double>& p, std::size_t missing_labels_rank = 99) {
        return test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            const std::size_t r = comm.rank();
            const auto rows = r == missing_labels_rank ? p.data.slice(r * 2000, r * 2000 + 2000) : p.slice(r * 2000, r * 2000 + 2000);
            linfa::distributed::fit(LogisticRegression<double>::params().check(), comm, rows);
        });
    };
    problem.data.records(4500, 1) = std::numeric_limits<double>::quiet_NaN();
    auto errors = fit_on(problem);
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[1].find("rank 2 failed") != std::string::npos);
    problem.data.records(4500, 1) = 0;

    errors = fit_on(problem, 1);
    for (const auto& e : errors) CHECK(e.find("no class labels") != std::string::npos);

    Classification<double> one_class(6000, 3, {4}, false, false);
    errors = fit_on(one_class);
    for (const auto& e : errors) CHECK(e.find("at least 2 classes") != std::string::npos);
}

TEST_CASE("distributed LogisticRegression: two ranks may each hold a single class") {
    // rank 0 holds only class 2, rank 1 only class 9: the classes are agreed over both
    Classification<double> problem(4000, 2, {2, 9}, false, true);
    const auto one = LogisticRegression<double>::params().check().fit(problem.view());
    std::vector<std::optional<LogisticRegression<double>>> models(2);
    ThreadGroup::run(2, [&](const ThreadGroup::Member& comm) {
        const std::size_t r = comm.rank();
        models[r].emplace(linfa::distributed::fit(LogisticRegression<double>::params().check(), comm, problem.slice(r * 2000, r * 2000 + 2000)));
    });
    for (const auto& model : models) {
        CHECK(model->n_classes() == 2);
        CHECK(model->coef() == one.coef());
        CHECK(model->intercept() == one.intercept());
    }
}

TEST_CASE("distributed LogisticRegression: each further L-BFGS evaluation is one all-gather of every chunk's sums") {
    // 20011 rows: 5 chunks; a binary problem on 3 features sums 1 loss + 3 coefficients + 1 intercept per chunk
    const Classification<double> problem(20011, 3, {0, 1}, false, false);
    std::vector<std::size_t> gathers(3), bytes(3);
    for (std::size_t iterations : {1, 2}) {
        const auto checked = LogisticRegression<double>::params().max_iter(iterations).tol(0).check();
        ThreadGroup::run(2, [&](const ThreadGroup::Member& member) {
            const linfa::distributed::Counted counted(member);
            const std::size_t r = member.rank();
            linfa::distributed::fit(checked, counted, problem.slice(r * 10000, r ? 20011 : 10000));
            if (r == 0) gathers[iterations] = counted.collectives(), bytes[iterations] = counted.bytes_received();
        });
    }
    REQUIRE(gathers[2] > gathers[1]);
    CHECK(bytes[2] - bytes[1] == (gathers[2] - gathers[1]) * 5 * (1 + 3 + 1) * sizeof(double));
}
