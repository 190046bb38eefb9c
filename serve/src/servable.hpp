// What the server needs from a model, whatever the algorithm: its input schema and what it
// answers for packed rows, by capability: labels, values, probabilities, transformed rows,
// distances. Models come
// from files; the registry picks the loader by the kind and scalar type in the file header,
// so serving a new algorithm is one `register_servable<Model>()` line (see registry.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <linfa/core/sparse.hpp>

namespace linfa::serve {

/// Rows of a request in compressed sparse row form, checked (see linfa::CsrView).
using SparseRows = linfa::CsrView<double, std::int32_t>;

/// The answers a model can give; the adapter finds which through the core concepts.
enum class Output { labels, values, probabilities, transformed, distances };

/// The name of an output in messages ("labels", "values", ...).
inline std::string_view output_name(Output output) {
    switch (output) {
        case Output::labels: return "labels";
        case Output::values: return "values";
        case Output::probabilities: return "probabilities";
        case Output::transformed: return "transformed";
        case Output::distances: return "distances";
    }
    return "unknown";
}

/// An output the model has, and how many values it gives per row.
struct OutputSpec {
    Output output;
    std::size_t width;
};

/// What a loaded model says about itself.
struct ModelInfo {
    std::string kind;                  ///< the file's model kind, e.g. "clustering.kmeans"
    std::string scalar;                ///< "f32" or "f64"
    std::vector<std::uint64_t> shape;  ///< the file's shape
    std::size_t n_features = 0;
    std::size_t n_clusters = 0;        ///< 0 when the model is not a clustering
    bool has_distances = false;        ///< distances() is supported
    std::string task;                  ///< "clustering", "classification", "regression" or "transformation"
    std::vector<OutputSpec> outputs;   ///< what the model answers, its default output first
    std::vector<std::string> steps;    ///< a pipeline's model kinds, in order (empty otherwise)
    /// Whether the model has `output`, and its width (0 when it has not).
    bool has(Output output) const { return width(output) != 0; }
    std::size_t width(Output output) const {
        for (const auto& spec : outputs) {
            if (spec.output == output) return spec.width;
        }
        return 0;
    }
    /// Inputs past this magnitude are refused with `magnitude_reason` (the model's
    /// `input_bound()`; infinite, any finite value, when the model declares none).
    double max_magnitude = std::numeric_limits<double>::infinity();
    std::string magnitude_reason;
};

/// A model behind the server. Rows are packed row-major, `n_rows x info().n_features`, or
/// sparse (SparseRows), already validated (shape, finite values). Implementations must be safe to call from many
/// threads at once (fitted linfa models are immutable, so this holds for every adapter).
class ServableModel {
public:
    virtual ~ServableModel() = default;
    virtual const ModelInfo& info() const = 0;

    /// Writes one label per row. Either scalar type is accepted whatever the model's.
    virtual void predict(std::span<const double> rows, std::span<std::int32_t> labels) const = 0;
    virtual void predict(std::span<const float> rows, std::span<std::int32_t> labels) const = 0;

    /// For each row, the distance to the cluster `labels` assigns it (requires has_distances).
    virtual void distances(std::span<const double> rows, std::span<const std::int32_t> labels,
                           std::span<double> out) const = 0;
    virtual void distances(std::span<const float> rows, std::span<const std::int32_t> labels,
                           std::span<double> out) const = 0;

    /// Writes n_rows x info().width(what) values for the values, probabilities or transformed
    /// rows of `rows` (requires info().has(what)).
    virtual void compute(Output what, std::span<const double> rows, std::span<double> out) const = 0;
    virtual void compute(Output what, std::span<const float> rows, std::span<double> out) const = 0;

    /// The same three for sparse rows (of info().n_features columns): the model's own sparse
    /// methods where it has them (K-Means), else the rows made dense first, so every model
    /// answers sparse rows as it answers the same rows dense.
    virtual void predict(const SparseRows& rows, std::span<std::int32_t> labels) const = 0;
    virtual void distances(const SparseRows& rows, std::span<const std::int32_t> labels, std::span<double> out) const = 0;
    virtual void compute(Output what, const SparseRows& rows, std::span<double> out) const = 0;
};

/// Loaders keyed by (kind, scalar).
class Registry {
public:
    using Loader = std::function<std::unique_ptr<ServableModel>(const std::string& path)>;

    void add(std::string kind, std::string scalar, Loader loader);
    /// Reads the header of `path`, then loads it with the matching loader.
    /// Throws linfa::ModelFileError for unreadable files and unknown kinds.
    std::unique_ptr<ServableModel> load(const std::string& path) const;
    /// "kind/scalar" of every registered loader, for messages.
    std::vector<std::string> known() const;

private:
    std::map<std::pair<std::string, std::string>, Loader> loaders_;
};

/// The registry with every model type this build can serve.
const Registry& builtin_registry();

}  // namespace linfa::serve
