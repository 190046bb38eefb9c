// Health checking, startup refusals, and a clean exit on SIGTERM while under load.
#include <fcntl.h>

#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "health.grpc.pb.h"

using namespace serve_test;

TEST_CASE("grpc.health.v1 reports SERVING") {
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2)});
    auto stub = grpc::health::v1::Health::NewStub(channel_to(server));
    grpc::health::v1::HealthCheckResponse resp;
    REQUIRE(stub->Check(context().get(), {}, &resp).ok());
    CHECK(resp.status() == grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_CASE("the server refuses to start when the config contradicts the model or the file is bad") {
    const auto model = model_file<double>(100, 2);
    CHECK_THROWS(ServerProcess(LINFA_SERVE_EXE, {"--model", model, "--config", config_file("bad_n", "[model]\nn_features = 3\n")}));
    CHECK_THROWS(ServerProcess(LINFA_SERVE_EXE, {"--model", model, "--config", config_file("bad_names", "[model]\nfeature_names = [\"a\"]\n")}));
    CHECK_THROWS(ServerProcess(LINFA_SERVE_EXE, {"--model", model, "--config", config_file("bad_scalar", "[model]\nscalar = \"f32\"\n")}));
    CHECK_THROWS(ServerProcess(LINFA_SERVE_EXE, {"--model", model, "--config", config_file("bad_toml", "[limits\n")}));
    CHECK_THROWS(ServerProcess(LINFA_SERVE_EXE, {"--model", config_file("not_a_model", "hello")}));
    CHECK_THROWS(ServerProcess(LINFA_SERVE_EXE, {"--model", work_path("missing.linfa")}));
}

TEST_CASE("SIGTERM under load drains in-flight calls and exits 0") {
    for (const char* api : {"callback", "sync"}) {
        CAPTURE(api);
        ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--api", api});
        const std::string target = server.address();
        const std::string report = work_path(std::string("shutdown_load_") + api + ".json");
        const pid_t load = fork();
        if (load == 0) {
            const int null_fd = open("/dev/null", O_WRONLY);  // the JSON goes to the report file
            dup2(null_fd, STDOUT_FILENO);
            execl(LINFA_LOADGEN_EXE, LINFA_LOADGEN_EXE, "--target", target.c_str(), "-c", "64", "--duration", "3",
                  "--warmup", "0", "--timeout", "5", "-o", report.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the load is running
        CHECK(server.stop() == 0);
        int status = 0;
        waitpid(load, &status, 0);
        CHECK(WIFEXITED(status));
    }
}
