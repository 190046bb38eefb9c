// The message of the exception a call throws, for tests that compare error messages.
#pragma once

#include <string>

#include <linfa/core/error.hpp>

namespace test {

/// The message of the `E` (a linfa::Error by default) that `call` throws; "<no error>" when it
/// throws nothing. Any other exception propagates and fails the test case.
template <class E = linfa::Error, class Call>
std::string message_of(Call call) {
    try {
        call();
    } catch (const E& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace test
