// Helpers of the tests that serve a model repository: folders of versions written as a
// deployment would, and what a server serves now.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>

#include <doctest/doctest.h>

#include "fixtures.hpp"

namespace serve_test {
namespace fs = std::filesystem;

/// A fresh, empty repository folder for one test.
inline fs::path fresh_repository(const std::string& name) {
    const fs::path dir = work_path("repository_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Puts `model` in as DIR/<name>/<version>/model.linfa, the way a deployment should: written
/// beside, then renamed into place, so a scan never sees half a file.
inline void put_version(const fs::path& dir, const std::string& name, int version, const std::string& model) {
    const fs::path folder = dir / name / std::to_string(version);
    fs::create_directories(folder);
    fs::copy_file(model, folder / "model.linfa.tmp", fs::copy_options::overwrite_existing);
    fs::rename(folder / "model.linfa.tmp", folder / "model.linfa");
}

inline void put_broken_version(const fs::path& dir, const std::string& name, int version) {
    const fs::path folder = dir / name / std::to_string(version);
    fs::create_directories(folder);
    std::ofstream(folder / "model.linfa") << "not a model file";
}

inline void put_settings(const fs::path& dir, const std::string& name, const std::string& toml) {
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "config.toml") << toml;
}

inline ServerProcess serve_repository(const fs::path& dir, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--model-repository", dir.string()});
    return ServerProcess(LINFA_SERVE_EXE, extra);
}

/// The versions of `name` served now (empty when the model is not served).
inline std::vector<std::int64_t> versions_of(const ServerProcess& server, const std::string& name) {
    v1::ListModelsRequest req;
    v1::ModelList list;
    const grpc::Status status = v1::ModelService::NewStub(channel_to(server))->ListModels(context().get(), req, &list);
    REQUIRE(status.ok());
    for (const auto& model : list.models()) {
        if (model.name() == name) return {model.versions().begin(), model.versions().end()};
    }
    return {};
}

/// Waits (up to 20 s) until `name` serves exactly `expected`.
inline bool wait_for_versions(const ServerProcess& server, const std::string& name, const std::vector<std::int64_t>& expected) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
        if (versions_of(server, name) == expected) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

inline void reload(const ServerProcess& server) { REQUIRE(kill(server.pid(), SIGHUP) == 0); }

inline v1::PredictRequest request_for(const std::string& name, std::int64_t version, const std::vector<double>& rows, std::size_t d) {
    v1::PredictRequest req = packed_f64(rows, rows.size() / d);
    req.set_model_name(name);
    req.set_model_version(version);
    return req;
}

inline std::vector<int> labels_of(const v1::PredictResponse& resp) { return {resp.labels().begin(), resp.labels().end()}; }


}  // namespace serve_test
