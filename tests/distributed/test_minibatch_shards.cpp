// Distributed mini-batch K-Means over the in-process ThreadGroup: the single-process model bit
// for bit, for 1-4 ranks and every shard layout; one all-gather per step; errors raised on
// every rank.
#include <doctest/doctest.h>

#include <linfa/distributed/minibatch.hpp>
#include <linfa/distributed/thread_group.hpp>

#include "distributed/every_layout.hpp"

using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::MiniBatchKMeansParams;
using linfa::distributed::ThreadGroup;

namespace {

using test::shards::Data;

/// Fits on `ranks` ThreadGroup ranks with `layout_name` and checks every rank's model, its
/// step count and the labels put back together against the single-process fit.
template <class F>
void check_distributed(const Data<F>& data, const MiniBatchKMeansParams<F>& params, std::size_t ranks, const std::string& layout_name) {
    const auto one = params.check().fit_predict(data.view());
    auto fit = [&](const auto& comm, const linfa::DatasetView<F>& rows) {
        return linfa::distributed::fit_predict(params.check(), comm, rows);
    };
    const auto [models, labels] = test::shards::fit_on_ranks(data, ranks, layout_name, fit);
    for (std::size_t r = 0; r < ranks; ++r) {
        CAPTURE(r);
        const KMeans<F>& many = *models[r];
        CHECK(many.centroids() == one.model.centroids());
        CHECK(many.inertia() == one.model.inertia());
        CHECK(many.n_iterations() == one.model.n_iterations());
        CHECK(many.n_steps() == one.model.n_steps());
        const auto a = one.model.cluster_weights(), b = many.cluster_weights();
        CHECK(std::vector<double>(a.begin(), a.end()) == std::vector<double>(b.begin(), b.end()));
    }
    CHECK(labels == one.labels);
}

}  // namespace

TEST_CASE_TEMPLATE("distributed mini-batch K-Means fits the single-process model bit for bit, any ranks and layout", F, float, double) {
    // Batches of 512 from 20011 rows (5 chunks): initialisation on a gathered subset, the
    // tolerance's shift test, reassignments of light clusters (12 clusters for 6 blobs).
    for (const bool weighted : {false, true}) {
        const Data<F> data(20011, 5, 6, weighted, 31);
        auto params = KMeans<F>::minibatch_params(12, linfa::Rng(8)).batch_size(512).max_n_iterations(2).tolerance(1e-4).n_runs(2);
        for (std::size_t ranks = 1; ranks <= 4; ++ranks) {
            for (const auto& name : test::shards::layout_names) {
                CAPTURE(weighted);
                CAPTURE(ranks);
                CAPTURE(name);
                check_distributed(data, params, ranks, name);
            }
        }
    }
}

TEST_CASE_TEMPLATE("distributed mini-batch K-Means initialised on all the rows draws the single-process centres", F, float, double) {
    // 2500 rows: the default init_size (3 x 1024) takes them all, so the distributed
    // k-means++, k-means|| and random picks run (weighted: random picks by weight).
    const Data<F> data(2500, 4, 5, true, 32);
    for (const auto init : {InitMethod::KMeansPlusPlus, InitMethod::KMeansPara, InitMethod::Random}) {
        const auto params = KMeans<F>::minibatch_params(5, linfa::Rng(2)).init_method(init).max_n_iterations(3);
        for (std::size_t ranks = 2; ranks <= 4; ++ranks) {
            for (const std::string name : {"equal", "first empty"}) {
                CAPTURE(int(init));
                CAPTURE(ranks);
                CAPTURE(name);
                check_distributed(data, params, ranks, name);
            }
        }
    }
}

TEST_CASE("distributed mini-batch K-Means: a rank whose rows all weigh zero takes part") {
    Data<double> data(9000, 3, 4, true, 35);
    std::fill(data.weights.begin() + 6000, data.weights.end(), 0.0);  // the last rank's rows, and a chunk's
    auto params = KMeans<double>::minibatch_params(4, linfa::Rng(3)).batch_size(256).max_n_iterations(2);
    check_distributed(data, params, 3, "equal");  // rank 2 holds the third chunk: rows 8192 to 9000
    check_distributed(data, params.init_method(InitMethod::Random), 3, "equal");
}

TEST_CASE("distributed mini-batch K-Means: one all-gather per step, of the batch's rows") {
    // 4096 rows, batches of 1024: 4 steps an epoch; no early stop.
    const Data<double> data(4096, 3, 4, false, 33);
    const auto base = KMeans<double>::minibatch_params(4, linfa::Rng(1)).batch_size(1024).max_no_improvement(std::nullopt);
    std::vector<std::size_t> gathers(3), bytes(3), steps(3);
    for (std::uint64_t epochs : {1, 2}) {
        ThreadGroup::run(2, [&](const ThreadGroup::Member& member) {
            auto params = base;
            params.max_n_iterations(epochs);
            if (member.rank() == 0) params.on_step([&, epochs](const auto& info) { steps[epochs] = info.step + 1; });  // one writer
            const linfa::distributed::Counted counted(member);
            linfa::distributed::fit(params.check(), counted, data.slice(member.rank() * 2000, member.rank() ? 4096 : 2000));
            if (member.rank() == 0) gathers[epochs] = counted.collectives(), bytes[epochs] = counted.bytes_received();
        });
    }
    CHECK(steps[1] == 4);
    CHECK(steps[2] == 8);
    // Per step: 1024 rows, each its position in the batch and its 3 features.
    CHECK(gathers[2] - gathers[1] == 4);
    CHECK(bytes[2] - bytes[1] == 4 * 1024 * (1 + 3) * sizeof(double));
}

TEST_CASE("distributed mini-batch K-Means: bad input fails on every rank") {
    Data<double> data(12000, 3, 3, false, 34);
    data.records(10500, 1) = std::numeric_limits<double>::quiet_NaN();
    auto fit_on = [&](const Data<double>& d, const std::vector<std::size_t>& starts, const MiniBatchKMeansParams<double>& p) {
        return test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            const std::size_t r = comm.rank();
            linfa::distributed::fit(p.check(), comm, d.slice(starts[r], starts[r + 1]));
        });
    };
    auto errors = fit_on(data, {0, 4000, 8000, 12000}, KMeans<double>::minibatch_params(3));
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[1].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("NaN") != std::string::npos);
    CHECK(errors[2].find("global row 8192") != std::string::npos);  // rank 2 holds the third chunk of 4096 rows

    errors = fit_on(Data<double>(2, 3, 3, false, 1), {0, 1, 1, 2}, KMeans<double>::minibatch_params(3));
    for (const auto& e : errors) CHECK(e.find("must be at least n_clusters") != std::string::npos);

    Data<double> weighted(3000, 3, 3, true, 1);
    weighted.weights[2500] = -1;
    errors = fit_on(weighted, {0, 1000, 2000, 3000}, KMeans<double>::minibatch_params(3));
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("weight") != std::string::npos);
}
