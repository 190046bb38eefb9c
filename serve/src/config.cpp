#include "config.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include <toml++/toml.h>

namespace linfa::serve {
namespace {

[[noreturn]] void bad(const std::string& file, const std::string& key, const std::string& why) {
    throw std::runtime_error("config " + file + ": " + key + " " + why);
}

template <class T>
void read_if_set(const toml::table& table, const std::string& file, const char* section, const char* key, T& out) {
    const toml::node* node = table.at_path(std::string(section) + "." + key).node();
    if (!node) return;
    if constexpr (std::is_same_v<T, std::string>) {
        if (!node->is_string()) bad(file, std::string(section) + "." + key, "must be a string");
        out = *node->value<std::string>();
    } else {
        if (!node->is_integer()) bad(file, std::string(section) + "." + key, "must be an integer");
        const std::int64_t v = *node->value<std::int64_t>();
        if (v < 0 || static_cast<std::uint64_t>(v) > std::numeric_limits<T>::max()) {
            bad(file, std::string(section) + "." + key, "is out of range: " + std::to_string(v));
        }
        out = static_cast<T>(v);
    }
}

std::vector<std::string> read_names(const toml::table& table, const std::string& file) {
    std::vector<std::string> names;
    const toml::node* node = table.at_path("model.feature_names").node();
    if (!node) return names;
    const toml::array* array = node->as_array();
    if (!array) bad(file, "model.feature_names", "must be an array of strings");
    for (const auto& item : *array) {
        if (!item.is_string()) bad(file, "model.feature_names", "must hold strings only");
        names.push_back(*item.value<std::string>());
    }
    return names;
}

/// Range checks of the limits, whichever of the file or the command line set them.
void check_limits(const Limits& l) {
    auto bad_setting = [](const std::string& key, const std::string& why) { throw std::runtime_error(key + " " + why); };
    if (l.max_rows_per_request == 0) bad_setting("limits.max_rows_per_request", "must be at least 1");
    if (l.max_message_bytes < 1024 || l.max_message_bytes > INT32_MAX) {
        bad_setting("limits.max_message_bytes", "must be between 1024 and 2^31-1, found " + std::to_string(l.max_message_bytes));
    }
    if (l.max_concurrent_streams > INT32_MAX) {
        bad_setting("limits.max_concurrent_streams", "must be at most 2^31-1 (0: no limit)");
    }
}

}  // namespace

void read_config_file(const std::string& path, ServeConfig& c) {
    toml::table table;
    try {
        table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        throw std::runtime_error("config " + path + ": " + std::string(e.description()) + " (line " +
                                 std::to_string(e.source().begin.line) + ")");
    }
    read_if_set(table, path, "model", "name", c.name);
    read_if_set(table, path, "model", "version", c.version);
    read_if_set(table, path, "model", "kind", c.expect_kind);
    read_if_set(table, path, "model", "scalar", c.expect_scalar);
    read_if_set(table, path, "model", "n_features", c.expect_n_features);
    c.feature_names = read_names(table, path);
    read_if_set(table, path, "limits", "max_rows_per_request", c.limits.max_rows_per_request);
    read_if_set(table, path, "limits", "max_message_bytes", c.limits.max_message_bytes);
    read_if_set(table, path, "limits", "max_concurrent_streams", c.limits.max_concurrent_streams);
    read_if_set(table, path, "limits", "max_inflight_calls", c.limits.max_inflight_calls);
    read_if_set(table, path, "server", "host", c.host);
    read_if_set(table, path, "server", "port", c.port);
    read_if_set(table, path, "server", "threads", c.threads);
    read_if_set(table, path, "server", "api", c.api);
    // TLS files named in the file are relative to the file's own folder.
    for (auto [key, out] : {std::pair{"cert", &c.tls.cert}, {"key", &c.tls.key}, {"client_ca", &c.tls.client_ca}}) {
        std::string value;
        read_if_set(table, path, "tls", key, value);
        if (!value.empty()) *out = (std::filesystem::path(path).parent_path() / value).lexically_normal().string();
    }
    try {
        check_limits(c.limits);  // TLS is checked once the command line is applied (check_settings)
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("config " + path + ": " + e.what());
    }
}

void check_settings(const ServeConfig& c) {
    check_limits(c.limits);
    if (c.tls.enabled() && (c.tls.cert.empty() || c.tls.key.empty())) {
        throw std::runtime_error("tls needs both a certificate (tls.cert, --tls-cert) and its key (tls.key, --tls-key)" +
                                 std::string(c.tls.client_ca.empty() ? "" : "; a client CA alone is not enough"));
    }
}

void check_against_model(const ServeConfig& c, const ModelInfo& info) {
    auto mismatch = [&](const std::string& what, const std::string& config, const std::string& model) {
        throw std::runtime_error("the config says " + what + " = " + config + " but the model file " + c.model_path +
                                 " has " + model);
    };
    if (!c.expect_kind.empty() && c.expect_kind != info.kind) mismatch("model.kind", c.expect_kind, info.kind);
    if (!c.expect_scalar.empty() && c.expect_scalar != info.scalar) mismatch("model.scalar", c.expect_scalar, info.scalar);
    if (c.expect_n_features != 0 && c.expect_n_features != info.n_features) {
        mismatch("model.n_features", std::to_string(c.expect_n_features), std::to_string(info.n_features));
    }
    if (!c.feature_names.empty() && c.feature_names.size() != info.n_features) {
        mismatch("model.feature_names (count)", std::to_string(c.feature_names.size()),
                 std::to_string(info.n_features) + " features");
    }
    if (c.api != "callback" && c.api != "sync") throw std::runtime_error("server.api must be 'callback' or 'sync', found '" + c.api + "'");
}

}  // namespace linfa::serve
