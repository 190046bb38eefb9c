// Server configuration: what the CLI and an optional TOML file say, checked against the
// schema the model itself declares (the model is the source of truth; the config can only
// name and confirm it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

/// Which versions of a model a repository serves (TensorFlow Serving's model_version_policy):
/// the `latest` highest versions that load, every version, or the versions listed.
struct VersionPolicy {
    enum class Kind { latest, all, specific };
    Kind kind = Kind::latest;
    std::uint32_t latest = 1;             ///< Kind::latest: how many
    std::vector<std::int64_t> versions;   ///< Kind::specific: which, ascending, no repeats
    /// Whether `version` is one the policy can take (latest and all: any).
    bool allows(std::int64_t version) const;
    bool operator==(const VersionPolicy&) const = default;
};

/// What one served model's config says about it: the schema it must have, its own row limit
/// and its version policy. The model is the source of truth; these can only confirm it.
struct ModelSettings {
    std::vector<std::string> feature_names;  ///< empty, or one per feature
    // Optional expectations; empty / 0 means "whatever the model says".
    std::string expect_kind;
    std::string expect_scalar;
    std::size_t expect_n_features = 0;
    std::uint32_t max_rows_per_request = 0;  ///< 0: the server's limits.max_rows_per_request
    VersionPolicy policy;
    bool operator==(const ModelSettings&) const = default;
};

struct ServeConfig {
    std::string model_path;        ///< --model: one file (a repository of one model, one version)
    std::string model_repository;  ///< --model-repository: DIR/<name>/<version>/model.linfa
    std::string default_model;     ///< the model of requests that name none (and of the seed's API)
    std::uint32_t poll_seconds = 0;  ///< rescan the repository this often; 0: on SIGHUP only
    std::string name = "model";    ///< --model's name
    std::int64_t version = 1;      ///< --model's version
    ModelSettings model;           ///< --model's settings ([model] and [limits] of the config file)
    Limits limits;
    std::string host = "127.0.0.1";
    int port = 50051;
    int http_port = -1;         ///< the REST endpoints and /metrics; -1: none, 0: a free port
    /// Threads of the REST port: each serves one keep-alive connection at a time, so this
    /// many connections are served at once and more wait their turn.
    std::uint32_t http_threads = 128;
    int threads = 0;            ///< 0: the API's default
    std::string api = "callback";  ///< "callback" or "sync"
    bool allow_model_control = false;  ///< the repository API (load, unload, index); folder repositories only
    TlsFiles tls;
};

/// Names of models and versions: a model name is 1-64 characters of [A-Za-z0-9_.-] not
/// starting with '.', a version a positive integer written without sign or leading zeros.
/// Both name folders of a repository and appear in requests.
bool valid_model_name(std::string_view name);
/// The version `text` names, or 0 when it is not a version.
std::int64_t parse_version(std::string_view text);

/// Overlays the settings of a TOML file onto `config`. Throws std::runtime_error naming the
/// file, the key and what was wrong.
void read_config_file(const std::string& path, ServeConfig& config);

/// Throws std::runtime_error naming the setting when the settings (file and command line
/// together) are out of range or incomplete (e.g. a TLS key without its certificate).
void check_settings(const ServeConfig& config);

/// Reads a repository model's config.toml ([model] schema, [limits] max_rows_per_request,
/// [version_policy]). Throws std::runtime_error naming the file, the key and what was wrong.
ModelSettings read_model_settings(const std::string& path);

/// Throws std::runtime_error unless the settings agree with the model's own schema; `path`
/// names the model file in the message.
void check_against_model(const ModelSettings& settings, const ModelInfo& info, const std::string& path);

}  // namespace linfa::serve
