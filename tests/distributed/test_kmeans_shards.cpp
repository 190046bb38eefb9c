// Distributed K-Means over the in-process ThreadGroup: the single-process model bit for bit,
// for 1-4 ranks and every shard layout; errors raised on every rank.
#include <doctest/doctest.h>

#include <linfa/distributed/kmeans.hpp>
#include <linfa/distributed/thread_group.hpp>

#include "distributed/every_layout.hpp"

using linfa::DatasetView;
using linfa::Matrix;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::KMeansAlgorithm;
using linfa::distributed::ThreadGroup;

namespace {

using test::shards::Data;

template <class F>
void require_same(const linfa::clustering::KMeansWithLabels<F>& one, const KMeans<F>& many, const linfa::Labels& labels) {
    CHECK(many.centroids() == one.model.centroids());
    CHECK(many.inertia() == one.model.inertia());
    CHECK(many.n_iterations() == one.model.n_iterations());
    const auto a = one.model.cluster_weights(), b = many.cluster_weights();
    CHECK(std::vector<double>(a.begin(), a.end()) == std::vector<double>(b.begin(), b.end()));
    CHECK(labels == one.labels);
}

/// Fits on `ranks` ThreadGroup ranks with `layout_name`, checks every rank's model against
/// the single-process fit, and the labels put back together.
template <class F>
void check_distributed(const Data<F>& data, const linfa::clustering::KMeansParams<F>& params, std::size_t ranks,
                       const std::string& layout_name) {
    const auto one = params.check().fit_predict(data.view());
    const auto [models, labels] = test::shards::fit_on_ranks(data, ranks, layout_name, [&](const auto& comm, const DatasetView<F>& rows) {
        return linfa::distributed::fit_predict(params.check(), comm, rows);
    });
    for (std::size_t r = 0; r < ranks; ++r) {
        CAPTURE(r);
        require_same(one, *models[r], labels);
    }
}

}  // namespace

TEST_CASE_TEMPLATE("distributed K-Means fits the single-process model bit for bit, any ranks and layout", F, float, double) {
    struct Shape {
        std::size_t n, d, k;
        bool weighted;
    };
    // 3 features, 4 clusters: the fused register pass; 12 features: the general one. 20011
    // rows: 5 chunks of 4096; 262145 rows: 64 chunks of an odd 4097 rows (accumulator copies
    // then follow the global row, not the local one).
    // Hamerly: its bounds are per rank, its sums and decisions global.
    for (const Shape shape : {Shape{20011, 3, 4, false}, Shape{20011, 12, 5, true}, Shape{262145, 5, 6, true}})
    for (const auto algorithm : {KMeansAlgorithm::Lloyd, KMeansAlgorithm::Hamerly}) {
        const Data<F> data(shape.n, shape.d, shape.k, shape.weighted, 7);
        Matrix<F> start = data.records.topRows(Eigen::Index(shape.k));
        auto params = KMeans<F>::params_with_rng(shape.k, linfa::Rng(3)).algorithm(algorithm).max_n_iterations(30);
        params = shape.weighted ? params.init_centroids(start) : params.init_method(InitMethod::Random).n_runs(2);
        if (shape.n > 100000) params.init_method(InitMethod::KMeansPlusPlus);  // weighted k-means++
        for (std::size_t ranks = 1; ranks <= 4; ++ranks) {
            for (const std::string name : {"equal", "skewed", "first empty", "odd"}) {
                CAPTURE(shape.n);
                CAPTURE(shape.d);
                CAPTURE(ranks);
                CAPTURE(name);
                CAPTURE(int(algorithm));
                check_distributed(data, params, ranks, name);
                if (shape.n > 100000) break;  // one layout per rank count for the big shape
            }
        }
    }
}

TEST_CASE_TEMPLATE("distributed K-Means fills an empty cluster with the globally farthest point", F, float, double) {
    const Data<F> data(9000, 6, 3, true, 11);
    Matrix<F> start = data.records.topRows(4);
    start.row(3).setConstant(F(1e4));  // attracts nothing: empty after the first pass
    for (const auto algorithm : {KMeansAlgorithm::Lloyd, KMeansAlgorithm::Hamerly}) {
        const auto params = KMeans<F>::params(4).algorithm(algorithm).init_centroids(start).max_n_iterations(20);
        for (std::size_t ranks = 2; ranks <= 4; ++ranks) check_distributed(data, params, ranks, "equal");
    }
    const Data<F> small(9000, 2, 3, false, 12);  // the fused pass
    Matrix<F> start2 = small.records.topRows(4);
    start2.row(2).setConstant(F(-1e4));
    const auto params2 = KMeans<F>::params(4).algorithm(KMeansAlgorithm::Lloyd).init_centroids(start2);
    check_distributed(small, params2, 3, "skewed");
}

TEST_CASE_TEMPLATE("distributed k-means++ draws the single-process centres", F, float, double) {
    // 64 chunks of an odd size, 4 trials per centre, and rows of zero mass (zero weight, or a
    // copy of a chosen centre) that draws must step over.
    Data<F> data(270000, 4, 40, true, 17);
    for (std::size_t i = 0; i < data.weights.size(); i += 5) data.weights[i] = 0;
    for (Eigen::Index i = 1000; i < 270000; i += 3) data.records.row(i) = data.records.row(i - 1);
    const auto params = KMeans<F>::params_with_rng(40, linfa::Rng(9)).algorithm(KMeansAlgorithm::Lloyd).max_n_iterations(2);
    check_distributed(data, params, 2, "equal");
    check_distributed(data, params, 4, "first empty");
    const Data<F> unweighted(20011, 7, 9, false, 18);
    for (std::size_t ranks = 1; ranks <= 4; ++ranks)
        for (const auto& name : test::shards::layout_names) check_distributed(unweighted, KMeans<F>::params(9).n_runs(2), ranks, name);
}

TEST_CASE_TEMPLATE("distributed k-means|| draws the single-process centres", F, float, double) {
    // Each chunk keeps rows from its own substream, on whichever rank holds it; the kept rows
    // and every chunk's masses then travel. Weighted rows, 5 chunks and an odd last one.
    const Data<F> data(20011, 7, 9, true, 19);
    const auto params = KMeans<F>::params_with_rng(9, linfa::Rng(4)).init_method(InitMethod::KMeansPara).max_n_iterations(3);
    for (std::size_t ranks = 1; ranks <= 4; ++ranks)
        for (const auto& name : test::shards::layout_names) check_distributed(data, params, ranks, name);
    // Three distinct rows for five clusters: too few kept, k-means++ takes over.
    Data<F> few(9000, 3, 3, false, 20);
    for (Eigen::Index i = 3; i < few.records.rows(); ++i) few.records.row(i) = few.records.row(i % 3);
    const auto fallback = KMeans<F>::params_with_rng(5, linfa::Rng(6)).init_method(InitMethod::KMeansPara).max_n_iterations(2);
    for (std::size_t ranks = 2; ranks <= 4; ++ranks) check_distributed(few, fallback, ranks, "skewed");
}

TEST_CASE_TEMPLATE("distributed weighted random initialisation draws the single-process rows", F, float, double) {
    // Draws without replacement by weight: a picked row's chunk re-sums its mass on the rank
    // that holds it. Rows of zero weight are never drawn; 5 chunks, an odd last one.
    Data<F> data(20011, 5, 8, true, 23);
    for (std::size_t i = 0; i < data.weights.size(); i += 3) data.weights[i] = 0;
    const auto params = KMeans<F>::params_with_rng(8, linfa::Rng(5)).init_method(InitMethod::Random).n_runs(2).max_n_iterations(2);
    for (std::size_t ranks = 1; ranks <= 4; ++ranks)
        for (const auto& name : test::shards::layout_names) check_distributed(data, params, ranks, name);
    // Three rows of positive weight for six clusters: then the first unpicked rows, which
    // the first ranks hold.
    Data<F> few(9000, 3, 3, true, 24);
    std::fill(few.weights.begin(), few.weights.end(), F(0));
    few.weights[8000] = few.weights[4500] = few.weights[10] = F(1);
    const auto fallback = KMeans<F>::params_with_rng(6, linfa::Rng(7)).init_method(InitMethod::Random).max_n_iterations(2);
    for (std::size_t ranks = 2; ranks <= 4; ++ranks)
        for (const std::string name : {"skewed", "first empty"}) check_distributed(few, fallback, ranks, name);
}

TEST_CASE("a fit restarted from saved centroids ends where the uninterrupted fit ends") {
    // What a restart after a failed job does (README, "Training on a cluster"): Lloyd's and
    // Hamerly's next centroids depend on the current ones alone.
    const Data<double> data(20011, 4, 6, true, 41);
    for (const auto algorithm : {KMeansAlgorithm::Lloyd, KMeansAlgorithm::Hamerly}) {
        auto params = KMeans<double>::params_with_rng(6, linfa::Rng(4)).algorithm(algorithm).tolerance(0);
        const auto whole = params.max_n_iterations(300).check().fit(data.view());
        const auto first = params.max_n_iterations(3).check().fit(data.view());
        std::optional<KMeans<double>> resumed;
        ThreadGroup::run(2, [&](const ThreadGroup::Member& comm) {
            auto again = KMeans<double>::params(6).algorithm(algorithm).tolerance(0).init_centroids(first.centroids());
            auto model = linfa::distributed::fit(again.check(), comm, data.slice(comm.rank() * 10000, comm.rank() ? 20011 : 10000));
            if (comm.rank() == 0) resumed = std::move(model);
        });
        REQUIRE(whole.n_iterations() > 3);
        CHECK(resumed->centroids() == whole.centroids());
        CHECK(resumed->inertia() == whole.inertia());
    }
}

TEST_CASE("distributed K-Means: one all-gather per iteration, of every chunk's accumulators") {
    const Data<double> data(20011, 3, 4, false, 5);
    auto params = KMeans<double>::params(4).algorithm(KMeansAlgorithm::Lloyd).init_centroids(data.records.topRows(4));
    std::vector<std::size_t> gathers(3), bytes(3);
    for (std::uint64_t iterations : {1, 2}) {
        const auto checked = params.max_n_iterations(iterations).tolerance(0).check();
        ThreadGroup::run(2, [&](const ThreadGroup::Member& member) {
            const linfa::distributed::Counted counted(member);
            const auto model = linfa::distributed::fit(checked, counted,
                                                       data.slice(member.rank() * 10000, member.rank() ? 20011 : 10000));
            if (member.rank() == 0) gathers[iterations] = counted.collectives(), bytes[iterations] = counted.bytes_received();
        });
    }
    // 20011 rows: 5 chunks; per chunk 4 copies x 4 clusters x (3 + 1) accumulators + 2 statistics.
    CHECK(gathers[2] - gathers[1] == 1);
    CHECK(bytes[2] - bytes[1] == 5 * (4 * 4 * 4 + 2) * sizeof(double));
}

TEST_CASE("distributed K-Means: bad input fails on every rank, named by the rank that holds it") {
    Data<double> data(12000, 3, 3, false, 9);
    data.records(10500, 1) = std::numeric_limits<double>::quiet_NaN();
    const auto params = KMeans<double>::params(3).algorithm(KMeansAlgorithm::Lloyd).init_method(InitMethod::Random);
    std::vector<std::string> errors(3);
    auto fit_on = [&](const Data<double>& d, const std::vector<std::size_t>& starts, const auto& p) {
        errors = test::shards::errors_on_ranks(3, [&](const ThreadGroup::Member& comm) {
            const std::size_t r = comm.rank();
            linfa::distributed::fit(p.check(), comm, d.slice(starts[r], starts[r + 1]));
        });
    };
    fit_on(data, {0, 4000, 8000, 12000}, params);
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[1].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("NaN") != std::string::npos);

    fit_on(Data<double>(2, 3, 3, false, 1), {0, 1, 1, 2}, params);
    for (const auto& e : errors) CHECK(e.find("must be at least n_clusters") != std::string::npos);
    Data<double> weighted(3000, 3, 3, true, 1);
    weighted.weights[2500] = -1;
    fit_on(weighted, {0, 1000, 2000, 3000}, KMeans<double>::params(3).algorithm(KMeansAlgorithm::Lloyd).init_centroids(weighted.records.topRows(3)));
    CHECK(errors[0].find("rank 2 failed") != std::string::npos);
    CHECK(errors[2].find("weight") != std::string::npos);
}
