// Model files. Every file starts with a header (magic, format version, model kind, scalar
// type, body version, shape) so that a reader, e.g. the model server, can dispatch on the kind
// before loading the body. Two encodings share the same fields (io/archive.hpp):
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

#include <array>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../core/error.hpp"
#include "../core/matrix.hpp"
#include "archive.hpp"
#include "json_text.hpp"

namespace linfa {

/// The encoding of a model file: `binary` (cereal's portable binary archive, then a checksum;
/// the default) or `json` (cereal's JSON archive, for people to read and diff).
enum class FileFormat { binary, json };

/// The first bytes of a binary model file (a JSON one starts with `{`).
inline constexpr std::string_view model_magic = "LINFAMDL";
/// The format this build writes. Version 2 added the body version to the header; files of
/// version 1 (body version 1 implied) are still read.
inline constexpr std::uint32_t model_format_version = 2;
/// The oldest format version this build reads.
inline constexpr std::uint32_t oldest_model_format_version = 1;

/// What a model file says about itself before its body.
struct ModelHeader {
    /// The format version of the file (this build writes model_format_version).
    std::uint32_t format_version = model_format_version;
    std::string kind;                  ///< e.g. "clustering.kmeans"
    std::string scalar;                ///< "f32" or "f64"
    std::uint32_t body_version = 1;    ///< the layout of the body, per kind (model_io<M>::body_version)
    std::vector<std::uint64_t> shape;  ///< model-specific, e.g. {n_clusters, n_features}
};

/// Specialise for each model type: `kind`, `scalar_type`, `shape(model)`,
/// `save_body(writer, model)` and `load_body(reader, header) -> M`, and `body_version` (a
/// `static constexpr std::uint32_t`, 1 when absent) once the body's layout has changed:
/// `load_body` reads every version up to it (`header.body_version`), `save_body` writes it.
template <class M>
struct model_io;

/// A model type that model files can hold: it specialises model_io. Requires:
/// `model_io<M>::kind` convertible to `std::string_view`, `model_io<M>::scalar_type` a Float,
/// and `model_io<M>::shape(model)` returning `std::vector<std::uint64_t>`. (`save_body` and
/// `load_body` are templates over the archive, so the concept cannot check them.)
template <class M>
concept SerializableModel = requires(const M& model, const ModelHeader& header) {
    { model_io<M>::kind } -> std::convertible_to<std::string_view>;
    requires Float<typename model_io<M>::scalar_type>;
    { model_io<M>::shape(model) } -> std::same_as<std::vector<std::uint64_t>>;
};

/// The body version a build writes for model type M, and the newest it reads.
template <class M>
constexpr std::uint32_t body_version_of() {
    if constexpr (requires { model_io<M>::body_version; }) {
        return model_io<M>::body_version;
    } else {
        return 1;
    }
}

namespace io {

/// Writes the header's fields through `w`: format version, kind, scalar, body version, shape.
template <class Archive>
void write_header(Writer<Archive>& w, const ModelHeader& header) {
    w.template value<std::uint32_t>("format_version", header.format_version);
    w.string("kind", header.kind);
    w.string("scalar", header.scalar);
    w.template value<std::uint32_t>("body_version", header.body_version);
    w.sizes("shape", header.shape);
}

/// Reads the header's fields through `r` (a version 1 header has no body version: 1); throws
/// ModelFileError for a format version this build does not read.
template <class Archive>
ModelHeader read_header(Reader<Archive>& r) {
    ModelHeader header;
    header.format_version = r.template value<std::uint32_t>("format_version");
    if (header.format_version < oldest_model_format_version || header.format_version > model_format_version) {
        fail("unsupported format version " + std::to_string(header.format_version) + " (this build reads versions " +
             std::to_string(oldest_model_format_version) + " to " + std::to_string(model_format_version) + ")");
    }
    header.kind = r.string("kind");
    header.scalar = r.string("scalar");
    header.body_version = header.format_version >= 2 ? r.template value<std::uint32_t>("body_version") : 1;
    header.shape = r.sizes("shape");
    return header;
}

/// The header `save` writes for `model`.
template <SerializableModel M>
ModelHeader header_of(const M& model) {
    return {model_format_version, std::string(model_io<M>::kind),
            std::string(scalar_name<typename model_io<M>::scalar_type>()), body_version_of<M>(), model_io<M>::shape(model)};
}

/// Throws ModelFileError unless `header` is of M's kind and scalar type, with a body version
/// from 1 to body_version_of<M>().
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
    if (header.body_version == 0 || header.body_version > body_version_of<M>()) {
        fail("holds a '" + header.kind + "' body of version " + std::to_string(header.body_version) +
             "; this build reads versions 1 to " + std::to_string(body_version_of<M>()));
    }
}

/// Reads a whole stream, at most `max_model_bytes` (a larger input, or an endless one such as
/// /dev/zero, is refused with ModelFileError rather than read into memory).
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

/// Runs `body(reader, header)` over the bytes of a model file in either encoding.
/// Throws ModelFileError for anything that is not an intact model file (cereal's exceptions
/// included).
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

/// Opens the file at `path` for binary reading; throws ModelFileError when it cannot.
inline std::ifstream open_for_reading(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError("cannot open model file '" + path + "' for reading");
    return in;
}

}  // namespace io

/// Writes `model` to `out` in the chosen encoding.
/// Throws ModelFileError when the stream fails.
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
/// Throws ModelFileError when the file cannot be written or renamed.
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
/// Throws ModelFileError when the input is not a readable model file.
inline ModelHeader read_header(std::istream& in) {
    return io::parse(io::read_all(in), [](auto&, const ModelHeader& header) { return header; });
}
/// Reads the header of the model file at `path`; throws ModelFileError when it cannot.
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
/// Reads a model of type M from the file at `path`; a ModelFileError names the path.
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
