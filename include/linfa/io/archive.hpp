// The archives of model files: `Writer` and `Reader` write and read named fields through
// cereal's portable binary or JSON archive, so one `save_body` / `load_body` per model serves
// both encodings. Fields: numbers, strings, size lists, matrices, one-dimensional arrays
// (values or indices), rank-3 tensors, enumerations, presence flags for optional parts, and
// nested parts (the models of a pipeline).
// The Reader treats its input as untrusted: every size is checked against the bytes that are
// left before anything is allocated, and every failure is a ModelFileError (io::fail).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <istream>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <cereal/archives/json.hpp>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "../core/error.hpp"
#include "../core/matrix.hpp"

namespace linfa::io {

/// Longest string field read (kind, scalar), in bytes.
inline constexpr std::size_t max_string_bytes = 256;
inline constexpr std::size_t max_model_bytes = std::size_t(1) << 30;  ///< 1 GiB
inline constexpr std::size_t max_json_depth = 8;                      ///< models need 3, pipelines 4
/// Most entries of a size list read (the header's shape).
inline constexpr std::size_t max_shape_rank = 8;

/// FNV-1a 64-bit hash of `bytes`: the checksum at the end of a binary model file.
inline std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char byte : bytes) hash = (hash ^ byte) * 0x100000001b3ULL;
    return hash;
}

/// Throws ModelFileError("model file: " + why).
[[noreturn]] inline void fail(const std::string& why) { throw ModelFileError("model file: " + why); }

/// Whether `Archive` is one of cereal's JSON archives (input or output).
template <class Archive>
inline constexpr bool is_json =
    std::is_same_v<Archive, cereal::JSONOutputArchive> || std::is_same_v<Archive, cereal::JSONInputArchive>;

/// Writes named fields through either archive.
template <class Archive>
class Writer {
public:
    /// Writes through `archive`, which must outlive the Writer.
    explicit Writer(Archive& archive) : archive_(archive) {}

    /// A number.
    template <class T>
        requires std::is_arithmetic_v<T>
    void value(const char* name, T v) {
        archive_(cereal::make_nvp(name, v));
    }
    /// A string (length first, in binary).
    void string(const char* name, const std::string& s) {
        if constexpr (is_json<Archive>) {
            archive_(cereal::make_nvp(name, s));
        } else {
            archive_(static_cast<std::uint64_t>(s.size()));
            archive_(cereal::binary_data(s.data(), s.size()));
        }
    }
    /// A list of sizes, such as the header's shape.
    void sizes(const char* name, const std::vector<std::uint64_t>& values) {
        if constexpr (is_json<Archive>) {
            archive_(cereal::make_nvp(name, values));
        } else {
            archive_(static_cast<std::uint64_t>(values.size()));
            for (auto v : values) archive_(v);
        }
    }
    /// Says whether an optional part follows (read back with `Reader::presence`); the part's
    /// fields are written only when it is there.
    void presence(const char* name, bool present) { value<std::uint32_t>(name, present ? 1u : 0u); }
    /// An enumerator, by its underlying value (read back with `Reader::enumeration`).
    template <class E>
        requires std::is_enum_v<E>
    void enumeration(const char* name, E v) {
        value<std::uint32_t>(name, static_cast<std::uint32_t>(v));
    }
    /// A one-dimensional array of numbers: per-cluster weights, coefficients, an index array.
    template <class T>
        requires std::is_arithmetic_v<T>
    void vector(const char* name, std::span<const T> values) {
        if constexpr (is_json<Archive>) {
            std::vector<T> copy(values.begin(), values.end());
            archive_(cereal::make_nvp(name, copy));
        } else {
            archive_(static_cast<std::uint64_t>(values.size()));
            archive_(cereal::binary_data(values.data(), sizeof(T) * values.size()));
        }
    }
    /// A rank-3 tensor, row-major (e.g. one d x d covariance per mixture component).
    template <Float F>
    void tensor3(const char* name, const std::array<std::uint64_t, 3>& dims, std::span<const F> values) {
        if constexpr (is_json<Archive>) {
            std::vector<std::vector<std::vector<F>>> nested(dims[0], std::vector<std::vector<F>>(dims[1]));
            const F* next = values.data();
            for (auto& slice : nested) {
                for (auto& row : slice) row.assign(next, next + dims[2]), next += dims[2];
            }
            archive_(cereal::make_nvp(name, nested));
        } else {
            archive_(dims[0], dims[1], dims[2]);
            archive_(cereal::binary_data(values.data(), sizeof(F) * values.size()));
        }
    }
    /// A matrix, row by row (rows and columns first, in binary).
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

    /// A nested part, such as one model of a pipeline: `write()` writes its fields, which JSON
    /// keeps in an object of their own (so names need only be unique within the part) and the
    /// binary form writes in place. Read back with `Reader::part`.
    template <class Write>
    void part(const char* name, Write&& write) {
        if constexpr (is_json<Archive>) {
            archive_.setNextName(name);
            archive_.startNode();
            write();
            archive_.finishNode();
        } else {
            write();
        }
    }

private:
    Archive& archive_;
};

/// Reads named fields through either archive, refusing any size the input cannot back.
template <class Archive>
class Reader {
public:
    /// Reads through `archive`. A binary input passes the stream under it and that stream's
    /// size, from which `remaining()` counts; JSON passes nullptr and 0 (its document is parsed).
    Reader(Archive& archive, std::istream* binary_stream, std::size_t total_bytes)
        : archive_(archive), stream_(binary_stream), total_(total_bytes) {}

    /// A number written by Writer::value.
    template <class T>
        requires std::is_arithmetic_v<T>
    T value(const char* name) {
        T v{};
        archive_(cereal::make_nvp(name, v));
        return v;
    }
    /// A string written by Writer::string; refused beyond max_string_bytes.
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
    /// A size list written by Writer::sizes; refused beyond max_shape_rank entries.
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

    /// Whether the optional part written by `Writer::presence` follows.
    bool presence(const char* name) {
        const auto flag = value<std::uint32_t>(name);
        if (flag > 1) fail(std::string(name) + " must be 0 or 1, found " + std::to_string(flag));
        return flag == 1;
    }
    /// An enumerator written by `Writer::enumeration`; refused unless it is one of `valid`.
    template <class E>
        requires std::is_enum_v<E>
    E enumeration(const char* name, std::initializer_list<E> valid) {
        const auto raw = value<std::uint32_t>(name);
        for (const E e : valid) {
            if (static_cast<std::uint32_t>(e) == raw) return e;
        }
        fail(std::string(name) + " has the unknown value " + std::to_string(raw));
    }
    /// A one-dimensional array that must hold `expected` numbers.
    template <class T>
        requires std::is_arithmetic_v<T>
    std::vector<T> vector(const char* name, std::uint64_t expected) {
        std::vector<T> values;
        if constexpr (is_json<Archive>) {
            archive_(cereal::make_nvp(name, values));  // bounded by the parsed document
            require_count(name, values.size(), expected);
        } else {
            require_count(name, value<std::uint64_t>(name), expected);
            values.resize(checked_size(name, expected, sizeof(T), SIZE_MAX));
            archive_(cereal::binary_data(values.data(), sizeof(T) * values.size()));
        }
        return values;
    }
    /// A rank-3 tensor that must be `dims[0] x dims[1] x dims[2]`, row-major.
    template <Float F>
    std::vector<F> tensor3(const char* name, const std::array<std::uint64_t, 3>& dims) {
        std::vector<F> values;
        if constexpr (is_json<Archive>) {
            std::vector<std::vector<std::vector<F>>> nested;
            archive_(cereal::make_nvp(name, nested));
            require_count(name, nested.size(), dims[0]);
            for (const auto& slice : nested) {
                require_count(name, slice.size(), dims[1]);
                for (const auto& row : slice) require_count(name, row.size(), dims[2]);
            }
            for (const auto& slice : nested) {
                for (const auto& row : slice) values.insert(values.end(), row.begin(), row.end());
            }
        } else {
            std::array<std::uint64_t, 3> found{};
            archive_(found[0], found[1], found[2]);
            if (found != dims) {
                fail(std::string(name) + " is " + std::to_string(found[0]) + " x " + std::to_string(found[1]) + " x " +
                     std::to_string(found[2]) + ", expected " + std::to_string(dims[0]) + " x " +
                     std::to_string(dims[1]) + " x " + std::to_string(dims[2]));
            }
            const bool empty = dims[1] == 0 || dims[2] == 0;
            if (!empty && dims[0] > remaining() / sizeof(F) / dims[1] / dims[2]) {
                fail(std::string(name) + " is larger than the file");
            }
            values.resize(empty ? 0 : static_cast<std::size_t>(dims[0] * dims[1] * dims[2]));
            archive_(cereal::binary_data(values.data(), sizeof(F) * values.size()));
        }
        return values;
    }
    /// Reads a part written by `Writer::part`: `read()` reads its fields and its result is
    /// returned.
    template <class Read>
    auto part(const char* name, Read&& read) {
        if constexpr (is_json<Archive>) {
            archive_.setNextName(name);
            archive_.startNode();
            auto result = read();
            archive_.finishNode();
            return result;
        } else {
            return read();
        }
    }

    /// Whether the body has no field left: no bytes in the binary form, no member in the JSON
    /// object. For formats whose optional parts had no presence flag (K-Means body version 1).
    bool at_end() {
        if constexpr (is_json<Archive>) {
            return archive_.getNodeName() == nullptr;
        } else {
            return remaining() == 0;
        }
    }

    /// Throws unless the whole binary input has been consumed.
    void finish() const {
        if (stream_ && remaining() != 0) fail("has unexpected bytes after the model");
    }

    /// Unread bytes of a binary input (SIZE_MAX for JSON).
    std::size_t remaining() const {
        if (!stream_) return SIZE_MAX;
        const auto pos = stream_->tellg();
        return pos < 0 ? 0 : total_ - static_cast<std::size_t>(pos);
    }

private:
    static void require_count(const char* name, std::uint64_t found, std::uint64_t expected) {
        if (found != expected) {
            fail(std::string(name) + " has " + std::to_string(found) + " entries, expected " + std::to_string(expected));
        }
    }
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

}  // namespace linfa::io
