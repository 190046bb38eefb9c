// Writes the seed corpora of the fuzz targets under the directory given (tests/fuzz/corpus):
//   model_file/     valid model files of every model type, binary and JSON
//   serve_request/  one selector byte (see fuzz_serve_request.cpp) + a serialized request:
//                   valid requests for each RPC and model, and the edge cases the handlers refuse
//   serve_config/   valid configs (a server's and a repository model's) and typical mistakes
// Deterministic: the same build writes the same bytes. Build the target linfa_fuzz_make_corpus
// (it is not built by default) and run it with the corpus directory; see tests/fuzz/README.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "serve_fixture.hpp"

namespace fs = std::filesystem;
namespace v1 = linfa::serving::v1;

namespace {

fs::path root;

void write(const std::string& target, const std::string& name, const std::string& bytes) {
    fs::create_directories(root / target);
    std::ofstream(root / target / name, std::ios::binary) << bytes;
}

void save_both(const std::string& stem, const auto& model) {
    std::ostringstream binary, json;
    linfa::save(model, binary, linfa::FileFormat::binary);
    linfa::save(model, json, linfa::FileFormat::json);
    write("model_file", stem + ".bin", binary.str());
    write("model_file", stem + ".json", json.str());
}

/// The example model of every listed type (models.hpp), named after its kind and scalar.
void example_model_files() {
    linfa::Models::for_each([](auto type) {
        using M = typename decltype(type)::type;
        using F = typename linfa::model_io<M>::scalar_type;
        std::string stem = "example_" + std::string(linfa::model_io<M>::kind) + "_" + std::string(linfa::scalar_name<F>());
        std::replace(stem.begin(), stem.end(), '.', '_');
        save_both(stem, linfa::model_example<M>::params().fit(linfa::example_dataset<F>(60, 3).view()));
    });
}

/// K-Means edge shapes: one cluster of one feature, and the seeds the serve_request inputs use.
template <class F>
void model_files() {
    const std::string scalar(linfa::scalar_name<F>());
    for (auto [k, d] : {std::pair<std::size_t, std::size_t>{3, 2}, {1, 1}}) {
        const auto model = linfa_fuzz::small_kmeans<F>(k, d);
        save_both("kmeans_" + scalar + "_k" + std::to_string(k) + "_d" + std::to_string(d), model);
    }
}

void request(const std::string& name, int rpc, bool f64_model, const google::protobuf::Message& message) {
    write("serve_request", name, std::string(1, char(rpc | (f64_model ? 4 : 0))) + message.SerializeAsString());
}

std::vector<double> rows_of(std::size_t n, std::size_t d) {
    std::vector<double> values(n * d);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = double(int(i * 37 % 101) - 50);
    return values;
}

void requests(bool f64_model) {
    const std::size_t d = f64_model ? 3 : 2;
    const std::string m = f64_model ? "f64model_" : "f32model_";
    const double nan = std::numeric_limits<double>::quiet_NaN();

    auto seed = [&](const std::string& name, std::vector<double> features) {
        ml::PredictRequest req;
        for (double v : features) req.add_features(v);
        request(m + "seed_predict_" + name, 0, f64_model, req);
    };
    seed("valid", rows_of(1, d));
    seed("too_many_features", rows_of(1, d + 1));
    seed("empty", {});
    auto with_nan = rows_of(1, d);
    with_nan[0] = nan;
    seed("nan", with_nan);
    auto huge = rows_of(1, d);
    huge[d - 1] = 1e300;
    seed("above_float_max", huge);

    auto batch = [&](const std::string& name, std::size_t n, std::size_t width) {
        ml::PredictBatchRequest req;
        const auto values = rows_of(n, width);
        for (std::size_t i = 0; i < n; ++i) {
            auto* observation = req.add_observations();
            for (std::size_t j = 0; j < width; ++j) observation->add_features(values[i * width + j]);
        }
        request(m + "seed_batch_" + name, 1, f64_model, req);
    };
    batch("valid", 3, d);
    batch("empty", 0, d);
    batch("wrong_width", 2, d - 1);
    batch("over_row_limit", linfa_fuzz::max_rows + 1, d);

    auto packed = [&](const std::string& name, std::uint32_t n_rows, std::size_t n_values, bool f32, bool distances) {
        v1::PredictRequest req;
        req.set_n_rows(n_rows);
        req.set_return_distances(distances);
        for (double v : rows_of(n_values, 1)) {
            if (f32) req.add_f32(float(v));
            else req.add_f64(v);
        }
        request(m + "v1_predict_" + name, 2, f64_model, req);
    };
    packed("f64", 4, 4 * d, false, false);
    packed("f32", 4, 4 * d, true, false);
    packed("f64_distances", 4, 4 * d, false, true);
    packed("f32_distances", 1, d, true, true);
    packed("bad_length", 4, 4 * d - 1, false, false);
    packed("zero_rows_with_values", 0, d, false, false);
    packed("zero_rows", 0, 0, false, false);
    packed("over_row_limit", linfa_fuzz::max_rows + 1, (linfa_fuzz::max_rows + 1) * d, true, false);
    packed("huge_n_rows", 4000000000u, d, false, false);
    {
        v1::PredictRequest req;
        req.set_n_rows(1);
        for (std::size_t i = 0; i < d; ++i) req.add_f64(1), req.add_f32(1);
        request(m + "v1_predict_both_fields", 2, f64_model, req);
    }
    auto sparse = [&](const std::string& name, std::uint32_t n_rows, std::vector<std::int32_t> offsets, std::vector<std::int32_t> indices,
                      bool distances) {
        v1::PredictRequest req;
        req.set_n_rows(n_rows);
        req.set_return_distances(distances);
        req.mutable_sparse()->mutable_offsets()->Add(offsets.begin(), offsets.end());
        req.mutable_sparse()->mutable_indices()->Add(indices.begin(), indices.end());
        for (double v : rows_of(indices.size(), 1)) req.mutable_sparse()->add_values(v);
        request(m + "v1_predict_sparse_" + name, 2, f64_model, req);
    };
    sparse("valid", 3, {0, 1, 1, 3}, {0, 1, 0}, true);
    sparse("unsorted", 1, {0, 2}, {1, 0}, false);
    sparse("decreasing_offsets", 2, {0, 2, 1}, {0, 1}, false);
    sparse("column_out_of_range", 1, {0, 1}, {std::int32_t(d)}, false);
    sparse("duplicate_column", 1, {0, 2}, {0, 0}, false);
    {
        v1::PredictRequest req;
        req.set_n_rows(1);
        for (std::size_t i = 0; i < d; ++i) req.add_f32(i == 0 ? std::numeric_limits<float>::infinity() : 1.f);
        request(m + "v1_predict_inf", 2, f64_model, req);
    }
    request(m + "v1_metadata", 3, f64_model, v1::GetModelMetadataRequest());
    {
        v1::PredictRequest req;
        req.set_n_rows(1);
        for (double v : rows_of(1, d)) req.add_f64(v);
        req.set_model_name("fuzz");
        req.set_model_version(1);
        request(m + "v1_predict_named", 2, f64_model, req);
        req.set_model_name("other");
        request(m + "v1_predict_unknown_model", 2, f64_model, req);
        req.set_model_name("");
        req.set_model_version(2);
        request(m + "v1_predict_unknown_version", 2, f64_model, req);
    }

    // The Open Inference Protocol's ModelInfer (selector bit 3).
    auto infer = [&](const std::string& name, std::int64_t n, std::size_t n_values, const char* datatype, bool raw,
                     std::vector<std::string> outputs) {
        inference::ModelInferRequest req;
        req.set_model_name("fuzz");
        auto* input = req.add_inputs();
        input->set_name("input");
        input->set_datatype(datatype);
        input->add_shape(n);
        input->add_shape(std::int64_t(d));
        const auto values = rows_of(n_values, 1);
        const bool f32 = std::string(datatype) == "FP32";
        if (raw) {
            std::string bytes;
            for (double v : values) {
                const float f = float(v);
                bytes.append(f32 ? reinterpret_cast<const char*>(&f) : reinterpret_cast<const char*>(&v), f32 ? 4 : 8);
            }
            req.add_raw_input_contents(bytes);
        } else {
            for (double v : values) {
                if (f32) input->mutable_contents()->add_fp32_contents(float(v));
                else input->mutable_contents()->add_fp64_contents(v);
            }
        }
        for (const auto& output : outputs) req.add_outputs()->set_name(output);
        request(m + "model_infer_" + name, 8, f64_model, req);
    };
    infer("fp64", 4, 4 * d, "FP64", false, {});
    infer("fp32_all_outputs", 4, 4 * d, "FP32", false, {"labels", "transformed", "distances"});
    infer("raw_fp64", 2, 2 * d, "FP64", true, {"distances", "labels"});
    infer("raw_short", 2, 2 * d - 1, "FP32", true, {});
    infer("count_mismatch", 3, 2 * d, "FP64", false, {});
    infer("over_row_limit", linfa_fuzz::max_rows + 1, (linfa_fuzz::max_rows + 1) * d, "FP32", false, {});
    infer("int64", 1, d, "INT64", false, {});
    infer("unknown_output", 1, d, "FP64", false, {"probabilities"});
}

void configs() {
    write("serve_config", "full.toml",
          "[model]\nname = \"blobs\"\nversion = \"2\"\nkind = \"clustering.kmeans\"\nscalar = \"f32\"\n"
          "n_features = 2\nfeature_names = [\"x\", \"y\"]\n\n"
          "[limits]\nmax_rows_per_request = 1000\nmax_message_bytes = 1048576\n\n"
          "[server]\nhost = \"0.0.0.0\"\nport = 50051\nthreads = 4\napi = \"sync\"\n");
    write("serve_config", "f64_three_features.toml",
          "[model]\nscalar = \"f64\"\nn_features = 3\nfeature_names = ['a', 'b', 'c']\n[server]\napi = \"callback\"\n");
    write("serve_config", "empty.toml", "");
    write("serve_config", "dotted_keys.toml", "model.name = \"m\"\nlimits.max_rows_per_request = 1\nserver.port = 0\n");
    write("serve_config", "inline_tables.toml", "model = { name = \"m\", n_features = 2 }\nlimits = { max_message_bytes = 2147483647 }\n");
    write("serve_config", "wrong_types.toml", "[model]\nname = 3\nn_features = \"two\"\nfeature_names = [1, 2]\n");
    write("serve_config", "out_of_range.toml", "[limits]\nmax_rows_per_request = -1\nmax_message_bytes = 9223372036854775807\n[server]\nport = 4294967296\n");
    write("serve_config", "zero_rows.toml", "[limits]\nmax_rows_per_request = 0\n");
    write("serve_config", "bad_api.toml", "[server]\napi = \"async\"\n");
    write("serve_config", "wrong_kind.toml", "[model]\nkind = \"clustering.dbscan\"\nscalar = \"f16\"\nn_features = 7\n");
    write("serve_config", "syntax_error.toml", "[model\nname = \n");
    write("serve_config", "repository_server.toml",
          "[server]\nmodel_repository = \"models\"\ndefault_model = \"blobs\"\npoll_seconds = 5\n[model]\nversion = 4\n");
    write("serve_config", "model_settings_latest.toml",
          "[model]\nkind = \"clustering.kmeans\"\nn_features = 2\n[limits]\nmax_rows_per_request = 8\n[version_policy]\nlatest = 2\n");
    write("serve_config", "model_settings_specific.toml", "[version_policy]\nspecific = [3, 1, 2]\n");
    write("serve_config", "model_settings_bad_policy.toml", "[version_policy]\nall = true\nlatest = 0\nspecific = [1, 1, -2]\n");
    write("serve_config", "strings.toml",
          "[model]\nname = \"\"\"multi\nline\"\"\"\nversion = '''raw\\n'''\nfeature_names = [\"\\u00e9\", \"\\t\"]\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    root = argv[1];
    example_model_files();
    model_files<float>();
    model_files<double>();
    requests(false);
    requests(true);
    configs();
    std::printf("seed corpora written under %s\n", root.c_str());
    return 0;
}
