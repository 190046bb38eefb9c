// linfa::Pipeline: what only pipelines need (the conformance suite already checks every listed
// pipeline for round trips, damaged files, bad data and thread counts): the capabilities of the
// final model and no others, the same answers as the models composed by hand, errors that name
// the step, sample weights for the final model only, and model files whose parts are checked.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <linfa/pipeline.hpp>

#include "support.hpp"

namespace {

using linfa::DatasetView;
using linfa::Labels;
using linfa::Matrix;
using Scaler = linfa::preprocessing::StandardScaler<double>;
using Pca = linfa::decomposition::Pca<double>;
using Logistic = linfa::linear::LogisticRegression<double>;
using Classifier = linfa::Pipeline<Logistic>;
using View = DatasetView<double>;

// A pipeline has exactly its final model's capabilities.
static_assert(linfa::Predict<Classifier, View> && linfa::PredictProba<Classifier, View>);
static_assert(linfa::PredictInplace<Classifier, View, Labels>);
static_assert(!linfa::Transformer<Classifier, View>);
static_assert(linfa::Transformer<linfa::Pipeline<linfa::clustering::KMeans<float>>, DatasetView<float>>);
static_assert(!linfa::PredictProba<linfa::Pipeline<linfa::linear::Ridge<double>>, View>);
static_assert(std::is_same_v<decltype(std::declval<const linfa::Pipeline<linfa::linear::Ridge<double>>&>().predict(std::declval<View>())),
                             Matrix<double>>);
static_assert(linfa::SerializableModel<Classifier>);
// Its hyper-parameters are guarded like any algorithm's.
using ClassifierParams = linfa::PipelineParams<linfa::preprocessing::StandardScalerParams<double>, linfa::decomposition::PcaParams<double>,
                                               linfa::linear::LogisticRegressionParams<double>>;
static_assert(linfa::ParamGuard<ClassifierParams>);
static_assert(std::is_same_v<linfa::fitted_t<ClassifierParams, View>, Classifier>);
// A step is any listed transformer of the same scalar type, and nothing else.
static_assert(std::is_constructible_v<Classifier::Step, Scaler> && std::is_constructible_v<Classifier::Step, Pca>);
static_assert(std::is_constructible_v<Classifier::Step, linfa::clustering::KMeans<double>>);
static_assert(!std::is_constructible_v<Classifier::Step, Logistic>);
static_assert(!std::is_constructible_v<Classifier::Step, linfa::preprocessing::StandardScaler<float>>);
static_assert(linfa::model_io<Classifier>::kind == "pipeline.linear_model.logistic_regression");

ClassifierParams classifier_params() {
    return linfa::make_pipeline(Scaler::params(), Pca::params(linfa::Rng(5)).n_components(3), Logistic::params().c(0.5));
}

}  // namespace

TEST_CASE("a fitted pipeline answers what its models composed by hand answer, bit for bit") {
    const auto data = linfa::example_dataset<double>(400, 5, 3);
    const View train = data.view();
    const Classifier pipeline = classifier_params().fit(train);

    const Scaler scaler = Scaler::params().fit(View(data.records));
    const Matrix<double> scaled = scaler.transform(View(data.records));
    const Pca pca = Pca::params(linfa::Rng(5)).n_components(3).fit(View(scaled));
    const Matrix<double> scores = pca.transform(View(scaled));
    const Logistic classifier = Logistic::params().c(0.5).fit(train.with_records(linfa::MatrixView<double>(scores.data(), scores.rows(), scores.cols())));

    CHECK(pipeline.n_steps() == 2);
    CHECK(pipeline.n_features() == 5);
    CHECK(pipeline.step_kinds() == std::vector<std::string>{"preprocessing.standard_scaler", "decomposition.pca", "linear_model.logistic_regression"});
    CHECK(pipeline.transform_steps(train) == scores);
    CHECK(pipeline.predict_proba(train) == classifier.predict_proba(View(scores)));
    CHECK(pipeline.predict(train) == classifier.predict(View(scores)));
    Labels labels(400);
    pipeline.predict_inplace(train, labels);
    CHECK(labels == classifier.predict(View(scores)));
    CHECK(pipeline.score(train) == classifier.score(train.with_records(linfa::MatrixView<double>(scores.data(), scores.rows(), scores.cols()))));
    CHECK(pipeline.score(train) > 0.9);

    // The same pipeline made of the fitted models.
    const Classifier assembled({scaler, pca}, classifier);
    CHECK(test::to_bytes(assembled) == test::to_bytes(pipeline));
}

TEST_CASE("a pipeline without transformers is its final model") {
    const auto data = linfa::example_dataset<double>(200, 4, 5);
    const Classifier pipeline = linfa::make_pipeline(Logistic::params()).fit(data.view());
    const Logistic alone = Logistic::params().fit(data.view());
    CHECK(pipeline.n_steps() == 0);
    CHECK(pipeline.n_features() == 4);
    CHECK(pipeline.predict_proba(data.view()) == alone.predict_proba(data.view()));
    CHECK(pipeline.transform_steps(data.view()) == data.records);
    CHECK(test::from_bytes<Classifier>(test::to_bytes(pipeline)).predict_proba(data.view()) == alone.predict_proba(data.view()));
}

TEST_CASE("sample weights reach the final model only") {
    const auto data = linfa::example_dataset<double>(300, 4, 9);
    linfa::Vector<double> weights(300);
    for (Eigen::Index i = 0; i < 300; ++i) weights(i) = 0.5 + double(i % 7);
    const View weighted = View(linfa::MatrixView<double>(data.records.data(), 300, 4), std::span<const double>(weights.data(), 300))
                              .with_labels(std::span<const std::int32_t>(data.labels.data(), 300));
    const Classifier pipeline = linfa::make_pipeline(Scaler::params(), Logistic::params()).fit(weighted);
    const Scaler scaler = Scaler::params().fit(View(data.records));  // unweighted
    const Matrix<double> scaled = scaler.transform(View(data.records));
    const Logistic classifier = Logistic::params().fit(weighted.with_records(linfa::MatrixView<double>(scaled.data(), 300, 4)));
    CHECK(pipeline.predict_proba(weighted) == classifier.predict_proba(View(scaled)));
}

TEST_CASE("bad input and bad hyper-parameters are refused by the first step they reach, which is named") {
    const auto data = linfa::example_dataset<double>(200, 4, 5);
    const Classifier pipeline = classifier_params().fit(data.view());
    const Matrix<double> wide = Matrix<double>::Zero(3, 5);
    test::check_throws<linfa::InvalidInput>([&] { pipeline.predict(View(wide)); },
                                            "pipeline step 1 of 3 (preprocessing.standard_scaler): ");
    Matrix<double> with_nan = data.records.topRows(3);
    with_nan(1, 2) = std::nan("");
    test::check_throws<linfa::InvalidInput>([&] { pipeline.predict_proba(View(with_nan)); }, "pipeline step 1 of 3 (preprocessing.standard_scaler)");
    // Values the first steps accept, but whose squared distances to K-Means' centroids would
    // overflow: the final model refuses them, named.
    using Clusters = linfa::Pipeline<linfa::clustering::KMeans<double>>;
    const Clusters clusters = linfa::model_example<Clusters>::params().fit(data.view());
    const Matrix<double> huge = Matrix<double>::Constant(2, 4, 1e200);
    test::check_throws<linfa::InvalidInput>([&] { clusters.predict(View(huge)); }, "pipeline step 3 of 3 (clustering.kmeans): ");

    test::check_throws<linfa::InvalidParams>(
        [&] { linfa::make_pipeline(Scaler::params(), Pca::params().n_components(3), Logistic::params().c(-1)).check(); },
        "pipeline step 3 of 3: ");
    test::check_throws<linfa::InvalidInput>([&] { classifier_params().fit(View(data.records)); },
                                            "pipeline step 3 of 3 (linear_model.logistic_regression): ");
    Matrix<double> bad_fit = data.records;
    bad_fit(0, 0) = std::numeric_limits<double>::infinity();
    test::check_throws<linfa::InvalidInput>([&] { classifier_params().fit(View(bad_fit).with_labels(data.view().labels())); },
                                            "pipeline step 1 of 3 (preprocessing.standard_scaler): ");

    // Models whose widths do not chain.
    const Scaler scaler = Scaler::params().fit(View(data.records));
    const Matrix<double> narrow = data.records.leftCols(3);
    const Logistic three_features = Logistic::params().fit(View(narrow).with_labels(data.view().labels()));
    test::check_throws<linfa::InvalidInput>([&] { Classifier({scaler}, three_features); }, "gives 4 features, but step 2 takes 3");
}

TEST_CASE("pipeline model files hold every step's model and refuse parts that do not fit") {
    const auto data = linfa::example_dataset<double>(200, 4, 5);
    const Classifier pipeline = classifier_params().fit(data.view());
    const std::string json = test::to_bytes(pipeline, linfa::FileFormat::json);
    CHECK(json.find("\"step_1\"") != std::string::npos);
    CHECK(json.find("\"final\"") != std::string::npos);
    CHECK(test::from_bytes<Classifier>(json).predict_proba(data.view()) == pipeline.predict_proba(data.view()));

    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string text = json;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        return text.replace(at, from.size(), to);
    };
    // A step that is not a transformer, or of the other scalar type.
    test::check_throws<linfa::ModelFileError>(
        [&] { test::from_bytes<Classifier>(replaced("\"kind\": \"preprocessing.standard_scaler\"", "\"kind\": \"linear_model.ridge\"")); },
        "not a transformer");
    test::check_throws<linfa::ModelFileError>(
        [&] { test::from_bytes<Classifier>(replaced("\"scalar\": \"f64\",\n        \"body_version\"", "\"scalar\": \"f32\",\n        \"body_version\"")); },
        "not a transformer");
    // More steps than the file holds, or than any pipeline may have.
    test::check_throws<linfa::ModelFileError>([&] { test::from_bytes<Classifier>(replaced("\"shape\": [\n        2,", "\"shape\": [\n        3,")); },
                                              "model file");
    test::check_throws<linfa::ModelFileError>([&] { test::from_bytes<Classifier>(replaced("\"shape\": [\n        2,", "\"shape\": [\n        65,")); },
                                              "n_steps <= 64");
    // A file of a pipeline ending in another model.
    test::check_throws<linfa::ModelFileError>([&] { test::from_bytes<linfa::Pipeline<linfa::naive_bayes::GaussianNb<double>>>(json); },
                                              "expected 'pipeline.naive_bayes.gaussian_nb'");
}
