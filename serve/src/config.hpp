// Server configuration: what the CLI and an optional TOML file say, checked against the
// schema the model itself declares (the model is the source of truth; the config can only
// name and confirm it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "servable.hpp"

namespace linfa::serve {

struct Limits {
    std::uint32_t max_rows_per_request = 1u << 20;    ///< rows in one request
    std::uint64_t max_message_bytes = 64ull << 20;    ///< larger messages: RESOURCE_EXHAUSTED
    /// HTTP/2 streams (calls) one connection may have open at once, advertised in the
    /// server's SETTINGS; 0: grpc's default (no limit).
    std::uint32_t max_concurrent_streams = 0;
    /// Calls in the server's handlers or still sending their answer, all connections
    /// together; beyond it calls get RESOURCE_EXHAUSTED at once. 0: no cap.
    std::uint32_t max_inflight_calls = 0;
};

/// TLS: a server certificate (chain) and its key, and optionally the CA that client
/// certificates must be signed by (then clients without one are refused). All empty: plaintext.
struct TlsFiles {
    std::string cert;       ///< PEM certificate chain, the server's first
    std::string key;        ///< PEM private key of that certificate
    std::string client_ca;  ///< PEM CA certificate(s); set: require and verify client certificates
    bool enabled() const { return !cert.empty() || !key.empty() || !client_ca.empty(); }
};

struct ServeConfig {
    std::string model_path;
    std::string name = "model";
    std::string version = "1";
    std::vector<std::string> feature_names;  ///< empty, or one per feature
    // Optional expectations; empty / 0 means "whatever the model says".
    std::string expect_kind;
    std::string expect_scalar;
    std::size_t expect_n_features = 0;
    Limits limits;
    std::string host = "127.0.0.1";
    int port = 50051;
    int threads = 0;            ///< 0: the API's default
    std::string api = "callback";  ///< "callback" or "sync"
    TlsFiles tls;
};

/// Overlays the settings of a TOML file onto `config`. Throws std::runtime_error naming the
/// file, the key and what was wrong.
void read_config_file(const std::string& path, ServeConfig& config);

/// Throws std::runtime_error naming the setting when the settings (file and command line
/// together) are out of range or incomplete (e.g. a TLS key without its certificate).
void check_settings(const ServeConfig& config);

/// Throws std::runtime_error unless the config agrees with the model's own schema.
void check_against_model(const ServeConfig& config, const ModelInfo& info);

}  // namespace linfa::serve
