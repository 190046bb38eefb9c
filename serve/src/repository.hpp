// The models a server serves: a model repository (DIR/<name>/<version>/model.linfa, with an
// optional DIR/<name>/config.toml), or one model file (a repository of one model and one
// version). Calls look a version up and hold it while they run; reload() rescans the folder,
// loads and checks what is new or changed in the background of calls, and swaps the new set
// in at once. A call in flight keeps the version it was routed to until it ends: a version
// that leaves the set is freed when its last call drains.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "servable.hpp"

namespace linfa::serve {

/// What tells a model file's contents changed without reading it: replacing the file
/// (rename into place, or a rewrite) changes one of these.
struct FileStamp {
    std::uintmax_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
};

/// One version of one model, loaded and checked against its settings; immutable.
struct ServedVersion {
    std::string name;
    std::int64_t version = 0;
    std::string path;
    FileStamp stamp;
    std::shared_ptr<const ServableModel> model;
    std::shared_ptr<const ModelSettings> settings;
    std::uint32_t max_rows = 0;  ///< the row limit of this model's requests
    const ModelInfo& info() const { return model->info(); }
};

/// The versions served, by model name then version (ascending).
struct ServedSet {
    std::map<std::string, std::map<std::int64_t, std::shared_ptr<const ServedVersion>>, std::less<>> models;
};

/// Why a lookup found nothing, for the caller's status message.
struct LookupError {
    enum class Kind { no_default, no_model, no_version } kind;
    std::string message;
};

/// What a reload changed, for the log and the tests.
struct ReloadReport {
    std::vector<std::string> loaded;   ///< "name/version" newly served (new or replaced files)
    std::vector<std::string> retired;  ///< "name/version" no longer served
    std::vector<std::string> refused;  ///< "name/version: why" (or "name: why" for its config)
    bool changed() const { return !loaded.empty() || !retired.empty(); }
};

/// One row of the repository's index (model control): a version served, or a model folder
/// that serves nothing now and why.
struct IndexEntry {
    std::string name;
    std::int64_t version = 0;  ///< 0 for a model that serves nothing
    bool ready = false;
    std::string reason;        ///< why it is not ready
};

class Repository {
public:
    /// Serves `config.model_repository`, or the one file `config.model_path`, loading files
    /// with `registry` (which must outlive the repository). Loads every version its policy
    /// selects; throws std::runtime_error naming the file and the reason if any of them
    /// fails (a server does not start on a broken repository), or if nothing is left to serve.
    Repository(const ServeConfig& config, const Registry& registry);
    /// A repository of one model already loaded, named config.name, version config.version,
    /// checked against config.model (tests and fuzzing); nothing to reload.
    Repository(const ServeConfig& config, std::shared_ptr<const ServableModel> model);

    /// The version a call names: version 0 is the model's highest served version, an empty
    /// name the default model (config.default_model, or the only model served).
    std::shared_ptr<const ServedVersion> find(std::string_view name, std::int64_t version, LookupError& error) const;
    /// The set served now (a snapshot: later reloads do not change it).
    std::shared_ptr<const ServedSet> served() const;
    /// The default model's name; empty when requests must name one.
    std::string default_model() const;

    /// Rescans the folder: loads and checks new or changed versions the policy selects,
    /// retires versions removed or no longer selected, and swaps the result in. A file that
    /// does not load, or a config.toml that does not read, is refused with a log line and
    /// what was served for that model keeps serving; a refused file is not retried until it
    /// changes. A one-file server has nothing to rescan. Never throws for a bad repository.
    ReloadReport reload();

    // Explicit model control (Triton's repository API; the server offers it only with
    // --allow-model-control). Each runs at once on the caller's thread, one at a time with
    // reloads.

    /// Every model folder of the repository: one entry per version served, or one entry for
    /// a model serving nothing (unloaded, or nothing in it loads), sorted by name and version.
    std::vector<IndexEntry> index() const;
    /// Loads (or reloads) model `name` from its folder now, and serves it again if it was
    /// unloaded. Files refused before are tried again. Throws std::invalid_argument when
    /// there is no such model folder, std::runtime_error naming the file and the reason when
    /// it does not load; then nothing changes.
    ReloadReport load_model(const std::string& name);
    /// Stops serving model `name` until load_model(name); reloads and polls leave it out.
    /// Calls in flight finish on the versions they hold. Throws std::invalid_argument when
    /// the model is not served.
    ReloadReport unload_model(const std::string& name);

    bool is_folder() const { return !config_.model_repository.empty(); }

private:
    struct Refusal {
        FileStamp stamp;
        std::string why;
    };
    /// The set the folder describes now, reusing `current` versions whose files are
    /// unchanged. `strict`: the first failure throws (start-up) instead of being reported.
    std::shared_ptr<const ServedSet> scan(const ServedSet& current, bool strict, ReloadReport& report);
    /// One model folder's versions, as scan() describes.
    void scan_model(const std::filesystem::path& folder, const ServedSet& current, bool strict, ServedSet& next,
                    ReloadReport& report);
    std::shared_ptr<const ServedVersion> load(const std::string& name, std::int64_t version, const std::string& path,
                                              const FileStamp& stamp, std::shared_ptr<const ModelSettings> settings) const;
    /// Checks `model` against `settings` and describes it as a served version.
    std::shared_ptr<const ServedVersion> describe(const std::string& name, std::int64_t version, const std::string& path,
                                                  const FileStamp& stamp, std::shared_ptr<const ServableModel> model,
                                                  std::shared_ptr<const ModelSettings> settings) const;
    void publish(std::shared_ptr<const ServedSet> next);
    /// Publishes `next` if the report changed anything, and logs the report.
    void publish_and_log(std::shared_ptr<const ServedSet> next, const ReloadReport& report);

    const ServeConfig config_;
    const Registry* registry_ = nullptr;  ///< null: a repository of one model given loaded
    mutable std::mutex mutex_;  ///< guards set_ and default_ (held for a pointer copy only)
    std::shared_ptr<const ServedSet> set_;
    std::string default_;
    mutable std::mutex reload_mutex_;  ///< one reload or model control call at a time; guards refused_ and unloaded_
    std::map<std::string, Refusal> refused_;  ///< by model file path (or config.toml path)
    std::set<std::string, std::less<>> unloaded_;  ///< models unloaded by request, until loaded again
};

/// The stamp of the file at `path`; throws std::filesystem::filesystem_error when it is missing.
FileStamp stamp_of(const std::filesystem::path& path);

}  // namespace linfa::serve
