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

template <class T>
Status Handlers::run(grpc::ServerContextBase& ctx, std::span<const T> values, std::size_t n_rows,
                     bool want_distances, std::int32_t* labels, double* distances) const {
    const std::size_t d = model_.info().n_features;
    for (std::size_t begin = 0; begin < n_rows; begin += rows_per_slice) {
        if (expired(ctx)) return deadline_status();
        const std::size_t rows = std::min(rows_per_slice, n_rows - begin);
        const auto slice = values.subspan(begin * d, rows * d);
        model_.predict(slice, std::span(labels + begin, rows));
        if (want_distances) model_.distances(slice, std::span<const std::int32_t>(labels + begin, rows), std::span(distances + begin, rows));
    }
    return Status::OK;
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
    if (req.return_distances() && !model_.info().has_distances) return invalid("this model has no distances to return");
    auto handle = [&](auto values) -> Status {
        if (Status s = check_rows(values, n_rows); !s.ok()) return s;
        resp.mutable_labels()->Resize(static_cast<int>(n_rows), 0);
        if (req.return_distances()) resp.mutable_distances()->Resize(static_cast<int>(n_rows), 0.0);
        return run(ctx, values, n_rows, req.return_distances(), resp.mutable_labels()->mutable_data(),
                   resp.mutable_distances()->mutable_data());
    };
    try {
        if (req.f32_size() > 0) return handle(std::span<const float>(req.f32().data(), found));
        return handle(std::span<const double>(req.f64().data(), found));
    } catch (const std::exception& e) {
        return internal("linfa.serving.v1.ModelService/Predict", e);
    }
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
    resp.mutable_limits()->set_max_rows_per_request(config_.limits.max_rows_per_request);
    resp.mutable_limits()->set_max_message_bytes(config_.limits.max_message_bytes);
    resp.mutable_limits()->set_max_concurrent_streams(config_.limits.max_concurrent_streams);
    resp.mutable_limits()->set_max_inflight_calls(config_.limits.max_inflight_calls);
    return Status::OK;
}

}  // namespace linfa::serve
