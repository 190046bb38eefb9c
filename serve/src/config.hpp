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
};

/// Overlays the settings of a TOML file onto `config`. Throws std::runtime_error naming the
/// file, the key and what was wrong.
void read_config_file(const std::string& path, ServeConfig& config);

/// Throws std::runtime_error unless the config agrees with the model's own schema.
void check_against_model(const ServeConfig& config, const ModelInfo& info);

}  // namespace linfa::serve
