// The distributed fits made of per-chunk summaries (core/chunk_summaries.hpp): StandardScaler,
// MinMaxScaler, MaxAbsScaler and GaussianNB over the in-process ThreadGroup: the
// single-process model bit for bit, for 1-4 ranks and every shard layout; errors raised on
// every rank, NaN named by its global row.
#include <doctest/doctest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <linfa/distributed/naive_bayes.hpp>
#include <linfa/distributed/scalers.hpp>
#include <linfa/distributed/thread_group.hpp>

#include "distributed/every_layout.hpp"

using linfa::DatasetView;
using linfa::distributed::ThreadGroup;
using linfa::naive_bayes::GaussianNb;
using linfa::preprocessing::ColumnExtremes;
using linfa::preprocessing::ColumnMoments;
using linfa::preprocessing::MaxAbsScaler;
using linfa::preprocessing::MinMaxScaler;
using linfa::preprocessing::StandardScaler;

namespace {

/// Rows with class labels: the blob each row was drawn around, labelled `label_base` + its index.
template <class F>
struct Labelled {
    test::shards::Data<F> data;
    std::vector<std::int32_t> labels;

    Labelled(std::size_t n, std::size_t d, std::size_t classes, bool weighted, std::int32_t label_base)
        : data(n, d, classes, weighted, 48), labels(n) {
        for (std::size_t i = 0; i < n; ++i) labels[i] = label_base + std::int32_t(i % classes);
    }
    DatasetView<F> slice(std::size_t begin, std::size_t end) const {
        return data.slice(begin, end).with_labels(std::span<const std::int32_t>(labels.data() + begin, end - begin));
    }
    DatasetView<F> view() const { return slice(0, labels.size()); }
    std::size_t n_samples() const { return labels.size(); }
};

void check_same(const ColumnMoments& a, const ColumnMoments& b) {
    CHECK(a.rows == b.rows);
    CHECK(a.weight == b.weight);
    CHECK(a.mean == b.mean);
    CHECK(a.m2 == b.m2);
}

void check_same(const ColumnExtremes& a, const ColumnExtremes& b) {
    CHECK(a.rows == b.rows);
    CHECK(a.min == b.min);
    CHECK(a.max == b.max);
}

/// The first three ranks' rows of `data` (3 x 2000 rows) on three ThreadGroup ranks: what each throws.
template <class Params>
std::vector<std::string> errors_of(const test::shards::Data<double>& data, const Params& params) {
    return test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
        linfa::distributed::fit(params, comm, data.slice(comm.rank() * 2000, comm.rank() * 2000 + 2000));
    });
}

}  // namespace

TEST_CASE_TEMPLATE("distributed StandardScaler fits the single-process model bit for bit", F, float, double) {
    auto same = [](const StandardScaler<F>& a, const StandardScaler<F>& b) {
        check_same(a.moments(), b.moments());
        CHECK(a.scale() == b.scale());
    };
    test::shards::check_fit_on_every_layout(test::shards::Data<F>(20011, 6, 5, true, 41), StandardScaler<F>::params().check(), same);
    test::shards::check_fit_on_every_layout(test::shards::Data<F>(9001, 3, 2, false, 42), StandardScaler<F>::params().with_mean(false).check(), same);
}

TEST_CASE_TEMPLATE("distributed MinMaxScaler and MaxAbsScaler fit the single-process models bit for bit", F, float, double) {
    const test::shards::Data<F> data(20011, 5, 4, false, 43);
    test::shards::check_fit_on_every_layout(data, MinMaxScaler<F>::params().feature_range(-1, 2).check(), [](const MinMaxScaler<F>& a, const MinMaxScaler<F>& b) {
        check_same(a.extremes(), b.extremes());
        CHECK(a.scale() == b.scale());
        CHECK(a.min() == b.min());
    });
    test::shards::check_fit_on_every_layout(data, MaxAbsScaler<F>::params().check(), [](const MaxAbsScaler<F>& a, const MaxAbsScaler<F>& b) {
        check_same(a.extremes(), b.extremes());
        CHECK(a.scale() == b.scale());
    });
}

TEST_CASE("distributed scalers: NaN or infinity fails on every rank, named by its global row") {
    test::shards::Data<double> data(6000, 3, 2, false, 44);
    data.records(4321, 2) = std::numeric_limits<double>::quiet_NaN();  // rank 2's rows
    data.records(5000, 1) = std::numeric_limits<double>::infinity();
    const std::string message = "records contain NaN or infinity (row 4321, column 2)";
    // The single-process fits name the same row.
    CHECK_THROWS_WITH(StandardScaler<double>::params().check().fit(data.view()), message.c_str());
    for (const auto& e : errors_of(data, StandardScaler<double>::params().check())) CHECK(e == message);
    for (const auto& e : errors_of(data, MinMaxScaler<double>::params().check())) CHECK(e == message);
    for (const auto& e : errors_of(data, MaxAbsScaler<double>::params().check())) CHECK(e == message);
}

TEST_CASE("distributed scalers: bad shapes and weights fail on every rank") {
    test::shards::Data<double> weighted(6000, 3, 2, true, 45);
    // MinMaxScaler takes no weights: the rank passing them is named by the others.
    auto errors = errors_of(weighted, MinMaxScaler<double>::params().check());
    CHECK(errors[0].find("rank 0") == std::string::npos);
    for (const auto& e : errors) CHECK(e.find("sample weights are not supported") != std::string::npos);

    // A rank whose rows all weigh zero takes part; no weight anywhere fails.
    std::fill(weighted.weights.begin() + 4000, weighted.weights.end(), 0.0);
    const auto params = StandardScaler<double>::params().check();
    const auto one = params.fit(weighted.view());
    std::vector<std::optional<StandardScaler<double>>> models(3);
    ThreadGroup::run(3, [&](const ThreadGroup::Member& comm) {
        const std::size_t r = comm.rank();
        models[r] = linfa::distributed::fit(params, comm, weighted.slice(r * 2000, r * 2000 + 2000));
    });
    for (const auto& model : models) check_same(model->moments(), one.moments());
    std::fill(weighted.weights.begin(), weighted.weights.end(), 0.0);
    for (const auto& e : errors_of(weighted, params)) CHECK(e.find("sample weights must not all be zero") != std::string::npos);

    // No rows on any rank.
    const auto none = test::shards::errors_on_ranks(2, [&](const ThreadGroup::Member& comm) {
        linfa::distributed::fit(params, comm, weighted.slice(0, 0));
    });
    for (const auto& e : none) CHECK(e == "StandardScaler: need at least 1 sample, found 0");

    // Another feature count on one rank.
    const test::shards::Data<double> wide(100, 4, 2, false, 46), narrow(100, 3, 2, false, 47);
    const auto widths = test::shards::errors_on_ranks(2, [&](const ThreadGroup::Member& comm) {
        linfa::distributed::fit(MaxAbsScaler<double>::params().check(), comm, comm.rank() == 0 ? narrow.view() : wide.view());
    });
    for (const auto& e : widths) CHECK(e.find("MaxAbsScaler: features: rank 1 has 4") != std::string::npos);
}

TEST_CASE_TEMPLATE("distributed GaussianNB fits the single-process model bit for bit", F, float, double) {
    auto same = [](const GaussianNb<F>& a, const GaussianNb<F>& b) {
        CHECK(a.classes().labels().size() == b.classes().labels().size());
        CHECK(std::equal(a.classes().labels().begin(), a.classes().labels().end(), b.classes().labels().begin()));
        CHECK(a.moments().weight == b.moments().weight);
        CHECK(a.moments().mean == b.moments().mean);
        CHECK(a.moments().m2 == b.moments().m2);
        CHECK(a.epsilon() == b.epsilon());
        CHECK(a.class_epsilon() == b.class_epsilon());
    };
    test::shards::check_fit_on_every_layout(Labelled<F>(20011, 5, 4, true, -3), GaussianNb<F>::params().check(), same);
    // Classes given (one with no row), and priors.
    test::shards::check_fit_on_every_layout(Labelled<F>(9001, 3, 3, false, 10), GaussianNb<F>::params().classes({10, 11, 12, 40}).priors({0.1, 0.2, 0.3, 0.4}).check(),
                       same);
}

TEST_CASE("distributed GaussianNB: bad labels and rows fail on every rank") {
    Labelled<double> problem(6000, 3, 3, false, 0);
    auto errors_with = [&](const linfa::naive_bayes::GaussianNbParams<double>& params) {
        return test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            linfa::distributed::fit(params.check(), comm, problem.slice(comm.rank() * 2000, comm.rank() * 2000 + 2000));
        });
    };
    problem.labels[4500] = 77;  // rank 2's: not one of the classes given
    auto errors = errors_with(GaussianNb<double>::params().classes({0, 1, 2}));
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("label 77") != std::string::npos);
    // Without classes given, 77 is a class of its own; the priors must then be four.
    errors = errors_with(GaussianNb<double>::params().priors({0.2, 0.3, 0.5}));
    for (const auto& e : errors) CHECK(e.find("priors need one value per class (4), found 3") != std::string::npos);
    problem.data.records(1234, 1) = std::numeric_limits<double>::infinity();
    for (const auto& e : errors_with(GaussianNb<double>::params())) CHECK(e == "records contain NaN or infinity (row 1234, column 1)");
    // Rows without labels on rank 1.
    const auto unlabelled = test::shards::errors_on_ranks(2, [&](const ThreadGroup::Member& comm) {
        const auto rows = problem.slice(comm.rank() * 2000, comm.rank() * 2000 + 2000);
        linfa::distributed::fit(GaussianNb<double>::params().check(), comm, comm.rank() == 1 ? problem.data.slice(2000, 4000) : rows);
    });
    CHECK(unlabelled[0].find("rank 1 failed") != std::string::npos);
    CHECK(unlabelled[1].find("no class labels") != std::string::npos);
}
