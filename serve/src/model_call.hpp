// The steps every prediction call takes on the model version it was routed to, whatever the
// protocol (the seed's API, linfa.serving.v1, the Open Inference Protocol): find the version,
// check the rows, then compute each output slice by slice, stopping at the call's deadline.
// Errors come back as gRPC statuses whose messages say what was expected and what was found.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "metrics.hpp"
#include "repository.hpp"
#include "servable.hpp"

namespace linfa::serve::call {

/// When a call must stop: its deadline, or its client giving up (gRPC calls only).
class Deadline {
public:
    explicit Deadline(const grpc::ServerContextBase& ctx) : at_(ctx.deadline()), ctx_(&ctx) {}
    explicit Deadline(std::chrono::system_clock::time_point at) : at_(at) {}
    bool expired() const { return (ctx_ && ctx_->IsCancelled()) || at_ <= std::chrono::system_clock::now(); }

private:
    std::chrono::system_clock::time_point at_;
    const grpc::ServerContextBase* ctx_ = nullptr;
};

grpc::Status invalid(const std::string& why);
grpc::Status deadline_exceeded();
/// Logs an internal failure once (requests themselves are not logged) and says it failed.
grpc::Status internal(const char* rpc, const std::exception& e);

/// Runs `body` (a callable returning grpc::Status) as one call of `method` (a string literal)
/// over `protocol` ("grpc", "rest") in the metrics: this thread's call labels start empty,
/// the call counts as in flight and is timed; an exception escaping `body` (an allocation
/// failure) becomes INTERNAL. Every endpoint of every protocol runs through it.
template <class Body>
grpc::Status recorded(const char* protocol, const char* method, Body&& body) {
    CallLabels& labels = current_call();
    labels.model.clear();  // keeps the string's buffer: no allocation per call
    labels.version = 0;
    labels.rows = 0;
    Metrics& m = metrics();
    m.enter();
    const auto start = std::chrono::steady_clock::now();
    grpc::Status status;
    try {
        status = body();
    } catch (const std::exception& e) {
        status = internal(method, e);
    }
    m.observe(protocol, method, labels, status.error_code(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    m.leave();
    return status;
}

/// A call refused before it reached a model (the in-flight cap), in the metrics.
inline grpc::Status refused(const char* protocol, const char* method, grpc::Status refusal) {
    metrics().observe(protocol, method, CallLabels{}, refusal.error_code(), 0.0);
    return refusal;
}

/// The version a request names (empty name: the default model; version 0: the highest
/// served): INVALID_ARGUMENT for a malformed name or a missing default, NOT_FOUND otherwise.
grpc::Status find(const Repository& repository, std::string_view name, std::int64_t version,
                  std::shared_ptr<const ServedVersion>& out);

/// Records the version a call runs on for its metrics (call::find does it).
void note(const ServedVersion& m);

/// At least one row and no more than the version's limit.
grpc::Status check_count(const ServedVersion& m, std::size_t n_rows);
/// check_count, then every value finite and representable in the model's scalar type, and
/// within the model's own input bound.
template <class T>
grpc::Status check_rows(const ServedVersion& m, std::span<const T> values, std::size_t n_rows);
/// The same for sparse rows: `offsets`, `indices` and `values` (as a request carries them)
/// checked as a CSR matrix of n_rows x the model's features, then as above; `out` views them.
grpc::Status check_rows(const ServedVersion& m, std::span<const std::int32_t> offsets, std::span<const std::int32_t> indices,
                        std::span<const double> values, std::size_t n_rows, std::optional<SparseRows>& out);

// `Rows` below is what a request carries: std::span<const float>, std::span<const double>
// (packed n_rows x n_features) or SparseRows.

/// One label per row into `out`.
template <class Rows>
grpc::Status labels(const ServedVersion& m, const Deadline& deadline, const Rows& rows, std::size_t n_rows, std::int32_t* out);
/// One distance per row to the cluster of its label, from `known_labels` when given (else the
/// labels are computed here).
template <class Rows>
grpc::Status distances(const ServedVersion& m, const Deadline& deadline, const Rows& rows, std::size_t n_rows,
                       const std::int32_t* known_labels, double* out);
/// n_rows x m.info().width(what) values, row-major, of values, probabilities or transformed rows.
template <class Rows>
grpc::Status matrix(const ServedVersion& m, const Deadline& deadline, Output what, const Rows& rows, std::size_t n_rows,
                    double* out);

}  // namespace linfa::serve::call
