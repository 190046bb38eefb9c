#include "config.hpp"

#include <algorithm>
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

toml::table parse_toml(const std::string& path) {
    try {
        return toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        throw std::runtime_error("config " + path + ": " + std::string(e.description()) + " (line " +
                                 std::to_string(e.source().begin.line) + ")");
    }
}

/// A version: an integer, or a string holding one ("3"), as a name would be written.
std::int64_t read_version(const toml::table& table, const std::string& file, const std::string& key, std::int64_t fallback) {
    const toml::node* node = table.at_path(key).node();
    if (!node) return fallback;
    std::int64_t version = 0;
    if (node->is_integer()) version = *node->value<std::int64_t>();
    else if (node->is_string()) version = parse_version(*node->value<std::string>());
    else bad(file, key, "must be an integer");
    if (version <= 0) bad(file, key, "must be a positive integer (a version)");
    return version;
}

/// The [model] schema: what the two config files share.
void read_schema(const toml::table& table, const std::string& file, ModelSettings& m) {
    read_if_set(table, file, "model", "kind", m.expect_kind);
    read_if_set(table, file, "model", "scalar", m.expect_scalar);
    read_if_set(table, file, "model", "n_features", m.expect_n_features);
    m.feature_names = read_names(table, file);
}

/// [version_policy]: exactly one of latest = N, all = true, specific = [versions].
VersionPolicy read_policy(const toml::table& table, const std::string& file) {
    VersionPolicy policy;
    const toml::table* section = table["version_policy"].as_table();
    if (!section) {
        if (table.contains("version_policy")) bad(file, "version_policy", "must be a table");
        return policy;
    }
    if (section->size() != 1) bad(file, "version_policy", "must hold exactly one of latest, all, specific");
    if (section->contains("latest")) {
        read_if_set(table, file, "version_policy", "latest", policy.latest);
        if (policy.latest == 0) bad(file, "version_policy.latest", "must be at least 1");
    } else if (section->contains("all")) {
        const auto all = (*section)["all"].value<bool>();
        if (!all || !*all) bad(file, "version_policy.all", "must be true (or name another policy)");
        policy.kind = VersionPolicy::Kind::all;
    } else if (const toml::array* list = (*section)["specific"].as_array()) {
        policy.kind = VersionPolicy::Kind::specific;
        for (const auto& item : *list) {
            const auto v = item.value<std::int64_t>();
            if (!item.is_integer() || *v <= 0) bad(file, "version_policy.specific", "must hold positive integers only");
            policy.versions.push_back(*v);
        }
        std::sort(policy.versions.begin(), policy.versions.end());
        if (policy.versions.empty()) bad(file, "version_policy.specific", "must name at least one version");
        if (std::adjacent_find(policy.versions.begin(), policy.versions.end()) != policy.versions.end()) {
            bad(file, "version_policy.specific", "names a version twice");
        }
    } else {
        bad(file, "version_policy", "must hold one of latest = N, all = true, specific = [versions]");
    }
    return policy;
}

}  // namespace

bool VersionPolicy::allows(std::int64_t version) const {
    return kind != Kind::specific || std::binary_search(versions.begin(), versions.end(), version);
}

bool valid_model_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    });
}

std::int64_t parse_version(std::string_view text) {
    if (text.empty() || text.size() > 18 || text.front() == '0') return 0;  // 18 digits: no overflow
    std::int64_t version = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return 0;
        version = version * 10 + (c - '0');
    }
    return version;
}

void read_config_file(const std::string& path, ServeConfig& c) {
    const toml::table table = parse_toml(path);
    read_if_set(table, path, "model", "name", c.name);
    c.version = read_version(table, path, "model.version", c.version);
    read_schema(table, path, c.model);
    read_if_set(table, path, "limits", "max_rows_per_request", c.limits.max_rows_per_request);
    read_if_set(table, path, "limits", "max_message_bytes", c.limits.max_message_bytes);
    read_if_set(table, path, "limits", "max_concurrent_streams", c.limits.max_concurrent_streams);
    read_if_set(table, path, "limits", "max_inflight_calls", c.limits.max_inflight_calls);
    read_if_set(table, path, "server", "host", c.host);
    read_if_set(table, path, "server", "port", c.port);
    read_if_set(table, path, "server", "http_port", c.http_port);
    read_if_set(table, path, "server", "http_threads", c.http_threads);
    read_if_set(table, path, "server", "threads", c.threads);
    read_if_set(table, path, "server", "api", c.api);
    read_if_set(table, path, "server", "model_repository", c.model_repository);
    read_if_set(table, path, "server", "default_model", c.default_model);
    read_if_set(table, path, "server", "poll_seconds", c.poll_seconds);
    read_if_set(table, path, "server", "allow_model_control", c.allow_model_control);
    if (!c.model_repository.empty()) {  // relative to the file's own folder, as the TLS files
        c.model_repository = (std::filesystem::path(path).parent_path() / c.model_repository).lexically_normal().string();
    }
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

ModelSettings read_model_settings(const std::string& path) {
    const toml::table table = parse_toml(path);
    for (const auto& [key, value] : table) {  // a repository model's name and version are its folders
        if (key.str() != "model" && key.str() != "limits" && key.str() != "version_policy") {
            bad(path, std::string(key.str()), "is not a model setting (model, limits, version_policy)");
        }
    }
    if (const toml::table* limits = table["limits"].as_table()) {
        for (const auto& [key, value] : *limits) {
            if (key.str() != "max_rows_per_request") {
                bad(path, "limits." + std::string(key.str()), "is a server setting; a model's config.toml sets limits.max_rows_per_request only");
            }
        }
    }
    if (table.at_path("model.name") || table.at_path("model.version")) {
        bad(path, "model.name/model.version", "cannot be set here: the folders name the model and its versions");
    }
    ModelSettings settings;
    read_schema(table, path, settings);
    read_if_set(table, path, "limits", "max_rows_per_request", settings.max_rows_per_request);
    settings.policy = read_policy(table, path);
    if (table.at_path("limits.max_rows_per_request") && settings.max_rows_per_request == 0) {
        bad(path, "limits.max_rows_per_request", "must be at least 1");
    }
    return settings;
}

void check_settings(const ServeConfig& c) {
    check_limits(c.limits);
    if (c.tls.enabled() && (c.tls.cert.empty() || c.tls.key.empty())) {
        throw std::runtime_error("tls needs both a certificate (tls.cert, --tls-cert) and its key (tls.key, --tls-key)" +
                                 std::string(c.tls.client_ca.empty() ? "" : "; a client CA alone is not enough"));
    }
    if (c.model_path.empty() == c.model_repository.empty()) {
        throw std::runtime_error("serve either one model file (--model) or a model repository (--model-repository)");
    }
    if (!valid_model_name(c.name)) {
        throw std::runtime_error("model.name '" + c.name + "' is not a model name (1-64 of A-Z a-z 0-9 _ . -, not starting with '.')");
    }
    if (c.version <= 0) throw std::runtime_error("model.version must be a positive integer");
    if (c.http_port < -1 || c.http_port > 65535) throw std::runtime_error("server.http_port must be between 0 and 65535 (-1: none)");
    if (c.http_threads < 1 || c.http_threads > 4096) {
        throw std::runtime_error("server.http_threads must be between 1 and 4096, found " + std::to_string(c.http_threads));
    }
    if (!c.default_model.empty() && !valid_model_name(c.default_model)) {
        throw std::runtime_error("server.default_model '" + c.default_model + "' is not a model name");
    }
    if (c.allow_model_control && c.model_repository.empty()) {
        throw std::runtime_error("server.allow_model_control needs a model repository (--model-repository): one model file has "
                                 "nothing to load or unload");
    }
    if (c.api != "callback" && c.api != "sync") throw std::runtime_error("server.api must be 'callback' or 'sync', found '" + c.api + "'");
}

void check_against_model(const ModelSettings& m, const ModelInfo& info, const std::string& path) {
    auto mismatch = [&](const std::string& what, const std::string& config, const std::string& model) {
        throw std::runtime_error("the config says " + what + " = " + config + " but the model file " + path + " has " + model);
    };
    if (!m.expect_kind.empty() && m.expect_kind != info.kind) mismatch("model.kind", m.expect_kind, info.kind);
    if (!m.expect_scalar.empty() && m.expect_scalar != info.scalar) mismatch("model.scalar", m.expect_scalar, info.scalar);
    if (m.expect_n_features != 0 && m.expect_n_features != info.n_features) {
        mismatch("model.n_features", std::to_string(m.expect_n_features), std::to_string(info.n_features));
    }
    if (!m.feature_names.empty() && m.feature_names.size() != info.n_features) {
        mismatch("model.feature_names (count)", std::to_string(m.feature_names.size()), std::to_string(info.n_features) + " features");
    }
}

}  // namespace linfa::serve
