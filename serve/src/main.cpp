// linfa-serve: serves one model file over gRPC (the seed's ml.ClusteringService and
// linfa.serving.v1), with health checking and reflection.
//   linfa-serve --model PATH [--config FILE] [--host 127.0.0.1] [--port 50051] [--threads N]
//               [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]] [--max-... limits]
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "config.hpp"
#include "handlers.hpp"
#include "services.hpp"
#include "tls.hpp"

namespace {

using linfa::serve::ServeConfig;

/// Command line over config file over defaults: the CLI is parsed once for --config, the
/// file is applied, then the CLI again so its flags win.
ServeConfig parse_command_line(int argc, char** argv, int& drain_seconds) {
    ServeConfig config;
    std::string config_path;
    CLI::App app{"linfa-serve: serve a linfa model file over gRPC"};
    auto add_options = [&](CLI::App& a) {
        a.add_option("--model", config.model_path, "model file (any kind this build serves)")->required();
        a.add_option("--config", config_path, "TOML file: [model] name, version, feature_names...; [limits]; [server]");
        a.add_option("--host", config.host, "address to bind");
        a.add_option("--port", config.port, "port (0 picks a free one)");
        a.add_option("--threads", config.threads,
                     "sync API only: cap on grpc's worker threads (calls over it get RESOURCE_EXHAUSTED); "
                     "0: no cap. The callback API runs on grpc's own threads");
        a.add_option("--api", config.api, "callback or sync")->check(CLI::IsMember({"callback", "sync"}));
        a.add_option("--drain-seconds", drain_seconds, "on SIGTERM/SIGINT, time given to in-flight calls");
        a.add_option("--tls-cert", config.tls.cert, "PEM certificate chain of the server: serve over TLS (needs --tls-key)");
        a.add_option("--tls-key", config.tls.key, "PEM private key of --tls-cert");
        a.add_option("--tls-client-ca", config.tls.client_ca,
                     "PEM CA: require client certificates signed by it (mutual TLS)");
        a.add_option("--max-rows-per-request", config.limits.max_rows_per_request, "more rows: INVALID_ARGUMENT");
        a.add_option("--max-message-bytes", config.limits.max_message_bytes,
                     "larger request or response messages: RESOURCE_EXHAUSTED");
        a.add_option("--max-concurrent-streams", config.limits.max_concurrent_streams,
                     "HTTP/2 streams (calls) per connection at once, advertised to clients; 0: no limit");
        a.add_option("--max-inflight-calls", config.limits.max_inflight_calls,
                     "calls in flight in the whole server; more get RESOURCE_EXHAUSTED; 0: no cap");
    };
    add_options(app);
    try {
        app.parse(argc, argv);
        if (!config_path.empty()) {
            read_config_file(config_path, config);
            CLI::App again;
            add_options(again);
            again.parse(argc, argv);  // flags given on the command line override the file
        }
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    } catch (const std::runtime_error& e) {  // the config file
        spdlog::error("event=error stage=config what=\"{}\"", e.what());
        std::exit(2);
    }
    return config;
}

void setup_logging() {
    auto logger = spdlog::stderr_logger_mt("linfa-serve");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l service=linfa-serve %v", spdlog::pattern_time_type::utc);
    spdlog::set_default_logger(logger);
}

/// Blocks SIGINT/SIGTERM in this thread and every thread started after (grpc's included), so
/// they are only ever received by sigwait in the shutdown thread: no async-signal-safety
/// concerns, and grpc calls run on an ordinary thread.
sigset_t block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

std::unique_ptr<grpc::Server> build_server(const ServeConfig& c, const std::vector<std::unique_ptr<grpc::Service>>& services,
                                           std::shared_ptr<grpc::ServerCredentials> credentials, int& selected_port) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(c.host + ":" + std::to_string(c.port), std::move(credentials), &selected_port);
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);  // never share a port with another server by accident
    builder.SetMaxReceiveMessageSize(static_cast<int>(c.limits.max_message_bytes));
    builder.SetMaxSendMessageSize(static_cast<int>(c.limits.max_message_bytes));
    if (c.limits.max_concurrent_streams > 0) {
        builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, static_cast<int>(c.limits.max_concurrent_streams));
    }
    if (c.api == "sync" && c.threads > 0) {
        builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
        builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, c.threads);
        grpc::ResourceQuota quota("linfa-serve");
        quota.SetMaxThreads(c.threads + 1);
        builder.SetResourceQuota(quota);
    }
    for (const auto& service : services) builder.RegisterService(service.get());
    return builder.BuildAndStart();
}

}  // namespace

int main(int argc, char** argv) {
    const sigset_t stop_signals = block_stop_signals();
    int drain_seconds = 10;
    setup_logging();
    ServeConfig config = parse_command_line(argc, argv, drain_seconds);

    try {
        linfa::serve::check_settings(config);
    } catch (const std::exception& e) {
        spdlog::error("event=error stage=config what=\"{}\"", e.what());
        return 2;
    }
    std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
    if (config.tls.enabled()) {
        try {
            credentials = linfa::serve::tls_server_credentials(config.tls);
        } catch (const std::exception& e) {
            spdlog::error("event=error stage=tls what=\"{}\"", e.what());
            return 2;
        }
    }
    std::unique_ptr<linfa::serve::ServableModel> model;
    try {
        model = linfa::serve::builtin_registry().load(config.model_path);
        check_against_model(config, model->info());
    } catch (const std::exception& e) {
        spdlog::error("event=error stage=load model=\"{}\" what=\"{}\"", config.model_path, e.what());
        return 2;
    }
    const linfa::serve::Handlers handlers(*model, config);
    const auto services = linfa::serve::make_services(handlers, config);
    int port = 0;
    const auto server = build_server(config, services.list, credentials, port);
    if (!server || port == 0) {
        spdlog::error("event=error stage=bind address={}:{} what=\"cannot listen{}\"", config.host, config.port,
                      config.tls.enabled() ? " (grpc refused the TLS settings or the address)" : "");
        return 3;
    }
    const auto& info = model->info();
    const auto& limits = config.limits;
    spdlog::info("event=start address={}:{} model=\"{}\" name={} version={} kind={} scalar={} n_features={} api={} threads={} "
                 "tls={} max_rows_per_request={} max_message_bytes={} max_concurrent_streams={} max_inflight_calls={}",
                 config.host, port, config.model_path, config.name, config.version, info.kind, info.scalar,
                 info.n_features, config.api, config.threads,
                 !config.tls.enabled() ? "off" : config.tls.client_ca.empty() ? "on" : "mutual",
                 limits.max_rows_per_request, limits.max_message_bytes, limits.max_concurrent_streams, limits.max_inflight_calls);
    std::printf("listening on %s:%d\n", config.host.c_str(), port);
    std::fflush(stdout);

    std::thread stopper([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        spdlog::info("event=stopping signal={} drain_seconds={}", signal == SIGTERM ? "SIGTERM" : "SIGINT", drain_seconds);
        server->GetHealthCheckService()->SetServingStatus(false);
        server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(drain_seconds));
    });
    server->Wait();
    stopper.join();
    spdlog::info("event=stop address={}:{} status=clean", config.host, port);
    return 0;
}
