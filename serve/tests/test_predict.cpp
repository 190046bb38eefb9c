// The server answers what linfa answers, through every API, for both scalar types.
#include <doctest/doctest.h>

#include "fixtures.hpp"

using namespace serve_test;

TEST_CASE("ml.ClusteringService/Predict matches linfa for every point") {
    const auto model = model_file<double>(100, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model});
    auto stub = ml::ClusteringService::NewStub(channel_to(server));
    const auto rows = random_rows(200, 2);
    const auto expected = reference_labels<double>(model, rows);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        ml::PredictRequest req;
        req.add_features(rows[2 * i]);
        req.add_features(rows[2 * i + 1]);
        ml::PredictResponse resp;
        REQUIRE(stub->Predict(context().get(), req, &resp).ok());
        CHECK(resp.cluster_index() == expected[i]);
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("ml.ClusteringService/PredictBatch matches linfa") {
    const auto model = model_file<double>(100, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model});
    const auto rows = random_rows(1000, 2, 2);
    ml::PredictBatchRequest req;
    for (std::size_t i = 0; i < 1000; ++i) req.add_observations()->mutable_features()->Add(rows.begin() + long(2 * i), rows.begin() + long(2 * i + 2));
    ml::PredictBatchResponse resp;
    REQUIRE(ml::ClusteringService::NewStub(channel_to(server))->PredictBatch(context().get(), req, &resp).ok());
    const std::vector<int> got(resp.cluster_indexes().begin(), resp.cluster_indexes().end());
    CHECK(got == reference_labels<double>(model, rows));
}

TEST_CASE("linfa.serving.v1 Predict: packed f64 and f32 rows, f64 and f32 models, distances") {
    for (const bool f32_model : {false, true}) {
        CAPTURE(f32_model);
        const auto model = f32_model ? model_file<float>(16, 5) : model_file<double>(16, 5);
        ServerProcess server(LINFA_SERVE_EXE, {"--model", model});
        const auto rows = random_rows(3000, 5, 3);
        const auto expected = f32_model ? reference_labels<float>(model, rows) : reference_labels<double>(model, rows);

        auto req = packed_f64(rows, 3000);
        req.set_return_distances(true);
        v1::PredictResponse resp;
        REQUIRE(linfa_predict(server, req, resp).ok());
        CHECK(std::vector<int>(resp.labels().begin(), resp.labels().end()) == expected);
        REQUIRE(resp.distances_size() == 3000);
        const auto c = f32_model ? linfa::load<linfa::clustering::KMeans<float>>(model).centroids().template cast<double>().eval()
                                 : linfa::load<linfa::clustering::KMeans<double>>(model).centroids();
        for (int i = 0; i < 3000; i += 97) {
            double sq = 0;
            for (int f = 0; f < 5; ++f) sq += std::pow(rows[std::size_t(i * 5 + f)] - c(resp.labels(i), f), 2);
            CHECK(resp.distances(i) == doctest::Approx(std::sqrt(sq)).epsilon(1e-4));
        }

        v1::PredictRequest f32_req;
        f32_req.set_n_rows(3000);
        f32_req.mutable_f32()->Add(rows.begin(), rows.end());
        v1::PredictResponse f32_resp;
        REQUIRE(linfa_predict(server, f32_req, f32_resp).ok());
        const std::vector<float> as_f32(rows.begin(), rows.end());
        const auto expected_f32 = f32_model ? reference_labels<float>(model, as_f32) : reference_labels<double>(model, as_f32);
        CHECK(std::vector<int>(f32_resp.labels().begin(), f32_resp.labels().end()) == expected_f32);
        CHECK(f32_resp.distances_size() == 0);
    }
}

TEST_CASE("GetModelMetadata reports the model's schema and the config's names and limits") {
    const auto model = model_file<double>(100, 2);
    const auto config = config_file("meta", R"(
[model]
name = "blobs"
version = "7"
kind = "clustering.kmeans"
n_features = 2
feature_names = ["x", "y"]
[limits]
max_rows_per_request = 500
)");
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model, "--config", config});
    v1::ModelMetadata meta;
    REQUIRE(v1::ModelService::NewStub(channel_to(server))->GetModelMetadata(context().get(), {}, &meta).ok());
    CHECK(meta.name() == "blobs");
    CHECK(meta.version() == "7");
    CHECK(meta.kind() == "clustering.kmeans");
    CHECK(meta.scalar() == "f64");
    CHECK(meta.n_features() == 2);
    CHECK(meta.n_clusters() == 100);
    REQUIRE(meta.feature_names_size() == 2);
    CHECK(meta.feature_names(1) == "y");
    CHECK(meta.limits().max_rows_per_request() == 500);
}
