#include "inference_protocol.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "model_call.hpp"

#ifndef LINFA_SERVE_VERSION
#define LINFA_SERVE_VERSION "unknown"
#endif

namespace linfa::serve {
namespace {

using grpc::Status;
using grpc::StatusCode;
using call::invalid;
using Input = inference::ModelInferRequest::InferInputTensor;
using OutputTensor = inference::ModelInferResponse::InferOutputTensor;

constexpr const char* input_name = "input";

const char* datatype_of(Output output) { return output == Output::labels ? "INT32" : "FP64"; }

/// The tensor shape of `output` for `rows` rows: [rows] for one value per row, else [rows, width].
void set_shape(google::protobuf::RepeatedField<std::int64_t>& shape, Output output, std::int64_t rows, std::size_t width) {
    shape.Add(rows);
    if (output != Output::labels && output != Output::distances) shape.Add(static_cast<std::int64_t>(width));
}

/// The outputs a request names, labels before the distances that reuse them; none named: the
/// model's default output.
Status requested_outputs(const ModelInfo& info, const inference::ModelInferRequest& req, std::vector<Output>& wanted) {
    for (const auto& requested : req.outputs()) {
        const auto spec = std::find_if(info.outputs.begin(), info.outputs.end(),
                                       [&](const OutputSpec& s) { return output_name(s.output) == requested.name(); });
        if (spec == info.outputs.end()) {
            std::string offered;
            for (const auto& s : info.outputs) offered += (offered.empty() ? "" : ", ") + std::string(output_name(s.output));
            return invalid("unknown output '" + requested.name() + "': this model (" + info.kind + ") has " + offered);
        }
        if (std::find(wanted.begin(), wanted.end(), spec->output) == wanted.end()) wanted.push_back(spec->output);
    }
    if (wanted.empty()) wanted.push_back(info.outputs.front().output);
    std::sort(wanted.begin(), wanted.end());
    return Status::OK;
}

/// Whether any typed contents are set (they must not be when the data comes raw).
bool has_contents(const Input& input) {
    if (!input.has_contents()) return false;
    const auto& c = input.contents();
    return c.bool_contents_size() || c.int_contents_size() || c.int64_contents_size() || c.uint_contents_size() ||
           c.uint64_contents_size() || c.fp32_contents_size() || c.fp64_contents_size() || c.bytes_contents_size();
}

/// The input's n_rows x d values of type T, from its contents or its raw bytes (copied into
/// `buffer`: raw bytes carry no alignment).
template <class T>
Status input_values(const inference::ModelInferRequest& req, std::size_t count, std::vector<T>& buffer, std::span<const T>& out) {
    const Input& input = req.inputs(0);
    const char* datatype = std::is_same_v<T, float> ? "FP32" : "FP64";
    if (req.raw_input_contents_size() > 0) {
        if (req.raw_input_contents_size() != 1) {
            return invalid("raw_input_contents holds " + std::to_string(req.raw_input_contents_size()) + " tensors for 1 input");
        }
        if (has_contents(input)) return invalid("input '" + input.name() + "' has both contents and raw_input_contents");
        const std::string& raw = req.raw_input_contents(0);
        if (raw.size() != count * sizeof(T)) {
            return invalid("raw input of " + std::to_string(raw.size()) + " bytes; shape and datatype " + datatype + " need " +
                           std::to_string(count * sizeof(T)));
        }
        buffer.resize(count);
        std::memcpy(buffer.data(), raw.data(), raw.size());  // little-endian, as the host
        out = std::span<const T>(buffer);
        return Status::OK;
    }
    const auto& c = input.contents();
    const auto& field = [&]() -> const google::protobuf::RepeatedField<T>& {
        if constexpr (std::is_same_v<T, float>) return c.fp32_contents();
        else return c.fp64_contents();
    }();
    if (has_contents(input) && field.empty()) {
        return invalid(std::string(datatype) + " data belongs in " + (std::is_same_v<T, float> ? "fp32_contents" : "fp64_contents"));
    }
    if (static_cast<std::size_t>(field.size()) != count) {
        return invalid("input '" + input.name() + "' holds " + std::to_string(field.size()) + " values; its shape needs " +
                       std::to_string(count));
    }
    out = std::span<const T>(field.data(), count);
    return Status::OK;
}

/// Adds one output tensor, its contents filled with `fill(labels, values)`.
template <class Fill>
Status add_output(inference::ModelInferResponse& resp, Output output, std::size_t n_rows, std::size_t width, Fill&& fill) {
    OutputTensor& tensor = *resp.add_outputs();
    tensor.set_name(std::string(output_name(output)));
    tensor.set_datatype(datatype_of(output));
    set_shape(*tensor.mutable_shape(), output, static_cast<std::int64_t>(n_rows), width);
    const std::size_t count = n_rows * width;
    if (output == Output::labels) {
        auto& labels = *tensor.mutable_contents()->mutable_int_contents();
        labels.Resize(static_cast<int>(count), 0);
        return fill(labels.mutable_data(), nullptr);
    }
    auto& values = *tensor.mutable_contents()->mutable_fp64_contents();
    values.Resize(static_cast<int>(count), 0.0);
    return fill(nullptr, values.mutable_data());
}

/// Moves every output tensor's data into raw_output_contents, in order (little-endian bytes).
void make_raw(inference::ModelInferResponse& resp) {
    for (OutputTensor& tensor : *resp.mutable_outputs()) {
        const auto& c = tensor.contents();
        if (c.int_contents_size() > 0) {
            resp.add_raw_output_contents(reinterpret_cast<const char*>(c.int_contents().data()), c.int_contents_size() * sizeof(std::int32_t));
        } else {
            resp.add_raw_output_contents(reinterpret_cast<const char*>(c.fp64_contents().data()), c.fp64_contents_size() * sizeof(double));
        }
        tensor.clear_contents();
    }
}

template <class T>
Status infer(const ServedVersion& m, const call::Deadline& deadline, const std::vector<Output>& wanted, std::span<const T> values,
             std::size_t n_rows, bool raw, inference::ModelInferResponse& resp) {
    if (Status s = call::check_rows(m, values, n_rows); !s.ok()) return s;
    const std::int32_t* labels = nullptr;  // the labels tensor, once answered, for the distances
    for (const Output output : wanted) {
        const Status s = add_output(resp, output, n_rows, m.info().width(output), [&](std::int32_t* out_labels, double* out) {
            switch (output) {
                case Output::labels: labels = out_labels; return call::labels(m, deadline, values, n_rows, out_labels);
                case Output::distances: return call::distances(m, deadline, values, n_rows, labels, out);
                default: return call::matrix(m, deadline, output, values, n_rows, out);
            }
        });
        if (!s.ok()) return s;
    }
    if (raw) make_raw(resp);
    return Status::OK;
}

}  // namespace

Status find_version(const Repository& repository, const std::string& name, const std::string& version,
                    std::shared_ptr<const ServedVersion>& out) {
    const std::int64_t number = version.empty() ? 0 : parse_version(version);
    if (number == 0 && !version.empty()) return invalid("'" + version + "' is not a model version (a positive integer)");
    return call::find(repository, name, number, out);
}

Status InferenceProtocol::server_live(const inference::ServerLiveRequest&, inference::ServerLiveResponse& resp) const {
    resp.set_live(true);
    return Status::OK;
}

Status InferenceProtocol::server_ready(const inference::ServerReadyRequest&, inference::ServerReadyResponse& resp) const {
    resp.set_ready(!repository_.served()->models.empty());
    return Status::OK;
}

Status InferenceProtocol::model_ready(const inference::ModelReadyRequest& req, inference::ModelReadyResponse& resp) const {
    std::shared_ptr<const ServedVersion> served;
    const Status s = find_version(repository_, req.name(), req.version(), served);
    if (!s.ok() && s.error_code() != StatusCode::NOT_FOUND) return s;
    resp.set_ready(served != nullptr);
    return Status::OK;
}

Status InferenceProtocol::server_metadata(const inference::ServerMetadataRequest&, inference::ServerMetadataResponse& resp) const {
    resp.set_name("linfa-serve");
    resp.set_version(LINFA_SERVE_VERSION);
    return Status::OK;
}

Status InferenceProtocol::model_metadata(const inference::ModelMetadataRequest& req, inference::ModelMetadataResponse& resp) const {
    std::shared_ptr<const ServedVersion> served;
    if (Status s = find_version(repository_, req.name(), req.version(), served); !s.ok()) return s;
    const ModelInfo& info = served->info();
    resp.set_name(served->name);
    const auto set = repository_.served();
    if (const auto versions = set->models.find(served->name); versions != set->models.end()) {
        for (const auto& [version, ignored] : versions->second) resp.add_versions(std::to_string(version));
    }
    resp.set_platform("linfa");
    auto* input = resp.add_inputs();
    input->set_name(input_name);
    input->set_datatype(info.scalar == "f32" ? "FP32" : "FP64");
    input->add_shape(-1);
    input->add_shape(static_cast<std::int64_t>(info.n_features));
    for (const auto& spec : info.outputs) {
        auto* output = resp.add_outputs();
        output->set_name(std::string(output_name(spec.output)));
        output->set_datatype(datatype_of(spec.output));
        set_shape(*output->mutable_shape(), spec.output, -1, spec.width);
    }
    return Status::OK;
}

Status InferenceProtocol::model_infer(const call::Deadline& deadline, const inference::ModelInferRequest& req,
                                      inference::ModelInferResponse& resp) const {
    std::shared_ptr<const ServedVersion> served;
    if (Status s = find_version(repository_, req.model_name(), req.model_version(), served); !s.ok()) return s;
    const ServedVersion& m = *served;
    const std::size_t d = m.info().n_features;
    if (req.inputs_size() != 1) {
        return invalid("expected 1 input tensor ('" + std::string(input_name) + "', the rows), found " + std::to_string(req.inputs_size()));
    }
    const Input& input = req.inputs(0);
    if (input.shape_size() != 2 || input.shape(1) != static_cast<std::int64_t>(d) || input.shape(0) < 0) {
        std::string found;
        for (const auto extent : input.shape()) found += (found.empty() ? "" : ", ") + std::to_string(extent);
        return invalid("input shape [" + found + "]; this model takes [rows, " + std::to_string(d) + "]");
    }
    if (Status s = call::check_count(m, static_cast<std::size_t>(input.shape(0))); !s.ok()) return s;  // before n_rows * d
    const auto n_rows = static_cast<std::size_t>(input.shape(0));
    std::vector<Output> wanted;
    if (Status s = requested_outputs(m.info(), req, wanted); !s.ok()) return s;
    const bool raw = req.raw_input_contents_size() > 0;
    resp.set_model_name(m.name);
    resp.set_model_version(std::to_string(m.version));
    resp.set_id(req.id());
    try {
        if (input.datatype() == "FP32") {
            thread_local std::vector<float> buffer;
            std::span<const float> values;
            if (Status s = input_values(req, n_rows * d, buffer, values); !s.ok()) return s;
            return infer(m, deadline, wanted, values, n_rows, raw, resp);
        }
        if (input.datatype() == "FP64") {
            thread_local std::vector<double> buffer;
            std::span<const double> values;
            if (Status s = input_values(req, n_rows * d, buffer, values); !s.ok()) return s;
            return infer(m, deadline, wanted, values, n_rows, raw, resp);
        }
        return invalid("input datatype '" + input.datatype() + "'; this server takes FP32 or FP64");
    } catch (const std::exception& e) {
        return call::internal("inference.GRPCInferenceService/ModelInfer", e);
    }
}

}  // namespace linfa::serve
