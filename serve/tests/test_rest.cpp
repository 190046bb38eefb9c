// The Open Inference Protocol's REST binding and /metrics on --http-port: health and metadata,
// infer answering what linfa answers (flat and nested data, FP32 and FP64, chosen outputs),
// every malformed request refused with a JSON reason and the right HTTP status, the body
// limit, and the metrics of the calls made.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"

#include <httplib.h>  // last: resolv.h's macros clash with Eigen

using namespace serve_test;
using nlohmann::json;

namespace {

httplib::Client client_of(const ServerProcess& server) {
    httplib::Client client("127.0.0.1", server.http_port());
    client.set_connection_timeout(10);
    client.set_read_timeout(30);
    return client;
}

/// An infer body of `rows` (d features) nested row by row.
json infer_body(const std::vector<double>& rows, std::size_t d, const char* datatype = "FP64") {
    json data = json::array();
    for (std::size_t i = 0; i < rows.size() / d; ++i) data.push_back(std::vector<double>(rows.begin() + long(i * d), rows.begin() + long((i + 1) * d)));
    return {{"inputs", {{{"name", "input"}, {"shape", {rows.size() / d, d}}, {"datatype", datatype}, {"data", data}}}}};
}

json post(httplib::Client& client, const std::string& path, const std::string& body, int expected_status) {
    const auto res = client.Post(path, body, "application/json");
    REQUIRE(res);
    CAPTURE(res->body);
    CHECK(res->status == expected_status);
    return json::parse(res->body);
}

json get(httplib::Client& client, const std::string& path, int expected_status) {
    const auto res = client.Get(path);
    REQUIRE(res);
    CAPTURE(res->body);
    CHECK(res->status == expected_status);
    return json::parse(res->body);
}

}  // namespace

TEST_CASE("REST: health, metadata, and infer answering what linfa answers") {
    const std::string path = model_file<double>(5, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path, "--http-port", "0"});
    REQUIRE(server.http_port() > 0);
    auto client = client_of(server);
    CHECK(get(client, "/v2/health/live", 200)["live"] == true);
    CHECK(get(client, "/v2/health/ready", 200)["ready"] == true);
    CHECK(get(client, "/v2", 200)["name"] == "linfa-serve");
    const json meta = get(client, "/v2/models/model", 200);
    CHECK(meta["versions"] == json::array({"1"}));
    CHECK(meta["inputs"][0]["shape"] == json::array({-1, 2}));
    CHECK(meta["outputs"][0]["name"] == "labels");
    CHECK(get(client, "/v2/models/model/versions/1", 200)["name"] == "model");
    CHECK(get(client, "/v2/models/model/ready", 200)["ready"] == true);
    CHECK(get(client, "/v2/models/model/versions/2/ready", 404)["ready"] == false);

    const auto rows = random_rows(30, 2);
    const auto expected = reference_labels<double>(path, rows);
    json body = infer_body(rows, 2);
    body["id"] = "r-1";
    const json answer = post(client, "/v2/models/model/infer", body.dump(), 200);
    CHECK(answer["model_name"] == "model");
    CHECK(answer["model_version"] == "1");
    CHECK(answer["id"] == "r-1");
    REQUIRE(answer["outputs"].size() == 1);
    CHECK(answer["outputs"][0]["name"] == "labels");
    CHECK(answer["outputs"][0]["datatype"] == "INT32");
    CHECK(answer["outputs"][0]["shape"] == json::array({30}));
    CHECK(answer["outputs"][0]["data"].get<std::vector<int>>() == expected);

    // Flat data, a named version, outputs chosen: the distances equal the gRPC answer's.
    json flat = infer_body(rows, 2);
    flat["inputs"][0]["data"] = rows;
    flat["outputs"] = json::array({{{"name", "distances"}}, {{"name", "labels"}}});
    const json both = post(client, "/v2/models/model/versions/1/infer", flat.dump(), 200);
    REQUIRE(both["outputs"].size() == 2);
    v1::PredictRequest req = packed_f64(rows, 30);
    req.set_return_distances(true);
    v1::PredictResponse resp;
    REQUIRE(linfa_predict(server, req, resp).ok());
    for (const auto& output : both["outputs"]) {
        if (output["name"] == "distances") CHECK(output["data"].get<std::vector<double>>() == std::vector<double>(resp.distances().begin(), resp.distances().end()));
        else CHECK(output["data"].get<std::vector<int>>() == expected);
    }
    // FP32 rows: the labels of the rows as floats.
    std::vector<double> as_floats(rows.begin(), rows.end());
    for (auto& v : as_floats) v = double(float(v));
    const json f32 = post(client, "/v2/models/model/infer", infer_body(as_floats, 2, "FP32").dump(), 200);
    CHECK(f32["outputs"][0]["data"].get<std::vector<int>>() == reference_labels<double>(path, as_floats));
    CHECK(server.stop() == 0);
}

TEST_CASE("REST: every malformed request gets a JSON reason and its HTTP status") {
    const std::string path = model_file<double>(3, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path, "--http-port", "0", "--max-rows-per-request", "10",
                                           "--max-message-bytes", "4096"});
    auto client = client_of(server);
    const std::string valid = infer_body(random_rows(2, 2), 2).dump();
    struct Case {
        const char* what;
        std::string path, body;
        int status;
        const char* message;
    };
    json wrong_shape = json::parse(valid);
    wrong_shape["inputs"][0]["shape"] = {2, 3};
    json strings = json::parse(valid);
    strings["inputs"][0]["data"] = {"a", "b"};
    json too_many = infer_body(random_rows(11, 2), 2);
    json bad_output = json::parse(valid);
    bad_output["outputs"] = json::array({{{"name", "values"}}});
    json int64 = json::parse(valid);
    int64["inputs"][0]["datatype"] = "INT64";
    const std::vector<Case> cases{
        {"not JSON", "/v2/models/model/infer", "{inputs: [", 400, "malformed JSON"},
        {"not an object", "/v2/models/model/infer", "[1, 2]", 400, "must be a JSON object"},
        {"no inputs", "/v2/models/model/infer", "{}", 400, "\"inputs\" must be an array"},
        {"shape", "/v2/models/model/infer", wrong_shape.dump(), 400, "input shape [2, 3]; this model takes [rows, 2]"},
        {"data not numbers", "/v2/models/model/infer", strings.dump(), 400, "must be an array of numbers"},
        {"too many rows", "/v2/models/model/infer", too_many.dump(), 400, "the limit is 10"},
        {"unknown output", "/v2/models/model/infer", bad_output.dump(), 400, "unknown output 'values'"},
        {"datatype", "/v2/models/model/infer", int64.dump(), 400, "takes FP32 or FP64"},
        {"unknown model", "/v2/models/other/infer", valid, 404, "no model named 'other'"},
        {"unknown version", "/v2/models/model/versions/4/infer", valid, 404, "has no version 4"},
        {"bad version", "/v2/models/model/versions/x/infer", valid, 400, "is not a model version"},
        {"no endpoint", "/v2/models/model/explain", valid, 404, "no endpoint POST /v2/models/model/explain"},
        {"over the body limit", "/v2/models/model/infer", std::string(5000, ' '), 413, "limits.max_message_bytes"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const json answer = post(client, c.path, c.body, c.status);
        CHECK(answer["error"].get<std::string>().find(c.message) != std::string::npos);
    }
    CHECK(get(client, "/v2/models/other", 404)["error"] == "no model named 'other'; this server serves model");
    post(client, "/v2/models/model/infer", valid, 200);  // still serving
    CHECK(server.stop() == 0);
}

TEST_CASE("/metrics counts calls by protocol, model, version and status, rows, loads and versions served") {
    const std::string path = model_file<double>(3, 2);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path, "--http-port", "0"});
    auto client = client_of(server);
    v1::PredictResponse resp;
    for (int i = 0; i < 3; ++i) REQUIRE(linfa_predict(server, packed_f64(random_rows(4, 2), 4), resp).ok());
    v1::PredictRequest bad = packed_f64(random_rows(1, 2), 1);
    bad.set_model_version(9);
    CHECK(linfa_predict(server, bad, resp).error_code() == grpc::StatusCode::NOT_FOUND);
    post(client, "/v2/models/model/infer", infer_body(random_rows(5, 2), 2).dump(), 200);
    const auto res = client.Get("/metrics");
    REQUIRE(res);
    CHECK(res->status == 200);
    const std::string text = res->body;
    CAPTURE(text);
    for (const char* line : {
             "linfa_serve_requests_total{protocol=\"grpc\",method=\"/linfa.serving.v1.ModelService/Predict\",model=\"model\","
             "version=\"1\",status=\"OK\"} 3\n",
             "linfa_serve_requests_total{protocol=\"grpc\",method=\"/linfa.serving.v1.ModelService/Predict\",model=\"\","
             "version=\"\",status=\"NOT_FOUND\"} 1\n",
             "linfa_serve_requests_total{protocol=\"rest\",method=\"/v2/models/{name}/infer\",model=\"model\",version=\"1\","
             "status=\"OK\"} 1\n",
             "linfa_serve_rows_predicted_total{model=\"model\",version=\"1\"} 17\n",
             "linfa_serve_request_duration_seconds_count{protocol=\"grpc\",method=\"/linfa.serving.v1.ModelService/Predict\","
             "model=\"model\",version=\"1\"} 3\n",
             "linfa_serve_model_version_served{model=\"model\",version=\"1\"} 1\n",
             "linfa_serve_model_loads_total{model=\"model\",result=\"loaded\"} 1\n",
             "linfa_serve_inflight_calls 0\n",
         }) {
        CHECK(text.find(line) != std::string::npos);
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("REST: a second server cannot take the HTTP port of a running one") {
    const std::string path = model_file<double>(3, 2);
    ServerProcess first(LINFA_SERVE_EXE, {"--model", path, "--http-port", "0"});
    REQUIRE(first.http_port() > 0);
    const Refusal second = run_to_exit(LINFA_SERVE_EXE, {"--model", path, "--http-port", std::to_string(first.http_port())},
                                       work_path("rest_port_taken.stderr"));
    CHECK(second.exit_code == 3);
    CHECK(second.stderr_text.find("cannot listen") != std::string::npos);
    auto client = client_of(first);
    CHECK(get(client, "/v2/health/live", 200)["live"] == true);
}
