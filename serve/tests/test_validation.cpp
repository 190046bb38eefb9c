// Every bad request gets INVALID_ARGUMENT (with a message naming the problem), oversized
// messages RESOURCE_EXHAUSTED, late calls DEADLINE_EXCEEDED; the server keeps serving.
#include <cmath>
#include <limits>

#include <doctest/doctest.h>

#include "fixtures.hpp"

using namespace serve_test;

namespace {

const double nan_value = std::numeric_limits<double>::quiet_NaN();
const double inf_value = std::numeric_limits<double>::infinity();

grpc::Status seed_predict(const ServerProcess& server, std::vector<double> features) {
    ml::PredictRequest req;
    req.mutable_features()->Add(features.begin(), features.end());
    ml::PredictResponse resp;
    return ml::ClusteringService::NewStub(channel_to(server))->Predict(context().get(), req, &resp);
}

grpc::Status seed_batch(const ServerProcess& server, const std::vector<std::vector<double>>& observations) {
    ml::PredictBatchRequest req;
    for (const auto& o : observations) req.add_observations()->mutable_features()->Add(o.begin(), o.end());
    ml::PredictBatchResponse resp;
    return ml::ClusteringService::NewStub(channel_to(server))->PredictBatch(context().get(), req, &resp);
}

grpc::Status packed(const ServerProcess& server, const std::vector<double>& values, std::size_t n_rows) {
    v1::PredictResponse resp;
    return linfa_predict(server, packed_f64(values, n_rows), resp);
}

void check_invalid(const grpc::Status& status, const std::string& mentions) {
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_MESSAGE(status.error_message().find(mentions) != std::string::npos, status.error_message());
}

}  // namespace

TEST_CASE("invalid requests are refused with INVALID_ARGUMENT and a reason") {
    const auto config = config_file("limits", "[limits]\nmax_rows_per_request = 10\n");
    const auto model = model_file<double>(100, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model, "--config", config});

    SUBCASE("wrong feature count") {
        check_invalid(seed_predict(server, {1, 2, 3}), "expected 2 features, found 3");
        check_invalid(seed_predict(server, {}), "expected 2 features, found 0");
        check_invalid(seed_batch(server, {{1, 2}, {1}}), "observation 1: expected 2 features, found 1");
    }
    SUBCASE("NaN and infinity") {
        check_invalid(seed_predict(server, {1, nan_value}), "row 0, feature 1 is not a finite");
        check_invalid(seed_batch(server, {{1, 2}, {inf_value, 2}}), "row 1, feature 0 is not a finite");
        check_invalid(packed(server, {1, 2, 3, -inf_value}, 2), "row 1, feature 1 is not a finite");
    }
    SUBCASE("empty batch") {
        check_invalid(seed_batch(server, {}), "empty batch");
        check_invalid(packed(server, {}, 0), "empty batch");
    }
    SUBCASE("too many rows") {
        check_invalid(seed_batch(server, std::vector<std::vector<double>>(11, {1, 2})), "too many rows: 11");
        check_invalid(packed(server, random_rows(11, 2), 11), "the limit is 10");
    }
    SUBCASE("bad packed length") {
        check_invalid(packed(server, {1, 2, 3}, 2), "bad packed length: 2 rows x 2 features need 4 values, found 3");
        check_invalid(packed(server, {1, 2}, 0), "n_rows is 0");
        auto both = packed_f64({1, 2}, 1);
        both.add_f32(1);
        both.add_f32(2);
        v1::PredictResponse resp;
        check_invalid(linfa_predict(server, both, resp), "either f64 or f32");
    }
    // After all that the server still answers.
    CHECK(seed_predict(server, {1, 2}).ok());
    CHECK(server.stop() == 0);
}

TEST_CASE("an f32 model refuses doubles it cannot represent") {
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<float>(16, 5)});
    check_invalid(packed(server, {1, 2, 3, 4, 1e300}, 1), "not a finite f32 value");
}

TEST_CASE("a message over max_message_bytes gets RESOURCE_EXHAUSTED") {
    const auto config = config_file("small_messages", "[limits]\nmax_message_bytes = 4096\n");
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--config", config});
    const auto rows = random_rows(1000, 2);  // 16 kB
    CHECK(packed(server, rows, 1000).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(packed(server, random_rows(10, 2), 10).ok());
}

TEST_CASE("deadlines: an expired call is not computed, a batch too large for its deadline is cut") {
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2)});
    auto stub = v1::ModelService::NewStub(channel_to(server));
    v1::PredictResponse resp;
    auto already_late = context(std::chrono::milliseconds(0));
    CHECK(stub->Predict(already_late.get(), packed_f64({1, 2}, 1), &resp).error_code() ==
          grpc::StatusCode::DEADLINE_EXCEEDED);
    const auto rows = random_rows(1 << 20, 2);
    auto tight = context(std::chrono::milliseconds(5));
    CHECK(stub->Predict(tight.get(), packed_f64(rows, 1 << 20), &resp).error_code() ==
          grpc::StatusCode::DEADLINE_EXCEEDED);
    auto generous = context();
    CHECK(stub->Predict(generous.get(), packed_f64(rows, 1 << 20), &resp).ok());
    CHECK(resp.labels_size() == (1 << 20));
}
