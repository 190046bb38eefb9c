#include "handlers.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "model_call.hpp"

namespace linfa::serve {

using grpc::Status;
using grpc::StatusCode;
using call::invalid;

bool Handlers::serves_labels() const {
    LookupError ignored;
    const auto served = repository_.find("", 0, ignored);
    return served && served->info().has(Output::labels);
}

namespace {

/// The default model, for the seed's API, which names none; it must answer labels.
Status seed_model(const Repository& repository, std::shared_ptr<const ServedVersion>& out) {
    LookupError error;
    out = repository.find("", 0, error);
    if (!out) return Status(StatusCode::NOT_FOUND, error.message);
    call::note(*out);
    if (!out->info().has(Output::labels)) {
        return Status(StatusCode::FAILED_PRECONDITION, "the default model (" + out->info().kind + ") answers no labels");
    }
    return Status::OK;
}

}  // namespace

Status Handlers::seed_predict(grpc::ServerContextBase& ctx, const ml::PredictRequest& req, ml::PredictResponse& resp) const {
    std::shared_ptr<const ServedVersion> served;
    if (Status s = seed_model(repository_, served); !s.ok()) return s;
    const ServedVersion& m = *served;
    const std::size_t d = m.info().n_features;
    if (static_cast<std::size_t>(req.features_size()) != d) {
        return invalid("expected " + std::to_string(d) + " features, found " + std::to_string(req.features_size()));
    }
    const std::span<const double> values(req.features().data(), d);
    if (Status s = call::check_rows(m, values, 1); !s.ok()) return s;
    try {
        std::int32_t label = 0;
        if (Status s = call::labels(m, call::Deadline(ctx), values, 1, &label); !s.ok()) return s;
        resp.set_cluster_index(label);
        return Status::OK;
    } catch (const std::exception& e) {
        return call::internal("ml.ClusteringService/Predict", e);
    }
}

Status Handlers::seed_predict_batch(grpc::ServerContextBase& ctx, const ml::PredictBatchRequest& req,
                                    ml::PredictBatchResponse& resp) const {
    std::shared_ptr<const ServedVersion> served;
    if (Status s = seed_model(repository_, served); !s.ok()) return s;
    const ServedVersion& m = *served;
    const std::size_t d = m.info().n_features;
    const auto n_rows = static_cast<std::size_t>(req.observations_size());
    if (Status s = call::check_count(m, n_rows); !s.ok()) return s;  // before copying anything
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
    if (Status s = call::check_rows(m, std::span<const double>(packed), n_rows); !s.ok()) return s;
    try {
        resp.mutable_cluster_indexes()->Resize(static_cast<int>(n_rows), 0);
        return call::labels(m, call::Deadline(ctx), std::span<const double>(packed), n_rows,
                            resp.mutable_cluster_indexes()->mutable_data());
    } catch (const std::exception& e) {
        return call::internal("ml.ClusteringService/PredictBatch", e);
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

/// The outputs a v1 request asks for (its default output when it names none), or
/// INVALID_ARGUMENT naming those the model has.
Status requested_outputs(const ModelInfo& info, const v1::PredictRequest& req, std::vector<Output>& wanted) {
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

/// Fills `output` of the response for every row (`values`: packed rows or SparseRows).
template <class Rows>
Status answer(const ServedVersion& m, const call::Deadline& deadline, Output output, const Rows& values, std::size_t n_rows,
              v1::PredictResponse& resp) {
    const std::size_t width = m.info().width(output);
    auto matrix = [&](google::protobuf::RepeatedField<double>* field, auto set_width) -> Status {
        field->Resize(static_cast<int>(n_rows * width), 0.0);
        set_width(static_cast<std::uint32_t>(width));
        return call::matrix(m, deadline, output, values, n_rows, field->mutable_data());
    };
    switch (output) {
        case Output::labels:
            resp.mutable_labels()->Resize(static_cast<int>(n_rows), 0);
            return call::labels(m, deadline, values, n_rows, resp.mutable_labels()->mutable_data());
        case Output::distances: {
            // From the labels already answered (requested_outputs puts labels first), if any.
            const bool have_labels = resp.labels_size() == static_cast<int>(n_rows);
            resp.mutable_distances()->Resize(static_cast<int>(n_rows), 0.0);
            return call::distances(m, deadline, values, n_rows, have_labels ? resp.labels().data() : nullptr,
                                   resp.mutable_distances()->mutable_data());
        }
        case Output::values: return matrix(resp.mutable_values(), [&](std::uint32_t w) { resp.set_n_values(w); });
        case Output::probabilities:
            return matrix(resp.mutable_probabilities(), [&](std::uint32_t w) { resp.set_n_probabilities(w); });
        case Output::transformed:
            return matrix(resp.mutable_transformed(), [&](std::uint32_t w) { resp.set_n_transformed(w); });
    }
    return Status::OK;
}

}  // namespace

Status Handlers::predict(grpc::ServerContextBase& ctx, const v1::PredictRequest& req, v1::PredictResponse& resp) const {
    std::shared_ptr<const ServedVersion> served;
    if (Status s = call::find(repository_, req.model_name(), req.model_version(), served); !s.ok()) return s;
    const ServedVersion& m = *served;
    const std::size_t d = m.info().n_features;
    const std::size_t n_rows = req.n_rows();
    if (req.f64_size() > 0 && req.f32_size() > 0) return invalid("set either f64 or f32, not both");
    const std::size_t found = static_cast<std::size_t>(req.f64_size() > 0 ? req.f64_size() : req.f32_size());
    if (req.has_sparse() && found > 0) return invalid("set either dense rows (f64 or f32) or sparse rows, not both");
    if (!req.has_sparse() && n_rows != 0 && found != n_rows * d) {
        return invalid("bad packed length: " + std::to_string(n_rows) + " rows x " + std::to_string(d) +
                       " features need " + std::to_string(n_rows * d) + " values, found " + std::to_string(found));
    }
    if (n_rows == 0 && found != 0) return invalid("n_rows is 0 but " + std::to_string(found) + " values were sent");
    std::vector<Output> wanted;
    if (Status s = requested_outputs(m.info(), req, wanted); !s.ok()) return s;
    auto handle = [&](const auto& rows) -> Status {
        for (const Output output : wanted) {
            if (Status s = answer(m, call::Deadline(ctx), output, rows, n_rows, resp); !s.ok()) return s;
        }
        resp.set_model_name(m.name);
        resp.set_model_version(m.version);
        return Status::OK;
    };
    try {
        if (req.has_sparse()) {
            const auto& sparse = req.sparse();
            std::optional<SparseRows> rows;
            if (Status s = call::check_rows(m, {sparse.offsets().data(), std::size_t(sparse.offsets_size())},
                                            {sparse.indices().data(), std::size_t(sparse.indices_size())},
                                            {sparse.values().data(), std::size_t(sparse.values_size())}, n_rows, rows);
                !s.ok()) {
                return s;
            }
            return handle(*rows);
        }
        auto dense = [&](auto values) -> Status {
            if (Status s = call::check_rows(m, values, n_rows); !s.ok()) return s;
            return handle(values);
        };
        if (req.f32_size() > 0) return dense(std::span<const float>(req.f32().data(), found));
        return dense(std::span<const double>(req.f64().data(), found));
    } catch (const std::exception& e) {
        return call::internal("linfa.serving.v1.ModelService/Predict", e);
    }
}

Status Handlers::metadata(const v1::GetModelMetadataRequest& req, v1::ModelMetadata& resp) const {
    std::shared_ptr<const ServedVersion> served;
    if (Status s = call::find(repository_, req.model_name(), req.model_version(), served); !s.ok()) return s;
    const ServedVersion& m = *served;
    const ModelInfo& info = m.info();
    resp.set_name(m.name);
    resp.set_version(std::to_string(m.version));
    resp.set_kind(info.kind);
    resp.set_scalar(info.scalar);
    resp.set_n_features(static_cast<std::uint32_t>(info.n_features));
    for (const auto& name : m.settings->feature_names) resp.add_feature_names(name);
    for (auto extent : info.shape) resp.add_shape(extent);
    resp.set_n_clusters(static_cast<std::uint32_t>(info.n_clusters));
    resp.set_task(info.task);
    for (const auto& step : info.steps) resp.add_steps(step);
    for (const auto& spec : info.outputs) {
        auto* out = resp.add_outputs();
        out->set_output(to_wire(spec.output));
        out->set_width(static_cast<std::uint32_t>(spec.width));
    }
    resp.mutable_limits()->set_max_rows_per_request(m.max_rows);
    resp.mutable_limits()->set_max_message_bytes(config_.limits.max_message_bytes);
    resp.mutable_limits()->set_max_concurrent_streams(config_.limits.max_concurrent_streams);
    resp.mutable_limits()->set_max_inflight_calls(config_.limits.max_inflight_calls);
    const auto set = repository_.served();
    if (const auto versions = set->models.find(m.name); versions != set->models.end()) {
        for (const auto& [version, ignored] : versions->second) resp.add_versions(version);
    }
    return Status::OK;
}

Status Handlers::list_models(const v1::ListModelsRequest&, v1::ModelList& resp) const {
    const auto set = repository_.served();
    for (const auto& [name, versions] : set->models) {
        auto* entry = resp.add_models();
        entry->set_name(name);
        for (const auto& [version, ignored] : versions) entry->add_versions(version);
    }
    resp.set_default_model(repository_.default_model());
    return Status::OK;
}

}  // namespace linfa::serve
