// Distributed Gaussian mixtures over the in-process ThreadGroup: the single-process model bit
// for bit, for every covariance type and initialisation, 1-4 ranks and every shard layout;
// errors raised on every rank.
#include <doctest/doctest.h>

#include <linfa/distributed/gmm.hpp>
#include <linfa/distributed/thread_group.hpp>

#include <limits>

#include "distributed/every_layout.hpp"

using linfa::DatasetView;
using linfa::clustering::CovarianceType;
using linfa::clustering::GaussianMixture;
using linfa::clustering::GmmInit;
using linfa::distributed::ThreadGroup;

namespace {

/// Fits `params` on every layout of 1-4 ranks: every rank's model must be the one a single
/// process fits, in every part (the labels are checked by their own case below).
template <class F>
void check_every_layout(const test::shards::Data<F>& data, const linfa::clustering::GaussianMixtureValidParams<F>& params) {
    const auto one = params.fit_predict(data.view());
    const auto& m = one.model;
    test::shards::on_every_layout(
        std::size_t(data.records.rows()),
        [&](const auto& comm, const DatasetView<F>& rows) { return linfa::distributed::fit_predict(params, comm, rows); },
        [&](std::size_t begin, std::size_t end) { return data.slice(begin, end); },
        [&](const auto& fitted) {
            const auto& model = fitted.model;
            CHECK(model.weights() == m.weights());
            CHECK(model.means() == m.means());
            CHECK(model.covariances() == m.covariances());
            CHECK(model.precisions_cholesky() == m.precisions_cholesky());
            CHECK(model.lower_bound() == m.lower_bound());
            CHECK(model.n_iter() == m.n_iter());
            CHECK(model.converged() == m.converged());
        });
}

}  // namespace

TEST_CASE_TEMPLATE("distributed GaussianMixture fits the single-process model bit for bit", F, float, double) {
    // 20011 rows: 5 chunks of 4096 and an odd last one.
    const test::shards::Data<F> plain(20011, 3, 3, false, 51), weighted(20011, 3, 3, true, 52);
    auto params = [] { return GaussianMixture<F>::params(3).max_n_iterations(8).tolerance(0).rng(linfa::Rng(5)); };
    SUBCASE("k-means init (the default), full covariances") { check_every_layout(plain, params().check()); }
    SUBCASE("k-means init, weighted, two initialisations") { check_every_layout(weighted, params().n_init(2).check()); }
    SUBCASE("k-means++ init, diagonal, weighted") {
        check_every_layout(weighted, params().init_method(GmmInit::KMeansPlusPlus).covariance_type(CovarianceType::Diag).check());
    }
    SUBCASE("random rows, tied") {
        check_every_layout(plain, params().init_method(GmmInit::RandomFromData).covariance_type(CovarianceType::Tied).check());
    }
    SUBCASE("random rows by weight, full") { check_every_layout(weighted, params().init_method(GmmInit::RandomFromData).check()); }
    SUBCASE("random responsibilities, spherical, weighted") {
        check_every_layout(weighted, params().init_method(GmmInit::Random).covariance_type(CovarianceType::Spherical).check());
    }
}

TEST_CASE("distributed GaussianMixture labels each rank's rows as one process labels them") {
    const test::shards::Data<double> data(9001, 2, 4, false, 53);
    const auto params = GaussianMixture<double>::params(4).rng(linfa::Rng(9)).check();
    const auto one = params.fit_predict(data.view());
    const std::vector<std::size_t> starts{0, 0, 4000, 9001};  // the first rank holds none
    std::vector<linfa::Labels> labels(3);
    ThreadGroup::run(3, [&](const ThreadGroup::Member& comm) {
        const std::size_t r = comm.rank();
        labels[r] = linfa::distributed::fit_predict(params, comm, data.slice(starts[r], starts[r + 1])).labels;
    });
    for (std::size_t r = 0; r < 3; ++r) {
        CAPTURE(r);
        CHECK(labels[r] == one.labels.segment(Eigen::Index(starts[r]), Eigen::Index(starts[r + 1] - starts[r])));
    }
}

TEST_CASE("distributed GaussianMixture: bad rows fail on every rank") {
    std::vector<std::string> errors(3);
    auto fit_on = [&](const auto& params, const test::shards::Data<double>& data, const std::vector<std::size_t>& starts) {
        errors = test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            const std::size_t r = comm.rank();
            linfa::distributed::fit(params, comm, data.slice(starts[r], starts[r + 1]));
        });
    };
    const auto params = GaussianMixture<double>::params(2).check();
    test::shards::Data<double> bad(6000, 3, 2, false, 54);
    bad.records(5500, 1) = std::numeric_limits<double>::infinity();
    fit_on(params, bad, {0, 2000, 4000, 6000});
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("NaN or infinity") != std::string::npos);

    fit_on(params, test::shards::Data<double>(6000, 3, 2, false, 55), {0, 1, 1, 1});  // one row in all
    for (const auto& e : errors) CHECK(e.find("need at least 2 samples") != std::string::npos);
}

TEST_CASE("distributed GaussianMixture: a rank whose rows all weigh zero takes part") {
    test::shards::Data<double> data(6000, 3, 3, true, 57);
    std::fill(data.weights.begin() + 4000, data.weights.end(), 0.0);  // rank 2's rows
    const auto params = GaussianMixture<double>::params(3).rng(linfa::Rng(2)).check();
    const auto one = params.fit_predict(data.view());
    std::vector<linfa::Labels> labels(3);
    std::vector<std::optional<GaussianMixture<double>>> models(3);
    ThreadGroup::run(3, [&](const ThreadGroup::Member& comm) {
        const std::size_t r = comm.rank();
        auto fitted = linfa::distributed::fit_predict(params, comm, data.slice(r * 2000, r * 2000 + 2000));
        labels[r] = std::move(fitted.labels);
        models[r] = std::move(fitted.model);
    });
    for (std::size_t r = 0; r < 3; ++r) {
        CAPTURE(r);
        CHECK(models[r]->means() == one.model.means());
        CHECK(models[r]->lower_bound() == one.model.lower_bound());
        CHECK(labels[r] == one.labels.segment(Eigen::Index(r * 2000), 2000));
    }
}
