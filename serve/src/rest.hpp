// The Open Inference Protocol's HTTP/1.1 REST binding (JSON), and Prometheus' /metrics, on
// linfa-serve's HTTP port (--http-port). Requests become the protocol's gRPC messages and go
// through InferenceProtocol, so every validation and limit of the gRPC endpoints applies:
//   GET  /v2/health/live, /v2/health/ready, /v2 (server metadata)
//   GET  /v2/models/{name}[/versions/{version}]          model metadata
//   GET  /v2/models/{name}[/versions/{version}]/ready
//   POST /v2/models/{name}[/versions/{version}]/infer    {"inputs": [{"name", "shape", "datatype", "data"}], "outputs": [...]}
//   POST /v2/repository/index                            {"ready": bool} optional; [{"name", "version", "state", "reason"}]
//   POST /v2/repository/models/{name}/load, .../unload   model control (--allow-model-control)
//   GET  /metrics                                        Prometheus text format
// Errors are {"error": "..."} with 400 (bad request), 403 (model control off), 404 (no such
// model, version or endpoint), 413 (body over limits.max_message_bytes), 429
// (limits.max_inflight_calls), 500.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "config.hpp"
#include "inference_protocol.hpp"
#include "model_control.hpp"
#include "repository.hpp"

namespace httplib {
class Server;
}

namespace linfa::serve {

class CallGate;

class RestServer {
public:
    /// Serves over TLS with config.tls's files when it is enabled (and requires client
    /// certificates with a client CA), else plaintext. `gate` caps calls in flight with the
    /// gRPC endpoints'; everything must outlive the server.
    RestServer(const Repository& repository, const InferenceProtocol& protocol, const ModelControl& control, CallGate& gate,
               const ServeConfig& config);
    ~RestServer();
    RestServer(const RestServer&) = delete;
    RestServer& operator=(const RestServer&) = delete;

    /// Binds host:port (0: a free port) and starts answering on a thread of its own; returns
    /// the port. Throws std::runtime_error when it cannot listen.
    int start(const std::string& host, int port);
    /// Stops accepting, lets the requests in flight finish, and joins.
    void stop();

private:
    void routes();

    const Repository& repository_;
    const InferenceProtocol& protocol_;
    const ModelControl& control_;
    CallGate& gate_;
    const ServeConfig& config_;
    std::unique_ptr<httplib::Server> server_;
    int listen_socket_ = -1;  ///< the bound socket, as httplib's socket options callback saw it
    std::thread thread_;
};

}  // namespace linfa::serve
