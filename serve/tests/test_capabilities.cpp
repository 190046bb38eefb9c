// Serving by capability, for every model of the model list (linfa::Models): the metadata
// states the task and the outputs; Predict answers each output the model has exactly as the
// model itself answers (labels, values, transformed rows, probabilities), for f64 and f32 rows;
// asking for an output the model lacks is INVALID_ARGUMENT naming those it has; the seed's
// ml.ClusteringService is offered for models that answer labels (clusters or classes) only;
// a pipeline's metadata lists the model kinds of its steps.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <linfa/models.hpp>

#include "fixtures.hpp"

using namespace serve_test;

namespace {

/// Every output the model itself gives for `x`, by wire output, as row-major doubles.
template <class M>
std::map<int, std::vector<double>> reference_outputs(const M& model, const linfa::Matrix<typename linfa::model_io<M>::scalar_type>& x) {
    using F = typename linfa::model_io<M>::scalar_type;
    const linfa::DatasetView<F> view(x);
    std::map<int, std::vector<double>> out;
    auto flat = [](const auto& m) {
        std::vector<double> values;
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            for (Eigen::Index j = 0; j < m.cols(); ++j) values.push_back(double(m(i, j)));
        }
        return values;
    };
    if constexpr (linfa::PredictInplace<M, linfa::DatasetView<F>, linfa::Labels>) out[v1::LABELS] = flat(model.predict(view));
    else if constexpr (linfa::Predict<M, linfa::DatasetView<F>>) out[v1::VALUES] = flat(model.predict(view));
    if constexpr (linfa::Transformer<M, linfa::DatasetView<F>>) out[v1::TRANSFORMED] = flat(model.transform(view));
    if constexpr (linfa::PredictProba<M, linfa::DatasetView<F>>) out[v1::PROBABILITIES] = flat(model.predict_proba(view));
    return out;
}

std::vector<double> answered(const v1::PredictResponse& resp, int output) {
    switch (output) {
        case v1::LABELS: return {resp.labels().begin(), resp.labels().end()};
        case v1::VALUES: return {resp.values().begin(), resp.values().end()};
        case v1::TRANSFORMED: return {resp.transformed().begin(), resp.transformed().end()};
        case v1::PROBABILITIES: return {resp.probabilities().begin(), resp.probabilities().end()};
        default: return {};
    }
}

/// The Open Inference Protocol's name of a v1 output.
std::string oip_name(int output) {
    switch (output) {
        case v1::LABELS: return "labels";
        case v1::VALUES: return "values";
        case v1::TRANSFORMED: return "transformed";
        case v1::PROBABILITIES: return "probabilities";
        default: return "distances";
    }
}

/// ModelInfer of `rows` (FP64, n x 4) asking for `output` alone: its values, as doubles.
std::vector<double> oip_answer(const ServerProcess& server, const std::vector<double>& rows, int output) {
    inference::ModelInferRequest req;
    auto* input = req.add_inputs();
    input->set_name("input");
    input->set_datatype("FP64");
    input->add_shape(std::int64_t(rows.size() / 4));
    input->add_shape(4);
    input->mutable_contents()->mutable_fp64_contents()->Add(rows.begin(), rows.end());
    req.add_outputs()->set_name(oip_name(output));
    inference::ModelInferResponse resp;
    const auto status = inference::GRPCInferenceService::NewStub(channel_to(server))->ModelInfer(context().get(), req, &resp);
    REQUIRE(status.ok());
    REQUIRE(resp.outputs_size() == 1);
    const auto& c = resp.outputs(0).contents();
    CHECK(resp.outputs(0).name() == oip_name(output));
    if (output == v1::LABELS) return {c.int_contents().begin(), c.int_contents().end()};
    return {c.fp64_contents().begin(), c.fp64_contents().end()};
}

template <class M>
void check_served(const std::string& stem) {
    using F = typename linfa::model_io<M>::scalar_type;
    CAPTURE(stem);
    const auto data = linfa::example_dataset<F>(200, 4, 17);
    const M model = linfa::model_example<M>::params().fit(data.view());
    const std::string path = work_path(stem + ".linfa");
    linfa::save(model, path);
    ServerProcess server(LINFA_SERVE_EXE, {"--model", path});

    v1::ModelMetadata meta;
    REQUIRE(v1::ModelService::NewStub(channel_to(server))->GetModelMetadata(context().get(), v1::GetModelMetadataRequest(), &meta).ok());
    CHECK(meta.kind() == linfa::model_io<M>::kind);
    const std::vector<std::string> steps(meta.steps().begin(), meta.steps().end());
    if constexpr (requires { model.step_kinds(); }) {
        CHECK(steps == model.step_kinds());  // a pipeline lists its models in order
    } else {
        CHECK(steps.empty());
    }
    auto queries = linfa::example_dataset<F>(300, 4, 23);
    for (Eigen::Index i = 0; i < queries.records.size(); i += 3) queries.records.data()[i] = F(0);  // some zeros, for the sparse rows
    const auto expected = reference_outputs(model, queries.records);
    REQUIRE(meta.outputs_size() >= int(expected.size()));
    for (const auto& entry : expected) {  // no structured binding: clang 14 cannot CAPTURE one
        const int output = entry.first;
        const std::vector<double>& values = entry.second;
        CAPTURE(output);
        bool listed = false;
        for (const auto& spec : meta.outputs()) listed |= spec.output() == output;
        CHECK(listed);
        const std::vector<double> rows(queries.records.data(), queries.records.data() + queries.records.size());
        for (const bool as_f32 : {false, true}) {
            if (as_f32 && !std::is_same_v<F, float>) continue;  // f32 rows are exact only for an f32 model
            auto req = packed_f64(rows, 300);
            if (as_f32) {
                req.clear_f64();
                for (double v : rows) req.add_f32(float(v));
            }
            req.add_outputs(v1::Output(output));
            v1::PredictResponse resp;
            REQUIRE(linfa_predict(server, req, resp).ok());
            CHECK(answered(resp, output) == values);  // bit for bit what the model answers
        }
        CHECK(oip_answer(server, rows, output) == values);  // the same through the Open Inference Protocol

        // The same rows sent sparse: the same answer. Models with sparse methods (K-Means, the
        // linear models) compute on the sparse rows (K-Means' distances through
        // ||x||^2 - 2 x.c + ||c||^2, linear scores summed in double: the same labels, the same
        // values to rounding); the others get them made dense (bit for bit).
        auto sparse = sparse_request(rows, 300, 4);
        sparse.add_outputs(v1::Output(output));
        v1::PredictResponse sparse_resp;
        REQUIRE(linfa_predict(server, sparse, sparse_resp).ok());
        const std::vector<double> from_sparse = answered(sparse_resp, output);
        REQUIRE(from_sparse.size() == values.size());
        const double tolerance = std::is_same_v<F, float> ? 1e-4 : 1e-9;
        for (std::size_t i = 0; i < values.size(); ++i) CHECK(from_sparse[i] == doctest::Approx(values[i]).epsilon(tolerance).scale(1.0));
    }
    // The default output: the first listed.
    v1::PredictResponse plain;
    REQUIRE(linfa_predict(server, packed_f64(std::vector<double>(4, 0.5), 1), plain).ok());
    CHECK(!answered(plain, meta.outputs(0).output()).empty());

    const bool labels = expected.count(v1::LABELS) != 0;
    const char* task = expected.count(v1::PROBABILITIES) ? "classification"
                       : labels                           ? "clustering"
                       : expected.count(v1::VALUES)       ? "regression"
                                                          : "transformation";
    CHECK(meta.task() == task);
    ml::PredictRequest seed;
    for (int f = 0; f < 4; ++f) seed.add_features(0.5);
    ml::PredictResponse seed_resp;
    const auto seed_status = ml::ClusteringService::NewStub(channel_to(server))->Predict(context().get(), seed, &seed_resp);
    CHECK(seed_status.ok() == labels);  // the seed's service answers labels, of clusters or classes
    if (!labels) CHECK(seed_status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
    // An output the model lacks.
    auto lacking = packed_f64(std::vector<double>(4, 0.5), 1);
    lacking.add_outputs(labels ? v1::VALUES : v1::LABELS);
    v1::PredictResponse refused;
    const auto status = linfa_predict(server, lacking, refused);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("; it answers ") != std::string::npos);
    auto unknown = packed_f64(std::vector<double>(4, 0.5), 1);
    unknown.add_outputs(v1::Output(9));
    const auto unknown_status = linfa_predict(server, unknown, refused);
    CHECK(unknown_status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(unknown_status.error_message() == "unknown output 9");
    CHECK(server.stop() == 0);
}

}  // namespace

TEST_CASE("every listed model is served by capability and answers what the model answers") {
    linfa::Models::for_each([](auto type) {
        using M = typename decltype(type)::type;
        std::string stem = "listed_" + std::string(linfa::model_io<M>::kind) + "_" +
                           std::string(linfa::scalar_name<typename linfa::model_io<M>::scalar_type>());
        check_served<M>(stem);
    });
}
