#include "services.hpp"

#include <chrono>
#include <functional>
#include <utility>

#include <grpcpp/support/proto_buffer_reader.h>

#include "centroids.grpc.pb.h"
#include "grpc_predict_v2.grpc.pb.h"
#include "linfa_serving.grpc.pb.h"
#include "model_call.hpp"

namespace linfa::serve {
namespace {

using grpc::ByteBuffer;
using grpc::Status;
using grpc::StatusCode;

/// One method over raw bytes: parses the request, runs the handler, serialises the answer.
using RawMethod = std::function<Status(grpc::ServerContextBase&, const ByteBuffer&, ByteBuffer&)>;

struct MethodDef {
    const char* path;  ///< "/package.Service/Method" (a literal: grpc keeps the pointer)
    RawMethod run;
};

template <class Request>
Status parse(const ByteBuffer& bytes, Request& request) {
    if (!bytes.Valid()) {  // the stream ended before a whole gRPC message (e.g. shorter than its prefix)
        return Status(StatusCode::INVALID_ARGUMENT, "malformed request: the call carried no complete message");
    }
    grpc::ProtoBufferReader reader(const_cast<ByteBuffer*>(&bytes));  // reads only
    if (reader.status().ok() && request.ParseFromZeroCopyStream(&reader)) return Status::OK;
    return Status(StatusCode::INVALID_ARGUMENT, "malformed request: " + std::to_string(bytes.Length()) +
                                                    " bytes that do not parse as a " + request.GetTypeName() + " message");
}

/// Wraps a typed handler `Status(ctx, const Request&, Response&)`.
template <class Request, class Response, class Handler>
RawMethod raw(Handler handler) {
    return [handler](grpc::ServerContextBase& ctx, const ByteBuffer& in, ByteBuffer& out) -> Status {
        Request request;
        if (Status s = parse(in, request); !s.ok()) return s;
        Response response;
        if (Status s = handler(ctx, request, response); !s.ok()) return s;
        bool own_buffer = false;
        return grpc::SerializationTraits<Response>::Serialize(response, &out, &own_buffer);
    };
}

/// Runs a method as one recorded call.
Status run_method(const MethodDef& method, grpc::ServerContextBase& ctx, const ByteBuffer& in, ByteBuffer& out) {
    return call::recorded("grpc", method.path, [&] { return method.run(ctx, in, out); });
}

/// A call refused by the in-flight cap, in the metrics (it reached no model).
Status refuse_busy(const MethodDef& method, const CallGate& gate) { return call::refused("grpc", method.path, gate.busy()); }

/// ml.ClusteringService (the seed's; when the default model answers labels),
/// linfa.serving.v1.ModelService and the Open Inference Protocol's inference.GRPCInferenceService.
std::vector<std::pair<std::string, std::vector<MethodDef>>> method_table(const Handlers& h, const InferenceProtocol& oip,
                                                                        const ModelControl& control) {
    const Handlers* hp = &h;
    const InferenceProtocol* op = &oip;
    const ModelControl* cp = &control;
    std::vector<std::pair<std::string, std::vector<MethodDef>>> table{
        {"ml.ClusteringService",
         {{"/ml.ClusteringService/Predict",
           raw<ml::PredictRequest, ml::PredictResponse>([hp](auto& ctx, auto& req, auto& resp) { return hp->seed_predict(ctx, req, resp); })},
          {"/ml.ClusteringService/PredictBatch",
           raw<ml::PredictBatchRequest, ml::PredictBatchResponse>(
               [hp](auto& ctx, auto& req, auto& resp) { return hp->seed_predict_batch(ctx, req, resp); })}}},
        {"linfa.serving.v1.ModelService",
         {{"/linfa.serving.v1.ModelService/Predict",
           raw<v1::PredictRequest, v1::PredictResponse>([hp](auto& ctx, auto& req, auto& resp) { return hp->predict(ctx, req, resp); })},
          {"/linfa.serving.v1.ModelService/GetModelMetadata",
           raw<v1::GetModelMetadataRequest, v1::ModelMetadata>(
               [hp](auto&, auto& req, auto& resp) { return hp->metadata(req, resp); })},
          {"/linfa.serving.v1.ModelService/ListModels",
           raw<v1::ListModelsRequest, v1::ModelList>([hp](auto&, auto& req, auto& resp) { return hp->list_models(req, resp); })}}},
        {"inference.GRPCInferenceService",
         {{"/inference.GRPCInferenceService/ServerLive",
           raw<inference::ServerLiveRequest, inference::ServerLiveResponse>(
               [op](auto&, auto& req, auto& resp) { return op->server_live(req, resp); })},
          {"/inference.GRPCInferenceService/ServerReady",
           raw<inference::ServerReadyRequest, inference::ServerReadyResponse>(
               [op](auto&, auto& req, auto& resp) { return op->server_ready(req, resp); })},
          {"/inference.GRPCInferenceService/ModelReady",
           raw<inference::ModelReadyRequest, inference::ModelReadyResponse>(
               [op](auto&, auto& req, auto& resp) { return op->model_ready(req, resp); })},
          {"/inference.GRPCInferenceService/ServerMetadata",
           raw<inference::ServerMetadataRequest, inference::ServerMetadataResponse>(
               [op](auto&, auto& req, auto& resp) { return op->server_metadata(req, resp); })},
          {"/inference.GRPCInferenceService/ModelMetadata",
           raw<inference::ModelMetadataRequest, inference::ModelMetadataResponse>(
               [op](auto&, auto& req, auto& resp) { return op->model_metadata(req, resp); })},
          {"/inference.GRPCInferenceService/ModelInfer",
           raw<inference::ModelInferRequest, inference::ModelInferResponse>(
               [op](auto& ctx, auto& req, auto& resp) { return op->model_infer(call::Deadline(ctx), req, resp); })},
          {"/inference.GRPCInferenceService/RepositoryIndex",
           raw<inference::RepositoryIndexRequest, inference::RepositoryIndexResponse>(
               [cp](auto&, auto& req, auto& resp) { return cp->index(req, resp); })},
          {"/inference.GRPCInferenceService/RepositoryModelLoad",
           raw<inference::RepositoryModelLoadRequest, inference::RepositoryModelLoadResponse>(
               [cp](auto&, auto& req, auto& resp) { return cp->load(req, resp); })},
          {"/inference.GRPCInferenceService/RepositoryModelUnload",
           raw<inference::RepositoryModelUnloadRequest, inference::RepositoryModelUnloadResponse>(
               [cp](auto&, auto& req, auto& resp) { return cp->unload(req, resp); })}}},
    };
    if (!h.serves_labels()) table.erase(table.begin());
    return table;
}

// ---- callback API: finish the call inline on the thread that received it ----

/// A reactor that holds its call's slot in the gate until grpc is done with the call.
class GatedReactor final : public grpc::ServerUnaryReactor {
public:
    explicit GatedReactor(CallGate& gate) : gate_(gate) {}
    void OnDone() override {
        gate_.leave();
        delete this;
    }
    // OnDone is trivial, so grpc may run it inline on the thread that completed the call
    // rather than queue it on an executor: the slot is free as soon as the answer is sent
    // (grpc's DefaultReactor does the same; the hook is documented as for such reactors).
    bool InternalInlineable() override { return true; }

private:
    CallGate& gate_;
};

class CallbackService final : public grpc::Service {
public:
    CallbackService(std::vector<MethodDef> methods, CallGate& gate) : methods_(std::move(methods)), gate_(gate) {
        for (std::size_t i = 0; i < methods_.size(); ++i) {
            AddMethod(new grpc::internal::RpcServiceMethod(methods_[i].path, grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
            MarkMethodRawCallback(static_cast<int>(i), new grpc::internal::CallbackUnaryHandler<ByteBuffer, ByteBuffer>(
                                                           [this, i](grpc::CallbackServerContext* ctx, const ByteBuffer* in,
                                                                     ByteBuffer* out) { return serve(methods_[i], *ctx, *in, *out); }));
        }
    }

private:
    grpc::ServerUnaryReactor* serve(const MethodDef& method, grpc::CallbackServerContext& ctx, const ByteBuffer& in,
                                    ByteBuffer& out) {
        if (!gate_.limited()) {
            grpc::ServerUnaryReactor* reactor = ctx.DefaultReactor();
            reactor->Finish(run_method(method, ctx, in, out));
            return reactor;
        }
        if (!gate_.try_enter()) {
            grpc::ServerUnaryReactor* reactor = ctx.DefaultReactor();
            reactor->Finish(refuse_busy(method, gate_));
            return reactor;
        }
        auto* reactor = new GatedReactor(gate_);  // deletes itself in OnDone
        reactor->Finish(run_method(method, ctx, in, out));
        return reactor;
    }

    std::vector<MethodDef> methods_;
    CallGate& gate_;
};

// ---- sync API: grpc's thread pool calls these and sends the answer ----

class SyncService final : public grpc::Service {
public:
    SyncService(std::vector<MethodDef> methods, CallGate& gate) : methods_(std::move(methods)), gate_(gate) {
        for (std::size_t i = 0; i < methods_.size(); ++i) {
            AddMethod(new grpc::internal::RpcServiceMethod(
                methods_[i].path, grpc::internal::RpcMethod::NORMAL_RPC,
                new grpc::internal::RpcMethodHandler<SyncService, ByteBuffer, ByteBuffer>(
                    [i](SyncService* self, grpc::ServerContext* ctx, const ByteBuffer* in, ByteBuffer* out) {
                        return self->serve(self->methods_[i], *ctx, *in, *out);
                    },
                    this)));
        }
    }

private:
    Status serve(const MethodDef& method, grpc::ServerContext& ctx, const ByteBuffer& in, ByteBuffer& out) {
        if (!gate_.try_enter()) return refuse_busy(method, gate_);
        Status status = run_method(method, ctx, in, out);
        gate_.leave();
        return status;
    }

    std::vector<MethodDef> methods_;
    CallGate& gate_;
};

}  // namespace

Status CallGate::busy() const {
    return Status(StatusCode::RESOURCE_EXHAUSTED, "server busy: " + std::to_string(cap_) +
                                                      " calls in flight, which is the limit (limits.max_inflight_calls); retry later");
}

Services make_services(const Handlers& handlers, const InferenceProtocol& protocol, const ModelControl& control,
                       const ServeConfig& config) {
    Services services;
    services.gate = std::make_unique<CallGate>(config.limits.max_inflight_calls);
    for (auto& [name, methods] : method_table(handlers, protocol, control)) {
        if (config.api == "sync") services.list.push_back(std::make_unique<SyncService>(std::move(methods), *services.gate));
        else services.list.push_back(std::make_unique<CallbackService>(std::move(methods), *services.gate));
    }
    return services;
}

}  // namespace linfa::serve
