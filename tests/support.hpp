// Small helpers the doctest files share, light enough to include anywhere: model files as
// bytes, and checks of what an exception says. (Not in helpers.hpp, which programs without
// doctest, such as the determinism fingerprints, include.)
#pragma once

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include <linfa/io/model_file.hpp>

namespace test {

/// `model`'s model file, in `format`, as bytes.
template <linfa::SerializableModel M>
std::string to_bytes(const M& model, linfa::FileFormat format = linfa::FileFormat::binary) {
    std::ostringstream out;
    linfa::save(model, out, format);
    return out.str();
}

#ifdef LINFA_TEST_FIXTURES
/// The bytes of tests/io/fixtures/`name` (model files written by earlier commits).
inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(LINFA_TEST_FIXTURES) + "/" + name, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
#endif

/// A model of type M read from model-file bytes (throws as linfa::load).
template <linfa::SerializableModel M>
M from_bytes(const std::string& bytes) {
    std::istringstream in(bytes);
    return linfa::load<M>(in);
}

/// Checks that `call` throws E (default: any linfa::Error) with a message containing `part`.
template <class E = linfa::Error, class Call>
void check_throws(Call&& call, const std::string& part) {
    try {
        call();
        FAIL("accepted; expected an exception mentioning '" << part << "'");
    } catch (const E& e) {
        CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
}

}  // namespace test
