// Fuzz target "serve_request": one target for the prediction RPCs of linfa-serve. The first
// byte picks the RPC (bit 3 set: the Open Inference Protocol's ModelInfer; else bits 0-1:
// ml.ClusteringService Predict, ml.ClusteringService PredictBatch, linfa.serving.v1 Predict,
// linfa.serving.v1 GetModelMetadata) and the model it runs against (bit 2: the f32 model, 3
// clusters x 2 features, or the f64 model, 4 clusters x 3 features; see serve_fixture.hpp);
// the other bytes are the serialized request message, decoded with ParseFromArray as the
// server's transport would. The handler (serve/src/handlers.cpp, inference_protocol.cpp) is
// called directly with a default grpc::ServerContext (no deadline, never cancelled).
//
// Findings: a crash, a hang, a leak or undefined behaviour; a status other than OK,
// INVALID_ARGUMENT or NOT_FOUND (nothing here can expire, and INTERNAL means validation let
// through something the model refused); an OK answer whose labels are not the ones linfa's own
// predict gives for the same rows, or whose distances are NaN or negative. (+inf is accepted:
// rows far from every centroid, |x| above about 1e19 for the f32 model and 1e154 for the f64
// one, have squared distances that overflow; the server does not refuse such rows.)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include <grpcpp/server_context.h>

#include "serve_fixture.hpp"

namespace {

[[noreturn]] void finding(const char* what, const grpc::Status& status = grpc::Status::OK) {
    std::fprintf(stderr, "fuzz_serve_request: %s (status %d: %s)\n", what, int(status.error_code()),
                 status.error_message().c_str());
    std::abort();
}

/// Refusals are INVALID_ARGUMENT, or NOT_FOUND for a model or version not served (a request
/// may name any), always with a reason.
void check_status(const grpc::Status& status) {
    const auto code = status.error_code();
    if (!status.ok() && code != grpc::StatusCode::INVALID_ARGUMENT && code != grpc::StatusCode::NOT_FOUND) {
        finding("unexpected status", status);
    }
    if (!status.ok() && status.error_message().empty()) finding("a refusal without a reason", status);
}

/// The labels linfa itself gives for `values` (row-major, the model's width), converted to
/// the model's scalar type as the server does.
template <class F, class T>
std::vector<std::int32_t> expected_labels(const linfa::clustering::KMeans<F>& model, std::span<const T> values) {
    std::vector<F> converted(values.begin(), values.end());
    const auto d = static_cast<Eigen::Index>(model.n_features());
    const auto n = static_cast<Eigen::Index>(converted.size()) / d;
    const linfa::Labels labels = model.predict(linfa::DatasetView<F>(linfa::MatrixView<F>(converted.data(), n, d)));
    return {labels.data(), labels.data() + labels.size()};
}

template <class F, class T>
void check_labels(const linfa::clustering::KMeans<F>& model, std::span<const T> values, std::span<const std::int32_t> labels) {
    if (labels.size() * model.n_features() != values.size()) finding("wrong number of labels");
    const auto expected = expected_labels(model, values);
    if (!std::equal(expected.begin(), expected.end(), labels.begin())) finding("labels differ from linfa's predict");
}

template <class F>
void seed_predict(linfa_fuzz::Served<F>& s, const std::uint8_t* data, std::size_t size) {
    ml::PredictRequest req;
    if (!req.ParseFromArray(data, static_cast<int>(size))) return;  // the transport refuses it
    ml::PredictResponse resp;
    grpc::ServerContext ctx;
    const grpc::Status status = s.handlers.seed_predict(ctx, req, resp);
    check_status(status);
    if (!status.ok()) return;
    const std::int32_t label = resp.cluster_index();
    check_labels(s.model, std::span<const double>(req.features().data(), req.features_size()), std::span(&label, 1));
}

template <class F>
void seed_predict_batch(linfa_fuzz::Served<F>& s, const std::uint8_t* data, std::size_t size) {
    ml::PredictBatchRequest req;
    if (!req.ParseFromArray(data, static_cast<int>(size))) return;
    ml::PredictBatchResponse resp;
    grpc::ServerContext ctx;
    const grpc::Status status = s.handlers.seed_predict_batch(ctx, req, resp);
    check_status(status);
    if (!status.ok()) return;
    std::vector<double> packed;
    for (const auto& observation : req.observations()) packed.insert(packed.end(), observation.features().begin(), observation.features().end());
    if (resp.cluster_indexes_size() != req.observations_size()) finding("one label per observation expected");
    check_labels(s.model, std::span<const double>(packed), std::span(resp.cluster_indexes().data(), resp.cluster_indexes_size()));
}

/// Sparse rows answered OK: the labels linfa's own sparse predict gives for them (the request
/// was accepted, so the rows are a valid CSR matrix of the model's width).
template <class F>
void check_sparse_labels(const linfa::clustering::KMeans<F>& model, const linfa::serving::v1::SparseRows& rows,
                         std::span<const std::int32_t> labels) {
    const std::span<const std::int32_t> offsets(rows.offsets().data(), rows.offsets_size()), indices(rows.indices().data(), rows.indices_size());
    const std::vector<F> values(rows.values().begin(), rows.values().end());
    const linfa::CsrView<F, std::int32_t> view(labels.size(), model.n_features(), offsets, indices, values);
    const linfa::Labels expected = model.predict(view);
    if (!std::equal(expected.data(), expected.data() + expected.size(), labels.begin())) finding("labels differ from linfa's sparse predict");
}

template <class F>
void v1_predict(linfa_fuzz::Served<F>& s, const std::uint8_t* data, std::size_t size) {
    linfa::serving::v1::PredictRequest req;
    if (!req.ParseFromArray(data, static_cast<int>(size))) return;
    linfa::serving::v1::PredictResponse resp;
    grpc::ServerContext ctx;
    const grpc::Status status = s.handlers.predict(ctx, req, resp);
    check_status(status);
    if (!status.ok()) return;
    if (resp.model_name() != "fuzz" || resp.model_version() != 1) finding("answered by a model the fixture does not serve");
    // What was asked (linfa.serving.v1 outputs): labels by default, distances with
    // return_distances or DISTANCES, the centroid distances of every row with TRANSFORMED.
    auto asked = [&](int output) { return std::find(req.outputs().begin(), req.outputs().end(), output) != req.outputs().end(); };
    namespace v1 = linfa::serving::v1;
    const bool wants_labels = req.outputs_size() == 0 || asked(v1::LABELS) || asked(v1::OUTPUT_DEFAULT);
    const bool wants_distances = req.return_distances() || asked(v1::DISTANCES);
    const auto n_rows = static_cast<int>(req.n_rows());
    if (!wants_labels) {
        if (resp.labels_size() != 0) finding("labels nobody asked for");
    } else {
        if (resp.labels_size() != n_rows) finding("one label per row expected");
        const std::span<const std::int32_t> labels(resp.labels().data(), resp.labels_size());
        if (req.has_sparse()) {
            check_sparse_labels(s.model, req.sparse(), labels);
        } else if (req.f32_size() > 0) {
            check_labels(s.model, std::span<const float>(req.f32().data(), req.f32_size()), labels);
        } else {
            check_labels(s.model, std::span<const double>(req.f64().data(), req.f64_size()), labels);
        }
    }
    if (asked(v1::TRANSFORMED)) {
        if (resp.n_transformed() != s.model.n_clusters() || resp.transformed_size() != n_rows * resp.n_transformed()) {
            finding("one distance per centroid and row expected");
        }
    } else if (resp.transformed_size() != 0) {
        finding("transformed rows nobody asked for");
    }
    if (resp.values_size() != 0 || resp.probabilities_size() != 0) finding("a K-Means model answered values or probabilities");
    if (!wants_distances) {
        if (resp.distances_size() != 0) finding("distances nobody asked for");
        return;
    }
    if (resp.distances_size() != n_rows) finding("one distance per row expected");
    for (double distance : resp.distances()) {
        if (!(distance >= 0)) finding("a distance is negative or NaN");
    }
}

template <class F>
void v1_metadata(linfa_fuzz::Served<F>& s, const std::uint8_t* data, std::size_t size) {
    linfa::serving::v1::GetModelMetadataRequest req;
    if (!req.ParseFromArray(data, static_cast<int>(size))) return;
    linfa::serving::v1::ModelMetadata resp;
    const grpc::Status status = s.handlers.metadata(req, resp);
    check_status(status);
    if (!status.ok()) return;  // a model or version the fixture does not serve
    if (resp.n_features() != s.model.n_features() || resp.n_clusters() != s.model.n_clusters()) finding("metadata disagrees with the model");
}

/// The rows of an accepted ModelInfer request, as the type its datatype names.
template <class T>
std::vector<T> infer_rows(const inference::ModelInferRequest& req) {
    if (req.raw_input_contents_size() > 0) {
        const std::string& raw = req.raw_input_contents(0);
        std::vector<T> rows(raw.size() / sizeof(T));
        std::memcpy(rows.data(), raw.data(), rows.size() * sizeof(T));
        return rows;
    }
    const auto& c = req.inputs(0).contents();
    if constexpr (std::is_same_v<T, float>) return {c.fp32_contents().begin(), c.fp32_contents().end()};
    else return {c.fp64_contents().begin(), c.fp64_contents().end()};
}

template <class F>
void model_infer(linfa_fuzz::Served<F>& s, const std::uint8_t* data, std::size_t size) {
    inference::ModelInferRequest req;
    if (!req.ParseFromArray(data, static_cast<int>(size))) return;
    inference::ModelInferResponse resp;
    grpc::ServerContext ctx;
    const grpc::Status status = s.protocol.model_infer(linfa::serve::call::Deadline(ctx), req, resp);
    check_status(status);
    if (!status.ok()) return;
    if (resp.model_name() != "fuzz" || resp.model_version() != "1") finding("answered by a model the fixture does not serve");
    const bool raw = req.raw_input_contents_size() > 0;
    if (raw != (resp.raw_output_contents_size() == resp.outputs_size())) finding("raw input without raw output, or the reverse");
    for (int i = 0; i < resp.outputs_size(); ++i) {
        const auto& output = resp.outputs(i);
        const auto& c = output.contents();
        if (output.name() == "labels") {
            std::vector<std::int32_t> labels(c.int_contents().begin(), c.int_contents().end());
            if (raw) {
                labels.resize(resp.raw_output_contents(i).size() / sizeof(std::int32_t));
                std::memcpy(labels.data(), resp.raw_output_contents(i).data(), labels.size() * sizeof(std::int32_t));
            }
            if (req.inputs(0).datatype() == "FP32") check_labels(s.model, std::span<const float>(infer_rows<float>(req)), std::span(labels));
            else check_labels(s.model, std::span<const double>(infer_rows<double>(req)), std::span(labels));
        } else if (output.name() == "distances" && !raw) {
            for (double distance : c.fp64_contents()) {
                if (!(distance >= 0)) finding("a distance is negative or NaN");
            }
        }
    }
}

template <class F>
void dispatch(int rpc, linfa_fuzz::Served<F>& s, const std::uint8_t* data, std::size_t size) {
    if (rpc & 8) return model_infer(s, data, size);
    switch (rpc & 3) {
        case 0: return seed_predict(s, data, size);
        case 1: return seed_predict_batch(s, data, size);
        case 2: return v1_predict(s, data, size);
        default: return v1_metadata(s, data, size);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int rpc = data[0] & 11;
    const bool f64 = (data[0] & 4) != 0;
    if (f64) {
        dispatch(rpc, linfa_fuzz::served_f64(), data + 1, size - 1);
    } else {
        dispatch(rpc, linfa_fuzz::served_f32(), data + 1, size - 1);
    }
    return 0;
}
