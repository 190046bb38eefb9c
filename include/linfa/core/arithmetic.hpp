// Arithmetic whose rounding does not depend on how the compiler treats each copy of it.
#pragma once

#include <cmath>

namespace linfa {

/// `a * b + c`, rounded the same wherever it is inlined: one fused multiply-add where the build
/// has the instruction (GCC would otherwise contract some copies of `a * b + c` and not others,
/// as its vectorizer decides, so two instantiations of one loop could differ in the last bit),
/// a plain multiply and add where it has none (there is then nothing to contract into).
inline double multiply_add(double a, double b, double c) {
#if defined(__FMA__)
    return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

}  // namespace linfa
