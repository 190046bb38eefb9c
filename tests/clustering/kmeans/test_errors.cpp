// Every invalid parameter and input gets a linfa::Error subclass whose message names it.
#include <doctest/doctest.h>

#include "error_message.hpp"
#include "helpers.hpp"

using linfa::Matrix;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::KMeansInputError;
using linfa::clustering::KMeansParamsError;

using test::message_of;

TEST_CASE("invalid hyper-parameters are refused by check() and by fit") {
    const Matrix<double> x = Matrix<double>::Random(20, 2);
    auto p = [] { return KMeans<double>::params(3); };
    CHECK_THROWS_AS(KMeans<double>::params(0).check(), KMeansParamsError);
    CHECK(message_of([&] { KMeans<double>::params(0).check(); }) == "KMeans: n_clusters must be at least 1, found 0");
    CHECK(message_of([&] { p().n_runs(0).check(); }).find("n_runs") != std::string::npos);
    CHECK(message_of([&] { p().tolerance(-1).check(); }).find("tolerance") != std::string::npos);
    CHECK(message_of([&] { p().tolerance(NAN).check(); }).find("tolerance") != std::string::npos);
    CHECK(message_of([&] { p().max_n_iterations(0).check(); }).find("max_n_iterations") != std::string::npos);
    CHECK(message_of([&] { p().init_method(InitMethod::Precomputed).check(); }).find("init_centroids") != std::string::npos);
    CHECK(message_of([&] { p().init_centroids(Matrix<double>::Zero(2, 2)).check(); }).find("2 rows, expected n_clusters = 3") !=
          std::string::npos);
    Matrix<double> bad_init = Matrix<double>::Zero(3, 2);
    bad_init(1, 1) = INFINITY;
    CHECK(message_of([&] { p().init_centroids(bad_init).check(); }).find("NaN or infinity") != std::string::npos);
    CHECK_THROWS_AS(p().tolerance(-1).fit(x), linfa::InvalidParams);
    CHECK_NOTHROW(p().tolerance(0).check());
}

TEST_CASE_TEMPLATE("invalid data is refused with a message that names the problem", F, float, double) {
    Matrix<F> x = Matrix<F>::Random(10, 2);
    auto fit = [](const linfa::DatasetView<F>& d, std::size_t k = 3) { return KMeans<F>::params(k).fit(d); };

    Matrix<F> nan = x;
    nan(4, 1) = std::numeric_limits<F>::quiet_NaN();
    CHECK(message_of([&] { fit(nan); }) == "records contain NaN or infinity (row 4, column 1)");
    Matrix<F> inf = x;
    inf(0, 0) = -std::numeric_limits<F>::infinity();
    CHECK_THROWS_AS(fit(inf), linfa::InvalidInput);

    CHECK(message_of([&] { fit(x, 11); }) == "KMeans: n_samples = 10 must be at least n_clusters = 11");
    CHECK_THROWS_AS(fit(Matrix<F>(0, 2), 1), KMeansInputError);
    CHECK(message_of([&] { fit(Matrix<F>(10, 0), 1); }) == "KMeans: records have zero features; need at least one");

    auto weighted = [&](linfa::Vector<F> w) { return fit(linfa::Dataset<F>(x).with_weights(std::move(w))); };
    linfa::Vector<F> w = linfa::Vector<F>::Ones(10);
    w(3) = -1;
    CHECK(message_of([&] { weighted(w); }).find("sample weights must be non-negative") != std::string::npos);
    w(3) = std::numeric_limits<F>::quiet_NaN();
    CHECK(message_of([&] { weighted(w); }) == "sample weights contain NaN or infinity (sample 3)");
    CHECK(message_of([&] { weighted(linfa::Vector<F>::Zero(10)); }) == "sample weights must not all be zero");

    CHECK(message_of([&] { KMeans<F>::params(2).init_centroids(Matrix<F>::Zero(2, 3)).fit(x); }) ==
          "KMeans: init_centroids have 3 features, the records have 2");

    const auto model = fit(x);
    CHECK(message_of([&] { model.predict(Matrix<F>(Matrix<F>::Zero(4, 3))); }) ==
          "KMeans: expected 2 features per sample (as in training), found 3");
    CHECK_THROWS_AS(model.transform(Matrix<F>(Matrix<F>::Zero(4, 1))), KMeansInputError);
    CHECK_THROWS_AS(model.score(nan), linfa::InvalidInput);
    CHECK_THROWS_AS(model.predict(nan), linfa::InvalidInput);
    linfa::Labels small(3);
    CHECK_THROWS_AS(model.predict_inplace(x, small), KMeansInputError);
    // predicting nothing is fine
    CHECK(model.predict(Matrix<F>(0, 2)).size() == 0);
}

TEST_CASE("edge sizes: one sample, huge k, every algorithm refuses the same bad data") {
    const Matrix<double> one = Matrix<double>::Constant(1, 3, 2.5);
    const auto single = KMeans<double>::params(1).fit(one);  // one sample, one cluster: its own centre
    CHECK(single.centroids() == one);
    CHECK(single.inertia() == 0.0);
    CHECK(message_of([&] { KMeans<double>::params(2).fit(one); }) == "KMeans: n_samples = 1 must be at least n_clusters = 2");

    const std::size_t huge = std::size_t(1) << 40;
    CHECK(message_of([&] { KMeans<double>::params(huge).check(); }) ==
          "KMeans: n_clusters must fit in an int32, found " + std::to_string(huge));
    CHECK(message_of([&] { KMeans<double>::params(std::size_t(INT32_MAX)).fit(one); }).find("must be at least n_clusters") !=
          std::string::npos);

    Matrix<double> nan = Matrix<double>::Random(50, 2);
    nan(7, 0) = NAN;
    for (auto algorithm : {linfa::clustering::KMeansAlgorithm::Lloyd, linfa::clustering::KMeansAlgorithm::Hamerly,
                           linfa::clustering::KMeansAlgorithm::Auto}) {
        CHECK(message_of([&] { KMeans<double>::params(20).algorithm(algorithm).fit(nan); }) ==
              "records contain NaN or infinity (row 7, column 0)");
    }
}

TEST_CASE("finite records whose squared deviations overflow double are refused, not fitted in one iteration") {
    Matrix<double> x = Matrix<double>::Zero(20, 2);
    x(3, 1) = 1e200;
    x(7, 0) = -1e200;
    for (const auto algorithm : {linfa::clustering::KMeansAlgorithm::Lloyd, linfa::clustering::KMeansAlgorithm::Hamerly}) {
        CHECK_THROWS_WITH_AS(KMeans<double>::params(2).algorithm(algorithm).fit(linfa::Dataset<double>(x)),
                             doctest::Contains("squared deviations overflow double"), linfa::clustering::KMeansInputError);
    }
    x(3, 1) = 1e150;  // large but representable: fitted
    x(7, 0) = -1e150;
    CHECK(KMeans<double>::params(2).fit(linfa::Dataset<double>(x)).centroids().allFinite());
}

TEST_CASE_TEMPLATE("predict, transform and score refuse finite values whose squared distances would overflow", F, float, double) {
    const auto model = KMeans<F>::params(2).fit(test::blobs<F>(2, 2, 20, 3, 5.0));
    const bool is_float = std::is_same_v<F, float>;
    Matrix<F> x = Matrix<F>::Zero(4, 2);
    x(2, 1) = is_float ? F(1e20) : F(1e200);
    const std::string expected = std::string("records contain a value too large (row 2, column 1: ") +
                                 (is_float ? "1e+20): squared distances would overflow float; the largest accepted magnitude is 6.52e+18"
                                           : "1e+200): squared distances would overflow double; the largest accepted magnitude is 4.74e+153");
    CHECK(message_of([&] { model.predict(x); }) == expected);
    CHECK(message_of([&] { model.transform(x); }) == expected);
    CHECK(message_of([&] { model.score(x); }) == expected);
    x(2, 1) = is_float ? F(6e18) : F(4e153);  // just inside: every distance finite
    const auto distances = model.transform(x);
    CHECK(distances.allFinite());
    CHECK(model.predict(x).size() == 4);
}
