// linfa-serve: serves one model file or a model repository over gRPC (the seed's
// ml.ClusteringService, linfa.serving.v1 and the Open Inference Protocol), with health
// checking and reflection.
//   linfa-serve (--model PATH | --model-repository DIR [--default-model NAME] [--poll-seconds N] [--allow-model-control])
//               [--config FILE] [--host 127.0.0.1] [--port 50051] [--threads N]
//               [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]] [--max-... limits]
// SIGHUP rescans the repository at once; SIGTERM/SIGINT drain and stop.
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
#include "lock_checks.hpp"
#include "reloader.hpp"
#include "rest.hpp"
#include "repository.hpp"
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
        a.add_option("--model", config.model_path, "one model file (any kind this build serves)");
        a.add_option("--model-repository", config.model_repository,
                     "serve every model under DIR/<name>/<version>/model.linfa (DIR/<name>/config.toml: schema, "
                     "limits, version_policy)");
        a.add_option("--default-model", config.default_model,
                     "repository: the model of requests that name none (default: the only model, if one)");
        a.add_option("--poll-seconds", config.poll_seconds, "repository: rescan every N seconds (0: on SIGHUP only)");
        a.add_flag("--allow-model-control", config.allow_model_control,
                   "repository: answer the repository API (index, load, unload a model on request; gRPC and REST)");
        a.add_option("--config", config_path, "TOML file: [model] name, version, feature_names...; [limits]; [server]");
        a.add_option("--host", config.host, "address to bind");
        a.add_option("--port", config.port, "port (0 picks a free one)");
        a.add_option("--http-port", config.http_port,
                     "also serve the Open Inference Protocol's REST endpoints and /metrics on this port (0 picks a free one; "
                     "-1, the default: none)");
        a.add_option("--http-threads", config.http_threads,
                     "REST port: connections served at once, one thread each (more wait their turn)");
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

/// Blocks SIGINT/SIGTERM/SIGHUP in this thread and every thread started after (grpc's
/// included), so they are only ever received by sigwait in the signal thread: no
/// async-signal-safety concerns, and grpc calls run on an ordinary thread.
sigset_t block_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
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
    linfa::serve::disable_lock_order_checks();
    // A client that closes its connection while the REST server writes to it over TLS must
    // cost that request, not the process (SSL_write to a closed socket raises SIGPIPE).
    std::signal(SIGPIPE, SIG_IGN);
    const sigset_t signals = block_signals();
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
    std::unique_ptr<linfa::serve::Repository> repository;
    try {
        repository = std::make_unique<linfa::serve::Repository>(config, linfa::serve::builtin_registry());
    } catch (const std::exception& e) {
        spdlog::error("event=error stage=load what=\"{}\"", e.what());
        return 2;
    }
    linfa::serve::Reloader reloader(*repository, std::chrono::seconds(repository->is_folder() ? config.poll_seconds : 0));
    const linfa::serve::Handlers handlers(*repository, config);
    const linfa::serve::InferenceProtocol protocol(*repository);
    const linfa::serve::ModelControl control(*repository, config.allow_model_control);
    const auto services = linfa::serve::make_services(handlers, protocol, control, config);
    int port = 0;
    const auto server = build_server(config, services.list, credentials, port);
    if (!server || port == 0) {
        spdlog::error("event=error stage=bind address={}:{} what=\"cannot listen{}\"", config.host, config.port,
                      config.tls.enabled() ? " (grpc refused the TLS settings or the address)" : "");
        return 3;
    }
    const auto& limits = config.limits;
    const auto served = repository->served();
    spdlog::info("event=start address={}:{} source=\"{}\" models={} default_model={} poll_seconds={} model_control={} api={} threads={} tls={} "
                 "max_rows_per_request={} max_message_bytes={} max_concurrent_streams={} max_inflight_calls={}",
                 config.host, port, repository->is_folder() ? config.model_repository : config.model_path, served->models.size(),
                 repository->default_model().empty() ? "none" : repository->default_model(), config.poll_seconds, config.allow_model_control ? "on" : "off", config.api,
                 config.threads, !config.tls.enabled() ? "off" : config.tls.client_ca.empty() ? "on" : "mutual",
                 limits.max_rows_per_request, limits.max_message_bytes, limits.max_concurrent_streams, limits.max_inflight_calls);
    std::unique_ptr<linfa::serve::RestServer> rest;
    if (config.http_port >= 0) {
        try {
            rest = std::make_unique<linfa::serve::RestServer>(*repository, protocol, control, *services.gate, config);
            const int http_port = rest->start(config.host, config.http_port);
            spdlog::info("event=start_http address={}:{} tls={}", config.host, http_port, config.tls.enabled() ? "on" : "off");
            std::printf("http listening on %s:%d\n", config.host.c_str(), http_port);
        } catch (const std::exception& e) {
            spdlog::error("event=error stage=bind what=\"{}\"", e.what());
            server->Shutdown();
            return 3;
        }
    }
    std::printf("listening on %s:%d\n", config.host.c_str(), port);
    std::fflush(stdout);

    std::thread signal_thread([&] {
        int signal = 0;
        while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
            spdlog::info("event=reload_requested signal=SIGHUP");
            reloader.request();
        }
        spdlog::info("event=stopping signal={} drain_seconds={}", signal == SIGTERM ? "SIGTERM" : "SIGINT", drain_seconds);
        server->GetHealthCheckService()->SetServingStatus(false);
        if (rest) rest->stop();  // the requests it has in flight finish first
        server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(drain_seconds));
    });
    server->Wait();
    signal_thread.join();
    spdlog::info("event=stop address={}:{} status=clean", config.host, port);
    return 0;
}
