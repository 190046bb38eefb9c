// DBSCAN: labels against a direct O(n^2) reference (core samples, the partition of core
// samples, border samples by the documented rule, noise), weights, metrics, the same labels on
// any thread count, and every bad input. Agreement with scikit-learn itself is checked from
// Python (python/tests/test_dbscan.py).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <linfa/clustering/dbscan.hpp>
#include <linfa/core/rng.hpp>
#include <linfa/datasets/blobs.hpp>

#include "support.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using linfa::DatasetView;
using linfa::Matrix;
using linfa::clustering::DbscanClusters;
using linfa::clustering::DbscanInputError;
using linfa::clustering::DbscanParams;
using linfa::clustering::DbscanParamsError;
using linfa::clustering::DbscanValidParams;

static_assert(linfa::ParamGuard<DbscanParams<double>>);
static_assert(linfa::FitPredictOnly<DbscanParams<double>, DatasetView<double>>);
static_assert(linfa::FitPredictOnly<DbscanValidParams<float>, DatasetView<float>>);
static_assert(!linfa::Fit<DbscanParams<float>, DatasetView<float>>);

namespace {

/// DBSCAN written directly from its definition, with every distance computed: core samples,
/// clusters as the connected components of core samples numbered by their lowest row, border
/// samples joining the cluster of their first core neighbour in row order.
template <linfa::Float F>
std::vector<std::int32_t> reference_labels(const Matrix<F>& x, double eps, std::size_t min_samples,
                                           const std::vector<F>& weights = {}) {
    const std::size_t n = std::size_t(x.rows());
    std::vector<std::vector<std::size_t>> hoods(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (double((x.row(Eigen::Index(i)) - x.row(Eigen::Index(j))).norm()) <= eps) hoods[i].push_back(j);
    std::vector<bool> core(n);
    for (std::size_t i = 0; i < n; ++i) {
        double weight = 0;
        for (std::size_t j : hoods[i]) weight += weights.empty() ? 1.0 : double(weights[j]);
        core[i] = weight >= double(min_samples);
    }
    std::vector<std::int32_t> labels(n, -1);
    std::int32_t next = 0;
    for (std::size_t start = 0; start < n; ++start) {
        if (!core[start] || labels[start] != -1) continue;
        std::vector<std::size_t> stack{start};
        labels[start] = next;
        while (!stack.empty()) {
            const std::size_t i = stack.back();
            stack.pop_back();
            for (std::size_t j : hoods[i])
                if (core[j] && labels[j] == -1) labels[j] = next, stack.push_back(j);
        }
        ++next;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (core[i]) continue;
        for (std::size_t j : hoods[i])
            if (core[j]) { labels[i] = labels[j]; break; }
    }
    return labels;
}

/// `x` with sample weights `w` (a view: both must outlive it).
DatasetView<double> weighted(const Matrix<double>& x, const std::vector<double>& w) {
    return {linfa::MatrixView<double>(x.data(), x.rows(), x.cols()), w};
}

std::vector<std::int32_t> as_vector(const linfa::Labels& labels) { return {labels.data(), labels.data() + labels.size()}; }

/// Three blobs of `per_blob` points with uniform noise around them.
template <linfa::Float F>
Matrix<F> blobs_with_noise(std::size_t per_blob, std::size_t n_noise, std::uint64_t seed) {
    linfa::Rng rng(seed);
    Matrix<F> centres(3, 2);
    centres << 0, 0, 4, 4, -4, 5;
    const auto blobs = linfa::datasets::generate_blobs<F>(per_blob, centres, rng);
    Matrix<F> x(blobs.records().rows() + Eigen::Index(n_noise), 2);
    x.topRows(blobs.records().rows()) = blobs.records();
    for (Eigen::Index i = blobs.records().rows(); i < x.rows(); ++i) x(i, 0) = F(-8 + 17 * rng.uniform()), x(i, 1) = F(-8 + 17 * rng.uniform());
    return x;
}

}  // namespace

TEST_CASE("DBSCAN finds separated groups and noise") {
    Matrix<double> x(7, 1);
    x << 0, 0.1, 0.2, 5, 5.1, 5.2, 10;
    const DbscanClusters found = DbscanParams<double>(0.15, 2).fit_predict(DatasetView<double>(x));
    CHECK(as_vector(found.labels) == std::vector<std::int32_t>{0, 0, 0, 1, 1, 1, -1});
    CHECK(found.core_sample_indices == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
    CHECK(found.n_clusters == 2);
}

TEST_CASE("DBSCAN: a border sample joins the cluster of its first core neighbour in row order") {
    // Rows 0-4 and 5-9 are two dense groups; row 10 lies within eps of row 4 and row 5, which
    // are in different clusters, and has only those two neighbours: a border sample.
    Matrix<double> x(11, 1);
    x << 0, 0.05, 0.1, 0.15, 0.2, 1.0, 1.05, 1.1, 1.15, 1.2, 0.6;
    const auto found = DbscanParams<double>(0.41, 4).fit_predict(DatasetView<double>(x));
    CHECK(as_vector(found.labels) == std::vector<std::int32_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0});
    CHECK(found.core_sample_indices.size() == 10);
    // The groups swapped: row 10's first core neighbour is now in the group at 1.0, cluster 0.
    Matrix<double> swapped(11, 1);
    swapped << 1.0, 1.05, 1.1, 1.15, 1.2, 0, 0.05, 0.1, 0.15, 0.2, 0.6;
    CHECK(as_vector(DbscanParams<double>(0.41, 4).fit_predict(DatasetView<double>(swapped)).labels) ==
          std::vector<std::int32_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0});
}

TEST_CASE("DBSCAN agrees with the direct definition on blobs with noise, every index algorithm") {
    const auto x = blobs_with_noise<double>(300, 200, 7);
    const auto expected = reference_labels(x, 0.35, 6);
    for (auto algorithm : {linfa::nn::IndexAlgorithm::automatic, linfa::nn::IndexAlgorithm::brute,
                           linfa::nn::IndexAlgorithm::kd_tree, linfa::nn::IndexAlgorithm::ball_tree}) {
        CAPTURE(int(algorithm));
        const auto found = DbscanParams<double>(0.35, 6).algorithm(algorithm).leaf_size(7).fit_predict(DatasetView<double>(x));
        CHECK(as_vector(found.labels) == expected);
        std::vector<std::int64_t> core;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            std::size_t hood = 0;
            for (Eigen::Index j = 0; j < x.rows(); ++j) hood += (x.row(Eigen::Index(i)) - x.row(j)).norm() <= 0.35;
            if (hood >= 6) core.push_back(std::int64_t(i));
        }
        CHECK(found.core_sample_indices == core);
    }
}

TEST_CASE("DBSCAN in float keeps the float path and agrees with the definition in float") {
    const auto x = blobs_with_noise<float>(200, 100, 3);
    CHECK(as_vector(DbscanParams<float>(0.4, 5).fit_predict(DatasetView<float>(x)).labels) == reference_labels(x, double(0.4f), 5));
}

TEST_CASE("DBSCAN: sample weights count towards min_samples") {
    Matrix<double> x(4, 1);
    x << 0, 0.1, 3, 3.1;
    const std::vector<double> weights{1, 1, 5, 0.5};
    const auto found = DbscanParams<double>(0.2, 3).fit_predict(weighted(x, weights));
    // Rows 0 and 1 weigh 2 together: noise. Rows 2 and 3 weigh 5.5: both core.
    CHECK(as_vector(found.labels) == std::vector<std::int32_t>{-1, -1, 0, 0});
    CHECK(as_vector(found.labels) == reference_labels(x, 0.2, 3, weights));
    // A negative weight keeps its neighbours from being core, as in scikit-learn.
    const std::vector<double> inhibiting{1, 1, 5, -3};
    CHECK(as_vector(DbscanParams<double>(0.2, 3).fit_predict(weighted(x, inhibiting)).labels) == std::vector<std::int32_t>{-1, -1, -1, -1});
}

TEST_CASE("DBSCAN: the metric decides the neighbourhoods") {
    Matrix<double> x(2, 2);
    x << 0, 0, 0.8, 0.8;  // Euclidean 1.13, Manhattan 1.6, Chebyshev 0.8
    auto clusters_with = [&](linfa::nn::Metric metric) { return DbscanParams<double>(1.0, 2).metric(metric).fit_predict(DatasetView<double>(x)).n_clusters; };
    CHECK(clusters_with(linfa::nn::Metric::parse("euclidean")) == 0);
    CHECK(clusters_with(linfa::nn::Metric::parse("manhattan")) == 0);
    CHECK(clusters_with(linfa::nn::Metric::parse("chebyshev")) == 1);
    CHECK(clusters_with(linfa::nn::Metric::parse("minkowski", 8)) == 1);  // (2 * 0.8^8)^(1/8) = 0.87
}

TEST_CASE("DBSCAN gives the same labels on 1 and 3 threads") {
    const auto x = blobs_with_noise<double>(20000, 5000, 11);
    const auto params = DbscanParams<double>(0.1, 8);
#ifdef _OPENMP
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
    const auto one = params.fit_predict(DatasetView<double>(x));
#ifdef _OPENMP
    omp_set_num_threads(3);
#endif
    const auto three = params.fit_predict(DatasetView<double>(x));
#ifdef _OPENMP
    omp_set_num_threads(before);
#endif
    CHECK(one.labels == three.labels);
    CHECK(one.core_sample_indices == three.core_sample_indices);
    CHECK(one.n_clusters >= 3);
}

TEST_CASE("DBSCAN refuses bad parameters, naming them") {
    Matrix<double> x(3, 1);
    x << 0, 1, 2;
    const DatasetView<double> data(x);
    using test::check_throws;
    check_throws<DbscanParamsError>([&] { DbscanParams<double>(0.0, 2).fit_predict(data); }, "eps must be a finite number > 0, found 0");
    check_throws<DbscanParamsError>([&] { DbscanParams<double>(-1.0, 2).fit_predict(data); }, "eps must be");
    check_throws<DbscanParamsError>([&] { DbscanParams<double>(std::nan(""), 2).fit_predict(data); }, "eps must be");
    check_throws<DbscanParamsError>([&] { DbscanParams<float>(1e-50, 2).fit_predict(DatasetView<float>(Matrix<float>(x.cast<float>()))); }, "positive float");
    check_throws<DbscanParamsError>([&] { DbscanParams<double>(1.0, 0).fit_predict(data); }, "min_samples must be at least 1");
    check_throws<DbscanParamsError>([&] { DbscanParams<double>(1.0, 2).leaf_size(0).fit_predict(data); }, "leaf_size must be at least 1");
    check_throws<DbscanParamsError>([&] { DbscanParams<double>(1.0, 2).metric({linfa::nn::MetricKind::minkowski, 0.5}).fit_predict(data); }, "minkowski metric needs a finite p >= 1");
    check_throws<linfa::InvalidParams>([&] { (void)linfa::nn::Metric::parse("cosine"); }, "cosine");
}

TEST_CASE("DBSCAN refuses bad data, naming the problem") {
    using test::check_throws;
    const auto params = DbscanParams<double>(1.0, 2);
    check_throws<DbscanInputError>([&] { params.fit_predict(DatasetView<double>(Matrix<double>(0, 2))); }, "at least 1 sample, found 0");
    check_throws<DbscanInputError>([&] { params.fit_predict(DatasetView<double>(Matrix<double>(3, 0))); }, "zero features");
    Matrix<double> x(3, 2);
    x << 0, 0, 1, std::numeric_limits<double>::quiet_NaN(), 2, 2;
    check_throws<DbscanInputError>([&] { params.fit_predict(DatasetView<double>(x)); }, "NaN or infinity (row 1, column 1)");
    x(1, 1) = 1e200;
    check_throws<DbscanInputError>([&] { params.fit_predict(DatasetView<double>(x)); }, "too large");
    x(1, 1) = 1;
    const std::vector<double> not_finite{1, std::numeric_limits<double>::infinity(), 1};
    check_throws<DbscanInputError>([&] { params.fit_predict(weighted(x, not_finite)); }, "sample weights contain NaN or infinity (sample 1)");
    check_throws<linfa::InvalidInput>([&] { const std::vector<double> two{1, 1};
        params.fit_predict(weighted(x, two)); }, "weight");
}

TEST_CASE("DBSCAN labels given neighbourhoods, and refuses malformed ones") {
    using linfa::clustering::label_neighbourhoods;
    using linfa::clustering::Neighbourhoods;
    // Samples 0-1-2 chained, 3 alone: with min_samples 2, 0..2 are core, 3 is noise.
    const std::vector<std::size_t> offsets{0, 2, 5, 7, 8};
    const std::vector<std::int64_t> indices{0, 1, 0, 1, 2, 1, 2, 3};
    const auto found = label_neighbourhoods<double>(Neighbourhoods{offsets, indices}, {}, 2);
    CHECK(as_vector(found.labels) == std::vector<std::int32_t>{0, 0, 0, -1});
    using test::check_throws;
    const std::vector<std::size_t> short_end{0, 2, 5, 7, 7};
    check_throws<DbscanInputError>([&] { label_neighbourhoods<double>(Neighbourhoods{short_end, indices}, {}, 2); }, "last offset must be the number of neighbours, 8, found 7");
    const std::vector<std::size_t> decreasing{0, 5, 2, 7, 8};
    check_throws<DbscanInputError>([&] { label_neighbourhoods<double>(Neighbourhoods{decreasing, indices}, {}, 2); }, "must not decrease (sample 1)");
    const std::vector<std::int64_t> out_of_range{0, 1, 0, 1, 2, 1, 2, 4};
    check_throws<DbscanInputError>([&] { label_neighbourhoods<double>(Neighbourhoods{offsets, out_of_range}, {}, 2); }, "neighbour 4 of sample 3 is not a sample row");
    const std::vector<double> two_weights{1, 1};
    check_throws<DbscanInputError>([&] { label_neighbourhoods<double>(Neighbourhoods{offsets, indices}, two_weights, 2); }, "expected 4 sample weights, found 2");
}

TEST_CASE("DBSCAN labels neighbourhoods given in any order, and refuses a neighbour listed twice") {
    using linfa::clustering::label_neighbourhoods;
    using linfa::clustering::Neighbourhoods;
    const std::vector<std::size_t> offsets{0, 2, 5, 7, 8};
    const std::vector<std::int64_t> unordered{1, 0, 2, 0, 1, 2, 1, 3};  // the chain 0-1-2 and 3 alone, shuffled
    CHECK(as_vector(label_neighbourhoods<double>(Neighbourhoods{offsets, unordered}, {}, 2).labels) ==
          std::vector<std::int32_t>{0, 0, 0, -1});
    const std::vector<std::int64_t> repeated{0, 1, 0, 1, 0, 1, 2, 3};
    test::check_throws<DbscanInputError>([&] { label_neighbourhoods<double>(Neighbourhoods{offsets, repeated}, {}, 2); },
                                         "neighbour 0 of sample 1 is listed twice");
}
