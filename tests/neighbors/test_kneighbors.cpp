// KNeighborsClassifier / KNeighborsRegressor: predictions against a direct computation (every
// distance, sorted by (distance, row), votes or means), distance weights with exact matches,
// every algorithm alike, model files, and every bad parameter and input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <linfa/neighbors.hpp>

#include "support.hpp"

using linfa::DatasetView;
using linfa::Labels;
using linfa::Matrix;
using linfa::MatrixView;
using namespace linfa::neighbors;
namespace nn = linfa::nn;

static_assert(linfa::ParamGuard<KNeighborsClassifierParams<double>>);
static_assert(linfa::Fit<KNeighborsClassifierParams<float>, DatasetView<float>>);
static_assert(linfa::Predict<KNeighborsClassifier<double>, DatasetView<double>>);
static_assert(linfa::PredictInplace<KNeighborsClassifier<double>, DatasetView<double>, Labels>);
static_assert(linfa::PredictProba<KNeighborsClassifier<float>, DatasetView<float>>);
static_assert(!linfa::Transformer<KNeighborsClassifier<double>, DatasetView<double>>);
static_assert(!linfa::FitPredict<KNeighborsClassifierParams<double>, DatasetView<double>>);
static_assert(linfa::ParamGuard<KNeighborsRegressorParams<double>>);
static_assert(linfa::Fit<KNeighborsRegressorParams<double>, DatasetView<double>>);
static_assert(linfa::Predict<KNeighborsRegressor<float>, DatasetView<float>>);
static_assert(linfa::PredictInplace<KNeighborsRegressor<double>, DatasetView<double>, Matrix<double>>);
static_assert(!linfa::PredictProba<KNeighborsRegressor<double>, DatasetView<double>>);

namespace {

struct Data {
    Matrix<double> x, y;
    Labels labels;
    DatasetView<double> view() const {
        return DatasetView<double>(x)
            .with_labels(std::span<const std::int32_t>(labels.data(), std::size_t(labels.size())))
            .with_targets(MatrixView<double>(y.data(), y.rows(), y.cols()));
    }
};

/// Points on a coarse grid (ties and duplicates), labels 10, 20, 30 by region plus noise.
Data grid_data(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> cell(0, 5), coin(0, 9);
    Data d{Matrix<double>(Eigen::Index(n), 2), Matrix<double>(Eigen::Index(n), 2), Labels(Eigen::Index(n))};
    for (Eigen::Index i = 0; i < Eigen::Index(n); ++i) {
        d.x(i, 0) = cell(gen), d.x(i, 1) = cell(gen);
        d.labels(i) = d.x(i, 0) + d.x(i, 1) < 5 ? 10 : (coin(gen) < 7 ? 20 : 30);
        d.y(i, 0) = d.x(i, 0) * 2 - d.x(i, 1) + 0.1 * coin(gen);
        d.y(i, 1) = double(coin(gen));
    }
    return d;
}

/// The k nearest training rows of `q` by the index's own distance, ties to the lower row.
std::vector<std::pair<double, std::int64_t>> nearest(const Matrix<double>& x, const double* q, std::size_t k, const nn::Metric& m) {
    std::vector<std::pair<double, std::int64_t>> all;
    for (Eigen::Index j = 0; j < x.rows(); ++j) all.push_back({m.normalized().distance(q, x.data() + j * x.cols(), 2), j});
    std::sort(all.begin(), all.end());
    all.resize(k);
    return all;
}

std::vector<double> reference_weights(const std::vector<std::pair<double, std::int64_t>>& found, Weights w) {
    std::vector<double> out;
    const bool exact = std::any_of(found.begin(), found.end(), [](const auto& f) { return f.first == 0; });
    for (const auto& f : found) out.push_back(w == Weights::uniform ? 1.0 : exact ? double(f.first == 0) : 1.0 / f.first);
    return out;
}

}  // namespace

TEST_CASE("classifier and regressor agree with a direct computation, every algorithm and weighting") {
    const Data train = grid_data(150, 1), test = grid_data(40, 2);
    for (const Weights w : {Weights::uniform, Weights::distance})
        for (const auto algorithm : {nn::IndexAlgorithm::brute, nn::IndexAlgorithm::kd_tree, nn::IndexAlgorithm::ball_tree})
            for (const nn::Metric metric : {nn::Metric{}, nn::Metric::parse("manhattan"), nn::Metric::parse("minkowski", 3)}) {
                CAPTURE(int(w));
                CAPTURE(int(algorithm));
                CAPTURE(metric.name());
                const auto classifier =
                    KNeighborsClassifier<double>::params().n_neighbors(7).weights(w).algorithm(algorithm).leaf_size(3).metric(metric).fit(
                        train.view());
                const auto regressor =
                    KNeighborsRegressor<double>::params().n_neighbors(7).weights(w).algorithm(algorithm).leaf_size(3).metric(metric).fit(
                        train.view());
                CHECK(classifier.classes().labels().size() == 3);
                const Labels predicted = classifier.predict(DatasetView<double>(test.x));
                const Matrix<double> proba = classifier.predict_proba(DatasetView<double>(test.x));
                const Matrix<double> values = regressor.predict(DatasetView<double>(test.x));
                for (Eigen::Index i = 0; i < test.x.rows(); ++i) {
                    const auto found = nearest(train.x, test.x.data() + i * 2, 7, metric);
                    const auto weight = reference_weights(found, w);
                    double votes[3] = {0, 0, 0}, total = 0, sums[2] = {0, 0};
                    for (std::size_t j = 0; j < found.size(); ++j) {
                        votes[train.labels(found[j].second) / 10 - 1] += weight[j];
                        total += weight[j];
                        for (int t = 0; t < 2; ++t) sums[t] += weight[j] * train.y(found[j].second, t);
                    }
                    const int best = int(std::max_element(votes, votes + 3) - votes);
                    CHECK(predicted(i) == (best + 1) * 10);
                    for (int c = 0; c < 3; ++c) CHECK(proba(i, c) == doctest::Approx(votes[c] / total).epsilon(1e-12));
                    for (int t = 0; t < 2; ++t) CHECK(values(i, t) == doctest::Approx(sums[t] / total).epsilon(1e-12));
                }
                const auto knn = classifier.kneighbors(DatasetView<double>(test.x), 3);
                CHECK(knn.indices.cols() == 3);
                Labels inplace(1);
                classifier.predict_inplace(DatasetView<double>(test.x), inplace);
                CHECK(inplace == predicted);
            }
}

TEST_CASE("distance weights: a training sample at distance 0 decides alone") {
    Matrix<double> x(4, 1);
    x << 0, 1, 1.5, 2;
    Labels labels(4);
    labels << 1, 2, 2, 2;
    Matrix<double> y(4, 1);
    y << 100, 1, 2, 3;
    const auto view = DatasetView<double>(x).with_labels(std::span<const std::int32_t>(labels.data(), 4)).with_targets(
        MatrixView<double>(y.data(), 4, 1));
    const auto classifier = KNeighborsClassifier<double>::params().n_neighbors(4).weights(Weights::distance).fit(view);
    const auto regressor = KNeighborsRegressor<double>::params().n_neighbors(4).weights(Weights::distance).fit(view);
    Matrix<double> q(1, 1);
    q << 0;
    CHECK(classifier.predict(DatasetView<double>(q))(0) == 1);
    CHECK(classifier.predict_proba(DatasetView<double>(q))(0, 0) == 1.0);
    CHECK(regressor.predict(DatasetView<double>(q))(0, 0) == 100.0);
}

TEST_CASE("model files round-trip and answer the same; float models too") {
    const Data train = grid_data(60, 3);
    const auto classifier = KNeighborsClassifier<double>::params().n_neighbors(4).weights(Weights::distance).fit(train.view());
    const auto again = test::from_bytes<KNeighborsClassifier<double>>(test::to_bytes(classifier));
    CHECK(again.predict_proba(DatasetView<double>(train.x)) == classifier.predict_proba(DatasetView<double>(train.x)));
    CHECK(again.options().weights == Weights::distance);
    CHECK(again.options().n_neighbors == 4);
    const Matrix<float> xf = train.x.cast<float>(), yf = train.y.cast<float>();
    const auto regressor = KNeighborsRegressor<float>::params()
                               .metric(nn::Metric::parse("chebyshev"))
                               .fit(DatasetView<float>(xf).with_targets(MatrixView<float>(yf.data(), yf.rows(), yf.cols())));
    const auto loaded = test::from_bytes<KNeighborsRegressor<float>>(test::to_bytes(regressor, linfa::FileFormat::json));
    CHECK(loaded.predict(DatasetView<float>(xf)) == regressor.predict(DatasetView<float>(xf)));
    CHECK(loaded.options().index.metric.kind == nn::MetricKind::chebyshev);
}

TEST_CASE_TEMPLATE("files written before sparse fits (body version 1) still load, as the model they hold", F, float, double) {
    // The data of tests/io/fixtures/README.md: 12 rows (i % 3, i / 3, 7i % 5), labels 10 (i % 3),
    // targets (i, -2i); classifier k = 3 with distance weights, regressor k = 2, manhattan.
    Matrix<F> x(12, 3), t(12, 2);
    Labels y(12);
    for (int i = 0; i < 12; ++i) x(i, 0) = F(i % 3), x(i, 1) = F(i / 3), x(i, 2) = F((i * 7) % 5), y[i] = 10 * (i % 3), t(i, 0) = F(i), t(i, 1) = F(-2 * i);
    const auto classifier = KNeighborsClassifier<F>::params().n_neighbors(3).weights(Weights::distance).fit(
        DatasetView<F>(x).with_labels(std::span<const std::int32_t>(y.data(), 12)));
    const auto regressor = KNeighborsRegressor<F>::params().n_neighbors(2).metric(nn::Metric::parse("manhattan")).fit(
        DatasetView<F>(x).with_targets(MatrixView<F>(t.data(), 12, 2)));
    const std::string s(linfa::scalar_name<F>());
    for (const std::string ext : {".bin", ".json"}) {
        CAPTURE(ext);
        const std::string classifier_file = test::fixture("kneighbors_classifier_9dd460f_" + s + ext);
        std::istringstream header_in(classifier_file);
        CHECK(linfa::read_header(header_in).body_version == 1);
        const auto old_classifier = test::from_bytes<KNeighborsClassifier<F>>(classifier_file);
        CHECK(!old_classifier.sparse());
        CHECK(old_classifier.records() == x);
        CHECK(old_classifier.predict_proba(DatasetView<F>(x)) == classifier.predict_proba(DatasetView<F>(x)));
        CHECK(test::to_bytes(old_classifier) == test::to_bytes(classifier));  // saved again: today's file of the same fit
        const auto old_regressor = test::from_bytes<KNeighborsRegressor<F>>(test::fixture("kneighbors_regressor_9dd460f_" + s + ext));
        CHECK(old_regressor.options().index.metric.kind == nn::MetricKind::manhattan);
        CHECK(old_regressor.predict(DatasetView<F>(x)) == regressor.predict(DatasetView<F>(x)));
        CHECK(test::to_bytes(old_regressor) == test::to_bytes(regressor));
    }
}

TEST_CASE("bad parameters and data are refused with a clear message") {
    const Data train = grid_data(6, 4);
    test::check_throws<NeighborsParamsError>([&] { KNeighborsClassifier<double>::params().n_neighbors(0).fit(train.view()); },
                                             "n_neighbors must be at least 1");
    test::check_throws<NeighborsInputError>([&] { KNeighborsClassifier<double>::params().n_neighbors(7).fit(train.view()); },
                                            "n_neighbors = 7 must be at most the number of training samples, found n_samples = 6");
    test::check_throws<NeighborsInputError>([&] { KNeighborsRegressor<double>::params().n_neighbors(7).fit(train.view()); },
                                            "n_samples = 6");
    test::check_throws<NeighborsParamsError>([&] { KNeighborsRegressor<double>::params().leaf_size(0).fit(train.view()); }, "leaf_size");
    test::check_throws<NeighborsParamsError>(
        [&] { KNeighborsRegressor<double>::params().metric(nn::Metric{nn::MetricKind::minkowski, 0.5}).fit(train.view()); }, "p >= 1");
    test::check_throws<linfa::InvalidParams>([] { nn::Metric::parse("mahalanobis"); }, "found \"mahalanobis\"");
    test::check_throws<NeighborsParamsError>([] { parse_weights("gaussian"); }, "found \"gaussian\"");
    test::check_throws<NeighborsInputError>([&] { KNeighborsClassifier<double>::params().fit(DatasetView<double>(train.x)); },
                                            "no class labels");
    test::check_throws<NeighborsInputError>([&] { KNeighborsRegressor<double>::params().fit(DatasetView<double>(train.x)); },
                                            "no targets");
    const linfa::Vector<double> w = linfa::Vector<double>::Ones(6);
    test::check_throws<NeighborsInputError>(
        [&] {
            const auto weighted = DatasetView<double>(MatrixView<double>(train.x.data(), 6, 2), std::span<const double>(w.data(), 6))
                                      .with_labels(std::span<const std::int32_t>(train.labels.data(), 6));
            KNeighborsClassifier<double>::params().n_neighbors(2).fit(weighted);
        },
        "sample weights");
    Matrix<double> huge = train.x;
    huge(1, 1) = 1e200;
    test::check_throws<linfa::InvalidInput>(
        [&] { KNeighborsRegressor<double>::params().n_neighbors(2).fit(train.view().with_records(MatrixView<double>(huge.data(), 6, 2))); },
        "too large");
    const auto model = KNeighborsClassifier<double>::params().n_neighbors(2).fit(train.view());
    test::check_throws<linfa::InvalidInput>([&] { model.predict(DatasetView<double>(huge)); }, "too large");
    const Matrix<double> wide(3, 3);
    test::check_throws<linfa::InvalidInput>([&] { model.predict(DatasetView<double>(wide)); }, "expected 2 features");
    test::check_throws<linfa::InvalidInput>([&] { model.kneighbors(DatasetView<double>(train.x), 7); }, "found 7");
}
