// A model repository: models and versions by name, version policies, start-up checks, and
// reloads (SIGHUP and polling) of new, broken, replaced and removed versions, also under load.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "repository_fixtures.hpp"

using namespace serve_test;
namespace fs = std::filesystem;

TEST_CASE("a repository serves several models, each in several versions, by name and version") {
    const fs::path dir = fresh_repository("two_by_two");
    const std::string blobs_v1 = model_file<double>(3, 2), blobs_v2 = model_file<double>(5, 2);
    const std::string wide_v1 = model_file<float>(4, 3), wide_v2 = model_file<float>(6, 3);
    put_version(dir, "blobs", 1, blobs_v1);
    put_version(dir, "blobs", 2, blobs_v2);
    put_settings(dir, "blobs", "[version_policy]\nall = true\n[limits]\nmax_rows_per_request = 10\n");
    put_version(dir, "wide", 1, wide_v1);
    put_version(dir, "wide", 2, wide_v2);
    put_settings(dir, "wide", "[model]\nkind = \"clustering.kmeans\"\nfeature_names = [\"a\", \"b\", \"c\"]\n"
                              "[version_policy]\nspecific = [1, 2]\n");
    ServerProcess server = serve_repository(dir);
    const auto stub = v1::ModelService::NewStub(channel_to(server));

    v1::ModelList list;
    REQUIRE(stub->ListModels(context().get(), v1::ListModelsRequest{}, &list).ok());
    REQUIRE(list.models_size() == 2);
    CHECK(list.models(0).name() == "blobs");
    CHECK(list.models(1).name() == "wide");
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{1, 2});
    CHECK(versions_of(server, "wide") == std::vector<std::int64_t>{1, 2});
    CHECK(list.default_model().empty());  // two models and no --default-model

    const auto rows2 = random_rows(7, 2), rows3 = random_rows(7, 3);
    struct Case {
        std::string name;
        std::int64_t version, answered;
        std::string file;
        bool f32;
    };
    for (const Case& c : {Case{"blobs", 1, 1, blobs_v1, false}, Case{"blobs", 2, 2, blobs_v2, false}, Case{"blobs", 0, 2, blobs_v2, false},
                          Case{"wide", 1, 1, wide_v1, true}, Case{"wide", 0, 2, wide_v2, true}}) {
        CAPTURE(c.name);
        CAPTURE(c.version);
        const auto& rows = c.f32 ? rows3 : rows2;
        v1::PredictResponse resp;
        REQUIRE(stub->Predict(context().get(), request_for(c.name, c.version, rows, c.f32 ? 3 : 2), &resp).ok());
        CHECK(resp.model_name() == c.name);
        CHECK(resp.model_version() == c.answered);
        CHECK(labels_of(resp) == (c.f32 ? reference_labels<float>(c.file, rows) : reference_labels<double>(c.file, rows)));
    }

    SUBCASE("metadata of a named version, with its own settings") {
        v1::GetModelMetadataRequest req;
        req.set_model_name("wide");
        req.set_model_version(1);
        v1::ModelMetadata meta;
        REQUIRE(stub->GetModelMetadata(context().get(), req, &meta).ok());
        CHECK(meta.name() == "wide");
        CHECK(meta.version() == "1");
        CHECK(meta.n_clusters() == 4);
        CHECK(meta.feature_names_size() == 3);
        CHECK(meta.versions_size() == 2);
        req.set_model_name("blobs");
        req.set_model_version(0);
        REQUIRE(stub->GetModelMetadata(context().get(), req, &meta).ok());
        CHECK(meta.version() == "2");
        CHECK(meta.n_clusters() == 5);
        CHECK(meta.limits().max_rows_per_request() == 10);  // blobs' own limit
    }
    SUBCASE("a model's own row limit applies to it alone") {
        v1::PredictResponse resp;
        const auto status = stub->Predict(context().get(), request_for("blobs", 0, random_rows(11, 2), 2), &resp);
        CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        CHECK(status.error_message().find("the limit is 10") != std::string::npos);
        CHECK(stub->Predict(context().get(), request_for("wide", 0, random_rows(11, 3), 3), &resp).ok());
    }
    SUBCASE("requests for what is not served say what is") {
        v1::PredictResponse resp;
        auto status = stub->Predict(context().get(), request_for("nope", 0, rows2, 2), &resp);
        CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
        CHECK(status.error_message() == "no model named 'nope'; this server serves blobs, wide");
        status = stub->Predict(context().get(), request_for("blobs", 3, rows2, 2), &resp);
        CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
        CHECK(status.error_message() == "model 'blobs' has no version 3; it serves versions 1, 2");
        status = stub->Predict(context().get(), request_for("", 0, rows2, 2), &resp);
        CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        CHECK(status.error_message().find("name a model") != std::string::npos);
        status = stub->Predict(context().get(), request_for("../blobs", 0, rows2, 2), &resp);
        CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        status = stub->Predict(context().get(), request_for("blobs", -1, rows2, 2), &resp);
        CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        // The seed's API names no model: without a default model it has none to use.
        ml::PredictRequest seed;
        seed.add_features(1.0);
        seed.add_features(2.0);
        ml::PredictResponse seed_resp;
        status = ml::ClusteringService::NewStub(channel_to(server))->Predict(context().get(), seed, &seed_resp);
        CHECK(status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
    }
}

TEST_CASE("--default-model answers requests that name no model, the seed's API included") {
    const fs::path dir = fresh_repository("default_model");
    const std::string blobs = model_file<double>(3, 2);
    put_version(dir, "blobs", 1, blobs);
    put_version(dir, "wide", 1, model_file<float>(4, 3));
    ServerProcess server = serve_repository(dir, {"--default-model", "blobs"});
    const auto rows = random_rows(1, 2);
    v1::PredictResponse resp;
    REQUIRE(v1::ModelService::NewStub(channel_to(server))->Predict(context().get(), request_for("", 0, rows, 2), &resp).ok());
    CHECK(resp.model_name() == "blobs");
    ml::PredictRequest seed;
    seed.add_features(rows[0]);
    seed.add_features(rows[1]);
    ml::PredictResponse seed_resp;
    REQUIRE(ml::ClusteringService::NewStub(channel_to(server))->Predict(context().get(), seed, &seed_resp).ok());
    CHECK(seed_resp.cluster_index() == reference_labels<double>(blobs, rows)[0]);
}

TEST_CASE("version policies choose the versions served") {
    const fs::path dir = fresh_repository("policies");
    for (int v = 1; v <= 4; ++v) {
        put_version(dir, "latest1", v, model_file<double>(3, 2));
        put_version(dir, "latest2", v, model_file<double>(3, 2));
        put_version(dir, "some", v, model_file<double>(3, 2));
    }
    put_settings(dir, "latest2", "[version_policy]\nlatest = 2\n");
    put_settings(dir, "some", "[version_policy]\nspecific = [3, 1, 9]\n");
    fs::create_directories(dir / "latest1" / "notes");  // not a version: ignored
    fs::create_directories(dir / "latest1" / "7");     // no model file: ignored
    ServerProcess server = serve_repository(dir);
    CHECK(versions_of(server, "latest1") == std::vector<std::int64_t>{4});
    CHECK(versions_of(server, "latest2") == std::vector<std::int64_t>{3, 4});
    CHECK(versions_of(server, "some") == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("a server does not start on a repository it cannot serve whole") {
    struct Case {
        const char* what;
        std::function<void(const fs::path&)> make;
        std::vector<std::string> extra;
        const char* message;
    };
    const std::string model = model_file<double>(3, 2);
    const std::vector<Case> cases{
        {"empty", [](const fs::path&) {}, {}, "holds no model"},
        {"broken file", [](const fs::path& d) { put_broken_version(d, "m", 1); }, {}, "m/1/model.linfa"},
        {"bad config", [&](const fs::path& d) { put_version(d, "m", 1, model); put_settings(d, "m", "[version_policy]\nlatest = 0\n"); },
         {}, "version_policy.latest must be at least 1"},
        {"schema mismatch", [&](const fs::path& d) { put_version(d, "m", 1, model); put_settings(d, "m", "[model]\nn_features = 5\n"); },
         {}, "model.n_features = 5"},
        {"server limit in a model config",
         [&](const fs::path& d) { put_version(d, "m", 1, model); put_settings(d, "m", "[limits]\nmax_message_bytes = 2048\n"); },
         {}, "is a server setting"},
        {"bad folder name", [&](const fs::path& d) { put_version(d, "m m", 1, model); }, {}, "not a model name"},
        {"unknown default", [&](const fs::path& d) { put_version(d, "m", 1, model); }, {"--default-model", "n"}, "default model 'n'"},
        {"both sources", [&](const fs::path& d) { put_version(d, "m", 1, model); }, {"--model", model}, "either one model file"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const fs::path dir = fresh_repository("refused");
        c.make(dir);
        std::vector<std::string> args{"--model-repository", dir.string()};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        const Refusal refusal = run_to_exit(LINFA_SERVE_EXE, args, work_path("refused.stderr"));
        CHECK(refusal.exit_code == 2);
        CHECK(refusal.stderr_text.find(c.message) != std::string::npos);
    }
}

TEST_CASE("SIGHUP reloads: new versions swap in, broken ones are refused, removed ones retire") {
    const fs::path dir = fresh_repository("reload");
    const std::string v1 = model_file<double>(3, 2), v2 = model_file<double>(5, 2), v3 = model_file<double>(7, 2);
    put_version(dir, "blobs", 1, v1);
    ServerProcess server = serve_repository(dir);
    const auto stub = v1::ModelService::NewStub(channel_to(server));
    const auto rows = random_rows(20, 2);
    auto answered_by = [&](std::int64_t version, const std::string& file) {
        v1::PredictResponse resp;
        REQUIRE(stub->Predict(context().get(), request_for("", 0, rows, 2), &resp).ok());
        CHECK(resp.model_version() == version);
        CHECK(labels_of(resp) == reference_labels<double>(file, rows));
    };
    answered_by(1, v1);

    put_version(dir, "blobs", 2, v2);
    reload(server);
    REQUIRE(wait_for_versions(server, "blobs", {2}));  // latest = 1: version 1 retires
    answered_by(2, v2);

    // A broken version 3 is refused; a new model in the same reload shows when it is done.
    put_broken_version(dir, "blobs", 3);
    put_version(dir, "marker", 1, v1);
    reload(server);
    REQUIRE(wait_for_versions(server, "marker", {1}));
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{2});
    answered_by(2, v2);

    // Fixed: version 3 serves. A broken config.toml leaves the model as it was.
    put_version(dir, "blobs", 3, v3);
    reload(server);
    REQUIRE(wait_for_versions(server, "blobs", {3}));
    answered_by(3, v3);
    put_settings(dir, "blobs", "[version_policy]\nlatest = \"many\"\n");
    fs::remove_all(dir / "marker");
    reload(server);
    REQUIRE(wait_for_versions(server, "marker", {}));
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{3});

    // Removed: the highest version left serves; a file replaced in place is reloaded.
    fs::remove(dir / "blobs" / "config.toml");
    fs::remove_all(dir / "blobs" / "3");
    reload(server);
    REQUIRE(wait_for_versions(server, "blobs", {2}));
    answered_by(2, v2);
    put_version(dir, "blobs", 2, v3);
    reload(server);
    v1::GetModelMetadataRequest req;
    v1::ModelMetadata meta;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (meta.n_clusters() != 7 && std::chrono::steady_clock::now() < until) {
        REQUIRE(stub->GetModelMetadata(context().get(), req, &meta).ok());
    }
    CHECK(meta.n_clusters() == 7);
    answered_by(2, v3);
    CHECK(server.stop() == 0);
}

TEST_CASE("--poll-seconds picks up a new version without a signal") {
    const fs::path dir = fresh_repository("poll");
    put_version(dir, "blobs", 1, model_file<double>(3, 2));
    ServerProcess server = serve_repository(dir, {"--poll-seconds", "1"});
    put_version(dir, "blobs", 2, model_file<double>(5, 2));
    CHECK(wait_for_versions(server, "blobs", {2}));
}

TEST_CASE("reloads under load (new, broken and removed versions) drop no call, and every answer comes from the version named") {
    const fs::path dir = fresh_repository("under_load");
    // Versions alternate between two models of different k, so a mix-up shows in the labels.
    const std::vector<std::string> files{model_file<double>(3, 2), model_file<double>(5, 2)};
    auto file_of = [&](std::int64_t version) { return files[std::size_t(version) % 2]; };
    put_version(dir, "blobs", 1, file_of(1));
    put_settings(dir, "blobs", "[version_policy]\nlatest = 2\n");
    ServerProcess server = serve_repository(dir);
    const auto rows = random_rows(50, 2);
    const std::map<std::int64_t, std::vector<int>> expected{{0, reference_labels<double>(files[0], rows)},
                                                             {1, reference_labels<double>(files[1], rows)}};
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0}, failures{0}, mixups{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&] {
            const auto stub = v1::ModelService::NewStub(channel_to(server));
            while (!stop) {
                v1::PredictResponse resp;
                if (!stub->Predict(context().get(), request_for("blobs", 0, rows, 2), &resp).ok()) ++failures;
                else if (labels_of(resp) != expected.at(resp.model_version() % 2)) ++mixups;
                ++calls;
            }
        });
    }
    for (int version = 2; version <= 8; ++version) {
        put_version(dir, "blobs", version, file_of(version));
        if (version > 3) fs::remove_all(dir / "blobs" / std::to_string(version - 3));
        reload(server);
        CHECK(wait_for_versions(server, "blobs", {version - 1, version}));
    }
    // Still under load: a broken new version is refused while 7 and 8 keep answering (the
    // marker model shows when that reload is done); a served version removed retires and the
    // next one down takes its place.
    put_broken_version(dir, "blobs", 9);
    put_version(dir, "marker", 1, files[0]);
    reload(server);
    CHECK(wait_for_versions(server, "marker", {1}));
    CHECK(versions_of(server, "blobs") == std::vector<std::int64_t>{7, 8});
    fs::remove_all(dir / "blobs" / "8");
    reload(server);
    CHECK(wait_for_versions(server, "blobs", {6, 7}));
    stop = true;
    for (auto& t : clients) t.join();
    CHECK(calls > 0);
    CHECK(failures == 0);
    CHECK(mixups == 0);
    CHECK(server.stop() == 0);
}
