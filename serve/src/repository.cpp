#include "repository.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include "metrics.hpp"

namespace linfa::serve {
namespace fs = std::filesystem;

namespace {

constexpr const char* model_file_name = "model.linfa";
constexpr const char* settings_file_name = "config.toml";

std::string version_key(const std::string& name, std::int64_t version) { return name + "/" + std::to_string(version); }

/// The names of the models `set` serves, for messages.
std::string model_list(const ServedSet& set) {
    std::string names;
    for (const auto& [name, versions] : set.models) names += (names.empty() ? "" : ", ") + name;
    return names.empty() ? "none" : names;
}

/// The versions under `folder` that hold a model file, highest first.
std::vector<std::int64_t> versions_in(const fs::path& folder) {
    std::vector<std::int64_t> versions;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::int64_t version = parse_version(entry.path().filename().string());
        std::error_code ignored;
        if (version > 0 && fs::is_regular_file(entry.path() / model_file_name, ignored)) versions.push_back(version);
    }
    std::sort(versions.rbegin(), versions.rend());
    return versions;
}

/// Adds to `report` the versions `before` served that `after` does not.
void note_retired(const ServedSet& before, const ServedSet& after, ReloadReport& report) {
    for (const auto& [name, versions] : before.models) {
        const auto model = after.models.find(name);
        for (const auto& [version, served] : versions) {
            if (model == after.models.end() || !model->second.contains(version)) report.retired.push_back(version_key(name, version));
        }
    }
}

}  // namespace

FileStamp stamp_of(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw fs::filesystem_error("cannot read", path, std::error_code(errno, std::generic_category()));
    }
    return {static_cast<std::uintmax_t>(st.st_size), std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
            static_cast<std::uint64_t>(st.st_ino)};
}

Repository::Repository(const ServeConfig& config, std::shared_ptr<const ServableModel> model) : config_(config) {
    if (is_folder()) throw std::logic_error("a repository of one given model has no folder");
    auto set = std::make_shared<ServedSet>();
    set->models[config_.name][config_.version] = describe(config_.name, config_.version, config_.model_path, FileStamp{},
                                                          std::move(model), std::make_shared<const ModelSettings>(config_.model));
    set_ = std::move(set);
    default_ = config_.name;
}

Repository::Repository(const ServeConfig& config, const Registry& registry) : config_(config), registry_(&registry) {
    if (!is_folder()) {  // one file: a repository of one model and one version
        auto settings = std::make_shared<const ModelSettings>(config_.model);
        auto set = std::make_shared<ServedSet>();
        set->models[config_.name][config_.version] =
            load(config_.name, config_.version, config_.model_path, stamp_of(config_.model_path), std::move(settings));
        set_ = std::move(set);
        default_ = config_.name;
        return;
    }
    if (!fs::is_directory(config_.model_repository)) {
        throw std::runtime_error("model repository " + config_.model_repository + " is not a folder");
    }
    ReloadReport report;
    set_ = scan(ServedSet{}, true, report);
    if (set_->models.empty()) {
        throw std::runtime_error("model repository " + config_.model_repository + " holds no model: expected " +
                                 config_.model_repository + "/<name>/<version>/" + model_file_name);
    }
    if (!config_.default_model.empty()) {
        if (!set_->models.contains(config_.default_model)) {
            throw std::runtime_error("the default model '" + config_.default_model + "' is not in the repository, which holds " +
                                     model_list(*set_));
        }
        default_ = config_.default_model;
    } else if (set_->models.size() == 1) {
        default_ = set_->models.begin()->first;
    }
}

std::shared_ptr<const ServedSet> Repository::served() const {
    std::lock_guard lock(mutex_);
    return set_;
}

std::string Repository::default_model() const { return default_; }

std::shared_ptr<const ServedVersion> Repository::find(std::string_view name, std::int64_t version, LookupError& error) const {
    const std::shared_ptr<const ServedSet> set = served();
    if (name.empty()) {
        if (default_.empty()) {
            error = {LookupError::Kind::no_default, "name a model: this server serves " + model_list(*set) + " and has no default model"};
            return nullptr;
        }
        name = default_;
    }
    const auto model = set->models.find(name);
    if (model == set->models.end() || model->second.empty()) {
        error = {LookupError::Kind::no_model, "no model named '" + std::string(name) + "'; this server serves " + model_list(*set)};
        return nullptr;
    }
    const auto& versions = model->second;
    if (version == 0) return versions.rbegin()->second;
    const auto found = versions.find(version);
    if (found == versions.end()) {
        std::string served;
        for (const auto& [v, ignored] : versions) served += (served.empty() ? "" : ", ") + std::to_string(v);
        error = {LookupError::Kind::no_version, "model '" + std::string(name) + "' has no version " + std::to_string(version) +
                                                    "; it serves version" + (versions.size() > 1 ? "s " : " ") + served};
        return nullptr;
    }
    return found->second;
}

std::shared_ptr<const ServedVersion> Repository::load(const std::string& name, std::int64_t version, const std::string& path,
                                                      const FileStamp& stamp, std::shared_ptr<const ModelSettings> settings) const {
    const auto start = std::chrono::steady_clock::now();
    auto served = describe(name, version, path, stamp, registry_->load(path), std::move(settings));
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    metrics().model_loaded(name, version, ms / 1000);
    spdlog::info("event=load model={} version={} path=\"{}\" kind={} scalar={} n_features={} load_ms={:.1f}", name, version, path,
                 served->info().kind, served->info().scalar, served->info().n_features, ms);
    return served;
}

std::shared_ptr<const ServedVersion> Repository::describe(const std::string& name, std::int64_t version, const std::string& path,
                                                          const FileStamp& stamp, std::shared_ptr<const ServableModel> model,
                                                          std::shared_ptr<const ModelSettings> settings) const {
    check_against_model(*settings, model->info(), path);
    auto served = std::make_shared<ServedVersion>();
    served->name = name;
    served->version = version;
    served->path = path;
    served->stamp = stamp;
    served->model = std::move(model);
    served->max_rows = settings->max_rows_per_request != 0 ? settings->max_rows_per_request : config_.limits.max_rows_per_request;
    served->settings = std::move(settings);
    return served;
}

std::shared_ptr<const ServedSet> Repository::scan(const ServedSet& current, bool strict, ReloadReport& report) {
    auto next = std::make_shared<ServedSet>();
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(config_.model_repository)) {
        if (entry.is_directory() && entry.path().filename().string().front() != '.') folders.push_back(entry.path());
    }
    std::sort(folders.begin(), folders.end());
    for (const fs::path& folder : folders) {
        const std::string name = folder.filename().string();
        if (!valid_model_name(name)) {
            const std::string why = "the folder name is not a model name (1-64 of A-Z a-z 0-9 _ . -)";
            if (strict) throw std::runtime_error("model repository " + config_.model_repository + ": " + name + ": " + why);
            if (refused_.emplace(folder.string(), Refusal{}).second) report.refused.push_back(name + ": " + why);
            continue;
        }
        if (!unloaded_.contains(name)) scan_model(folder, current, strict, *next, report);
    }
    note_retired(current, *next, report);
    return next;
}

void Repository::scan_model(const fs::path& folder, const ServedSet& current, bool strict, ServedSet& next, ReloadReport& report) {
    const std::string name = folder.filename().string();
    const auto current_model = current.models.find(name);
    const auto current_version = [&](std::int64_t version) -> std::shared_ptr<const ServedVersion> {
        if (current_model == current.models.end()) return nullptr;
        const auto found = current_model->second.find(version);
        return found == current_model->second.end() ? nullptr : found->second;
    };
    // A failure: at start-up it stops the server; later it is reported once per file state.
    const auto refuse = [&](const fs::path& path, const FileStamp& stamp, const std::string& what, const std::string& why) {
        if (strict) throw std::runtime_error(path.string() + ": " + why);
        auto [it, fresh] = refused_.try_emplace(path.string(), Refusal{stamp, why});
        if (fresh || !(it->second.stamp == stamp) || it->second.why != why) {
            it->second = Refusal{stamp, why};
            metrics().model_refused(name);
            report.refused.push_back(what + ": " + why);
        }
    };

    auto settings = std::make_shared<ModelSettings>();
    const fs::path settings_path = folder / settings_file_name;
    std::error_code missing;
    if (fs::exists(settings_path, missing)) {
        try {
            *settings = read_model_settings(settings_path.string());
            refused_.erase(settings_path.string());
        } catch (const std::exception& e) {
            FileStamp stamp;
            try { stamp = stamp_of(settings_path); } catch (const std::exception&) {}
            refuse(settings_path, stamp, name, e.what());
            if (current_model != current.models.end()) next.models[name] = current_model->second;  // keeps serving as it was
            return;
        }
    }
    std::vector<std::int64_t> versions;
    try {
        versions = versions_in(folder);
    } catch (const std::exception& e) {  // the folder went away while it was read
        if (strict) throw;
        return;
    }
    const auto& policy = settings->policy;
    std::size_t taken = 0;
    for (const std::int64_t version : versions) {
        if (!policy.allows(version)) continue;
        if (policy.kind == VersionPolicy::Kind::latest && taken == policy.latest) break;
        const fs::path path = folder / std::to_string(version) / model_file_name;
        const std::string what = version_key(name, version);
        const std::shared_ptr<const ServedVersion> old = current_version(version);
        std::shared_ptr<const ServedVersion> served;
        FileStamp stamp;
        try {
            stamp = stamp_of(path);
            if (old && old->stamp == stamp && *old->settings == *settings) {
                served = old;
            } else if (const auto refused = refused_.find(path.string()); refused == refused_.end() || !(refused->second.stamp == stamp)) {
                served = load(name, version, path.string(), stamp, settings);
                refused_.erase(path.string());
                report.loaded.push_back(what);
            }
        } catch (const std::exception& e) {
            refuse(path, stamp, what, e.what());
        }
        if (!served) served = old;  // a broken replacement: the version it replaces keeps serving
        if (!served) continue;
        next.models[name][version] = std::move(served);
        ++taken;
    }
}

void Repository::publish(std::shared_ptr<const ServedSet> next) {
    std::lock_guard lock(mutex_);
    set_.swap(next);  // the old set is released after the lock, by `next`
}

void Repository::publish_and_log(std::shared_ptr<const ServedSet> next, const ReloadReport& report) {
    if (report.changed()) publish(std::move(next));
    for (const auto& what : report.retired) spdlog::info("event=retire model={} reason=\"removed, unloaded or no longer selected\"", what);
    for (const auto& what : report.refused) spdlog::error("event=reload_refused what=\"{}\"", what);
}

ReloadReport Repository::reload() {
    std::lock_guard lock(reload_mutex_);
    ReloadReport report;
    if (!is_folder()) return report;
    std::shared_ptr<const ServedSet> next;
    try {
        next = scan(*served(), false, report);
    } catch (const std::exception& e) {  // the repository folder itself is unreadable: keep everything
        report = ReloadReport{};
        report.refused.push_back(config_.model_repository + ": " + e.what());
        spdlog::error("event=reload_refused what=\"{}\"", report.refused.back());
        return report;
    }
    publish_and_log(std::move(next), report);
    return report;
}

std::vector<IndexEntry> Repository::index() const {
    std::lock_guard lock(reload_mutex_);  // unloaded_ and refused_ as the served set
    const std::shared_ptr<const ServedSet> set = served();
    std::vector<IndexEntry> entries;
    std::vector<std::string> names;
    if (is_folder()) {
        for (const auto& entry : fs::directory_iterator(config_.model_repository)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_directory() && valid_model_name(name)) names.push_back(name);
        }
    }
    for (const auto& [name, versions] : set->models) names.push_back(name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const std::string& name : names) {
        const auto model = set->models.find(name);
        if (model != set->models.end() && !model->second.empty()) {
            for (const auto& [version, served] : model->second) entries.push_back({name, version, true, ""});
            continue;
        }
        std::string reason = unloaded_.contains(name) ? "unloaded" : "no version loads";
        const std::string folder = (fs::path(config_.model_repository) / name).string() + "/";
        for (const auto& [path, refusal] : refused_) {
            if (path.starts_with(folder)) reason += "; " + path + ": " + refusal.why;
        }
        entries.push_back({name, 0, false, reason});
    }
    return entries;
}

ReloadReport Repository::load_model(const std::string& name) {
    if (!is_folder()) throw std::invalid_argument("this server serves one model file; loading models needs --model-repository");
    if (!valid_model_name(name)) throw std::invalid_argument("'" + name + "' is not a model name (1-64 of A-Z a-z 0-9 _ . -)");
    const fs::path folder = fs::path(config_.model_repository) / name;
    std::error_code ignored;
    if (!fs::is_directory(folder, ignored)) {
        throw std::invalid_argument("no model folder " + folder.string() + " in the repository");
    }
    std::lock_guard lock(reload_mutex_);
    const std::string prefix = folder.string() + "/";
    std::erase_if(refused_, [&](const auto& refusal) { return refusal.first.starts_with(prefix); });  // asked for: try again
    const std::shared_ptr<const ServedSet> current = served();
    ReloadReport report;
    ServedSet loaded;
    try {
        scan_model(folder, *current, true, loaded, report);  // strict: the first failure throws, nothing changes
        if (loaded.models.empty()) throw std::runtime_error(folder.string() + ": no version to serve (<version>/model.linfa)");
    } catch (const std::exception& e) {
        metrics().model_refused(name);
        spdlog::error("event=model_load_refused model={} what=\"{}\"", name, e.what());
        throw std::runtime_error(e.what());
    }
    auto next = std::make_shared<ServedSet>(*current);
    next->models[name] = std::move(loaded.models[name]);
    note_retired(*current, *next, report);
    unloaded_.erase(name);
    spdlog::info("event=model_load model={} versions={}", name, next->models[name].size());
    publish_and_log(std::move(next), report);
    return report;
}

ReloadReport Repository::unload_model(const std::string& name) {
    std::lock_guard lock(reload_mutex_);
    const std::shared_ptr<const ServedSet> current = served();
    if (!current->models.contains(name)) {
        throw std::invalid_argument("no model named '" + name + "' is served; this server serves " + model_list(*current));
    }
    auto next = std::make_shared<ServedSet>(*current);
    next->models.erase(name);
    ReloadReport report;
    note_retired(*current, *next, report);
    if (is_folder()) unloaded_.insert(name);
    spdlog::info("event=model_unload model={}", name);
    publish_and_log(std::move(next), report);
    return report;
}

}  // namespace linfa::serve
