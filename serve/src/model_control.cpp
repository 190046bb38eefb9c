#include "model_control.hpp"

#include <stdexcept>
#include <string>

namespace linfa::serve {

using grpc::Status;
using grpc::StatusCode;

Status ModelControl::refuse_unless_allowed() const {
    if (allowed_) return Status::OK;
    return Status(StatusCode::PERMISSION_DENIED,
                  "model control is off: linfa-serve loads and unloads models on request only with --allow-model-control");
}

Status ModelControl::index(const inference::RepositoryIndexRequest& req, inference::RepositoryIndexResponse& resp) const {
    if (Status s = refuse_unless_allowed(); !s.ok()) return s;
    for (const IndexEntry& entry : repository_.index()) {
        if (req.ready() && !entry.ready) continue;
        auto* model = resp.add_models();
        model->set_name(entry.name);
        if (entry.version != 0) model->set_version(std::to_string(entry.version));
        model->set_state(entry.ready ? "READY" : "UNAVAILABLE");
        model->set_reason(entry.reason);
    }
    return Status::OK;
}

Status ModelControl::load(const inference::RepositoryModelLoadRequest& req, inference::RepositoryModelLoadResponse&) const {
    if (Status s = refuse_unless_allowed(); !s.ok()) return s;
    if (!valid_model_name(req.model_name())) {
        return Status(StatusCode::INVALID_ARGUMENT, "'" + req.model_name() + "' is not a model name (1-64 of A-Z a-z 0-9 _ . -)");
    }
    try {
        repository_.load_model(req.model_name());
    } catch (const std::invalid_argument& e) {
        return Status(StatusCode::NOT_FOUND, e.what());
    } catch (const std::runtime_error& e) {
        return Status(StatusCode::FAILED_PRECONDITION, std::string("model '") + req.model_name() + "' not loaded: " + e.what());
    }
    return Status::OK;
}

Status ModelControl::unload(const inference::RepositoryModelUnloadRequest& req, inference::RepositoryModelUnloadResponse&) const {
    if (Status s = refuse_unless_allowed(); !s.ok()) return s;
    try {
        repository_.unload_model(req.model_name());
    } catch (const std::invalid_argument& e) {
        return Status(StatusCode::NOT_FOUND, e.what());
    }
    return Status::OK;
}

}  // namespace linfa::serve
