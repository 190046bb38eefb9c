// Explicit model control (--allow-model-control): the repository index, loading and unloading
// models on request over gRPC (Triton's RepositoryIndex, RepositoryModelLoad,
// RepositoryModelUnload) and REST (/v2/repository/...); refused when the flag is off; loads
// of broken files refused with the old version serving; reloads under load drop no call.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "repository_fixtures.hpp"

#include <httplib.h>  // last: resolv.h's macros clash with Eigen

using namespace serve_test;
using nlohmann::json;

namespace {

using Stub = inference::GRPCInferenceService::Stub;

grpc::Status load(Stub& stub, const std::string& name) {
    inference::RepositoryModelLoadRequest req;
    req.set_model_name(name);
    inference::RepositoryModelLoadResponse resp;
    return stub.RepositoryModelLoad(context().get(), req, &resp);
}

grpc::Status unload(Stub& stub, const std::string& name) {
    inference::RepositoryModelUnloadRequest req;
    req.set_model_name(name);
    inference::RepositoryModelUnloadResponse resp;
    return stub.RepositoryModelUnload(context().get(), req, &resp);
}

/// The index as "name/version:STATE" strings.
std::vector<std::string> index_of(Stub& stub, bool ready_only = false) {
    inference::RepositoryIndexRequest req;
    req.set_ready(ready_only);
    inference::RepositoryIndexResponse resp;
    const grpc::Status status = stub.RepositoryIndex(context().get(), req, &resp);
    REQUIRE(status.ok());
    std::vector<std::string> rows;
    for (const auto& m : resp.models()) rows.push_back(m.name() + "/" + m.version() + ":" + m.state());
    return rows;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("model control is refused unless the server runs with --allow-model-control") {
    const fs::path dir = fresh_repository("control_off");
    put_version(dir, "blobs", 1, model_file<double>(3, 2));
    ServerProcess server = serve_repository(dir, {"--http-port", "0"});
    const auto stub = inference::GRPCInferenceService::NewStub(channel_to(server));
    const grpc::Status status = unload(*stub, "blobs");
    CHECK(status.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(contains(status.error_message(), "--allow-model-control"));
    inference::RepositoryIndexResponse index;
    CHECK(stub->RepositoryIndex(context().get(), {}, &index).error_code() == grpc::StatusCode::PERMISSION_DENIED);
    httplib::Client client("127.0.0.1", server.http_port());
    const auto res = client.Post("/v2/repository/models/blobs/unload", "", "application/json");
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{1});  // still served

    const Refusal refusal = run_to_exit(LINFA_SERVE_EXE, {"--model", model_file<double>(3, 2), "--allow-model-control"},
                                        work_path("control_one_file.stderr"));
    CHECK(refusal.exit_code == 2);
    CHECK(contains(refusal.stderr_text, "allow_model_control needs a model repository"));
}

TEST_CASE("gRPC model control: index, unload, load, and loads of broken files") {
    const fs::path dir = fresh_repository("control_grpc");
    const std::string v1_file = model_file<double>(3, 2), v2_file = model_file<double>(5, 2);
    put_version(dir, "blobs", 1, v1_file);
    put_version(dir, "other", 1, v2_file);
    ServerProcess server = serve_repository(dir, {"--allow-model-control"});
    const auto stub = inference::GRPCInferenceService::NewStub(channel_to(server));
    const auto predict_stub = v1::ModelService::NewStub(channel_to(server));
    const auto rows = random_rows(20, 2);
    auto predict = [&](const std::string& name, v1::PredictResponse& resp) {
        return predict_stub->Predict(context().get(), request_for(name, 0, rows, 2), &resp);
    };
    CHECK(index_of(*stub) == std::vector<std::string>{"blobs/1:READY", "other/1:READY"});

    REQUIRE(unload(*stub, "blobs").ok());
    CHECK(versions_of(server, "blobs").empty());
    v1::PredictResponse resp;
    const grpc::Status gone = predict("blobs", resp);
    CHECK(gone.error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(contains(gone.error_message(), "this server serves other"));
    CHECK(index_of(*stub) == std::vector<std::string>{"blobs/:UNAVAILABLE", "other/1:READY"});
    CHECK(index_of(*stub, true) == std::vector<std::string>{"other/1:READY"});
    CHECK(unload(*stub, "blobs").error_code() == grpc::StatusCode::NOT_FOUND);  // not served
    reload(server);  // a reload leaves an unloaded model out
    put_version(dir, "marker", 1, v1_file);
    reload(server);
    REQUIRE(wait_for_versions(server, "marker", {1}));
    CHECK(versions_of(server, "blobs").empty());

    // Loaded again, it answers as before; a new version in its folder comes with it.
    put_version(dir, "blobs", 2, v2_file);
    REQUIRE(load(*stub, "blobs").ok());
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{2});
    REQUIRE(predict("blobs", resp).ok());
    CHECK(resp.model_version() == 2);
    CHECK(labels_of(resp) == reference_labels<double>(v2_file, rows));

    // A broken new version: the load fails naming the file, version 2 keeps serving.
    put_broken_version(dir, "blobs", 3);
    const grpc::Status broken = load(*stub, "blobs");
    CHECK(broken.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(contains(broken.error_message(), (dir / "blobs" / "3" / "model.linfa").string()));
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{2});
    REQUIRE(predict("blobs", resp).ok());
    CHECK(resp.model_version() == 2);

    // What does not name a model folder.
    CHECK(load(*stub, "absent").error_code() == grpc::StatusCode::NOT_FOUND);
    const grpc::Status bad_name = load(*stub, "../blobs");
    CHECK(bad_name.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(contains(bad_name.error_message(), "is not a model name"));
    CHECK(server.stop() == 0);
}

TEST_CASE("REST model control: the same calls, JSON answers and HTTP statuses") {
    const fs::path dir = fresh_repository("control_rest");
    const std::string file = model_file<double>(3, 2);
    put_version(dir, "blobs", 1, file);
    ServerProcess server = serve_repository(dir, {"--allow-model-control", "--http-port", "0"});
    httplib::Client client("127.0.0.1", server.http_port());
    auto post = [&](const std::string& path, const std::string& body, int expected) {
        const auto res = client.Post(path, body, "application/json");
        REQUIRE(res);
        CAPTURE(path);
        CAPTURE(res->body);
        CHECK(res->status == expected);
        return json::parse(res->body);
    };
    const json index = post("/v2/repository/index", "", 200);
    CHECK(index == json::parse(R"([{"name": "blobs", "version": "1", "state": "READY"}])"));
    CHECK(post("/v2/repository/models/blobs/unload", "", 200) == json::object());
    const json infer = json{{"inputs", {{{"name", "input"}, {"shape", {1, 2}}, {"datatype", "FP64"}, {"data", {0.5, 0.5}}}}}};
    CHECK(contains(post("/v2/models/blobs/infer", infer.dump(), 404)["error"], "no model named 'blobs'"));
    const json unavailable = post("/v2/repository/index", R"({"ready": false})", 200);
    CHECK(unavailable[0]["state"] == "UNAVAILABLE");
    CHECK(unavailable[0]["reason"] == "unloaded");
    CHECK(post("/v2/repository/index", R"({"ready": true})", 200) == json::array());
    CHECK(post("/v2/health/ready", "", 404).contains("error"));  // a GET endpoint
    CHECK(post("/v2/repository/models/blobs/load", "", 200) == json::object());
    CHECK(post("/v2/models/blobs/infer", infer.dump(), 200)["model_version"] == "1");
    CHECK(contains(post("/v2/repository/models/absent/load", "", 404)["error"], "no model folder"));
    CHECK(post("/v2/repository/models/absent/unload", "", 404).contains("error"));
    CHECK(contains(post("/v2/repository/index", R"({"ready": 1})", 400)["error"], "\"ready\" must be true or false"));
    CHECK(contains(post("/v2/repository/index", "[1]", 400)["error"], "JSON object"));
    CHECK(server.stop() == 0);
}

TEST_CASE("loads and unloads under load drop no call of the models they do not touch, and reloads none of the model they do") {
    const fs::path dir = fresh_repository("control_under_load");
    const std::string file = model_file<double>(4, 2);
    put_version(dir, "steady", 1, file);
    put_version(dir, "churn", 1, file);
    ServerProcess server = serve_repository(dir, {"--allow-model-control"});
    const auto rows = random_rows(30, 2);
    const std::vector<int> expected = reference_labels<double>(file, rows);
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0}, failures{0};
    std::vector<std::thread> clients;
    for (const char* name : {"steady", "steady", "churn"}) {
        clients.emplace_back([&, name = std::string(name)] {
            const auto stub = v1::ModelService::NewStub(channel_to(server));
            while (!stop) {
                v1::PredictResponse resp;
                const grpc::Status status = stub->Predict(context().get(), request_for(name, 0, rows, 2), &resp);
                // Between an unload and its load, "churn" is NOT_FOUND; nothing else may fail.
                const bool allowed = status.ok() ? labels_of(resp) == expected : name == "churn" && status.error_code() == grpc::StatusCode::NOT_FOUND;
                if (!allowed) ++failures;
                ++calls;
            }
        });
    }
    const auto stub = inference::GRPCInferenceService::NewStub(channel_to(server));
    for (int round = 0; round < 20; ++round) {
        REQUIRE(load(*stub, "churn").ok());    // a reload of unchanged files swaps nothing out
        REQUIRE(unload(*stub, "churn").ok());
        REQUIRE(load(*stub, "churn").ok());
    }
    stop = true;
    for (auto& t : clients) t.join();
    CHECK(calls > 100);
    CHECK(failures == 0);
    CHECK(server.stop() == 0);
}
