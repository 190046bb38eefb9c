#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "helpers.hpp"
#include "support.hpp"

/// A path in the temporary directory that no other test process uses: ctest runs the float
/// and double cases of a template test (and other builds' tests) at the same time.
static std::filesystem::path private_temp_path(const std::string& stem) {
    return std::filesystem::temp_directory_path() / (stem + "_" + std::to_string(::getpid()));
}

using linfa::Matrix;
using linfa::clustering::KMeans;

namespace {

template <linfa::Float F>
KMeans<F> small_model(std::size_t k = 3, std::size_t d = 2) {
    return KMeans<F>::params(k).fit(test::blobs<F>(k, d, 30, 1, 10.0));
}

/// Recomputes the checksum trailer, as a forger (or a fuzzer) would.
std::string reseal(std::string bytes) {
    std::uint64_t sum = linfa::io::fnv1a64(std::string_view(bytes).substr(0, bytes.size() - 8));
    for (std::size_t i = 0; i < 8; ++i, sum >>= 8) bytes[bytes.size() - 8 + i] = static_cast<char>(sum & 0xff);
    return bytes;
}

/// A model that lies about its shape: header says huge, body holds almost nothing.
struct LyingModel {
    std::vector<std::uint64_t> shape;
    std::string kind = "clustering.kmeans";
};

/// A model of another kind, to check that kinds are told apart.
struct OtherModel {};

}  // namespace

template <>
struct linfa::model_io<LyingModel> {
    using scalar_type = double;
    static constexpr std::string_view kind = "clustering.kmeans";
    static std::vector<std::uint64_t> shape(const LyingModel& m) { return m.shape; }
    template <class W>
    static void save_body(W& w, const LyingModel& m) {
        w.value("inertia", 1.0);
        w.value("n_iterations", std::uint64_t(1));
        w.value("rows", m.shape.empty() ? 0 : m.shape[0]);
        w.value("cols", m.shape.size() < 2 ? 0 : m.shape[1]);
    }
};

template <>
struct linfa::model_io<OtherModel> {
    using scalar_type = double;
    static constexpr std::string_view kind = "test.other";
    static std::vector<std::uint64_t> shape(const OtherModel&) { return {1}; }
    template <class W>
    static void save_body(W& w, const OtherModel&) { w.value("x", 1.0); }
};

TEST_CASE_TEMPLATE("binary and JSON round trips keep the model exactly", F, float, double) {
    const auto model = small_model<F>(4, 3);
    for (auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        const auto restored = test::from_bytes<KMeans<F>>(test::to_bytes(model, format));
        CHECK(restored.centroids() == model.centroids());
        CHECK(restored.inertia() == model.inertia());
        CHECK(restored.n_iterations() == model.n_iterations());
    }
    const std::string path = private_temp_path("linfa_roundtrip.linfa").string();
    linfa::save(model, path);
    CHECK(linfa::load<KMeans<F>>(path).centroids() == model.centroids());
    const auto header = linfa::read_header(path);
    CHECK(header.kind == "clustering.kmeans");
    CHECK(header.scalar == linfa::scalar_name<F>());
    CHECK(header.shape == std::vector<std::uint64_t>{4, 3});
    CHECK(header.format_version == linfa::model_format_version);
    std::filesystem::remove(path);
}

TEST_CASE("the JSON form is readable and carries the header") {
    const std::string json = test::to_bytes(small_model<double>(), linfa::FileFormat::json);
    CHECK(json.find("\"kind\": \"clustering.kmeans\"") != std::string::npos);
    CHECK(json.find("\"scalar\": \"f64\"") != std::string::npos);
    CHECK(json.find("\"centroids\"") != std::string::npos);
    std::istringstream in(json);
    CHECK(linfa::read_header(in).shape == std::vector<std::uint64_t>{3, 2});
}

TEST_CASE("wrong kind, wrong scalar, wrong version are refused by name") {
    const std::string f32 = test::to_bytes(small_model<float>());
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(f32), "model file: holds f32 values, expected f64", linfa::ModelFileError);
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(test::to_bytes(OtherModel{})),
                         "model file: holds a 'test.other' model, expected 'clustering.kmeans'", linfa::ModelFileError);
    CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(test::to_bytes(OtherModel{}, linfa::FileFormat::json)), linfa::ModelFileError);

    std::string v3 = test::to_bytes(small_model<double>());
    v3[linfa::model_magic.size() + 1] = 3;  // after the magic and cereal's endianness byte
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(reseal(v3)),
                         "model file: unsupported format version 3 (this build reads versions 1 to 2)", linfa::ModelFileError);
}

TEST_CASE("a declared shape larger than the file is refused before allocating") {
    for (auto shape : std::vector<std::vector<std::uint64_t>>{
             {1ull << 30, 1ull << 30}, {2, 1ull << 62}, {0, 2}, {2}, {2, 2, 2}, {3, 2}}) {
        CAPTURE(shape.size());
        CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(test::to_bytes(LyingModel{shape})), linfa::ModelFileError);
        CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(test::to_bytes(LyingModel{shape}, linfa::FileFormat::json)), linfa::ModelFileError);
    }
}

// Truncation at every offset and flipped bits: the conformance suite checks them for every
// listed model (tests/conformance/test_conformance.cpp).

TEST_CASE("forged files with a valid checksum still never crash or over-allocate") {
    const std::string bytes = test::to_bytes(small_model<double>());
    REQUIRE_NOTHROW(test::from_bytes<KMeans<double>>(reseal(bytes)));
    linfa::Rng rng(99);
    int refused = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        std::string forged = bytes;
        const int edits = 1 + int(rng.below(4));
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = linfa::model_magic.size() + rng.below(forged.size() - 8 - linfa::model_magic.size());
            forged[at] = static_cast<char>(rng.below(256));
        }
        try {
            const auto m = test::from_bytes<KMeans<double>>(reseal(forged));
            CHECK(m.centroids().allFinite());  // a forged value that still makes a valid model
        } catch (const linfa::ModelFileError&) {
            ++refused;
        }
    }
    CHECK(refused > 0);
}

TEST_CASE("damaged JSON bodies are refused") {
    std::string json = test::to_bytes(small_model<double>(), linfa::FileFormat::json);
    REQUIRE_NOTHROW(test::from_bytes<KMeans<double>>(json));
    auto replace_first_number_in_centroids = [&](const std::string& by) {
        std::string j = json;
        const auto at = j.find('[', j.find("\"centroids\"")) + 1;
        const auto start = j.find_first_of("-0123456789", at);
        const auto end = j.find_first_of(",]", start);
        return j.replace(start, end - start, by);
    };
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(replace_first_number_in_centroids("NaN")),
                         "model file: centroids contain NaN or infinity", linfa::ModelFileError);
    CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(replace_first_number_in_centroids("\"x\"")), linfa::ModelFileError);
    CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(replace_first_number_in_centroids("[1]")), linfa::ModelFileError);
    std::string no_kind = json;
    no_kind.replace(no_kind.find("\"kind\""), 6, "\"kin_\"");
    CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(no_kind), linfa::ModelFileError);
}

TEST_CASE("unreadable inputs") {
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(""), "not a linfa model file (no magic number and not JSON)",
                         linfa::ModelFileError);
    CHECK_THROWS_AS(test::from_bytes<KMeans<double>>("hello world"), linfa::ModelFileError);
    CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(std::string(linfa::model_magic)), linfa::ModelFileError);
    CHECK_THROWS_AS(linfa::load<KMeans<double>>("/nonexistent/dir/model.linfa"), linfa::ModelFileError);
    CHECK_THROWS_AS(linfa::save(small_model<double>(), "/nonexistent/dir/model.linfa"), linfa::ModelFileError);
    std::string trailing = test::to_bytes(small_model<double>());
    trailing.insert(trailing.size() - 8, "x");
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(reseal(trailing)), "model file: has unexpected bytes after the model",
                         linfa::ModelFileError);
}

TEST_CASE("hostile JSON: deep nesting and a huge declared row length are refused, not crashed on") {
    const std::string deep = "{\"a\":" + std::string(1000000, '[') + std::string(1000000, ']') + "}";
    CHECK_THROWS_WITH_AS(test::from_bytes<KMeans<double>>(deep), "model file: JSON nested deeper than 8 levels", linfa::ModelFileError);
    std::string json = test::to_bytes(small_model<double>(), linfa::FileFormat::json);
    const auto at = json.find("\"shape\"");
    const auto open = json.find('[', at), close = json.find(']', at);
    for (const char* shape : {"[3, 4611686018427387904]", "[3, 9223372036854775809]", "[3, 2000000000]"}) {
        std::string lying = json;
        lying.replace(open, close - open + 1, shape);
        CHECK_THROWS_AS(test::from_bytes<KMeans<double>>(lying), linfa::ModelFileError);
    }
}

TEST_CASE("save replaces a file atomically and leaves no temporary behind") {
    const auto dir = private_temp_path("linfa_atomic_save");
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "m.linfa").string();
    linfa::save(small_model<double>(3), path);
    linfa::save(small_model<double>(4), path);
    CHECK(linfa::load<KMeans<double>>(path).n_clusters() == 4);
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("JSON numbers are read exactly, including forms rapidjson 1.1 misreads") {
    const std::string json = test::to_bytes(small_model<double>(), linfa::FileFormat::json);
    auto with_first_centroid_value = [&](const std::string& text) {
        std::string j = json;
        const auto at = j.find('[', j.find("\"centroids\"")) + 1;
        const auto start = j.find_first_of("-0123456789", at);
        const auto end = j.find_first_of(",]", start);
        return test::from_bytes<KMeans<double>>(j.replace(start, end - start, text)).centroids()(0, 0);
    };
    CHECK(with_first_centroid_value("0e308") == 0.0);  // rapidjson alone: 4.9e288
    CHECK(with_first_centroid_value("-0.0") == 0.0);
    CHECK(with_first_centroid_value("18446744073709551616") == 18446744073709551616.0);  // 2^64: rapidjson alone 1.8e-15
    CHECK(with_first_centroid_value("0.1") == 0.1);
    CHECK(with_first_centroid_value("1.7976931348623157e308") == std::numeric_limits<double>::max());
    CHECK(with_first_centroid_value("4.9406564584124654e-324") == std::numeric_limits<double>::denorm_min());
    CHECK(with_first_centroid_value("123456789012345678901234567890e-20") == doctest::Approx(1234567890.1234567890));
    // rapidjson reads a fraction and an exponent after NaN and Inf, through its zero-unsafe slow path.
    for (const char* malformed : {"NaN.0e99", "Infinity.0e99", "-Infe99", "InfE-400", "NaN.5"}) {
        CAPTURE(malformed);
        CHECK_THROWS_AS(with_first_centroid_value(malformed), linfa::ModelFileError);
    }
    CHECK_THROWS_AS(with_first_centroid_value("NaN"), linfa::ModelFileError);  // read, then refused as not finite
}

TEST_CASE_TEMPLATE("K-Means files written by earlier commits still load, as the model they hold", F, float, double) {
    const std::string s(linfa::scalar_name<F>());
    for (const std::string stem : {"kmeans_e7f0316_", "kmeans_0e015dd_", "kmeans_0e015dd_minibatch_"}) {
        CAPTURE(stem);
        const std::string binary = test::fixture(stem + s + ".bin");
        std::istringstream header_in(binary);
        CHECK(linfa::read_header(header_in).format_version == 1);  // written before the body version
        const auto model = test::from_bytes<KMeans<F>>(binary);
        const auto from_json = test::from_bytes<KMeans<F>>(test::fixture(stem + s + ".json"));
        CHECK(test::to_bytes(from_json) == test::to_bytes(model));  // both encodings hold the same model
        // Saved again, in today's format, it is the same model.
        const std::string today = test::to_bytes(model);
        CHECK(test::to_bytes(test::from_bytes<KMeans<F>>(today)) == today);
        CHECK(test::from_bytes<KMeans<F>>(today).centroids() == model.centroids());
        REQUIRE(model.n_clusters() == 3);
        REQUIRE(model.n_features() == 2);
        // The three blobs (around (0,0), (10,10), (-10,10)) are told apart.
        Matrix<F> centres(3, 2);
        centres << 0, 0, 10, 10, -10, 10;
        const linfa::Labels labels = model.predict(centres);
        CHECK(std::set<std::int32_t>(labels.data(), labels.data() + 3).size() == 3);
        const bool minibatch = stem.find("minibatch") != std::string::npos;
        CHECK(model.has_cluster_weights() == (stem != "kmeans_e7f0316_"));
        CHECK(model.n_steps() == (minibatch ? 2u : 0u));
    }
}
