// The Open Inference Protocol (inference.GRPCInferenceService): health and metadata, ModelInfer
// with typed and raw tensors answering what linfa answers, and every malformed request refused
// with a reason. (test_capabilities.cpp checks ModelInfer against every listed model.)
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"

using namespace serve_test;

namespace {

namespace oip = inference;

std::unique_ptr<oip::GRPCInferenceService::Stub> oip_stub(const ServerProcess& server) {
    return oip::GRPCInferenceService::NewStub(channel_to(server));
}

/// A request of `rows` (row-major, d features) as one FP64 or FP32 input tensor.
oip::ModelInferRequest infer_request(const std::vector<double>& rows, std::size_t d, bool f32 = false) {
    oip::ModelInferRequest req;
    auto* input = req.add_inputs();
    input->set_name("input");
    input->set_datatype(f32 ? "FP32" : "FP64");
    input->add_shape(std::int64_t(rows.size() / d));
    input->add_shape(std::int64_t(d));
    for (const double v : rows) {
        if (f32) input->mutable_contents()->add_fp32_contents(float(v));
        else input->mutable_contents()->add_fp64_contents(v);
    }
    return req;
}

const oip::ModelInferResponse::InferOutputTensor* output_named(const oip::ModelInferResponse& resp, const std::string& name) {
    for (const auto& output : resp.outputs()) {
        if (output.name() == name) return &output;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("the Open Inference Protocol: health, server and model metadata") {
    const std::string path = model_file<float>(4, 3);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path});
    const auto stub = oip_stub(server);
    oip::ServerLiveResponse live;
    REQUIRE(stub->ServerLive(context().get(), {}, &live).ok());
    CHECK(live.live());
    oip::ServerReadyResponse ready;
    REQUIRE(stub->ServerReady(context().get(), {}, &ready).ok());
    CHECK(ready.ready());
    oip::ServerMetadataResponse server_meta;
    REQUIRE(stub->ServerMetadata(context().get(), {}, &server_meta).ok());
    CHECK(server_meta.name() == "linfa-serve");
    CHECK(!server_meta.version().empty());

    oip::ModelReadyRequest model_ready;
    model_ready.set_name("model");
    oip::ModelReadyResponse model_ready_resp;
    REQUIRE(stub->ModelReady(context().get(), model_ready, &model_ready_resp).ok());
    CHECK(model_ready_resp.ready());
    model_ready.set_version("2");
    REQUIRE(stub->ModelReady(context().get(), model_ready, &model_ready_resp).ok());
    CHECK(!model_ready_resp.ready());  // not served: not ready, not an error

    oip::ModelMetadataRequest meta_req;
    meta_req.set_name("model");
    oip::ModelMetadataResponse meta;
    REQUIRE(stub->ModelMetadata(context().get(), meta_req, &meta).ok());
    CHECK(meta.name() == "model");
    REQUIRE(meta.versions_size() == 1);
    CHECK(meta.versions(0) == "1");
    CHECK(meta.platform() == "linfa");
    REQUIRE(meta.inputs_size() == 1);
    CHECK(meta.inputs(0).name() == "input");
    CHECK(meta.inputs(0).datatype() == "FP32");
    CHECK(std::vector<std::int64_t>(meta.inputs(0).shape().begin(), meta.inputs(0).shape().end()) == std::vector<std::int64_t>{-1, 3});
    std::vector<std::string> outputs;
    for (const auto& output : meta.outputs()) outputs.push_back(output.name() + ":" + output.datatype() + ":" + std::to_string(output.shape_size()));
    CHECK(outputs == std::vector<std::string>{"labels:INT32:1", "transformed:FP64:2", "distances:FP64:1"});
    meta_req.set_name("absent");
    CHECK(stub->ModelMetadata(context().get(), meta_req, &meta).error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("ModelInfer answers what linfa answers, from typed or raw tensors") {
    const std::string path = model_file<double>(5, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path});
    const auto stub = oip_stub(server);
    const auto rows = random_rows(40, 2);
    const auto expected = reference_labels<double>(path, rows);
    const auto model = linfa::load<linfa::clustering::KMeans<double>>(path);
    const linfa::Matrix<double> x = Eigen::Map<const linfa::Matrix<double>>(rows.data(), 40, 2);  // row-major
    const linfa::Matrix<double> all_distances = model.transform(linfa::DatasetView<double>(x));

    SUBCASE("typed: the default output, labels, named model, id echoed") {
        auto req = infer_request(rows, 2);
        req.set_model_name("model");
        req.set_id("call-17");
        oip::ModelInferResponse resp;
        REQUIRE(stub->ModelInfer(context().get(), req, &resp).ok());
        CHECK(resp.model_name() == "model");
        CHECK(resp.model_version() == "1");
        CHECK(resp.id() == "call-17");
        REQUIRE(resp.outputs_size() == 1);
        const auto& labels = resp.outputs(0);
        CHECK(labels.name() == "labels");
        CHECK(labels.datatype() == "INT32");
        CHECK(std::vector<std::int64_t>(labels.shape().begin(), labels.shape().end()) == std::vector<std::int64_t>{40});
        CHECK(std::vector<int>(labels.contents().int_contents().begin(), labels.contents().int_contents().end()) == expected);
    }
    SUBCASE("several outputs, from f32 rows") {
        auto req = infer_request(rows, 2, true);
        for (const char* name : {"distances", "transformed", "labels"}) req.add_outputs()->set_name(name);
        oip::ModelInferResponse resp;
        REQUIRE(stub->ModelInfer(context().get(), req, &resp).ok());
        REQUIRE(resp.outputs_size() == 3);
        const auto* transformed = output_named(resp, "transformed");
        const auto* distances = output_named(resp, "distances");
        REQUIRE(transformed);
        REQUIRE(distances);
        CHECK(std::vector<std::int64_t>(transformed->shape().begin(), transformed->shape().end()) == std::vector<std::int64_t>{40, 5});
        CHECK(transformed->contents().fp64_contents_size() == 200);
        // f32 rows into an f64 model: the labels of the rows as floats.
        std::vector<double> as_floats(rows.begin(), rows.end());
        for (auto& v : as_floats) v = double(float(v));
        const auto expected_f32 = reference_labels<double>(path, as_floats);
        const auto* labels = output_named(resp, "labels");
        CHECK(std::vector<int>(labels->contents().int_contents().begin(), labels->contents().int_contents().end()) == expected_f32);
        for (int i = 0; i < 40; ++i) {
            CHECK(distances->contents().fp64_contents(i) == transformed->contents().fp64_contents(i * 5 + expected_f32[std::size_t(i)]));
        }
    }
    SUBCASE("raw input bytes get raw output bytes") {
        auto req = infer_request(rows, 2);
        req.mutable_inputs(0)->clear_contents();
        req.add_raw_input_contents(std::string(reinterpret_cast<const char*>(rows.data()), rows.size() * sizeof(double)));
        req.add_outputs()->set_name("labels");
        req.add_outputs()->set_name("distances");
        oip::ModelInferResponse resp;
        REQUIRE(stub->ModelInfer(context().get(), req, &resp).ok());
        REQUIRE(resp.raw_output_contents_size() == 2);
        CHECK(!resp.outputs(0).has_contents());
        std::vector<std::int32_t> labels(40);
        REQUIRE(resp.raw_output_contents(0).size() == 40 * sizeof(std::int32_t));
        std::memcpy(labels.data(), resp.raw_output_contents(0).data(), 40 * sizeof(std::int32_t));
        CHECK(std::vector<int>(labels.begin(), labels.end()) == expected);
        std::vector<double> distances(40);
        REQUIRE(resp.raw_output_contents(1).size() == 40 * sizeof(double));
        std::memcpy(distances.data(), resp.raw_output_contents(1).data(), 40 * sizeof(double));
        for (int i = 0; i < 40; ++i) CHECK(distances[std::size_t(i)] == all_distances(i, expected[std::size_t(i)]));
    }
}

TEST_CASE("ModelInfer refuses every malformed request with a reason") {
    const std::string path = model_file<double>(3, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path, "--max-rows-per-request", "100"});
    const auto stub = oip_stub(server);
    const auto rows = random_rows(4, 2);
    struct Case {
        const char* what;
        std::function<void(oip::ModelInferRequest&)> damage;
        grpc::StatusCode code;
        const char* message;
    };
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const std::vector<Case> cases{
        {"no input", [](auto& r) { r.clear_inputs(); }, grpc::StatusCode::INVALID_ARGUMENT, "expected 1 input tensor"},
        {"two inputs", [](auto& r) { r.add_inputs()->CopyFrom(r.inputs(0)); }, grpc::StatusCode::INVALID_ARGUMENT, "found 2"},
        {"1-D shape", [](auto& r) { r.mutable_inputs(0)->mutable_shape()->RemoveLast(); }, grpc::StatusCode::INVALID_ARGUMENT,
         "input shape [4]; this model takes [rows, 2]"},
        {"wrong width", [](auto& r) { r.mutable_inputs(0)->set_shape(1, 3); }, grpc::StatusCode::INVALID_ARGUMENT, "takes [rows, 2]"},
        {"negative rows", [](auto& r) { r.mutable_inputs(0)->set_shape(0, -4); }, grpc::StatusCode::INVALID_ARGUMENT, "[-4, 2]"},
        {"no rows", [](auto& r) { r.mutable_inputs(0)->set_shape(0, 0); }, grpc::StatusCode::INVALID_ARGUMENT, "empty batch"},
        {"too many rows", [](auto& r) { r.mutable_inputs(0)->set_shape(0, 1ll << 40); }, grpc::StatusCode::INVALID_ARGUMENT,
         "the limit is 100"},
        {"count mismatch", [](auto& r) { r.mutable_inputs(0)->set_shape(0, 3); }, grpc::StatusCode::INVALID_ARGUMENT,
         "holds 8 values; its shape needs 6"},
        {"datatype", [](auto& r) { r.mutable_inputs(0)->set_datatype("INT64"); }, grpc::StatusCode::INVALID_ARGUMENT,
         "takes FP32 or FP64"},
        {"data in the wrong field",
         [](auto& r) {
             auto* c = r.mutable_inputs(0)->mutable_contents();
             for (double v : c->fp64_contents()) c->add_fp32_contents(float(v));
             c->clear_fp64_contents();
         },
         grpc::StatusCode::INVALID_ARGUMENT, "FP64 data belongs in fp64_contents"},
        {"NaN", [&](auto& r) { r.mutable_inputs(0)->mutable_contents()->set_fp64_contents(3, nan); }, grpc::StatusCode::INVALID_ARGUMENT,
         "row 1, feature 1 is not a finite"},
        {"Inf", [&](auto& r) { r.mutable_inputs(0)->mutable_contents()->set_fp64_contents(0, -inf); }, grpc::StatusCode::INVALID_ARGUMENT,
         "row 0, feature 0 is not a finite"},
        {"raw and contents", [](auto& r) { r.add_raw_input_contents(std::string(64, '\0')); }, grpc::StatusCode::INVALID_ARGUMENT,
         "both contents and raw_input_contents"},
        {"raw size",
         [](auto& r) {
             r.mutable_inputs(0)->clear_contents();
             r.add_raw_input_contents(std::string(63, '\0'));
         },
         grpc::StatusCode::INVALID_ARGUMENT, "raw input of 63 bytes"},
        {"two raw tensors",
         [](auto& r) {
             r.mutable_inputs(0)->clear_contents();
             r.add_raw_input_contents(std::string(64, '\0'));
             r.add_raw_input_contents(std::string(64, '\0'));
         },
         grpc::StatusCode::INVALID_ARGUMENT, "holds 2 tensors for 1 input"},
        {"unknown output", [](auto& r) { r.add_outputs()->set_name("probabilities"); }, grpc::StatusCode::INVALID_ARGUMENT,
         "unknown output 'probabilities': this model (clustering.kmeans) has labels, transformed, distances"},
        {"unknown model", [](auto& r) { r.set_model_name("other"); }, grpc::StatusCode::NOT_FOUND, "no model named 'other'"},
        {"bad model name", [](auto& r) { r.set_model_name("a/b"); }, grpc::StatusCode::INVALID_ARGUMENT, "is not a model name"},
        {"bad version", [](auto& r) { r.set_model_version("v1"); }, grpc::StatusCode::INVALID_ARGUMENT, "is not a model version"},
        {"version not served", [](auto& r) { r.set_model_version("3"); }, grpc::StatusCode::NOT_FOUND, "has no version 3"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        auto req = infer_request(rows, 2);
        c.damage(req);
        oip::ModelInferResponse resp;
        const auto status = stub->ModelInfer(context().get(), req, &resp);
        CHECK(status.error_code() == c.code);
        CHECK(status.error_message().find(c.message) != std::string::npos);
        if (status.error_message().find(c.message) == std::string::npos) MESSAGE(status.error_message());
    }
    // Still serving after all of them.
    oip::ModelInferResponse resp;
    CHECK(stub->ModelInfer(context().get(), infer_request(rows, 2), &resp).ok());
    CHECK(server.stop() == 0);
}

TEST_CASE("linfa-loadgen speaks ModelInfer, to a named model of a repository") {
    const std::string path = model_file<double>(100, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path});
    const std::string report = work_path("loadgen_model_infer.json");
    for (const char* scalar : {"", " --f32"}) {
        const std::string command = std::string(LINFA_LOADGEN_EXE) + " --target " + server.address() +
                                    " --call ModelInfer --model model --rows 4 -c 8 --duration 1 --warmup 0" + scalar + " -o " +
                                    report + " > /dev/null";
        REQUIRE(std::system(command.c_str()) == 0);
        std::ifstream in(report);
        const auto result = nlohmann::json::parse(in);
        CHECK(result["requests"].get<long>() > 0);
        CHECK(result["errors"].get<long>() == 0);
    }
    CHECK(server.stop() == 0);
}
