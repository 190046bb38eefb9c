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

/// Rows [begin, begin + count) of packed rows.
template <class T>
std::span<const T> slice_of(std::span<const T> values, std::size_t d, std::size_t begin, std::size_t count, std::vector<std::int32_t>&) {
    return values.subspan(begin * d, count * d);
}

/// Rows [begin, begin + count) of sparse rows (their offsets rebased into `offsets`).
SparseRows slice_of(const SparseRows& rows, std::size_t d, std::size_t begin, std::size_t count, std::vector<std::int32_t>& offsets) {
    if (begin == 0 && count == rows.rows()) return rows;
    const auto all = rows.indptr();
    const std::int32_t first = all[begin];
    offsets.resize(count + 1);
    for (std::size_t i = 0; i <= count; ++i) offsets[i] = all[begin + i] - first;
    const auto stored = std::size_t(offsets[count]);
    return SparseRows(count, d, offsets, rows.indices().subspan(std::size_t(first), stored), rows.data().subspan(std::size_t(first), stored));
}

/// Calls fn(slice of rows, first row, row count) slice by slice, checking the deadline.
template <class Rows, class Fn>
Status by_slices(const ServedVersion& m, const Deadline& deadline, const Rows& rows, std::size_t n_rows, Fn&& fn) {
    const std::size_t d = m.info().n_features;
    std::vector<std::int32_t> offsets;
    for (std::size_t begin = 0; begin < n_rows; begin += rows_per_slice) {
        if (deadline.expired()) return deadline_exceeded();
        const std::size_t count = std::min(rows_per_slice, n_rows - begin);
        fn(slice_of(rows, d, begin, count, offsets), begin, count);
    }
    return Status::OK;
}

/// INVALID_ARGUMENT unless `value`, at `where`, is finite in the model's scalar type and
/// within the model's bound (`largest`: the scalar's; `bound`: the smaller of it and the model's).
Status check_value(const ModelInfo& info, double value, double largest, double bound, const std::string& where) {
    const double magnitude = std::abs(value);
    if (!(magnitude <= largest)) {  // also catches NaN
        return invalid(where + " is not a finite " + info.scalar + " value (" + std::to_string(value) + ")");
    }
    return invalid(where + " is too large (" + linfa::short_number(value) + "): " + info.magnitude_reason + " " + info.scalar +
                   "; the largest accepted magnitude is " + linfa::short_number(bound));
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
        if (std::abs(double(values[i])) <= bound) continue;
        return check_value(info, double(values[i]), largest, bound, "row " + std::to_string(i / d) + ", feature " + std::to_string(i % d));
    }
    return Status::OK;
}

Status check_rows(const ServedVersion& m, std::span<const std::int32_t> offsets, std::span<const std::int32_t> indices,
                  std::span<const double> values, std::size_t n_rows, std::optional<SparseRows>& out) {
    if (Status s = check_count(m, n_rows); !s.ok()) return s;
    const ModelInfo& info = m.info();
    try {
        out.emplace(n_rows, info.n_features, offsets, indices, values);
    } catch (const linfa::InvalidInput& e) {
        return invalid(std::string("sparse rows: ") + e.what());
    }
    const double largest = largest_for<double>(info.scalar);
    const double bound = std::min(largest, info.max_magnitude);
    for (std::size_t i = 0; i < n_rows; ++i) {
        const auto row = out->row(i);
        for (std::size_t e = 0; e < row.values.size(); ++e) {
            if (std::abs(row.values[e]) <= bound) continue;
            return check_value(info, row.values[e], largest, bound, "row " + std::to_string(i) + ", feature " + std::to_string(row.indices[e]));
        }
    }
    return Status::OK;
}

template <class Rows>
Status labels(const ServedVersion& m, const Deadline& deadline, const Rows& rows, std::size_t n_rows, std::int32_t* out) {
    return by_slices(m, deadline, rows, n_rows, [&](const auto& slice, std::size_t begin, std::size_t count) {
        m.model->predict(slice, std::span(out + begin, count));
    });
}

template <class Rows>
Status distances(const ServedVersion& m, const Deadline& deadline, const Rows& rows, std::size_t n_rows,
                 const std::int32_t* known_labels, double* out) {
    std::vector<std::int32_t> computed;
    return by_slices(m, deadline, rows, n_rows, [&](const auto& slice, std::size_t begin, std::size_t count) {
        const std::int32_t* slice_labels = known_labels ? known_labels + begin : nullptr;
        if (!slice_labels) {
            computed.resize(count);
            m.model->predict(slice, std::span(computed));
            slice_labels = computed.data();
        }
        m.model->distances(slice, std::span(slice_labels, count), std::span(out + begin, count));
    });
}

template <class Rows>
Status matrix(const ServedVersion& m, const Deadline& deadline, Output what, const Rows& rows, std::size_t n_rows, double* out) {
    const std::size_t width = m.info().width(what);
    return by_slices(m, deadline, rows, n_rows, [&](const auto& slice, std::size_t begin, std::size_t count) {
        m.model->compute(what, slice, std::span(out + begin * width, count * width));
    });
}

template Status check_rows<float>(const ServedVersion&, std::span<const float>, std::size_t);
template Status check_rows<double>(const ServedVersion&, std::span<const double>, std::size_t);

#define LINFA_SERVE_CALL_FOR(Rows)                                                                                               \
    template Status labels<Rows>(const ServedVersion&, const Deadline&, const Rows&, std::size_t, std::int32_t*);                \
    template Status distances<Rows>(const ServedVersion&, const Deadline&, const Rows&, std::size_t, const std::int32_t*, double*); \
    template Status matrix<Rows>(const ServedVersion&, const Deadline&, Output, const Rows&, std::size_t, double*);
LINFA_SERVE_CALL_FOR(std::span<const float>)
LINFA_SERVE_CALL_FOR(std::span<const double>)
LINFA_SERVE_CALL_FOR(SparseRows)
#undef LINFA_SERVE_CALL_FOR

}  // namespace linfa::serve::call
