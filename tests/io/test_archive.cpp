// The field kinds of model files (io/archive.hpp) and the per-kind body version, through a
// test model that uses every kind: numbers, strings, matrices, one-dimensional arrays of
// values and of indices, rank-3 tensors, enumerations and an optional part with its presence
// flag. Each must round-trip in both encodings and refuse damaged or lying input.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <linfa/io/model_file.hpp>

namespace {

enum class Shape : std::uint32_t { full = 0, diagonal = 1, spherical = 2 };

struct FieldsModel {
    linfa::Matrix<double> means = linfa::Matrix<double>::Constant(2, 3, 0.5);
    std::vector<double> weights{0.25, 0.75};
    std::vector<std::int64_t> indices{7, -1, 42};
    std::vector<double> covariances = std::vector<double>(2 * 3 * 3, 1.5);  // 2 x 3 x 3
    Shape shape = Shape::diagonal;
    std::optional<std::vector<float>> extra;

    bool operator==(const FieldsModel& o) const {
        return means == o.means && weights == o.weights && indices == o.indices && covariances == o.covariances &&
               shape == o.shape && extra == o.extra;
    }
};

}  // namespace

template <>
struct linfa::model_io<FieldsModel> {
    using scalar_type = double;
    static constexpr std::string_view kind = "test.fields";
    static constexpr std::uint32_t body_version = 3;
    static std::vector<std::uint64_t> shape(const FieldsModel&) { return {2, 3}; }

    template <class W>
    static void save_body(W& w, const FieldsModel& m) {
        w.matrix("means", m.means);
        w.vector("weights", std::span<const double>(m.weights));
        w.vector("indices", std::span<const std::int64_t>(m.indices));
        w.tensor3("covariances", {2, 3, 3}, std::span<const double>(m.covariances));
        w.enumeration("shape", m.shape);
        w.presence("has_extra", m.extra.has_value());
        if (m.extra) w.vector("extra", std::span<const float>(*m.extra));
    }

    template <class R>
    static FieldsModel load_body(R& r, const linfa::ModelHeader& header) {
        FieldsModel m;
        m.means = r.template matrix<double>("means", header.shape[0], header.shape[1]);
        m.weights = r.template vector<double>("weights", header.shape[0]);
        m.indices = r.template vector<std::int64_t>("indices", 3);
        m.covariances = r.template tensor3<double>("covariances", {header.shape[0], header.shape[1], header.shape[1]});
        m.shape = r.enumeration("shape", {Shape::full, Shape::diagonal, Shape::spherical});
        if (r.presence("has_extra")) m.extra = r.template vector<float>("extra", 2);
        return m;
    }
};

namespace {

std::string bytes_of(const FieldsModel& m, linfa::FileFormat format) {
    std::ostringstream out;
    linfa::save(m, out, format);
    return out.str();
}

FieldsModel read(const std::string& bytes) {
    std::istringstream in(bytes);
    return linfa::load<FieldsModel>(in);
}

/// Recomputes the checksum trailer, as a forger would, so that the body readers see the edit.
std::string reseal(std::string bytes) {
    std::uint64_t sum = linfa::io::fnv1a64(std::string_view(bytes).substr(0, bytes.size() - 8));
    for (std::size_t i = 0; i < 8; ++i, sum >>= 8) bytes[bytes.size() - 8 + i] = static_cast<char>(sum & 0xff);
    return bytes;
}

/// Replaces the first occurrence of `from` (e.g. a JSON field) with `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("every field kind round-trips in both encodings, with and without the optional part") {
    FieldsModel with_extra;
    with_extra.extra = std::vector<float>{1.5f, -2.0f};
    with_extra.shape = Shape::spherical;
    for (const FieldsModel& model : {FieldsModel{}, with_extra}) {
        for (const auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
            CAPTURE(int(format));
            const std::string bytes = bytes_of(model, format);
            CHECK(read(bytes) == model);
            std::istringstream in(bytes);
            const auto header = linfa::read_header(in);
            CHECK(header.format_version == linfa::model_format_version);
            CHECK(header.body_version == 3);
        }
    }
    const std::string json = bytes_of(with_extra, linfa::FileFormat::json);
    CHECK(json.find("\"body_version\": 3") != std::string::npos);
    CHECK(json.find("\"has_extra\": 1") != std::string::npos);
}

TEST_CASE("damaged fields are refused with ModelFileError") {
    const std::string json = bytes_of(FieldsModel{}, linfa::FileFormat::json);
    auto refused = [](const std::string& bytes, const std::string& why) {
        CAPTURE(why);
        CHECK_THROWS_AS(read(bytes), linfa::ModelFileError);
    };
    refused(edited(json, "\"shape\": 1", "\"shape\": 7"), "unknown enumerator");
    refused(edited(json, "\"has_extra\": 0", "\"has_extra\": 2"), "presence flag not 0 or 1");
    refused(edited(json, "\"has_extra\": 0", "\"has_extra\": 1"), "present part missing");
    refused(edited(json, "0.25,", ""), "a vector one entry short");
    refused(edited(json, "7,", "7, 8,"), "an index array one entry long");
    refused(edited(json, "\"body_version\": 3", "\"body_version\": 4"), "a newer body version");
    refused(edited(json, "\"body_version\": 3", "\"body_version\": 0"), "body version 0");
    CHECK_THROWS_WITH_AS(read(edited(json, "\"body_version\": 3", "\"body_version\": 9")),
                         "model file: holds a 'test.fields' body of version 9; this build reads versions 1 to 3",
                         linfa::ModelFileError);

    // Binary: sizes that lie are refused before anything is allocated. The weights' count is
    // the 8 bytes before their first value (0.25).
    const std::string binary = bytes_of(FieldsModel{}, linfa::FileFormat::binary);
    REQUIRE_NOTHROW(read(binary));
    const double quarter = 0.25;
    const std::size_t first_weight = binary.find(std::string(reinterpret_cast<const char*>(&quarter), sizeof quarter));
    REQUIRE(first_weight != std::string::npos);
    const std::size_t count_at = first_weight - 8;
    for (const std::uint64_t lie : {3ull, 1ull << 40, ~0ull}) {
        std::string forged = binary;
        for (std::size_t i = 0; i < 8; ++i) forged[count_at + i] = static_cast<char>((lie >> (8 * i)) & 0xff);
        CAPTURE(lie);
        CHECK_THROWS_AS(read(reseal(forged)), linfa::ModelFileError);
    }
    for (std::size_t length = 0; length < binary.size(); ++length) {
        CAPTURE(length);
        CHECK_THROWS_AS(read(binary.substr(0, length)), linfa::ModelFileError);
    }
}

TEST_CASE("a tensor whose dimensions disagree with the header, or outgrow the file, is refused") {
    FieldsModel model;
    const std::string json = bytes_of(model, linfa::FileFormat::json);
    // One 3 x 3 slice dropped: the JSON tensor is 1 x 3 x 3 where 2 x 3 x 3 is expected.
    const auto first_slice = json.find("[\n            [", json.find("\"covariances\""));
    const auto second_slice = json.find("],\n        [", first_slice);
    REQUIRE(second_slice != std::string::npos);
    std::string one_slice = json;
    one_slice.erase(first_slice + 1, second_slice + 3 - first_slice - 1);
    CHECK_THROWS_AS(read(one_slice), linfa::ModelFileError);
}
