// How generic code (the conformance suite, the determinism fingerprints, the fuzzers' seed
// files) gets a fitted model of any listed type without knowing its algorithm: each algorithm
// specialises `model_example<M>` next to its model, with hyper-parameters that fit quickly on
// the small data of `example_dataset` (records, continuous targets and class labels, so
// supervised and unsupervised algorithms alike find what they need).
#pragma once

#include <cstddef>
#include <cstdint>

#include "concepts.hpp"
#include "dataset.hpp"
#include "rng.hpp"

namespace linfa {

/// Specialise with `static auto params()`: seeded hyper-parameters whose `fit` on a
/// `DatasetView<F>` of `example_dataset<F>` gives an `M`.
/// Declared only: every model listed in `Models` specialises it next to its model (e.g.
/// clustering/kmeans/model_example.hpp).
template <class M>
struct model_example;

/// An `M` that generic code can fit: `model_example<M>::params()` fits it from a dataset view.
/// Requires: `Float<F>`, and `model_example<M>::params().fit(view)` for a `const
/// DatasetView<F>&` returns exactly `M`.
template <class M, class F>
concept ExampleFittable = Float<F> && requires {
    { model_example<M>::params().fit(std::declval<const DatasetView<F>&>()) } -> std::same_as<M>;
};

/// Data for examples and conformance tests: `n` rows of `d` features around three centres,
/// with class labels (the centre of each row) and two continuous targets (linear in the
/// features, plus noise). Deterministic in `seed`.
template <Float F>
struct ExampleData {
    /// `n` x `d` records: row i lies around centre i mod 3.
    Matrix<F> records;
    /// `n` x 2 continuous targets.
    Matrix<F> targets;
    /// The class label (centre index 0, 1 or 2) of each row.
    Labels labels;

    /// A view with all three parts.
    DatasetView<F> view() const {
        return DatasetView<F>(records)
            .with_targets(MatrixView<F>(targets.data(), targets.rows(), targets.cols()))
            .with_labels(std::span<const std::int32_t>(labels.data(), static_cast<std::size_t>(labels.size())));
    }
};

/// The data of ExampleData: `n` samples of `d` features, three classes, two continuous
/// targets, drawn from `Rng(seed)`.
template <Float F>
ExampleData<F> example_dataset(std::size_t n = 300, std::size_t d = 4, std::uint64_t seed = 7) {
    Rng rng(seed);
    ExampleData<F> data;
    const auto rows = static_cast<Eigen::Index>(n), cols = static_cast<Eigen::Index>(d);
    data.records.resize(rows, cols);
    data.targets.resize(rows, 2);
    data.labels.resize(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
        const auto label = static_cast<std::int32_t>(i % 3);
        data.labels(i) = label;
        double first = 0, second = 0;
        for (Eigen::Index j = 0; j < cols; ++j) {
            const double x = 4.0 * (label - 1) * (j % 2 == 0 ? 1 : -1) + rng.normal<double>();
            data.records(i, j) = F(x);
            first += double(j + 1) * x;
            second -= 0.5 * x;
        }
        data.targets(i, 0) = F(first + 0.1 * rng.normal<double>());
        data.targets(i, 1) = F(second + 3.0 + 0.1 * rng.normal<double>());
    }
    return data;
}

}  // namespace linfa
