// K-nearest-neighbours hyper-parameters, after linfa's guard pattern: the builders
// `KNeighborsClassifierParams` and `KNeighborsRegressorParams` share their setters
// (`NeighborsSetters`); `check()` validates them and returns the valid parameters, whose `fit`
// (algorithm.hpp) gives the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../core/params.hpp"
#include "../core/sparse.hpp"
#include "../nn/index.hpp"
#include "errors.hpp"

namespace linfa::neighbors {

/// How the neighbours of a sample weigh in its prediction.
enum class Weights : std::uint8_t {
    uniform,  ///< every neighbour alike
    distance  ///< by the inverse of its distance; neighbours at distance 0, if any, alone
};

/// The weights named `name` ("uniform" | "distance"); throws NeighborsParamsError naming the
/// value and the accepted ones for any other.
inline Weights parse_weights(std::string_view name) {
    if (name == "uniform") return Weights::uniform;
    if (name == "distance") return Weights::distance;
    throw NeighborsParamsError("weights must be \"uniform\" or \"distance\"; found \"" + std::string(name) + "\"");
}

/// The settings every k-nearest-neighbours model shares.
struct NeighborsOptions {
    /// Neighbours consulted per prediction (>= 1, at most the training samples).
    std::size_t n_neighbors = 5;
    /// How they weigh.
    Weights weights = Weights::uniform;
    /// The index: algorithm, leaf size and metric.
    nn::IndexOptions index{};

    /// Throws NeighborsParamsError naming the first invalid setting; `model` names the caller.
    void check(const std::string& model) const {
        if (n_neighbors == 0) throw NeighborsParamsError(model + ": n_neighbors must be at least 1; found 0");
        if (weights > Weights::distance)
            throw NeighborsParamsError(model + ": weights must be uniform or distance; found code " + std::to_string(int(weights)));
        if (index.leaf_size == 0) throw NeighborsParamsError(model + ": leaf_size must be at least 1; found 0");
        if (index.algorithm > nn::IndexAlgorithm::ball_tree)
            throw NeighborsParamsError(model + ": algorithm code must be 0..3; found " + std::to_string(int(index.algorithm)));
        try {
            index.metric.validate();
        } catch (const InvalidParams& e) {
            throw NeighborsParamsError(model + ": " + e.what());
        }
    }
};

/// The setters both builders share (CRTP: each returns the builder `Derived`).
template <class Derived>
class NeighborsSetters : public GuardedParams<Derived> {
public:
    /// Neighbours consulted per prediction (default 5; >= 1 and at most the training samples).
    Derived& n_neighbors(std::size_t k) { options_.n_neighbors = k; return self(); }
    /// uniform (default) or distance weights.
    Derived& weights(Weights w) { options_.weights = w; return self(); }
    /// The search algorithm (default automatic, as scikit-learn's "auto").
    Derived& algorithm(nn::IndexAlgorithm a) { options_.index.algorithm = a; return self(); }
    /// Most points in a tree leaf (default 30; >= 1).
    Derived& leaf_size(std::size_t size) { options_.index.leaf_size = size; return self(); }
    /// The distance (default euclidean; `nn::Metric::parse` reads scikit-learn's names).
    Derived& metric(nn::Metric m) { options_.index.metric = m; return self(); }
    /// Every setting at once.
    Derived& options(const NeighborsOptions& o) { options_ = o; return self(); }
    /// The settings.
    const NeighborsOptions& options() const { return options_; }

protected:
    /// Only a builder deriving from it constructs one.
    NeighborsSetters() = default;
    /// The settings so far.
    NeighborsOptions options_;

private:
    Derived& self() { return static_cast<Derived&>(*this); }
};

template <Float F>
class KNeighborsClassifier;
template <Float F>
class KNeighborsRegressor;
template <Float F>
class KNeighborsClassifierValidParams;
template <Float F>
class KNeighborsRegressorValidParams;

/// Builder of k-nearest-neighbours classifier hyper-parameters.
template <Float F>
class KNeighborsClassifierParams : public NeighborsSetters<KNeighborsClassifierParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = KNeighborsClassifierValidParams<F>;
    /// Validates every setting; throws NeighborsParamsError naming the first invalid one.
    Checked check() const {
        this->options_.check("KNeighborsClassifier");
        return Checked(this->options_);
    }
};

/// Builder of k-nearest-neighbours regressor hyper-parameters.
template <Float F>
class KNeighborsRegressorParams : public NeighborsSetters<KNeighborsRegressorParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = KNeighborsRegressorValidParams<F>;
    /// Validates every setting; throws NeighborsParamsError naming the first invalid one.
    Checked check() const {
        this->options_.check("KNeighborsRegressor");
        return Checked(this->options_);
    }
};

/// Classifier parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class KNeighborsClassifierValidParams {
public:
    /// The settings as checked.
    const NeighborsOptions& options() const { return options_; }
    /// Stores `data`'s records and class labels and indexes the records. Throws InvalidInput
    /// for no samples, no features, no labels, NaN or infinity, values past the distance
    /// bound, sample weights, or fewer samples than n_neighbors.
    KNeighborsClassifier<F> fit(const DatasetView<F>& data) const;
    /// `fit` on sparse records: the model keeps a copy (64-bit indices, each row's columns
    /// sorted) and searches it by brute force, whatever algorithm was asked for. It answers
    /// as a model fitted on the dense form of the records would, bit for bit.
    template <SparseIndex I>
    KNeighborsClassifier<F> fit(const SparseDatasetView<F, I>& data) const;

private:
    friend class KNeighborsClassifierParams<F>;
    template <class Data>
    KNeighborsClassifier<F> fit_data(const Data& data) const;
    explicit KNeighborsClassifierValidParams(NeighborsOptions options) : options_(options) {}
    NeighborsOptions options_;
};

/// Regressor parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class KNeighborsRegressorValidParams {
public:
    /// The settings as checked.
    const NeighborsOptions& options() const { return options_; }
    /// Stores `data`'s records and targets (n x t) and indexes the records. Throws
    /// InvalidInput for no samples, no features, no targets, NaN or infinity, values past the
    /// distance bound, sample weights, or fewer samples than n_neighbors.
    KNeighborsRegressor<F> fit(const DatasetView<F>& data) const;
    /// `fit` on sparse records: the model keeps a copy (64-bit indices, each row's columns
    /// sorted) and searches it by brute force, whatever algorithm was asked for. It answers
    /// as a model fitted on the dense form of the records would, bit for bit.
    template <SparseIndex I>
    KNeighborsRegressor<F> fit(const SparseDatasetView<F, I>& data) const;

private:
    friend class KNeighborsRegressorParams<F>;
    template <class Data>
    KNeighborsRegressor<F> fit_data(const Data& data) const;
    explicit KNeighborsRegressorValidParams(NeighborsOptions options) : options_(options) {}
    NeighborsOptions options_;
};

}  // namespace linfa::neighbors
