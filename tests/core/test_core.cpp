#include <doctest/doctest.h>

#include <set>

#include "helpers.hpp"

using linfa::Matrix;

TEST_CASE("Float concept admits float and double only") {
    static_assert(linfa::Float<float> && linfa::Float<double>);
    static_assert(!linfa::Float<int> && !linfa::Float<long double>);
}

TEST_CASE("Rng: same seed, same stream; Boost distributions") {
    linfa::Rng a(42), b(42), c(43);
    std::vector<std::uint64_t> xa, xb, xc;
    for (int i = 0; i < 8; ++i) xa.push_back(a()), xb.push_back(b()), xc.push_back(c());
    CHECK(xa == xb);
    CHECK(xa != xc);
    // mt19937_64 is fully specified by the standard: its first output for seed 42.
    CHECK(xa[0] == 13930160852258120406ULL);
    linfa::Rng n1(1), n2(1);
    for (int i = 0; i < 100; ++i) CHECK(n1.normal<double>() == n2.normal<double>());
    for (int i = 0; i < 1000; ++i) {
        const double u = a.uniform();
        CHECK((u >= 0.0 && u < 1.0));
        CHECK(a.below(7) < 7);
    }
}

TEST_CASE("Rng substreams depend on (key, index) only") {
    linfa::Rng parent1(5), parent2(5);
    const auto s1 = parent1.substreams(), s2 = parent2.substreams();
    CHECK(s1.stream(3)() == s2.stream(3)());
    CHECK(s1.stream(3)() != s1.stream(4)());
    CHECK(parent1() == parent2());  // both parents advanced by the same single draw
    std::set<std::uint64_t> firsts;
    for (int i = 0; i < 1000; ++i) firsts.insert(s1.stream(i)());
    CHECK(firsts.size() == 1000);
}

TEST_CASE("Chunk plans depend on the size only and cover every row once") {
    for (std::size_t n : {0u, 1u, 4095u, 4096u, 4097u, 100000u, 1000003u}) {
        const auto plan = linfa::plan_chunks(n);
        CHECK(plan.n_chunks <= 64);
        std::size_t covered = 0;
        for (std::size_t c = 0; c < plan.n_chunks; ++c) {
            CHECK(plan.begin(c) == covered);
            CHECK(plan.end(c) > plan.begin(c));
            covered = plan.end(c);
        }
        CHECK(covered == n);
    }
}

TEST_CASE("for_each_chunk rethrows the exception of the lowest chunk") {
    const auto plan = linfa::plan_chunks(100000, 1000);
    try {
        linfa::for_each_chunk(plan, [](std::size_t c, std::size_t, std::size_t) {
            if (c >= 5) throw linfa::InvalidInput("chunk " + std::to_string(c));
        });
        FAIL("no exception");
    } catch (const linfa::InvalidInput& e) {
        CHECK(std::string(e.what()) == "chunk 5");
    }
}

TEST_CASE("Dataset wraps records without losing them and validates its parts") {
    Matrix<double> records(3, 2);
    records << 1, 2, 3, 4, 5, 6;
    const double* storage = records.data();
    linfa::Dataset<double> ds(std::move(records));
    CHECK(ds.records().data() == storage);  // moved in, not copied
    CHECK(ds.n_samples() == 3);
    CHECK(ds.n_features() == 2);
    CHECK_FALSE(ds.has_weights());
    CHECK_FALSE(ds.has_targets());
    CHECK_THROWS_AS(ds.targets(), linfa::InvalidInput);

    linfa::DatasetView<double> view = ds;
    CHECK(view.records().data() == storage);
    CHECK(view.weight(1) == 1.0);

    ds.with_weights(linfa::Vector<double>::Constant(3, 2.0)).with_feature_names({"x", "y"});
    CHECK(ds.has_weights());
    CHECK(ds.view().weight(2) == 2.0);
    CHECK(ds.feature_names() == std::vector<std::string>{"x", "y"});
    CHECK_THROWS_WITH_AS(ds.with_weights(linfa::Vector<double>::Ones(2)),
                         "sample weights: expected one weight per sample (3), found 2", linfa::InvalidInput);
    CHECK_THROWS_AS(ds.with_feature_names({"x"}), linfa::InvalidInput);
    CHECK_THROWS_AS((linfa::Dataset<double>(Matrix<double>(3, 2), linfa::Labels(4))), linfa::InvalidInput);

    Matrix<float> m = Matrix<float>::Zero(4, 3);
    const linfa::DatasetView<float> from_matrix = m;
    CHECK(from_matrix.n_samples() == 4);
    const float w[3] = {1, 1, 1};
    CHECK_THROWS_AS(linfa::DatasetView<float>(linfa::MatrixView<float>(m.data(), 4, 3), std::span<const float>(w, 3)),
                    linfa::InvalidInput);
}

TEST_CASE("generate_blobs: shape, targets and means follow the centroids") {
    linfa::Rng rng(3);
    Matrix<double> centres(2, 3);
    centres << 0, 0, 0, 10, -10, 5;
    const auto ds = linfa::datasets::generate_blobs(5000, centres, rng);
    REQUIRE(ds.n_samples() == 10000);
    REQUIRE(ds.n_features() == 3);
    CHECK(ds.targets()(0) == 0);
    CHECK(ds.targets()(9999) == 1);
    for (int b = 0; b < 2; ++b) {
        const auto block = ds.records().middleRows(b * 5000, 5000);
        const Eigen::RowVectorXd mean = block.colwise().mean();
        CHECK((mean - centres.row(b)).norm() < 0.1);
        const double var = (block.rowwise() - mean).squaredNorm() / (5000.0 * 3);
        CHECK(var == doctest::Approx(1.0).epsilon(0.05));
    }
    CHECK_THROWS_AS(linfa::datasets::generate_blobs(10, Matrix<double>(0, 2), rng), linfa::InvalidInput);
}

TEST_CASE("require_finite names the first bad row and column") {
    Matrix<double> m = Matrix<double>::Zero(10000, 3);
    m(7000, 2) = std::numeric_limits<double>::infinity();
    m(9000, 0) = std::nan("");
    CHECK_THROWS_WITH_AS(linfa::require_finite<double>(linfa::MatrixView<double>(m.data(), m.rows(), m.cols()), "records"),
                         "records contain NaN or infinity (row 7000, column 2)", linfa::InvalidInput);
}

TEST_CASE("reduce_in_chunk_order adds partial results chunk by chunk, whatever the thread order") {
    const auto plan = linfa::plan_chunks(100000, 1000);
    linfa::PerChunk<double> partial(plan.n_chunks, 2);
    linfa::for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        partial[c][0] = 1.0 / double(c + 3);  // sums whose rounding depends on the order
        partial[c][1] = double(end - begin);
    });
    double expected = 0, from_half = 0.5;
    for (std::size_t c = 0; c < plan.n_chunks; ++c) expected += 1.0 / double(c + 3), from_half += 1.0 / double(c + 3);
    double totals[2] = {0.5, 0};
    linfa::reduce_in_chunk_order(partial, 2, totals);
    CHECK(totals[0] == from_half);  // out is added to, not overwritten (here from 0.5)
    CHECK(totals[1] == 100000.0);
    linfa::PerChunk<double> one(plan.n_chunks, 1);
    for (std::size_t c = 0; c < plan.n_chunks; ++c) one[c][0] = partial[c][0];
    CHECK(linfa::reduce_in_chunk_order(one) == expected);
}
