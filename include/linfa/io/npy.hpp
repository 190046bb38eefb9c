// NumPy's .npy files (format versions 1-3): the header, and any range of rows read without
// reading the rest, so that each process of a distributed fit reads only its own rows. Only
// what training data needs: little-endian float32 or float64, C order, one or two
// dimensions (a 1-D array is one column).
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <string>

#include "../core/error.hpp"
#include "../core/matrix.hpp"

namespace linfa::io {

/// What a .npy file holds.
struct NpyHeader {
    /// "f4" (float32) or "f8" (float64).
    std::string dtype;
    /// Rows (the first dimension).
    std::size_t rows = 0;
    /// Columns (the second dimension; 1 for a 1-D array).
    std::size_t cols = 1;
    /// Where the data starts in the file, in bytes.
    std::size_t data_offset = 0;

    /// Bytes per value.
    std::size_t item_size() const { return dtype == "f4" ? 4 : 8; }
};

/// A file that is not a .npy file linfa can read (the message names the file).
class NpyError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

/// The header of .npy file `path`; throws NpyError for another format, a dtype other than
/// little-endian float32/float64, Fortran order, more than two dimensions, or a file shorter
/// than its header says (truncated).
inline NpyHeader read_npy_header(const std::string& path) {
    auto fail = [&](const std::string& why) -> NpyError { return NpyError(path + ": " + why); };
    std::ifstream in(path, std::ios::binary);
    if (!in) throw fail("cannot open");
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw fail("not a .npy file");
    const int major = static_cast<unsigned char>(magic[6]);
    std::size_t length = 0;
    if (major == 1) {
        unsigned char b[2];
        if (!in.read(reinterpret_cast<char*>(b), 2)) throw fail("truncated header");
        length = std::size_t(b[0]) | std::size_t(b[1]) << 8;
    } else if (major == 2 || major == 3) {
        unsigned char b[4];
        if (!in.read(reinterpret_cast<char*>(b), 4)) throw fail("truncated header");
        length = std::size_t(b[0]) | std::size_t(b[1]) << 8 | std::size_t(b[2]) << 16 | std::size_t(b[3]) << 24;
    } else {
        throw fail("unknown .npy format version " + std::to_string(major));
    }
    if (length > (1u << 20)) throw fail("header too long");
    std::string text(length, '\0');
    if (!in.read(text.data(), std::streamsize(length))) throw fail("truncated header");

    NpyHeader h;
    h.data_offset = (major == 1 ? 10 : 12) + length;
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"('descr'\s*:\s*'([<>|=]?)([a-zA-Z]\d+)')"))) throw fail("no dtype in the header");
    if (m[1] == ">" || (m[2] != "f4" && m[2] != "f8")) {
        throw fail("dtype " + m[1].str() + m[2].str() + ": expected float32 or float64 (little-endian)");
    }
    h.dtype = m[2];
    if (!std::regex_search(text, m, std::regex(R"('fortran_order'\s*:\s*(True|False))"))) throw fail("no fortran_order in the header");
    if (m[1] == "True") throw fail("Fortran-ordered array: save it in C order (np.ascontiguousarray)");
    if (!std::regex_search(text, m, std::regex(R"('shape'\s*:\s*\(\s*(\d+)\s*(?:,\s*(\d+)?\s*)?\))"))) {
        throw fail("shape is not one or two dimensions");
    }
    h.rows = std::stoull(m[1]);
    h.cols = m[2].matched ? std::stoull(m[2]) : 1;

    in.seekg(0, std::ios::end);
    const auto size = std::size_t(in.tellg());
    const std::size_t needed = h.data_offset + h.rows * h.cols * h.item_size();
    if (size < needed) {
        throw fail("truncated: " + std::to_string(h.rows) + " x " + std::to_string(h.cols) + " " + h.dtype + " needs " +
                   std::to_string(needed) + " bytes, the file has " + std::to_string(size));
    }
    return h;
}

/// Rows [begin, end) of .npy file `path` (whose header is `h`) into `out`, row-major, `h.cols`
/// values per row; the file's dtype must be F's (NpyError otherwise). Reads those rows only.
template <Float F>
void read_npy_rows(const std::string& path, const NpyHeader& h, std::size_t begin, std::size_t end, F* out) {
    const std::string expected = sizeof(F) == 4 ? "f4" : "f8";
    if (h.dtype != expected) throw NpyError(path + ": dtype " + h.dtype + ", the other files' is " + expected);
    std::ifstream in(path, std::ios::binary);
    in.seekg(std::streamoff(h.data_offset + begin * h.cols * sizeof(F)));
    const auto bytes = std::streamsize((end - begin) * h.cols * sizeof(F));
    if (!in || !in.read(reinterpret_cast<char*>(out), bytes)) throw NpyError(path + ": truncated while reading rows");
}

}  // namespace linfa::io
