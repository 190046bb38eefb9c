// The work behind every RPC, independent of the gRPC API style (sync or callback): find the
// model version asked for, validate the request, honour its deadline, run the model, fill the
// response. Each handler returns the call's status; INVALID_ARGUMENT messages say what was
// expected and what was found.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "centroids.pb.h"
#include "config.hpp"
#include "linfa_serving.pb.h"
#include "repository.hpp"
#include "servable.hpp"

namespace linfa::serve {

namespace v1 = ::linfa::serving::v1;

/// Every handler first finds the version its request names (NOT_FOUND when it is not served)
/// and holds it until it returns, so a reload never pulls a model from under a call.
class Handlers {
public:
    Handlers(const Repository& repository, const ServeConfig& config) : repository_(repository), config_(config) {}

    // ml.ClusteringService (the seed benchmark's API), on the default model: one point, or a
    // list of observations.
    grpc::Status seed_predict(grpc::ServerContextBase& ctx, const ml::PredictRequest& req,
                              ml::PredictResponse& resp) const;
    grpc::Status seed_predict_batch(grpc::ServerContextBase& ctx, const ml::PredictBatchRequest& req,
                                    ml::PredictBatchResponse& resp) const;

    // linfa.serving.v1.ModelService: packed rows, a model's metadata, the models served.
    grpc::Status predict(grpc::ServerContextBase& ctx, const v1::PredictRequest& req, v1::PredictResponse& resp) const;
    grpc::Status metadata(const v1::GetModelMetadataRequest& req, v1::ModelMetadata& resp) const;
    grpc::Status list_models(const v1::ListModelsRequest& req, v1::ModelList& resp) const;

    /// Whether the seed's ml.ClusteringService applies: there is a default model and it
    /// answers labels.
    bool serves_labels() const;

private:
    const Repository& repository_;
    const ServeConfig& config_;
};

}  // namespace linfa::serve
