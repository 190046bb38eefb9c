#include "handlers.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <linfa/core/validation.hpp>
#include <spdlog/spdlog.h>

namespace linfa::serve {
namespace {

using grpc::Status;
using grpc::StatusCode;

/// Rows predicted between two deadline checks: small enough that a request past its
/// deadline stops within about a millisecond, large enough to keep the kernel efficient.
constexpr std::size_t rows_per_slice = 1 << 17;

Status invalid(const std::string& why) { return Status(StatusCode::INVALID_ARGUMENT, why); }

/// True when the client gave up or the deadline passed: no point doing the work.
bool expired(const grpc::ServerContextBase& ctx) {
    return ctx.IsCancelled() || ctx.deadline() <= std::chrono::system_clock::now();
}

Status deadline_status() { return Status(StatusCode::DEADLINE_EXCEEDED, "deadline exceeded before the prediction finished"); }

/// Largest magnitude the model can hold: a double above FLT_MAX would turn into infinity in
/// an f32 model, so it is refused like infinity.
template <class T>
double largest_for(const std::string& model_scalar) {
    if (model_scalar == "f32" || std::is_same_v<T, float>) return std::numeric_limits<float>::max();
    return std::numeric_limits<double>::max();
}

/// Reports an internal failure once in the log (requests themselves are not logged).
Status internal(const char* rpc, const std::exception& e) {
    spdlog::error("event=error rpc={} what=\"{}\"", rpc, e.what());
    return Status(StatusCode::INTERNAL, std::string("prediction failed: ") + e.what());
}

}  // namespace

Status Handlers::check_count(std::size_t n_rows) const {
    if (n_rows == 0) return invalid("empty batch: send at least one row");
    if (n_rows > config_.limits.max_rows_per_request) {
        return invalid("too many rows: " + std::to_string(n_rows) + " in one request, the limit is " +
                       std::to_string(config_.limits.max_rows_per_request));
    }
    return Status::OK;
}

template <class T>
Status Handlers::check_rows(std::span<const T> values, std::size_t n_rows) const {
    if (Status s = check_count(n_rows); !s.ok()) return s;
    const std::size_t d = model_.info().n_features;
    const double largest = largest_for<T>(model_.info().scalar);
    // The model's own bound (e.g. where its squared distances would overflow), if it has one.
    const double bound = std::min(largest, model_.info().max_magnitude);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double magnitude = std::abs(double(values[i]));
        if (magnitude <= bound) continue;
        const std::string where = "row " + std::to_string(i / d) + ", feature " + std::to_string(i % d);
        if (!(magnitude <= largest)) {  // also catches NaN
            return invalid(where + " is not a finite " + model_.info().scalar + " value (" + std::to_string(double(values[i])) + ")");
        }
        return invalid(where + " is too large (" + linfa::short_number(double(values[i])) + "): " + model_.info().magnitude_reason +
                       " " + model_.info().scalar + "; the largest accepted magnitude is " + linfa::short_number(bound));
    }
    return Status::OK;
}

template <class T, class Fn>
Status Handlers::run_rows(grpc::ServerContextBase& ctx, std::span<const T> values, std::size_t n_rows, Fn&& fn) const {
    const std::size_t d = model_.info().n_features;
    for (std::size_t begin = 0; begin < n_rows; begin += rows_per_slice) {
        if (expired(ctx)) return deadline_status();
        const std::size_t rows = std::min(rows_per_slice, n_rows - begin);
        fn(values.subspan(begin * d, rows * d), begin, rows);
    }
    return Status::OK;
}

template <class T>
Status Handlers::run(grpc::ServerContextBase& ctx, std::span<const T> values, std::size_t n_rows,
                     bool want_distances, std::int32_t* labels, double* distances) const {
    return run_rows(ctx, values, n_rows, [&](auto slice, std::size_t begin, std::size_t rows) {
        model_.predict(slice, std::span(labels + begin, rows));
        if (want_distances) model_.distances(slice, std::span<const std::int32_t>(labels + begin, rows), std::span(distances + begin, rows));
    });
}

Status Handlers::seed_predict(grpc::ServerContextBase& ctx, const ml::PredictRequest& req, ml::PredictResponse& resp) const {
    const std::size_t d = model_.info().n_features;
    if (static_cast<std::size_t>(req.features_size()) != d) {
        return invalid("expected " + std::to_string(d) + " features, found " + std::to_string(req.features_size()));
    }
    const std::span<const double> values(req.features().data(), d);
    if (Status s = check_rows(values, 1); !s.ok()) return s;
    if (expired(ctx)) return deadline_status();
    try {
        std::int32_t label = 0;
        model_.predict(values, std::span(&label, 1));
        resp.set_cluster_index(label);
        return Status::OK;
    } catch (const std::exception& e) {
        return internal("ml.ClusteringService/Predict", e);
    }
}

Status Handlers::seed_predict_batch(grpc::ServerContextBase& ctx, const ml::PredictBatchRequest& req,
                                    ml::PredictBatchResponse& resp) const {
    const std::size_t d = model_.info().n_features;
    const auto n_rows = static_cast<std::size_t>(req.observations_size());
    if (Status s = check_count(n_rows); !s.ok()) return s;  // before copying anything
    std::vector<double> packed;
    packed.reserve(n_rows * d);
    for (std::size_t i = 0; i < n_rows; ++i) {
        const auto& features = req.observations(static_cast<int>(i)).features();
        if (static_cast<std::size_t>(features.size()) != d) {
            return invalid("observation " + std::to_string(i) + ": expected " + std::to_string(d) +
                           " features, found " + std::to_string(features.size()));
        }
        packed.insert(packed.end(), features.begin(), features.end());
    }
    if (Status s = check_rows(std::span<const double>(packed), n_rows); !s.ok()) return s;
    try {
        resp.mutable_cluster_indexes()->Resize(static_cast<int>(n_rows), 0);
        return run(ctx, std::span<const double>(packed), n_rows, false, resp.mutable_cluster_indexes()->mutable_data(), nullptr);
    } catch (const std::exception& e) {
        return internal("ml.ClusteringService/PredictBatch", e);
    }
}

namespace {

Output from_wire(int output) {
    switch (output) {
        case v1::LABELS: return Output::labels;
        case v1::VALUES: return Output::values;
        case v1::PROBABILITIES: return Output::probabilities;
        case v1::TRANSFORMED: return Output::transformed;
        default: return Output::distances;
    }
}

v1::Output to_wire(Output output) {
    switch (output) {
        case Output::labels: return v1::LABELS;
        case Output::values: return v1::VALUES;
        case Output::probabilities: return v1::PROBABILITIES;
        case Output::transformed: return v1::TRANSFORMED;
        case Output::distances: return v1::DISTANCES;
    }
    return v1::OUTPUT_DEFAULT;
}

}  // namespace

Status Handlers::requested_outputs(const v1::PredictRequest& req, std::vector<Output>& wanted) const {
    const ModelInfo& info = model_.info();
    auto add = [&](Output output) -> Status {
        if (!info.has(output)) {
            std::string offered;
            for (const auto& spec : info.outputs) offered += (offered.empty() ? "" : ", ") + std::string(output_name(spec.output));
            return invalid("this model (" + info.kind + ") has no " + std::string(output_name(output)) + "; it answers " + offered);
        }
        if (std::find(wanted.begin(), wanted.end(), output) == wanted.end()) wanted.push_back(output);
        return Status::OK;
    };
    for (const int output : req.outputs()) {
        if (!v1::Output_IsValid(output)) return invalid("unknown output " + std::to_string(output));
        if (Status s = add(output == v1::OUTPUT_DEFAULT ? info.outputs.front().output : from_wire(output)); !s.ok()) return s;
    }
    if (req.return_distances()) {
        if (!info.has_distances) return invalid("this model has no distances to return");
        if (Status s = add(Output::distances); !s.ok()) return s;
    }
    if (wanted.empty() || (wanted.size() == 1 && wanted[0] == Output::distances && req.outputs_size() == 0)) {
        wanted.insert(wanted.begin(), info.outputs.front().output);  // the default answer
    }
    std::sort(wanted.begin(), wanted.end());  // labels before the distances that reuse them
    return Status::OK;
}

Status Handlers::predict(grpc::ServerContextBase& ctx, const v1::PredictRequest& req, v1::PredictResponse& resp) const {
    const std::size_t d = model_.info().n_features;
    const std::size_t n_rows = req.n_rows();
    if (req.f64_size() > 0 && req.f32_size() > 0) return invalid("set either f64 or f32, not both");
    const std::size_t found = static_cast<std::size_t>(req.f64_size() > 0 ? req.f64_size() : req.f32_size());
    if (n_rows != 0 && found != n_rows * d) {
        return invalid("bad packed length: " + std::to_string(n_rows) + " rows x " + std::to_string(d) +
                       " features need " + std::to_string(n_rows * d) + " values, found " + std::to_string(found));
    }
    if (n_rows == 0 && found != 0) return invalid("n_rows is 0 but " + std::to_string(found) + " values were sent");
    std::vector<Output> wanted;
    if (Status s = requested_outputs(req, wanted); !s.ok()) return s;
    auto handle = [&](auto values) -> Status {
        if (Status s = check_rows(values, n_rows); !s.ok()) return s;
        for (const Output output : wanted) {
            if (Status s = answer(ctx, output, values, n_rows, resp); !s.ok()) return s;
        }
        return Status::OK;
    };
    try {
        if (req.f32_size() > 0) return handle(std::span<const float>(req.f32().data(), found));
        return handle(std::span<const double>(req.f64().data(), found));
    } catch (const std::exception& e) {
        return internal("linfa.serving.v1.ModelService/Predict", e);
    }
}

template <class T>
Status Handlers::answer(grpc::ServerContextBase& ctx, Output output, std::span<const T> values, std::size_t n_rows,
                        v1::PredictResponse& resp) const {
    const std::size_t width = model_.info().width(output);
    auto matrix = [&](google::protobuf::RepeatedField<double>* field, auto set_width) -> Status {
        field->Resize(static_cast<int>(n_rows * width), 0.0);
        set_width(static_cast<std::uint32_t>(width));
        return run_rows(ctx, values, n_rows, [&](auto slice, std::size_t begin, std::size_t rows) {
            model_.compute(output, slice, std::span(field->mutable_data() + begin * width, rows * width));
        });
    };
    switch (output) {
        case Output::labels:
            resp.mutable_labels()->Resize(static_cast<int>(n_rows), 0);
            return run(ctx, values, n_rows, false, resp.mutable_labels()->mutable_data(), nullptr);
        case Output::distances: {
            // The distance of each row to its own cluster: from the labels already answered
            // (requested_outputs puts labels first), else from labels computed here.
            resp.mutable_distances()->Resize(static_cast<int>(n_rows), 0.0);
            double* out = resp.mutable_distances()->mutable_data();
            if (resp.labels_size() == static_cast<int>(n_rows)) {
                const std::int32_t* labels = resp.labels().data();
                return run_rows(ctx, values, n_rows, [&](auto slice, std::size_t begin, std::size_t rows) {
                    model_.distances(slice, std::span<const std::int32_t>(labels + begin, rows), std::span(out + begin, rows));
                });
            }
            std::vector<std::int32_t> labels(n_rows);
            return run(ctx, values, n_rows, true, labels.data(), out);
        }
        case Output::values: return matrix(resp.mutable_values(), [&](std::uint32_t w) { resp.set_n_values(w); });
        case Output::probabilities:
            return matrix(resp.mutable_probabilities(), [&](std::uint32_t w) { resp.set_n_probabilities(w); });
        case Output::transformed:
            return matrix(resp.mutable_transformed(), [&](std::uint32_t w) { resp.set_n_transformed(w); });
    }
    return Status::OK;
}

Status Handlers::metadata(const v1::GetModelMetadataRequest&, v1::ModelMetadata& resp) const {
    const ModelInfo& info = model_.info();
    resp.set_name(config_.name);
    resp.set_version(config_.version);
    resp.set_kind(info.kind);
    resp.set_scalar(info.scalar);
    resp.set_n_features(static_cast<std::uint32_t>(info.n_features));
    for (const auto& name : config_.feature_names) resp.add_feature_names(name);
    for (auto extent : info.shape) resp.add_shape(extent);
    resp.set_n_clusters(static_cast<std::uint32_t>(info.n_clusters));
    resp.set_task(info.task);
    for (const auto& step : info.steps) resp.add_steps(step);
    for (const auto& spec : info.outputs) {
        auto* out = resp.add_outputs();
        out->set_output(to_wire(spec.output));
        out->set_width(static_cast<std::uint32_t>(spec.width));
    }
    resp.mutable_limits()->set_max_rows_per_request(config_.limits.max_rows_per_request);
    resp.mutable_limits()->set_max_message_bytes(config_.limits.max_message_bytes);
    resp.mutable_limits()->set_max_concurrent_streams(config_.limits.max_concurrent_streams);
    resp.mutable_limits()->set_max_inflight_calls(config_.limits.max_inflight_calls);
    return Status::OK;
}

}  // namespace linfa::serve
