// The conformance suite: every model of linfa::Models (models.hpp), float and double, gets the
// same checks by being listed, whatever its algorithm. It asks each model what it can do
// (predict, predict_proba, transform) through the concepts, never which algorithm it is.
//   - binary and JSON model files round-trip bit for bit, and the loaded model answers the same;
//   - a truncated file, or one with a flipped bit, is refused with ModelFileError;
//   - NaN, infinity, wrong feature counts and empty data are refused with InvalidInput, by
//     fit and by every prediction;
//   - the same data and seed give the same model, bit for bit, on 1, 2 and 3 threads.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <linfa/models.hpp>

#include "support.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

template <class M>
using scalar_of = typename linfa::model_io<M>::scalar_type;

template <class M>
M fit_example(const linfa::DatasetView<scalar_of<M>>& data) {
    static_assert(linfa::ExampleFittable<M, scalar_of<M>>, "a listed model needs a model_example specialisation");
    return linfa::model_example<M>::params().fit(data);
}

/// Every prediction the model offers on `x`, by name, as doubles.
template <class M>
std::vector<std::pair<std::string, Eigen::MatrixXd>> outputs(const M& model, const linfa::DatasetView<scalar_of<M>>& x) {
    using View = linfa::DatasetView<scalar_of<M>>;
    std::vector<std::pair<std::string, Eigen::MatrixXd>> all;
    if constexpr (linfa::Predict<M, View>) all.emplace_back("predict", model.predict(x).template cast<double>());
    if constexpr (linfa::PredictProba<M, View>) all.emplace_back("predict_proba", model.predict_proba(x).template cast<double>());
    if constexpr (linfa::Transformer<M, View>) all.emplace_back("transform", model.transform(x).template cast<double>());
    return all;
}

/// Checks that every prediction the model offers refuses `x` with InvalidInput.
template <class M>
void check_every_output_refuses(const M& model, const linfa::DatasetView<scalar_of<M>>& x, const std::string& message_part) {
    using View = linfa::DatasetView<scalar_of<M>>;
    auto refuses = [&](const char* name, auto&& call) {
        CAPTURE(name);
        try {
            call();
            FAIL("accepted");
        } catch (const linfa::InvalidInput& e) {
            CHECK_MESSAGE(std::string(e.what()).find(message_part) != std::string::npos, e.what());
        }
    };
    if constexpr (linfa::Predict<M, View>) refuses("predict", [&] { return model.predict(x); });
    if constexpr (linfa::PredictProba<M, View>) refuses("predict_proba", [&] { return model.predict_proba(x); });
    if constexpr (linfa::Transformer<M, View>) refuses("transform", [&] { return model.transform(x); });
}

/// The model's binary file when fitted with `threads` OpenMP threads.
template <class M>
std::string fitted_with_threads(int threads, const linfa::DatasetView<scalar_of<M>>& data) {
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    const std::string bytes = test::to_bytes(fit_example<M>(data));
    omp_set_num_threads(saved);
    return bytes;
#else
    (void)threads;
    return test::to_bytes(fit_example<M>(data));
#endif
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("a listed model answers and round-trips bit for bit in both encodings", M, round_trip) {
    const auto data = linfa::example_dataset<scalar_of<M>>();
    const M model = fit_example<M>(data.view());
    const auto queries = linfa::example_dataset<scalar_of<M>>(50, 4, 99);
    const auto expected = outputs(model, queries.view());
    REQUIRE(!expected.empty());  // a listed model answers something
    for (const auto& output : expected) {  // no structured binding: clang 14 cannot CAPTURE one
        CAPTURE(output.first);
        CHECK(output.second.rows() == 50);
        CHECK(output.second.allFinite());
    }
    const std::string reference = test::to_bytes(model);
    for (const auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        CAPTURE(int(format));
        const M again = test::from_bytes<M>(test::to_bytes(model, format));
        CHECK(test::to_bytes(again) == reference);
        CHECK(outputs(again, queries.view()) == expected);
    }
    std::istringstream in(reference);
    const linfa::ModelHeader header = linfa::read_header(in);
    CHECK(header.kind == linfa::model_io<M>::kind);
    CHECK(header.scalar == linfa::scalar_name<scalar_of<M>>());
}
TEST_CASE_TEMPLATE_APPLY(round_trip, linfa::Models::tuple);

TEST_CASE_TEMPLATE_DEFINE("truncated files and flipped bits are refused", M, damaged_files) {
    const M model = fit_example<M>(linfa::example_dataset<scalar_of<M>>().view());
    const std::string bytes = test::to_bytes(model);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
        CAPTURE(length);
        CHECK_THROWS_AS(test::from_bytes<M>(bytes.substr(0, length)), linfa::ModelFileError);
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (const int bit : {0, 3, 7}) {
            std::string damaged = bytes;
            damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
            CAPTURE(i);
            CHECK_THROWS_AS(test::from_bytes<M>(damaged), linfa::ModelFileError);
        }
    }
    const std::string json = test::to_bytes(model, linfa::FileFormat::json);
    const std::size_t closing = json.rfind('}');
    for (std::size_t length = 0; length < closing; length += 1 + length / 64) {
        CAPTURE(length);
        CHECK_THROWS_AS(test::from_bytes<M>(json.substr(0, length)), linfa::ModelFileError);
    }
}
TEST_CASE_TEMPLATE_APPLY(damaged_files, linfa::Models::tuple);

TEST_CASE_TEMPLATE_DEFINE("bad data is refused with InvalidInput by fit and by every prediction", M, bad_data) {
    using F = scalar_of<M>;
    const auto data = linfa::example_dataset<F>(60, 4);
    const M model = fit_example<M>(data.view());
    for (const F bad : {std::numeric_limits<F>::quiet_NaN(), std::numeric_limits<F>::infinity(),
                        -std::numeric_limits<F>::infinity()}) {
        CAPTURE(bad);
        auto damaged = data;
        damaged.records(17, 2) = bad;
        CHECK_THROWS_AS(fit_example<M>(damaged.view()), linfa::InvalidInput);
        check_every_output_refuses(model, damaged.view(), "NaN or infinity");
    }
    const auto wider = linfa::example_dataset<F>(10, 5);
    check_every_output_refuses(model, wider.view(), "features");
    const auto narrower = linfa::example_dataset<F>(10, 3);
    check_every_output_refuses(model, narrower.view(), "features");
    const linfa::Matrix<F> no_rows(0, 4);
    CHECK_THROWS_AS(fit_example<M>(linfa::DatasetView<F>(no_rows)), linfa::InvalidInput);
    const linfa::Matrix<F> no_features(10, 0);
    CHECK_THROWS_AS(fit_example<M>(linfa::DatasetView<F>(no_features)), linfa::InvalidInput);
}
TEST_CASE_TEMPLATE_APPLY(bad_data, linfa::Models::tuple);

TEST_CASE_TEMPLATE_DEFINE("the same model bit for bit on 1, 2 and 3 threads", M, threads) {
    // Enough rows for several chunks of the fixed partition (core/parallel.hpp).
    const auto data = linfa::example_dataset<scalar_of<M>>(20000, 4, 3);
    const std::string one = fitted_with_threads<M>(1, data.view());
    CHECK(fitted_with_threads<M>(2, data.view()) == one);
    CHECK(fitted_with_threads<M>(3, data.view()) == one);
}
TEST_CASE_TEMPLATE_APPLY(threads, linfa::Models::tuple);
