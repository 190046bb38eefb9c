#include "services.hpp"

namespace linfa::serve {
namespace {

// ---- callback API: finish the call inline on the thread that received it ----

template <class Fn>
grpc::ServerUnaryReactor* finish_now(grpc::CallbackServerContext* ctx, Fn&& fn) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(fn());
    return reactor;
}

class SeedCallback final : public ml::ClusteringService::CallbackService {
public:
    explicit SeedCallback(const Handlers& h) : h_(h) {}
    grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* ctx, const ml::PredictRequest* req,
                                      ml::PredictResponse* resp) override {
        return finish_now(ctx, [&] { return h_.seed_predict(*ctx, *req, *resp); });
    }
    grpc::ServerUnaryReactor* PredictBatch(grpc::CallbackServerContext* ctx, const ml::PredictBatchRequest* req,
                                           ml::PredictBatchResponse* resp) override {
        return finish_now(ctx, [&] { return h_.seed_predict_batch(*ctx, *req, *resp); });
    }

private:
    const Handlers& h_;
};

class ModelCallback final : public v1::ModelService::CallbackService {
public:
    explicit ModelCallback(const Handlers& h) : h_(h) {}
    grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* ctx, const v1::PredictRequest* req,
                                      v1::PredictResponse* resp) override {
        return finish_now(ctx, [&] { return h_.predict(*ctx, *req, *resp); });
    }
    grpc::ServerUnaryReactor* GetModelMetadata(grpc::CallbackServerContext* ctx, const v1::GetModelMetadataRequest* req,
                                               v1::ModelMetadata* resp) override {
        return finish_now(ctx, [&] { return h_.metadata(*req, *resp); });
    }

private:
    const Handlers& h_;
};

// ---- sync API: grpc's thread pool calls these and sends the answer ----

class SeedSync final : public ml::ClusteringService::Service {
public:
    explicit SeedSync(const Handlers& h) : h_(h) {}
    grpc::Status Predict(grpc::ServerContext* ctx, const ml::PredictRequest* req, ml::PredictResponse* resp) override {
        return h_.seed_predict(*ctx, *req, *resp);
    }
    grpc::Status PredictBatch(grpc::ServerContext* ctx, const ml::PredictBatchRequest* req,
                              ml::PredictBatchResponse* resp) override {
        return h_.seed_predict_batch(*ctx, *req, *resp);
    }

private:
    const Handlers& h_;
};

class ModelSync final : public v1::ModelService::Service {
public:
    explicit ModelSync(const Handlers& h) : h_(h) {}
    grpc::Status Predict(grpc::ServerContext* ctx, const v1::PredictRequest* req, v1::PredictResponse* resp) override {
        return h_.predict(*ctx, *req, *resp);
    }
    grpc::Status GetModelMetadata(grpc::ServerContext*, const v1::GetModelMetadataRequest* req,
                                  v1::ModelMetadata* resp) override {
        return h_.metadata(*req, *resp);
    }

private:
    const Handlers& h_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> make_services(const Handlers& handlers, const std::string& api) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    if (api == "sync") {
        services.push_back(std::make_unique<SeedSync>(handlers));
        services.push_back(std::make_unique<ModelSync>(handlers));
    } else {
        services.push_back(std::make_unique<SeedCallback>(handlers));
        services.push_back(std::make_unique<ModelCallback>(handlers));
    }
    return services;
}

}  // namespace linfa::serve
