// Exceptions thrown by linfa. Every failure the caller can cause (bad parameters, bad data,
// a damaged model file) is reported by one of these, with a message that says what was
// expected and what was found.
#pragma once

#include <stdexcept>
#include <string>

namespace linfa {

/// Base of every linfa exception; catch this to handle any linfa failure.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A hyper-parameter is out of its valid range (raised by `check()` and `fit`).
class InvalidParams : public Error {
public:
    using Error::Error;
};

/// The data does not fit the call: wrong shape, NaN/Inf, too few samples, bad weights.
class InvalidInput : public Error {
public:
    using Error::Error;
};

/// A model file or stream cannot be read: truncated, damaged, wrong kind, wrong scalar type.
class ModelFileError : public Error {
public:
    using Error::Error;
};

}  // namespace linfa
