#include "model_call.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <linfa/core/validation.hpp>
#include <spdlog/spdlog.h>

#include "metrics.hpp"

namespace linfa::serve::call {
namespace {

using grpc::Status;
using grpc::StatusCode;

/// Rows predicted between two deadline checks: small enough that a request past its
/// deadline stops within about a millisecond, large enough to keep the kernel efficient.
constexpr std::size_t rows_per_slice = 1 << 17;

/// Largest magnitude the model can hold: a double above FLT_MAX would turn into infinity in
/// an f32 model, so it is refused like infinity.
template <class T>
double largest_for(const std::string& model_scalar) {
    if (model_scalar == "f32" || std::is_same_v<T, float>) return std::numeric_limits<float>::max();
    return std::numeric_limits<double>::max();
}

/// Calls fn(slice of rows, first row, row count) slice by slice, checking the deadline.
template <class T, class Fn>
Status by_slices(const ServedVersion& m, const Deadline& deadline, std::span<const T> values, std::size_t n_rows, Fn&& fn) {
    const std::size_t d = m.info().n_features;
    for (std::size_t begin = 0; begin < n_rows; begin += rows_per_slice) {
        if (deadline.expired()) return deadline_exceeded();
        const std::size_t rows = std::min(rows_per_slice, n_rows - begin);
        fn(values.subspan(begin * d, rows * d), begin, rows);
    }
    return Status::OK;
}

}  // namespace

Status invalid(const std::string& why) { return Status(StatusCode::INVALID_ARGUMENT, why); }

Status deadline_exceeded() { return Status(StatusCode::DEADLINE_EXCEEDED, "deadline exceeded before the prediction finished"); }

Status internal(const char* rpc, const std::exception& e) {
    spdlog::error("event=error rpc={} what=\"{}\"", rpc, e.what());
    return Status(StatusCode::INTERNAL, std::string("request failed: ") + e.what());
}

Status find(const Repository& repository, std::string_view name, std::int64_t version, std::shared_ptr<const ServedVersion>& out) {
    if (!name.empty() && !valid_model_name(name)) {
        std::string why = "'";  // appended: GCC 12 warns (falsely, -Wrestrict) on "'" + string
        why.append(name).append("' is not a model name");
        return invalid(why);
    }
    if (version < 0) return invalid("the model version must be positive (0: the highest served), found " + std::to_string(version));
    LookupError error;
    out = repository.find(name, version, error);
    if (out) {
        note(*out);
        return Status::OK;
    }
    return Status(error.kind == LookupError::Kind::no_default ? StatusCode::INVALID_ARGUMENT : StatusCode::NOT_FOUND, error.message);
}

void note(const ServedVersion& m) {
    CallLabels& labels = current_call();
    labels.model = m.name;
    labels.version = m.version;
}

Status check_count(const ServedVersion& m, std::size_t n_rows) {
    current_call().rows = n_rows;
    if (n_rows == 0) return invalid("empty batch: send at least one row");
    if (n_rows > m.max_rows) {
        return invalid("too many rows: " + std::to_string(n_rows) + " in one request, the limit is " + std::to_string(m.max_rows));
    }
    return Status::OK;
}

template <class T>
Status check_rows(const ServedVersion& m, std::span<const T> values, std::size_t n_rows) {
    if (Status s = check_count(m, n_rows); !s.ok()) return s;
    const ModelInfo& info = m.info();
    const std::size_t d = info.n_features;
    const double largest = largest_for<T>(info.scalar);
    // The model's own bound (e.g. where its squared distances would overflow), if it has one.
    const double bound = std::min(largest, info.max_magnitude);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double magnitude = std::abs(double(values[i]));
        if (magnitude <= bound) continue;
        const std::string where = "row " + std::to_string(i / d) + ", feature " + std::to_string(i % d);
        if (!(magnitude <= largest)) {  // also catches NaN
            return invalid(where + " is not a finite " + info.scalar + " value (" + std::to_string(double(values[i])) + ")");
        }
        return invalid(where + " is too large (" + linfa::short_number(double(values[i])) + "): " + info.magnitude_reason + " " +
                       info.scalar + "; the largest accepted magnitude is " + linfa::short_number(bound));
    }
    return Status::OK;
}

template <class T>
Status labels(const ServedVersion& m, const Deadline& deadline, std::span<const T> values, std::size_t n_rows, std::int32_t* out) {
    return by_slices(m, deadline, values, n_rows, [&](auto slice, std::size_t begin, std::size_t rows) {
        m.model->predict(slice, std::span(out + begin, rows));
    });
}

template <class T>
Status distances(const ServedVersion& m, const Deadline& deadline, std::span<const T> values, std::size_t n_rows,
                 const std::int32_t* known_labels, double* out) {
    std::vector<std::int32_t> computed;
    return by_slices(m, deadline, values, n_rows, [&](auto slice, std::size_t begin, std::size_t rows) {
        const std::int32_t* slice_labels = known_labels ? known_labels + begin : nullptr;
        if (!slice_labels) {
            computed.resize(rows);
            m.model->predict(slice, std::span(computed));
            slice_labels = computed.data();
        }
        m.model->distances(slice, std::span(slice_labels, rows), std::span(out + begin, rows));
    });
}

template <class T>
Status matrix(const ServedVersion& m, const Deadline& deadline, Output what, std::span<const T> values, std::size_t n_rows,
              double* out) {
    const std::size_t width = m.info().width(what);
    return by_slices(m, deadline, values, n_rows, [&](auto slice, std::size_t begin, std::size_t rows) {
        m.model->compute(what, slice, std::span(out + begin * width, rows * width));
    });
}

#define LINFA_SERVE_CALL_FOR(T)                                                                                                      \
    template Status check_rows<T>(const ServedVersion&, std::span<const T>, std::size_t);                                            \
    template Status labels<T>(const ServedVersion&, const Deadline&, std::span<const T>, std::size_t, std::int32_t*);                \
    template Status distances<T>(const ServedVersion&, const Deadline&, std::span<const T>, std::size_t, const std::int32_t*,      \
                                 double*);                                                                                           \
    template Status matrix<T>(const ServedVersion&, const Deadline&, Output, std::span<const T>, std::size_t, double*);
LINFA_SERVE_CALL_FOR(float)
LINFA_SERVE_CALL_FOR(double)
#undef LINFA_SERVE_CALL_FOR

}  // namespace linfa::serve::call
