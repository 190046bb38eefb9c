// Distributed PCA over the in-process ThreadGroup: the single-process model bit for bit, with
// the full and the randomized solver, for 1-4 ranks and every shard layout; errors raised on
// every rank.
#include <doctest/doctest.h>

#include <linfa/distributed/pca.hpp>
#include <linfa/distributed/thread_group.hpp>

#include <limits>

#include "distributed/every_layout.hpp"

using linfa::DatasetView;
using linfa::decomposition::Pca;
using linfa::decomposition::PcaSolver;
using linfa::distributed::ThreadGroup;

namespace {

/// Fits `params` on every layout of 1-4 ranks: every rank's model must be the one a single
/// process fits, in every part.
template <class F>
void check_every_layout(const test::shards::Data<F>& data, const linfa::decomposition::PcaValidParams<F>& params) {
    const Pca<F> one = params.fit(data.view());
    test::shards::on_every_layout(
        std::size_t(data.records.rows()), [&](const auto& comm, const DatasetView<F>& rows) { return linfa::distributed::fit(params, comm, rows); },
        [&](std::size_t begin, std::size_t end) { return data.slice(begin, end); },
        [&](const Pca<F>& model) {
            CHECK(model.components() == one.components());
            CHECK(model.explained_variance() == one.explained_variance());
            CHECK(model.explained_variance_ratio() == one.explained_variance_ratio());
            CHECK(model.singular_values() == one.singular_values());
            CHECK(model.mean() == one.mean());
            CHECK(model.noise_variance() == one.noise_variance());
            CHECK(model.n_samples() == one.n_samples());
        });
}

}  // namespace

TEST_CASE_TEMPLATE("distributed PCA fits the single-process model bit for bit", F, float, double) {
    // 20011 rows: 5 chunks of 4096 and an odd last one; 30011 rows, 8 chunks, for the sketch's TSQR.
    const test::shards::Data<F> small(20011, 7, 4, false, 41), wide(30011, 40, 12, false, 42);
    SUBCASE("full solver, every component") { check_every_layout(small, Pca<F>::params().solver(PcaSolver::Full).check()); }
    SUBCASE("full solver, a variance fraction, whitened") {
        check_every_layout(small, Pca<F>::params().variance_fraction(0.9).whiten(true).check());
    }
    SUBCASE("randomized solver") {
        check_every_layout(wide, Pca<F>::params().n_components(5).solver(PcaSolver::Randomized).rng(linfa::Rng(7)).check());
    }
    SUBCASE("randomized solver, a small set: one chunk, on one rank") {
        const test::shards::Data<F> few(70, 30, 3, false, 43);
        check_every_layout(few, Pca<F>::params().n_components(3).n_oversamples(20).solver(PcaSolver::Randomized).rng(linfa::Rng(3)).check());
    }
}

TEST_CASE("distributed PCA: bad rows fail on every rank, named by the rank holding them") {
    std::vector<std::string> errors(3);
    auto fit_on = [&](const test::shards::Data<double>& data, const std::vector<std::size_t>& starts) {
        errors = test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            const std::size_t r = comm.rank();
            linfa::distributed::fit(Pca<double>::params().check(), comm, data.slice(starts[r], starts[r + 1]));
        });
    };
    test::shards::Data<double> bad(6000, 3, 2, false, 44);
    bad.records(5500, 1) = std::numeric_limits<double>::quiet_NaN();
    fit_on(bad, {0, 2000, 4000, 6000});
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("NaN") != std::string::npos);

    fit_on(test::shards::Data<double>(6000, 3, 2, true, 45), {0, 2000, 4000, 6000});
    for (const auto& e : errors) CHECK(e.find("sample weights are not supported") != std::string::npos);

    fit_on(test::shards::Data<double>(1, 3, 1, false, 46), {0, 0, 1, 1});  // one row on rank 1 only
    for (const auto& e : errors) CHECK(e.find("need at least 2 samples, found 1") != std::string::npos);
}
