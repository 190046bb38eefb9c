// Model files. Every file starts with a header (magic, format version, model kind, scalar
// type, shape) so that a reader, e.g. the model server, can dispatch on the kind before
// loading the body. Two encodings share the same fields:
//   binary  cereal's portable binary archive (fixed endianness), then an FNV-1a 64 checksum
//           of everything before it, so a damaged byte anywhere is detected;
//   JSON    cereal's JSON archive, one flat object, for people to read and diff.
//
// Loading treats the input as untrusted. The bytes are read first (never more than the
// input holds); every declared size is checked against what remains before anything is
// allocated; shapes must agree with the header; values are validated by the model. Every
// failure is a linfa::ModelFileError, never a crash, a hang or a huge allocation.
//
// A model type takes part by specialising `linfa::model_io<M>` (see SerializableModel).
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <cereal/archives/json.hpp>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "error.hpp"
#include "matrix.hpp"

namespace linfa {

enum class FileFormat { binary, json };

inline constexpr std::string_view model_magic = "LINFAMDL";
inline constexpr std::uint32_t model_format_version = 1;

/// What a model file says about itself before its body.
struct ModelHeader {
    std::uint32_t format_version = model_format_version;
    std::string kind;                  ///< e.g. "clustering.kmeans"
    std::string scalar;                ///< "f32" or "f64"
    std::vector<std::uint64_t> shape;  ///< model-specific, e.g. {n_clusters, n_features}
};

/// Specialise for each model type: `kind`, `scalar_type`, `shape(model)`,
/// `save_body(writer, model)` and `load_body(reader, header) -> M`.
template <class M>
struct model_io;

template <class M>
concept SerializableModel = requires(const M& model, const ModelHeader& header) {
    { model_io<M>::kind } -> std::convertible_to<std::string_view>;
    requires Float<typename model_io<M>::scalar_type>;
    { model_io<M>::shape(model) } -> std::same_as<std::vector<std::uint64_t>>;
};

namespace io {

inline constexpr std::size_t max_string_bytes = 256;
inline constexpr std::size_t max_model_bytes = std::size_t(1) << 30;  ///< 1 GiB
inline constexpr std::size_t max_json_depth = 8;                      ///< models need 3
inline constexpr std::size_t max_shape_rank = 8;

inline std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char byte : bytes) hash = (hash ^ byte) * 0x100000001b3ULL;
    return hash;
}

[[noreturn]] inline void fail(const std::string& why) { throw ModelFileError("model file: " + why); }

template <class Archive>
inline constexpr bool is_json =
    std::is_same_v<Archive, cereal::JSONOutputArchive> || std::is_same_v<Archive, cereal::JSONInputArchive>;

/// Writes named fields through either archive.
template <class Archive>
class Writer {
public:
    explicit Writer(Archive& archive) : archive_(archive) {}

    template <class T>
        requires std::is_arithmetic_v<T>
    void value(const char* name, T v) {
        archive_(cereal::make_nvp(name, v));
    }
    void string(const char* name, const std::string& s) {
        if constexpr (is_json<Archive>) {
            archive_(cereal::make_nvp(name, s));
        } else {
            archive_(static_cast<std::uint64_t>(s.size()));
            archive_(cereal::binary_data(s.data(), s.size()));
        }
    }
    void sizes(const char* name, const std::vector<std::uint64_t>& values) {
        if constexpr (is_json<Archive>) {
            archive_(cereal::make_nvp(name, values));
        } else {
            archive_(static_cast<std::uint64_t>(values.size()));
            for (auto v : values) archive_(v);
        }
    }
    template <Float F>
    void matrix(const char* name, const Matrix<F>& m) {
        if constexpr (is_json<Archive>) {
            std::vector<std::vector<F>> rows(static_cast<std::size_t>(m.rows()));
            for (Eigen::Index r = 0; r < m.rows(); ++r) rows[r].assign(m.row(r).begin(), m.row(r).end());
            archive_(cereal::make_nvp(name, rows));
        } else {
            archive_(static_cast<std::uint64_t>(m.rows()), static_cast<std::uint64_t>(m.cols()));
            archive_(cereal::binary_data(m.data(), sizeof(F) * static_cast<std::size_t>(m.size())));
        }
    }

private:
    Archive& archive_;
};

/// Reads named fields through either archive, refusing any size the input cannot back.
template <class Archive>
class Reader {
public:
    /// `remaining` reports the unread bytes of a binary input (ignored for JSON, whose
    /// document is already parsed and bounded by the input).
    Reader(Archive& archive, std::istream* binary_stream, std::size_t total_bytes)
        : archive_(archive), stream_(binary_stream), total_(total_bytes) {}

    template <class T>
        requires std::is_arithmetic_v<T>
    T value(const char* name) {
        T v{};
        archive_(cereal::make_nvp(name, v));
        return v;
    }
    std::string string(const char* name) {
        if constexpr (is_json<Archive>) {
            std::string s;
            archive_(cereal::make_nvp(name, s));
            if (s.size() > max_string_bytes) fail(std::string(name) + " is too long");
            return s;
        } else {
            const auto size = checked_size(name, value<std::uint64_t>(name), 1, max_string_bytes);
            std::string s(size, '\0');
            archive_(cereal::binary_data(s.data(), size));
            return s;
        }
    }
    std::vector<std::uint64_t> sizes(const char* name) {
        std::vector<std::uint64_t> values;
        if constexpr (is_json<Archive>) {
            archive_(cereal::make_nvp(name, values));
            if (values.size() > max_shape_rank) fail(std::string(name) + " has too many entries");
        } else {
            values.resize(checked_size(name, value<std::uint64_t>(name), 8, max_shape_rank));
            for (auto& v : values) archive_(v);
        }
        return values;
    }
    /// Reads a matrix that must be `rows x cols`.
    template <Float F>
    Matrix<F> matrix(const char* name, std::uint64_t rows, std::uint64_t cols) {
        if constexpr (is_json<Archive>) {
            std::vector<std::vector<F>> values;
            archive_(cereal::make_nvp(name, values));
            // Sizes come from the document actually parsed: check them all before allocating.
            if (values.size() != rows) fail(std::string(name) + " has the wrong number of rows");
            for (const auto& row : values) {
                if (row.size() != cols) fail(std::string(name) + " has a row of the wrong length");
            }
            Matrix<F> m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
            for (std::size_t r = 0; r < values.size(); ++r) {
                for (std::size_t c = 0; c < cols; ++c) m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = values[r][c];
            }
            return m;
        } else {
            std::uint64_t found_rows = 0, found_cols = 0;
            archive_(found_rows, found_cols);
            if (found_rows != rows || found_cols != cols) {
                fail(std::string(name) + " is " + std::to_string(found_rows) + " x " +
                     std::to_string(found_cols) + ", the header says " + std::to_string(rows) +
                     " x " + std::to_string(cols));
            }
            if (cols != 0 && rows > remaining() / sizeof(F) / cols) fail(std::string(name) + " is larger than the file");
            Matrix<F> m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
            archive_(cereal::binary_data(m.data(), sizeof(F) * static_cast<std::size_t>(m.size())));
            return m;
        }
    }

    /// Throws unless the whole binary input has been consumed.
    void finish() const {
        if (stream_ && remaining() != 0) fail("has unexpected bytes after the model");
    }

    std::size_t remaining() const {
        if (!stream_) return SIZE_MAX;
        const auto pos = stream_->tellg();
        return pos < 0 ? 0 : total_ - static_cast<std::size_t>(pos);
    }

private:
    std::size_t checked_size(const char* name, std::uint64_t count, std::size_t element_bytes, std::size_t limit) {
        if (count > limit || count > remaining() / element_bytes) {
            fail(std::string(name) + " declares " + std::to_string(count) + " entries, more than the file can hold");
        }
        return static_cast<std::size_t>(count);
    }

    Archive& archive_;
    std::istream* stream_;
    std::size_t total_;
};

template <class Archive>
void write_header(Writer<Archive>& w, const ModelHeader& header) {
    w.template value<std::uint32_t>("format_version", header.format_version);
    w.string("kind", header.kind);
    w.string("scalar", header.scalar);
    w.sizes("shape", header.shape);
}

template <class Archive>
ModelHeader read_header(Reader<Archive>& r) {
    ModelHeader header;
    header.format_version = r.template value<std::uint32_t>("format_version");
    if (header.format_version != model_format_version) {
        fail("unsupported format version " + std::to_string(header.format_version) +
               " (this build reads version " + std::to_string(model_format_version) + ")");
    }
    header.kind = r.string("kind");
    header.scalar = r.string("scalar");
    header.shape = r.sizes("shape");
    return header;
}

template <SerializableModel M>
ModelHeader header_of(const M& model) {
    return {model_format_version, std::string(model_io<M>::kind),
            std::string(scalar_name<typename model_io<M>::scalar_type>()), model_io<M>::shape(model)};
}

template <SerializableModel M>
void require_header_matches(const ModelHeader& header) {
    using F = typename model_io<M>::scalar_type;
    if (header.kind != model_io<M>::kind) {
        fail("holds a '" + header.kind + "' model, expected '" +
                                               std::string(model_io<M>::kind) + "'");
    }
    if (header.scalar != scalar_name<F>()) {
        fail("holds " + header.scalar + " values, expected " +
                                               std::string(scalar_name<F>()));
    }
}

/// Reads a whole stream; the result is never larger than what the stream held.
/// Reads a whole stream, at most `max_model_bytes` (a larger input, or an endless one such as
/// /dev/zero, is refused rather than read into memory).
inline std::string read_all(std::istream& in) {
    std::string bytes;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > max_model_bytes) fail("larger than " + std::to_string(max_model_bytes >> 20) + " MiB");
    }
    if (in.bad()) fail("read error");
    return bytes;
}

/// Largest bracket nesting of a JSON text (strings skipped). The parser behind cereal's JSON
/// archive recurses once per level, so a deep enough file would overflow the stack: files
/// nested deeper than any model needs are refused before parsing.
inline std::size_t json_depth(std::string_view text) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (in_string) {
            if (ch == '\\') ++i;
            else if (ch == '"') in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '{' || ch == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((ch == '}' || ch == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

/// The end of the JSON number at `text[begin]`: the longest prefix of the form
/// -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?, which is what the parser reads before anything else;
/// `begin` when there is none.
inline std::size_t json_number_end(std::string_view text, std::size_t begin) {
    auto digits_from = [&](std::size_t i) {
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        return i;
    };
    std::size_t i = begin + (text[begin] == '-' ? 1 : 0);
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return begin;
    i = text[i] == '0' ? i + 1 : digits_from(i);
    if (i < text.size() && text[i] == '.') {
        const std::size_t end = digits_from(i + 1);
        if (end == i + 1) return begin;  // "1." is refused by the parser before it converts
        i = end;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        const std::size_t end = digits_from(j);
        if (end == j) return begin;
        i = end;
    }
    return i;
}

/// The end of the NaN, Inf or Infinity token at `text[begin]` (cereal's archive lets rapidjson
/// read them); `begin` when there is none.
inline std::size_t non_finite_token_end(std::string_view text, std::size_t begin) {
    for (const std::string_view token : {"Infinity", "Inf", "NaN"}) {
        if (text.substr(begin, token.size()) == token) return begin + token.size();
    }
    return begin;
}

/// rapidjson 1.1.0, behind cereal's JSON archive, misreads some valid JSON numbers: zeros
/// written with an exponent or many decimals ("0e308" reads as 4.9e288), integers just past
/// 2^64 ("184467440737095516157618" reads as 1.8e-15), and long mantissas with large exponents,
/// which read outside its table of powers of ten (an out-of-bounds read). So every number it
/// would read as a double (one with a fraction or an exponent, or an integer beyond 64 bits)
/// is converted here (std::from_chars, correctly rounded) and handed to it in the shortest
/// round-trip scientific form, which it reads exactly; a number out of the range of double is
/// refused. Integers that fit in 64 bits, which it reads correctly, are left alone. It also
/// reads a fraction and an exponent after NaN and Inf ("NaN.0e99" is 0.0e99, through the same
/// faulty slow path), so a space is put after such a token, which makes that a parse error.
inline std::string canonical_json_numbers(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    std::size_t copied = 0;  // text[0, copied) is in `out`
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        const bool after_number_char = i > 0 && std::string_view("0123456789.eE+-").find(text[i - 1]) != std::string_view::npos;
        if (in_string) {
            if (ch == '\\') ++i;
            else if (ch == '"') in_string = false;
            continue;
        }
        if (ch == '"') {
            in_string = true;
            continue;
        }
        if (ch == 'N' || ch == 'I') {  // NaN, Inf, Infinity: the parser reads a fraction or an exponent after them too
            const std::size_t end = non_finite_token_end(text, i);
            if (end != i && end < text.size() && std::string_view(".eE").find(text[end]) != std::string_view::npos) {
                out.append(text.substr(copied, end - copied));
                out += ' ';  // "NaN.0e99" becomes an error, not a read of 0.0e99 through rapidjson's slow path
                copied = end;
            }
            if (end != i) i = end - 1;
            continue;
        }
        if ((ch != '-' && (ch < '0' || ch > '9')) || after_number_char) continue;
        const std::size_t end = json_number_end(text, i);
        const std::string_view number = text.substr(i, end - i);
        if (end == i) continue;
        const char* const first = number.data();
        const char* const last = first + number.size();
        if (number.find_first_of(".eE") == std::string_view::npos) {  // an integer: fits in 64 bits?
            std::int64_t signed_value = 0;
            std::uint64_t unsigned_value = 0;
            const auto as_signed = std::from_chars(first, last, signed_value);
            const auto as_unsigned = std::from_chars(first, last, unsigned_value);
            if ((as_signed.ec == std::errc() && as_signed.ptr == last) || (as_unsigned.ec == std::errc() && as_unsigned.ptr == last)) {
                i = end - 1;
                continue;
            }
        }
        double value = 0;
        const auto parsed = std::from_chars(first, last, value);
        if (parsed.ec != std::errc() || parsed.ptr != last) {
            fail("the number " + std::string(number.substr(0, 32)) + (number.size() > 32 ? "..." : "") + " is out of range");
        }
        out.append(text.substr(copied, i - copied));
        if (value == 0) {
            out += std::signbit(value) ? "-0.0" : "0.0";
        } else {
            char shortest[32];
            const auto written = std::to_chars(shortest, shortest + sizeof shortest, value, std::chars_format::scientific);
            out.append(shortest, written.ptr);
        }
        // What follows cannot continue the number ("0e3e5" stays an error, not 0.0e5).
        if (end < text.size() && std::string_view(".eE+-").find(text[end]) != std::string_view::npos) out += ' ';
        copied = end;
        i = end - 1;
    }
    out.append(text.substr(copied));
    return out;
}

inline bool looks_like_json(std::string_view bytes) {
    const auto first = bytes.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && bytes[first] == '{';
}

/// Runs `body(reader, header)` over the bytes of a model file in either encoding.
template <class Body>
auto parse(const std::string& bytes, Body&& body) {
    try {
        if (bytes.size() >= model_magic.size() && std::string_view(bytes).substr(0, model_magic.size()) == model_magic) {
            constexpr std::size_t trailer = sizeof(std::uint64_t);
            if (bytes.size() < model_magic.size() + trailer) fail("truncated");
            const std::string_view content(bytes.data(), bytes.size() - trailer);
            std::uint64_t stored = 0;
            for (std::size_t i = 0; i < trailer; ++i) {
                stored |= std::uint64_t(static_cast<unsigned char>(bytes[content.size() + i])) << (8 * i);
            }
            if (stored != fnv1a64(content)) {
                fail("damaged or truncated (checksum mismatch)");
            }
            std::istringstream stream(std::string(content.substr(model_magic.size())));
            cereal::PortableBinaryInputArchive archive(stream);
            Reader<cereal::PortableBinaryInputArchive> reader(archive, &stream, content.size() - model_magic.size());
            const ModelHeader header = read_header(reader);
            return body(reader, header);
        }
        if (looks_like_json(bytes)) {
            if (json_depth(bytes) > max_json_depth) fail("JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
            std::istringstream stream(canonical_json_numbers(bytes));
            cereal::JSONInputArchive archive(stream);
            Reader<cereal::JSONInputArchive> reader(archive, nullptr, 0);
            const ModelHeader header = read_header(reader);
            return body(reader, header);
        }
    } catch (const cereal::Exception& e) {
        throw ModelFileError(std::string("model file: damaged or truncated (") + e.what() + ")");
    }
    throw ModelFileError("not a linfa model file (no magic number and not JSON)");
}

inline std::ifstream open_for_reading(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError("cannot open model file '" + path + "' for reading");
    return in;
}

}  // namespace io

/// Writes `model` to `out` in the chosen encoding.
template <SerializableModel M>
void save(const M& model, std::ostream& out, FileFormat format = FileFormat::binary) {
    const ModelHeader header = io::header_of(model);
    if (format == FileFormat::json) {
        {
            cereal::JSONOutputArchive archive(out);
            io::Writer<cereal::JSONOutputArchive> writer(archive);
            io::write_header(writer, header);
            model_io<M>::save_body(writer, model);
        }  // the archive closes the JSON object when it goes out of scope
        out << '\n';
    } else {
        std::ostringstream body;
        {
            cereal::PortableBinaryOutputArchive archive(body);
            io::Writer<cereal::PortableBinaryOutputArchive> writer(archive);
            io::write_header(writer, header);
            model_io<M>::save_body(writer, model);
        }
        const std::string content = std::string(model_magic) + body.str();
        std::uint64_t checksum = io::fnv1a64(content);
        std::array<char, sizeof checksum> trailer{};
        for (auto& byte : trailer) {
            byte = static_cast<char>(checksum & 0xff);
            checksum >>= 8;
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.write(trailer.data(), trailer.size());
    }
    if (!out) throw ModelFileError("model file: write error");
}

/// Writes `model` to the file at `path`, replacing it atomically: the bytes go to a
/// temporary file beside it, renamed over `path` only once complete, so a failed write never
/// destroys the model that was there.
template <SerializableModel M>
void save(const M& model, const std::string& path, FileFormat format = FileFormat::binary) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw ModelFileError("cannot open model file '" + temporary + "' for writing");
        save(model, out, format);
        out.close();
        if (!out) throw ModelFileError("model file '" + temporary + "': write error");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::filesystem::remove(temporary, error);
        throw ModelFileError("cannot replace model file '" + path + "'");
    }
}

/// Reads the header of a model file in either encoding (to dispatch on its kind).
inline ModelHeader read_header(std::istream& in) {
    return io::parse(io::read_all(in), [](auto&, const ModelHeader& header) { return header; });
}
inline ModelHeader read_header(const std::string& path) {
    auto in = io::open_for_reading(path);
    return read_header(in);
}

/// Reads a model of type M in either encoding; throws ModelFileError for anything else.
template <SerializableModel M>
M load(std::istream& in) {
    return io::parse(io::read_all(in), [](auto& reader, const ModelHeader& header) {
        io::require_header_matches<M>(header);
        M model = model_io<M>::load_body(reader, header);
        reader.finish();
        return model;
    });
}
template <SerializableModel M>
M load(const std::string& path) {
    auto in = io::open_for_reading(path);
    try {
        return load<M>(in);
    } catch (const ModelFileError& e) {
        throw ModelFileError(std::string(e.what()) + " [" + path + "]");
    }
}

}  // namespace linfa
