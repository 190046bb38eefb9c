// Fuzz target "serve_config": the bytes are a linfa-serve TOML config file. read_config_file
// only takes a path, so each input is written to a file of this process's own in /dev/shm
// (memory, not disk; $TMPDIR when there is no /dev/shm), read into a default ServeConfig,
// checked against the schemas of the two fuzz models (serve_fixture.hpp), and, where it
// agrees with one, answered as GetModelMetadata would with that config; the same bytes are
// also read as a repository model's config.toml (read_model_settings).
//
// Refusing with std::runtime_error (what config.hpp documents) is fine; any other exception,
// a crash, a hang, a leak, undefined behaviour, or an accepted config that breaks the limits
// read_config_file promises is a finding.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "serve_fixture.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "fuzz_serve_config: %s\n", what);
    std::abort();
}

const std::string& scratch_path() {
    static const std::string path = [] {
        std::filesystem::path dir = "/dev/shm";
        if (!std::filesystem::is_directory(dir)) dir = std::filesystem::temp_directory_path();
        return (dir / ("linfa-fuzz-config-" + std::to_string(::getpid()) + ".toml")).string();
    }();
    return path;
}

struct RemoveScratch {
    ~RemoveScratch() { std::remove(scratch_path().c_str()); }
} remove_scratch_at_exit;

template <class F>
void check_with_model(linfa::serve::ServeConfig config, linfa_fuzz::Served<F>& served) {
    try {
        linfa::serve::check_against_model(config.model, served.adapter->info(), "fuzz.linfa");
    } catch (const std::runtime_error&) {
        return;
    }
    // The config is acceptable for this model: the metadata the server would give with it,
    // serving the model as --model does (the file's repository folder, if any, set aside),
    // once the settings pass the checks the server makes before it serves anything.
    config.model_repository.clear();
    config.model_path = "fuzz.linfa";
    try {
        linfa::serve::check_settings(config);
    } catch (const std::runtime_error&) {
        return;
    }
    const linfa::serve::Repository repository(config, served.adapter);
    linfa::serve::Handlers handlers(repository, config);
    linfa::serving::v1::ModelMetadata metadata;
    if (!handlers.metadata({}, metadata).ok()) finding("metadata failed");
    if (metadata.n_features() != served.model.n_features()) finding("metadata has the wrong n_features");
    if (metadata.feature_names_size() != 0 && static_cast<std::size_t>(metadata.feature_names_size()) != served.model.n_features()) {
        finding("an accepted config names the wrong number of features");
    }
}

/// The same bytes as a repository model's config.toml: refused, or a policy that can serve.
void check_model_settings() {
    linfa::serve::ModelSettings settings;
    try {
        settings = linfa::serve::read_model_settings(scratch_path());
    } catch (const std::runtime_error&) {
        return;
    }
    using Kind = linfa::serve::VersionPolicy::Kind;
    const auto& policy = settings.policy;
    if (policy.kind == Kind::latest && policy.latest == 0) finding("accepted version_policy.latest = 0");
    if (policy.kind == Kind::specific) {
        const auto& v = policy.versions;
        if (v.empty() || v.front() <= 0) finding("accepted an empty or non-positive version list");
        if (std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) != v.end()) finding("versions not ascending and distinct");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!out) finding("cannot write the scratch file");
    }
    linfa::serve::ServeConfig config;
    try {
        linfa::serve::read_config_file(scratch_path(), config);
    } catch (const std::runtime_error&) {
        return 0;
    }
    if (config.limits.max_rows_per_request == 0) finding("accepted max_rows_per_request = 0");
    if (config.limits.max_message_bytes < 1024 || config.limits.max_message_bytes > INT32_MAX) {
        finding("accepted max_message_bytes out of range");
    }
    check_with_model(config, linfa_fuzz::served_f32());
    check_with_model(config, linfa_fuzz::served_f64());
    check_model_settings();
    return 0;
}
