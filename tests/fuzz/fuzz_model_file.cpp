// Fuzz target "model_file": the bytes are a model file, binary or JSON, handed to every model
// loader (linfa::read_header, linfa::load<M> for each model type below). Loading must refuse
// anything it cannot use with a linfa::Error; any other exception, a crash, a hang, a leak or
// undefined behaviour is a finding. A model that does load must be usable (predict) and must
// survive a save/load round trip in both encodings bit for bit.
//
// Binary files end with a checksum, so almost every mutation of a binary file is refused by
// the checksum before its body is parsed. Inputs that start with the magic number are
// therefore also run a second time with the checksum recomputed, which lets the fuzzer reach
// the header and body readers.
//
// Every model of linfa::Models (models.hpp) is tried, and make_corpus.cpp writes a seed file
// of each: a listed algorithm is fuzzed without an edit here.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>

#include <linfa/linfa.hpp>

namespace {


[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "fuzz_model_file: %s\n", what);
    std::abort();
}

void check_header(const std::string& bytes) {
    std::istringstream in(bytes);
    linfa::ModelHeader header;
    try {
        header = linfa::read_header(in);
    } catch (const linfa::Error&) {
        return;
    }
    if (header.format_version < linfa::oldest_model_format_version || header.format_version > linfa::model_format_version) {
        finding("read_header accepted an unknown format version");
    }
    if (header.kind.size() > linfa::io::max_string_bytes || header.scalar.size() > linfa::io::max_string_bytes) {
        finding("read_header accepted an over-long string");
    }
    if (header.shape.size() > linfa::io::max_shape_rank) finding("read_header accepted an over-long shape");
}

/// Bit-for-bit equality of two models, through their binary files (which hold every field).
template <class M>
std::string binary_file(const M& model) {
    std::ostringstream out;
    linfa::save(model, out, linfa::FileFormat::binary);
    return out.str();
}

template <class M>
void check_load(const std::string& bytes) {
    using F = typename linfa::model_io<M>::scalar_type;
    std::optional<M> model;
    try {
        std::istringstream in(bytes);
        model.emplace(linfa::load<M>(in));
    } catch (const linfa::Error&) {
        return;
    }
    // What loaded is a model: a non-empty shape, and it answers every prediction it offers
    // for a row of zeros with one row (labels in range, for a model with clusters), or refuses
    // the row with InvalidInput. A loaded model's finite parameters can be too large for
    // finite answers: K-Means centroids past the distance bound give infinite values, a PCA
    // mean near the largest double too, and a scaler refuses a row whose image overflows its
    // scalar type (as a fitted one refuses such a row: a mean past float's range in an f32
    // file, found by this fuzzer).
    const auto shape = linfa::model_io<M>::shape(*model);
    if (shape.empty()) finding("loaded a model with an empty shape");
    for (const auto extent : shape) {
        if (extent == 0) finding("loaded a model with an empty shape");
    }
    const linfa::Matrix<F> row = linfa::Matrix<F>::Zero(1, static_cast<Eigen::Index>(model->n_features()));
    const linfa::DatasetView<F> view(row);
    try {
        if constexpr (linfa::Predict<M, linfa::DatasetView<F>>) {
            const auto predicted = model->predict(view);
            if (predicted.rows() != 1) finding("a loaded model predicts the wrong number of rows");
            if constexpr (requires { model->n_clusters(); }) {
                if (predicted(0) < 0 || static_cast<std::size_t>(predicted(0)) >= model->n_clusters()) {
                    finding("a loaded model predicts a label out of range");
                }
            }
        }
        if constexpr (linfa::Transformer<M, linfa::DatasetView<F>>) {
            if (model->transform(view).rows() != 1) finding("a loaded model transforms to the wrong number of rows");
        }
    } catch (const linfa::InvalidInput&) {
        // a clear refusal of this row, not a crash
    }
    // ...and it round-trips through both encodings unchanged.
    const std::string reference = binary_file(*model);
    for (const auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        std::ostringstream out;
        linfa::save(*model, out, format);
        std::istringstream in(out.str());
        const M again = linfa::load<M>(in);  // must not throw: we wrote it
        if (binary_file(again) != reference) finding("a loaded model changed in a save/load round trip");
    }
}

void check_all(const std::string& bytes) {
    check_header(bytes);
    linfa::Models::for_each([&](auto model) { check_load<typename decltype(model)::type>(bytes); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    check_all(bytes);
    constexpr std::size_t trailer = sizeof(std::uint64_t);
    const std::string_view magic = linfa::model_magic;
    if (bytes.size() >= magic.size() + trailer && bytes.compare(0, magic.size(), magic) == 0) {
        std::string fixed = bytes;
        std::uint64_t checksum = linfa::io::fnv1a64(std::string_view(fixed).substr(0, fixed.size() - trailer));
        for (std::size_t i = 0; i < trailer; ++i, checksum >>= 8) fixed[fixed.size() - trailer + i] = char(checksum & 0xff);
        if (fixed != bytes) check_all(fixed);
    }
    return 0;
}
