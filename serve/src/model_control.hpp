// Explicit model control: the Open Inference Protocol's model repository extension as Triton
// defines it (RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload), for the gRPC
// service and the REST binding alike. Off unless the server runs with --allow-model-control:
// then every call is PERMISSION_DENIED, so a server exposed to clients cannot be emptied by
// one of them by accident.
#pragma once

#include <grpcpp/support/status.h>

#include "grpc_predict_v2.pb.h"
#include "repository.hpp"

namespace linfa::serve {

class ModelControl {
public:
    /// `repository` must outlive this; `allowed`: whether the calls may change anything.
    ModelControl(Repository& repository, bool allowed) : repository_(repository), allowed_(allowed) {}

    /// READY or UNAVAILABLE (with why) for every version served and every model serving none.
    grpc::Status index(const inference::RepositoryIndexRequest& req, inference::RepositoryIndexResponse& resp) const;
    /// NOT_FOUND for a model folder that does not exist, INVALID_ARGUMENT for a bad name,
    /// FAILED_PRECONDITION naming the file and the reason when the model does not load.
    grpc::Status load(const inference::RepositoryModelLoadRequest& req, inference::RepositoryModelLoadResponse& resp) const;
    /// NOT_FOUND for a model not served.
    grpc::Status unload(const inference::RepositoryModelUnloadRequest& req, inference::RepositoryModelUnloadResponse& resp) const;

private:
    grpc::Status refuse_unless_allowed() const;

    Repository& repository_;
    const bool allowed_;
};

}  // namespace linfa::serve
