// The work behind every RPC, independent of the gRPC API style (sync or callback): validate
// the request, honour its deadline, run the model, fill the response. Each handler returns
// the call's status; INVALID_ARGUMENT messages say what was expected and what was found.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <vector>

#include "centroids.pb.h"
#include "config.hpp"
#include "linfa_serving.pb.h"
#include "servable.hpp"

namespace linfa::serve {

namespace v1 = ::linfa::serving::v1;

class Handlers {
public:
    Handlers(const ServableModel& model, const ServeConfig& config) : model_(model), config_(config) {}

    // ml.ClusteringService (the seed benchmark's API): one point, or a list of observations.
    grpc::Status seed_predict(grpc::ServerContextBase& ctx, const ml::PredictRequest& req,
                              ml::PredictResponse& resp) const;
    grpc::Status seed_predict_batch(grpc::ServerContextBase& ctx, const ml::PredictBatchRequest& req,
                                    ml::PredictBatchResponse& resp) const;

    // linfa.serving.v1.ModelService: packed rows, and the model's metadata.
    grpc::Status predict(grpc::ServerContextBase& ctx, const v1::PredictRequest& req, v1::PredictResponse& resp) const;
    grpc::Status metadata(const v1::GetModelMetadataRequest& req, v1::ModelMetadata& resp) const;

    /// Whether the seed's ml.ClusteringService applies: the model answers labels.
    bool serves_labels() const { return model_.info().has(Output::labels); }

private:
    grpc::Status check_count(std::size_t n_rows) const;
    /// Count limits, then every value finite and representable in the model's scalar type.
    template <class T>
    grpc::Status check_rows(std::span<const T> values, std::size_t n_rows) const;
    template <class T>
    grpc::Status run(grpc::ServerContextBase& ctx, std::span<const T> values, std::size_t n_rows,
                     bool want_distances, std::int32_t* labels, double* distances) const;
    /// Calls fn(slice of rows, first row, row count) slice by slice, checking the deadline.
    template <class T, class Fn>
    grpc::Status run_rows(grpc::ServerContextBase& ctx, std::span<const T> values, std::size_t n_rows, Fn&& fn) const;
    /// The outputs a v1 request asks for (its default output when it names none), or
    /// INVALID_ARGUMENT naming those the model has.
    grpc::Status requested_outputs(const v1::PredictRequest& req, std::vector<Output>& wanted) const;
    /// Fills `output` of the response for every row.
    template <class T>
    grpc::Status answer(grpc::ServerContextBase& ctx, Output output, std::span<const T> values, std::size_t n_rows,
                        v1::PredictResponse& resp) const;

    const ServableModel& model_;
    const ServeConfig& config_;
};

}  // namespace linfa::serve
