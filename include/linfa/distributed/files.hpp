// Training data in files, each rank reading only its share of the rows: an ordered list of
// .npy files (their rows, file after file, are the dataset's rows in order) or a CSV file
// (cut at line boundaries). Every share is contiguous in the global order and shares follow
// rank order, which is what distributed fits expect; they need not be aligned or even.
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../core/matrix.hpp"
#include "../io/npy.hpp"

namespace linfa::distributed {

/// An ordered list of .npy files of the same dtype and width: one dataset.
struct NpyFiles {
    std::vector<std::string> paths;        ///< the files, in the dataset's order
    std::vector<io::NpyHeader> headers;    ///< their headers
    std::size_t rows = 0;  ///< all files' rows
    std::size_t cols = 0;  ///< columns (the same in every file)
    std::string dtype;     ///< "f4" or "f8"

    /// Reads every header (not the data); throws io::NpyError naming the file whose dtype or
    /// width differs from the first file's, or that is damaged.
    static NpyFiles open(const std::vector<std::string>& paths) {
        if (paths.empty()) throw io::NpyError("no .npy files given");
        NpyFiles files;
        files.paths = paths;
        for (const auto& path : paths) {
            const io::NpyHeader h = io::read_npy_header(path);
            if (files.headers.empty()) files.cols = h.cols, files.dtype = h.dtype;
            if (h.dtype != files.dtype) throw io::NpyError(path + ": dtype " + h.dtype + ", " + paths[0] + "'s is " + files.dtype);
            if (h.cols != files.cols) {
                throw io::NpyError(path + ": " + std::to_string(h.cols) + " columns, " + paths[0] + " has " + std::to_string(files.cols));
            }
            files.headers.push_back(h);
            files.rows += h.rows;
        }
        return files;
    }

    /// Rows [begin, end) of the dataset, read from the files they lie in (and nothing else).
    /// Throws io::NpyError naming the file and its row when a value is NaN or infinite.
    template <Float F>
    Matrix<F> read(std::size_t begin, std::size_t end) const {
        Matrix<F> out(Eigen::Index(end - begin), Eigen::Index(cols));
        std::size_t file_start = 0;
        for (std::size_t f = 0; f < paths.size(); file_start += headers[f].rows, ++f) {
            const std::size_t from = std::max(begin, file_start), to = std::min(end, file_start + headers[f].rows);
            if (from >= to) continue;
            F* dest = out.data() + (from - begin) * cols;
            io::read_npy_rows(paths[f], headers[f], from - file_start, to - file_start, dest);
            for (std::size_t i = 0; i < (to - from) * cols; ++i) {
                if (std::isfinite(dest[i])) continue;
                throw io::NpyError(paths[f] + ": row " + std::to_string(from - file_start + i / cols) + ", column " +
                                   std::to_string(i % cols) + " is " + (std::isnan(dest[i]) ? "NaN" : "infinite"));
            }
        }
        return out;
    }
};

/// Rank `rank` of `ranks`' equal share of `rows` rows: [begin, end).
inline std::pair<std::size_t, std::size_t> equal_share(std::size_t rows, std::size_t rank, std::size_t ranks) {
    return {rank * rows / ranks, (rank + 1) * rows / ranks};
}

/// The rows of CSV file `path` (numbers separated by `delimiter`, `header`: skip the first
/// line) that rank `rank` of `ranks` reads: the lines starting in its equal share of the
/// file's bytes (after the header). Throws InvalidInput naming the file and line (counted
/// from the start of the share) for a field that is not a finite number or a row of another
/// width than the share's first.
template <Float F>
Matrix<F> read_csv_share(const std::string& path, std::size_t rank, std::size_t ranks, bool header, char delimiter = ',') {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidInput(path + ": cannot open");
    std::string line;
    std::size_t start = 0;
    if (header && std::getline(in, line)) start = std::size_t(in.tellg());
    in.seekg(0, std::ios::end);
    const std::size_t size = std::size_t(in.tellg());
    const auto [begin, end] = equal_share(size - std::min(size, start), rank, ranks);
    // A share starts at the first line that starts at or after its first byte.
    in.seekg(std::streamoff(start + begin));
    if (begin > 0) {
        in.seekg(std::streamoff(start + begin - 1));
        std::getline(in, line);  // the rest of the line the previous share owns (or just its newline)
    }
    std::vector<F> values;
    std::size_t width = 0, line_number = 0;
    while (in && std::size_t(in.tellg()) < start + end && std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::size_t fields = 0;
        std::stringstream row(line);
        std::string field;
        while (std::getline(row, field, delimiter)) {
            char* stop = nullptr;
            const double v = std::strtod(field.c_str(), &stop);
            if (stop == field.c_str() || !std::isfinite(v)) {
                throw InvalidInput(path + ": line " + std::to_string(line_number) + " of rank " + std::to_string(rank) +
                                   "'s share: '" + field + "' is not a finite number");
            }
            values.push_back(F(v));
            ++fields;
        }
        if (width == 0) width = fields;
        if (fields != width) {
            throw InvalidInput(path + ": line " + std::to_string(line_number) + " of rank " + std::to_string(rank) + "'s share has " +
                               std::to_string(fields) + " fields, the lines before it " + std::to_string(width));
        }
    }
    Matrix<F> out(Eigen::Index(width ? values.size() / width : 0), Eigen::Index(width));
    std::copy(values.begin(), values.end(), out.data());
    return out;
}

}  // namespace linfa::distributed
