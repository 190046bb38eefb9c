// The server-layer bad-input matrix (serve/README.md lists it): every bad request gets
// INVALID_ARGUMENT with a message naming the problem (malformed protobuf bytes included),
// oversized messages RESOURCE_EXHAUSTED, late calls DEADLINE_EXCEEDED; the server keeps serving.
#include <cmath>
#include <utility>
#include <limits>

#include <doctest/doctest.h>
#include <grpcpp/generic/generic_stub.h>

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

/// Sends `bytes` as the request of `method` (e.g. "/ml.ClusteringService/Predict") as they
/// are, through grpc's generic stub: no protobuf on the client side.
grpc::Status raw_call(const ServerProcess& server, const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(channel_to(server));
    grpc::Slice slice(bytes);
    const grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::CompletionQueue cq;
    auto ctx = context();
    grpc::Status status;
    auto call = stub.PrepareUnaryCall(ctx.get(), method, request, &cq);
    call->StartCall();
    call->Finish(&response, &status, &status);
    void* tag = nullptr;
    bool ok = false;
    REQUIRE(cq.Next(&tag, &ok));
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {}
    return status;
}

/// The whole server-layer bad-input matrix against one server; it must answer a valid
/// request after each group.
void bad_input_matrix(const char* api) {
    CAPTURE(api);
    const auto config = config_file("limits", "[limits]\nmax_rows_per_request = 10\n");
    const auto model = model_file<double>(100, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model, "--config", config, "--api", api});

    SUBCASE("wrong feature count") {
        check_invalid(seed_predict(server, {1, 2, 3}), "expected 2 features, found 3");
        check_invalid(seed_predict(server, {}), "expected 2 features, found 0");
        check_invalid(seed_batch(server, {{1, 2}, {1}}), "observation 1: expected 2 features, found 1");
    }
    SUBCASE("NaN and infinity") {
        check_invalid(seed_predict(server, {1, nan_value}), "row 0, feature 1 is not a finite");
        check_invalid(seed_batch(server, {{1, 2}, {inf_value, 2}}), "row 1, feature 0 is not a finite");
        check_invalid(packed(server, {1, 2, 3, -inf_value}, 2), "row 1, feature 1 is not a finite");
        v1::PredictRequest f32_nan;
        f32_nan.set_n_rows(1);
        f32_nan.add_f32(1);
        f32_nan.add_f32(std::numeric_limits<float>::quiet_NaN());
        v1::PredictResponse resp;
        check_invalid(linfa_predict(server, f32_nan, resp), "row 0, feature 1 is not a finite");
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
    }
    SUBCASE("scalar types: both set, f32 rows for an f64 model, a message of another type") {
        auto both = packed_f64({1, 2}, 1);
        both.add_f32(1);
        both.add_f32(2);
        v1::PredictResponse resp;
        check_invalid(linfa_predict(server, both, resp), "either f64 or f32");
        // f32 rows are fine for an f64 model (and the answers are linfa's for those values).
        v1::PredictRequest f32_rows;
        f32_rows.set_n_rows(2);
        for (float v : {1.5f, -2.f, 30.f, 40.f}) f32_rows.add_f32(v);
        REQUIRE(linfa_predict(server, f32_rows, resp).ok());
        CHECK(std::vector<int>(resp.labels().begin(), resp.labels().end()) ==
              reference_labels<double>(model, std::vector<float>{1.5f, -2.f, 30.f, 40.f}));
        // An ml.PredictRequest sent to linfa Predict parses (protobuf skips fields of the wrong
        // wire type) into a request without rows.
        ml::PredictRequest seed;
        seed.add_features(1);
        seed.add_features(2);
        check_invalid(raw_call(server, "/linfa.serving.v1.ModelService/Predict", seed.SerializeAsString()), "empty batch");
    }
    SUBCASE("bad sparse rows: each malformed part named, and dense and sparse rows together refused") {
        auto sparse = [&](std::vector<std::int32_t> offsets, std::vector<std::int32_t> indices, std::vector<double> values,
                          std::uint32_t n_rows) {
            v1::PredictRequest req;
            req.set_n_rows(n_rows);
            req.mutable_sparse()->mutable_offsets()->Add(offsets.begin(), offsets.end());
            req.mutable_sparse()->mutable_indices()->Add(indices.begin(), indices.end());
            req.mutable_sparse()->mutable_values()->Add(values.begin(), values.end());
            v1::PredictResponse resp;
            return linfa_predict(server, req, resp);
        };
        check_invalid(sparse({0, 1}, {1}, {2.0}, 2), "sparse rows: CSR indptr has 2 entries; a matrix of 2 rows needs 3");
        check_invalid(sparse({0, 2, 1}, {0, 1}, {1.0, 2.0}, 2), "sparse rows: CSR indptr decreases at row 1");
        check_invalid(sparse({0, 1}, {2}, {1.0}, 1), "sparse rows: CSR column index 2 out of range [0, 2) in row 0");
        check_invalid(sparse({0, 1}, {-1}, {1.0}, 1), "sparse rows: CSR column index -1 out of range");
        check_invalid(sparse({0, 2}, {1, 1}, {1.0, 2.0}, 1), "sparse rows: CSR column 1 appears twice in row 0");
        check_invalid(sparse({0, 1}, {0}, {nan_value}, 1), "sparse rows: CSR data contain NaN or infinity (row 0, column 0)");
        check_invalid(sparse({0, 2}, {0}, {1.0, 2.0}, 1), "sparse rows: CSR indices and data differ in length");
        check_invalid(sparse({0, 1}, {1}, {1e300}, 1), "row 0, feature 1 is too large");
        check_invalid(sparse({0}, {}, {}, 0), "empty batch");
        check_invalid(sparse(std::vector<std::int32_t>(12, 0), {}, {}, 11), "too many rows: 11");
        auto both = packed_f64({1, 2}, 1);
        both.mutable_sparse()->add_offsets(0);
        both.mutable_sparse()->add_offsets(0);
        v1::PredictResponse resp;
        check_invalid(linfa_predict(server, both, resp), "either dense rows (f64 or f32) or sparse rows, not both");
        // A valid sparse request still answers afterwards, as the dense rows would.
        REQUIRE(linfa_predict(server, sparse_request({0, 3.5, 0, 0}, 2, 2), resp).ok());
        CHECK(std::vector<int>(resp.labels().begin(), resp.labels().end()) == reference_labels<double>(model, std::vector<double>{0, 3.5, 0, 0}));
    }
    SUBCASE("malformed protobuf bytes") {
        const std::string garbage("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);  // a varint tag past 64 bits
        v1::PredictRequest valid = packed_f64({1, 2, 3, 4}, 2);
        const std::string truncated = valid.SerializeAsString().substr(0, valid.ByteSizeLong() - 3);
        const std::string bad_length("\x0a\x7f\x01\x02", 4);  // field 1, length 127, 2 bytes follow
        for (const auto& method_and_type : std::vector<std::pair<std::string, std::string>>{
                 {"/ml.ClusteringService/Predict", "ml.PredictRequest"},
                 {"/ml.ClusteringService/PredictBatch", "ml.PredictBatchRequest"},
                 {"/linfa.serving.v1.ModelService/Predict", "linfa.serving.v1.PredictRequest"},
                 {"/linfa.serving.v1.ModelService/GetModelMetadata", "linfa.serving.v1.GetModelMetadataRequest"}}) {
            // Named references, not a structured binding: clang 14 cannot capture bindings in CAPTURE.
            const std::string& method = method_and_type.first;
            const std::string& type = method_and_type.second;
            CAPTURE(method);
            check_invalid(raw_call(server, method, garbage), "malformed request: 11 bytes that do not parse as a " + type);
            check_invalid(raw_call(server, method, bad_length), "malformed request");
        }
        check_invalid(raw_call(server, "/linfa.serving.v1.ModelService/Predict", truncated), "malformed request");
        CHECK(raw_call(server, "/linfa.serving.v1.ModelService/Predict", valid.SerializeAsString()).ok());
        CHECK(raw_call(server, "/linfa.serving.v1.ModelService/NoSuchMethod", "").error_code() ==
              grpc::StatusCode::UNIMPLEMENTED);
    }
    SUBCASE("an already expired deadline") {
        auto stub = v1::ModelService::NewStub(channel_to(server));
        v1::PredictResponse resp;
        // Already past when the call starts. (A deadline of exactly "now", 0 ms, was flaky: grpc
        // rounds it onto its own clock, and one loaded CI run answered it OK.)
        for (auto late : {std::chrono::milliseconds(-1), std::chrono::milliseconds(-1000)}) {
            auto ctx = context(late);
            CHECK(stub->Predict(ctx.get(), packed_f64({1, 2}, 1), &resp).error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
        }
    }
    // After each group the server still answers.
    CHECK(seed_predict(server, {1, 2}).ok());
    CHECK(server.stop() == 0);
}

}  // namespace

TEST_CASE("bad input matrix, callback API: a clear status and message, and the server keeps serving") {
    bad_input_matrix("callback");
}

TEST_CASE("bad input matrix, sync API: the same answers") { bad_input_matrix("sync"); }

TEST_CASE("an f32 model refuses doubles it cannot represent") {
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<float>(16, 5)});
    check_invalid(packed(server, {1, 2, 3, 4, 1e300}, 1), "not a finite f32 value");
}

TEST_CASE("finite values whose squared distances would overflow are refused, naming the limit") {
    ServerProcess f64_server(LINFA_SERVE_EXE, {"--model", model_file<double>(8, 2)});
    // d = 2: the limit is sqrt(DBL_MAX / 8), about 4.74e153
    check_invalid(packed(f64_server, {1, 2, 3, 1e200}, 2), "row 1, feature 1 is too large (1e+200): squared distances would overflow f64; the largest accepted magnitude is 4.74e+153");
    check_invalid(seed_predict(f64_server, {-1e154, 0}), "row 0, feature 0 is too large");
    CHECK(packed(f64_server, {1, 2, 3, 4e153}, 2).ok());  // below the limit: served
    ServerProcess f32_server(LINFA_SERVE_EXE, {"--model", model_file<float>(16, 5)});
    // an f32 model: sqrt(FLT_MAX / 20), about 4.12e18
    check_invalid(packed(f32_server, {1, 2, 3, 4, 1e19}, 1), "row 0, feature 4 is too large (1e+19): squared distances would overflow f32");
    CHECK(packed(f32_server, {1, 2, 3, 4, 1e18}, 1).ok());
}

TEST_CASE("a message over max_message_bytes gets RESOURCE_EXHAUSTED") {
    const auto config = config_file("small_messages", "[limits]\nmax_message_bytes = 4096\n");
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--config", config});
    const auto rows = random_rows(1000, 2);  // 16 kB
    const grpc::Status status = packed(server, rows, 1000);
    CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK_MESSAGE(status.error_message().find("larger than max") != std::string::npos, status.error_message());
    CHECK(packed(server, random_rows(10, 2), 10).ok());
    // The command line sets the same limit.
    ServerProcess small(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--max-message-bytes", "4096"});
    CHECK(packed(small, rows, 1000).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(packed(small, random_rows(10, 2), 10).ok());
}

TEST_CASE("deadlines: an expired call is not computed, a batch too large for its deadline is cut") {
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2)});
    auto stub = v1::ModelService::NewStub(channel_to(server));
    v1::PredictResponse resp;
    auto already_late = context(std::chrono::milliseconds(-1));  // past, not "now" (see the bad-input matrix)
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
