// Shared by the server tests: model files fitted here with linfa (the reference answers come
// from linfa::load + predict on the same files), config files, and client helpers.
#pragma once

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <linfa/linfa.hpp>

#include "centroids.grpc.pb.h"
#include "grpc_predict_v2.grpc.pb.h"
#include "linfa_serving.grpc.pb.h"
#include "server_process.hpp"

namespace serve_test {

namespace v1 = linfa::serving::v1;

inline std::string work_path(const std::string& name) { return std::string(SERVE_TEST_WORK_DIR) + "/" + name; }

/// Fits K-Means (k clusters, d features) on blobs and saves it once per process.
template <class F>
std::string model_file(std::size_t k, std::size_t d) {
    const std::string path = work_path("model_k" + std::to_string(k) + "_d" + std::to_string(d) + "_" +
                                       std::string(linfa::scalar_name<F>()) + ".linfa");
    static std::vector<std::string> written;
    if (std::find(written.begin(), written.end(), path) != written.end()) return path;
    linfa::Rng rng(3);
    linfa::Matrix<F> centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = F(rng.uniform() * 100 - 50);
    const auto data = linfa::datasets::generate_blobs(50, centres, rng);
    linfa::save(linfa::clustering::KMeans<F>::params_with_rng(k, rng).fit(data), path);
    written.push_back(path);
    return path;
}

/// Writes a TOML config file and returns its path.
inline std::string config_file(const std::string& name, const std::string& toml) {
    const std::string path = work_path(name + ".toml");
    std::ofstream(path) << toml;
    return path;
}

/// Random rows in [-60, 60]^d, row-major.
inline std::vector<double> random_rows(std::size_t n, std::size_t d, unsigned seed = 1) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> value(-60, 60);
    std::vector<double> rows(n * d);
    for (auto& v : rows) v = value(gen);
    return rows;
}

/// What linfa itself predicts for `rows` with the model in `path`.
template <class F, class T>
std::vector<int> reference_labels(const std::string& path, const std::vector<T>& rows) {
    const auto model = linfa::load<linfa::clustering::KMeans<F>>(path);
    std::vector<F> values(rows.begin(), rows.end());
    const auto d = static_cast<Eigen::Index>(model.n_features());
    const linfa::Labels labels =
        model.predict(linfa::DatasetView<F>(linfa::MatrixView<F>(values.data(), Eigen::Index(values.size()) / d, d)));
    return {labels.data(), labels.data() + labels.size()};
}

inline std::shared_ptr<grpc::Channel> channel_to(const ServerProcess& server) {
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(-1);  // let oversized requests reach the server, which must refuse them
    return grpc::CreateCustomChannel(server.address(), grpc::InsecureChannelCredentials(), args);
}

/// A context with a generous deadline, so a hung server fails the test instead of hanging it.
inline std::unique_ptr<grpc::ClientContext> context(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + timeout);
    return ctx;
}

inline v1::PredictRequest packed_f64(const std::vector<double>& rows, std::size_t n_rows) {
    v1::PredictRequest req;
    req.set_n_rows(static_cast<std::uint32_t>(n_rows));
    req.mutable_f64()->Add(rows.begin(), rows.end());
    return req;
}

/// The same rows (n_rows x d, row-major) as a v1 request's sparse rows: the non-zero values.
inline v1::PredictRequest sparse_request(const std::vector<double>& rows, std::size_t n_rows, std::size_t d) {
    v1::PredictRequest req;
    req.set_n_rows(static_cast<std::uint32_t>(n_rows));
    auto* sparse = req.mutable_sparse();
    sparse->add_offsets(0);
    for (std::size_t i = 0; i < n_rows; ++i) {
        for (std::size_t f = 0; f < d; ++f) {
            if (rows[i * d + f] == 0) continue;
            sparse->add_indices(static_cast<std::int32_t>(f));
            sparse->add_values(rows[i * d + f]);
        }
        sparse->add_offsets(sparse->values_size());
    }
    return req;
}

inline grpc::Status linfa_predict(const ServerProcess& server, const v1::PredictRequest& req, v1::PredictResponse& resp) {
    return v1::ModelService::NewStub(channel_to(server))->Predict(context().get(), req, &resp);
}

}  // namespace serve_test
