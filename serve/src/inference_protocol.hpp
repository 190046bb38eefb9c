// The Open Inference Protocol (KServe v2) over gRPC: inference.GRPCInferenceService on the
// same repository and with the same checks as linfa.serving.v1. A model takes one input
// tensor, "input": FP32 or FP64, shape [rows, n_features], in contents or as raw bytes. Its
// outputs are named by capability ("labels" INT32 [rows], "values", "probabilities",
// "transformed" FP64 [rows, width], "distances" FP64 [rows]); a request that names none gets
// the model's default output. Raw input data gets raw output data.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "grpc_predict_v2.pb.h"
#include "model_call.hpp"
#include "repository.hpp"

namespace linfa::serve {

class InferenceProtocol {
public:
    explicit InferenceProtocol(const Repository& repository) : repository_(repository) {}

    grpc::Status server_live(const inference::ServerLiveRequest& req, inference::ServerLiveResponse& resp) const;
    grpc::Status server_ready(const inference::ServerReadyRequest& req, inference::ServerReadyResponse& resp) const;
    grpc::Status model_ready(const inference::ModelReadyRequest& req, inference::ModelReadyResponse& resp) const;
    grpc::Status server_metadata(const inference::ServerMetadataRequest& req, inference::ServerMetadataResponse& resp) const;
    grpc::Status model_metadata(const inference::ModelMetadataRequest& req, inference::ModelMetadataResponse& resp) const;
    /// Also the REST binding's, which converts its JSON to and from these messages.
    grpc::Status model_infer(const call::Deadline& deadline, const inference::ModelInferRequest& req,
                             inference::ModelInferResponse& resp) const;

private:
    const Repository& repository_;
};

/// The version a protocol request names ("" is the highest served); NOT_FOUND or
/// INVALID_ARGUMENT when there is none.
grpc::Status find_version(const Repository& repository, const std::string& name, const std::string& version,
                          std::shared_ptr<const ServedVersion>& out);

}  // namespace linfa::serve
