// Limits set from the command line and the config file, reported by GetModelMetadata, and
// what a well-behaved client sees of them. The protocol-level checks (the stream limit
// refusing the stream over it, the in-flight cap answering RESOURCE_EXHAUSTED while answers
// are held back) need a raw HTTP/2 client: h2_limits_test.py.
#include <doctest/doctest.h>

#include "fixtures.hpp"

using namespace serve_test;

namespace {

v1::ModelMetadata metadata(const ServerProcess& server) {
    v1::ModelMetadata meta;
    REQUIRE(v1::ModelService::NewStub(channel_to(server))->GetModelMetadata(context().get(), {}, &meta).ok());
    return meta;
}

}  // namespace

TEST_CASE("limits come from the config file and the command line (which wins)") {
    const auto model = model_file<double>(100, 2);
    const auto config = config_file("all_limits", R"(
[limits]
max_rows_per_request = 100
max_message_bytes = 100000
max_concurrent_streams = 8
max_inflight_calls = 50
)");
    {
        ServerProcess server(LINFA_SERVE_EXE, {"--model", model, "--config", config});
        const auto limits = metadata(server).limits();
        CHECK(limits.max_rows_per_request() == 100);
        CHECK(limits.max_message_bytes() == 100000);
        CHECK(limits.max_concurrent_streams() == 8);
        CHECK(limits.max_inflight_calls() == 50);
    }
    {
        ServerProcess server(LINFA_SERVE_EXE, {"--model", model, "--config", config, "--max-rows-per-request", "7",
                                               "--max-concurrent-streams", "3", "--max-inflight-calls", "0"});
        const auto limits = metadata(server).limits();
        CHECK(limits.max_rows_per_request() == 7);
        CHECK(limits.max_message_bytes() == 100000);
        CHECK(limits.max_concurrent_streams() == 3);
        CHECK(limits.max_inflight_calls() == 0);
        v1::PredictResponse resp;
        const grpc::Status too_many = linfa_predict(server, packed_f64(random_rows(8, 2), 8), resp);
        CHECK(too_many.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        CHECK(too_many.error_message().find("the limit is 7") != std::string::npos);
    }
    {
        ServerProcess server(LINFA_SERVE_EXE, {"--model", model});  // defaults
        const auto limits = metadata(server).limits();
        CHECK(limits.max_rows_per_request() == (1u << 20));
        CHECK(limits.max_message_bytes() == (64u << 20));
        CHECK(limits.max_concurrent_streams() == 0);
        CHECK(limits.max_inflight_calls() == 0);
    }
}

TEST_CASE("out-of-range limits stop the server with exit code 2 and the key named") {
    const auto model = model_file<double>(100, 2);
    for (const auto& [args, mentions] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--max-rows-per-request", "0"}, "limits.max_rows_per_request must be at least 1"},
             {{"--max-message-bytes", "10"}, "limits.max_message_bytes must be between 1024"},
             {{"--max-concurrent-streams", "4294967295"}, "limits.max_concurrent_streams must be at most"},
             {{"--config", config_file("negative_limit", "[limits]\nmax_inflight_calls = -1\n")}, "limits.max_inflight_calls is out of range"},
             {{"--config", config_file("string_limit", "[limits]\nmax_concurrent_streams = \"8\"\n")}, "must be an integer"},
             {{"--http-threads", "0"}, "server.http_threads must be between 1 and 4096, found 0"},
             {{"--http-port", "70000"}, "server.http_port must be between 0 and 65535"}}) {
        std::vector<std::string> all{"--model", model};
        all.insert(all.end(), args.begin(), args.end());
        const Refusal r = run_to_exit(LINFA_SERVE_EXE, all, work_path("limit_refusal.stderr"));
        CAPTURE(r.stderr_text);
        CHECK(r.exit_code == 2);
        CHECK(r.stderr_text.find(mentions) != std::string::npos);
    }
}

TEST_CASE("a client with more calls than max_concurrent_streams on one connection gets every answer") {
    // grpc clients honour the server's SETTINGS_MAX_CONCURRENT_STREAMS by queueing: the limit
    // costs a well-behaved client latency, never errors.
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--max-concurrent-streams", "2"});
    auto stub = v1::ModelService::NewStub(channel_to(server));
    const auto rows = random_rows(20000, 2);
    const auto request = packed_f64(rows, 20000);
    constexpr int calls = 32;
    grpc::CompletionQueue cq;
    std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
    std::vector<v1::PredictResponse> responses(calls);
    std::vector<grpc::Status> statuses(calls);
    std::vector<std::unique_ptr<grpc::ClientAsyncResponseReader<v1::PredictResponse>>> readers;
    for (int i = 0; i < calls; ++i) {
        contexts.push_back(context(std::chrono::seconds(60)));
        readers.push_back(stub->AsyncPredict(contexts.back().get(), request, &cq));
        readers.back()->Finish(&responses[std::size_t(i)], &statuses[std::size_t(i)], reinterpret_cast<void*>(std::intptr_t(i)));
    }
    for (int done = 0; done < calls; ++done) {
        void* tag = nullptr;
        bool ok = false;
        REQUIRE(cq.Next(&tag, &ok));
    }
    const auto expected = reference_labels<double>(model_file<double>(100, 2), rows);
    for (int i = 0; i < calls; ++i) {
        CAPTURE(i);
        CHECK(statuses[std::size_t(i)].ok());
        CHECK(std::vector<int>(responses[std::size_t(i)].labels().begin(), responses[std::size_t(i)].labels().end()) == expected);
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("max_inflight_calls does not refuse calls that stay under it") {
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--max-inflight-calls", "64"});
    const std::string report = work_path("inflight_under_cap.json");
    const std::string command = std::string(LINFA_LOADGEN_EXE) + " --target " + server.address() +
                                " -c 32 --duration 1 --warmup 0 -o " + report + " > /dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream in(report);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("\"errors\": 0") != std::string::npos);
    CHECK(server.stop() == 0);
}
