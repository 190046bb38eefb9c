// Hamerly's algorithm computes Lloyd's iteration: same labels, so the same centroids bit for
// bit (both accumulate through ClusterSums in the same chunks), whatever the thread count.
#include <doctest/doctest.h>

#include "helpers.hpp"

using linfa::Matrix;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::KMeansAlgorithm;

namespace {

template <linfa::Float F>
Matrix<F> uniform(std::size_t n, std::size_t d, std::uint64_t seed) {
    linfa::Rng rng(seed);
    Matrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = F(rng.uniform() * 10.0 - 5.0);
    return x;
}

template <linfa::Float F>
linfa::clustering::KMeansWithLabels<F> fit_with(KMeansAlgorithm algorithm, const linfa::DatasetView<F>& data,
                                                std::size_t k, double tol = 1e-4) {
    return KMeans<F>::params_with_rng(k, linfa::Rng(11))
        .init_method(InitMethod::Random)
        .algorithm(algorithm)
        .tolerance(tol)
        .max_n_iterations(60)
        .fit_predict(data);
}

template <linfa::Float F>
void check_same_as_lloyd(const linfa::DatasetView<F>& data, std::size_t k, double tol = 1e-4) {
    const auto lloyd = fit_with(KMeansAlgorithm::Lloyd, data, k, tol);
    const auto hamerly = fit_with(KMeansAlgorithm::Hamerly, data, k, tol);
    CHECK(hamerly.model.n_iterations() == lloyd.model.n_iterations());
    CHECK(hamerly.model.centroids() == lloyd.model.centroids());
    CHECK(hamerly.labels == lloyd.labels);
    CHECK(hamerly.model.inertia() == doctest::Approx(lloyd.model.inertia()).epsilon(1e-6));
}

}  // namespace

TEST_CASE("Hamerly finds Lloyd's labels and centroids for every shape") {
    for (std::size_t d : {1u, 2u, 3u, 4u, 7u, 16u, 40u}) {
        for (std::size_t k : {1u, 2u, 5u, 37u, 150u}) {
            CAPTURE(d);
            CAPTURE(k);
            const Matrix<double> x = uniform<double>(3000 + 17 * d, d, 100 + d);
            check_same_as_lloyd<double>(x, k);
        }
    }
}

TEST_CASE("Hamerly matches Lloyd in float32 on blobs, with weights, and to convergence") {
    const auto blobs = test::blobs<float>(60, 2, 400, 9, 30.0);
    check_same_as_lloyd<float>(blobs, 60, 0.0);
    auto weighted = test::blobs<double>(40, 3, 300, 4, 12.0);
    linfa::Rng rng(5);
    linfa::Vector<double> w(weighted.n_samples());
    for (Eigen::Index i = 0; i < w.size(); ++i) w(i) = i % 7 == 0 ? 0.0 : 0.5 + rng.uniform();
    weighted.with_weights(w);
    check_same_as_lloyd<double>(weighted, 40, 0.0);
}

TEST_CASE("Hamerly re-seeds empty clusters as Lloyd does") {
    Matrix<double> x = uniform<double>(500, 2, 3);
    Matrix<double> start = Matrix<double>::Constant(40, 2, 0.0);  // 39 duplicates attract nothing
    start.topRows(20) = x.topRows(20);
    auto fit = [&](KMeansAlgorithm algorithm) {
        return KMeans<double>::params(40).init_centroids(start).algorithm(algorithm).tolerance(0).fit_predict(x);
    };
    const auto lloyd = fit(KMeansAlgorithm::Lloyd), hamerly = fit(KMeansAlgorithm::Hamerly);
    CHECK(hamerly.model.centroids().allFinite());
    CHECK(hamerly.model.centroids() == lloyd.model.centroids());
    CHECK(hamerly.labels == lloyd.labels);
}

TEST_CASE_TEMPLATE("Hamerly gives the same model bit for bit on any thread count", F, float, double) {
    const auto data = test::blobs<F>(80, 2, 500, 31, 40.0);
    auto fit = [&] {
        return KMeans<F>::params_with_rng(80, linfa::Rng(8)).algorithm(KMeansAlgorithm::Hamerly).fit_predict(data);
    };
    const auto reference = test::with_threads(1, fit);
    for (int threads : {2, 3, 4}) {
        const auto other = test::with_threads(threads, fit);
        CHECK(other.model.centroids() == reference.model.centroids());
        CHECK(other.model.inertia() == reference.model.inertia());
        CHECK(other.labels == reference.labels);
    }
}

TEST_CASE("Hamerly's labels and inertia are those of its final centroids") {
    const auto data = test::blobs<double>(50, 2, 200, 12, 15.0);
    const auto fitted = fit_with<double>(KMeansAlgorithm::Hamerly, data, 50);
    CHECK(fitted.labels == fitted.model.predict(data));
    CHECK(fitted.model.inertia() == doctest::Approx(test::brute_inertia(data.records(), fitted.model.centroids())));
}

TEST_CASE("Auto picks Hamerly when k x d distance work is large, Lloyd otherwise") {
    using linfa::clustering::resolve_algorithm;
    CHECK(resolve_algorithm(KMeansAlgorithm::Auto, 1000, 2) == KMeansAlgorithm::Hamerly);
    CHECK(resolve_algorithm(KMeansAlgorithm::Auto, 256, 128) == KMeansAlgorithm::Hamerly);
    CHECK(resolve_algorithm(KMeansAlgorithm::Auto, 100, 2) == KMeansAlgorithm::Lloyd);
    CHECK(resolve_algorithm(KMeansAlgorithm::Auto, 3, 2) == KMeansAlgorithm::Lloyd);
    CHECK(resolve_algorithm(KMeansAlgorithm::Auto, 4, 128) == KMeansAlgorithm::Lloyd);
    CHECK(resolve_algorithm(KMeansAlgorithm::Lloyd, 1000, 2) == KMeansAlgorithm::Lloyd);
    CHECK(resolve_algorithm(KMeansAlgorithm::Hamerly, 3, 128) == KMeansAlgorithm::Hamerly);
}

TEST_CASE("Hamerly matches Lloyd in high dimension, where bounds rarely hold (GEMM for the rows they fail)") {
    const Matrix<double> x = uniform<double>(2500, 96, 31);
    check_same_as_lloyd<double>(x, 40, 0.0);
    const Matrix<float> xf = uniform<float>(2500, 96, 32);
    check_same_as_lloyd<float>(xf, 40, 0.0);
    const auto blobs = test::blobs<double>(30, 64, 80, 8, 6.0);  // separated: bounds hold
    check_same_as_lloyd<double>(blobs, 30, 0.0);
}

TEST_CASE("Lloyd's fused small-k pass (k <= 8, d <= 4) sums as the general path does: Hamerly agrees bit for bit") {
    for (std::size_t d : {1u, 2u, 3u, 4u}) {
        for (std::size_t k : {1u, 3u, 8u}) {
            CAPTURE(d);
            CAPTURE(k);
            // 1003 rows: the last block ends in a partial group of eight
            check_same_as_lloyd<float>(uniform<float>(1003, d, 40 + d), k, 0.0);
            const Matrix<double> x = uniform<double>(1003, d, 50 + d);
            linfa::Rng rng(d + k);
            linfa::Vector<double> weights(x.rows());
            for (Eigen::Index i = 0; i < weights.size(); ++i) weights[i] = 0.25 + rng.uniform();
            const auto weighted = linfa::Dataset<double>(x).with_weights(weights);
            check_same_as_lloyd<double>(weighted, k, 0.0);
        }
    }
}
