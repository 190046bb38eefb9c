// Checks and repairs of JSON model files before cereal's JSON archive (rapidjson 1.1.0) reads
// them: nesting depth, numbers it would misread, NaN/Inf tokens followed by a fraction.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "archive.hpp"

namespace linfa::io {

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

/// Whether the first character of `bytes` after blanks is `{`: a JSON model file.
inline bool looks_like_json(std::string_view bytes) {
    const auto first = bytes.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && bytes[first] == '{';
}

}  // namespace linfa::io
