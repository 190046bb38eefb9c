// The fitted K-Means model: prediction, transform and score.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/validation.hpp"
#include "../../nn/distance_bound.hpp"
#include "assign.hpp"
#include "errors.hpp"
#include "minibatch_params.hpp"
#include "params.hpp"
#include "sparse_assign.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::distributed {
template <Float F>
struct KMeansShardFitter;
}

namespace linfa::clustering {

template <Float F>
struct KMeansFitter;
template <Float F>
struct MiniBatchKMeansFitter;

/// The labels of some samples and the weighted inertia of that assignment.
struct LabelsWithInertia {
    Labels labels;   ///< the nearest centroid of each sample
    double inertia;  ///< sum of weight x squared distance to it
};

/// A fitted K-Means model: k centroids in d-dimensional space.
///
/// K-Means partitions n samples into k clusters so as to minimise the inertia, the sum of
/// squared distances from each sample to the centroid of its cluster (weighted by the sample
/// weights). Fitting starts from initial centroids (k-means++ by default, see InitMethod),
/// then runs Lloyd's iteration: assign each sample to its nearest centroid, move each
/// centroid to the weighted mean of its samples, and repeat until no label changes, the
/// centroids move less than the tolerance, or `max_n_iterations` is reached. With
/// `n_runs > 1` several initialisations are tried and the lowest inertia wins.
///
/// Example (examples/kmeans_blobs.cpp):
/// ```cpp
/// linfa::Rng rng(42);
/// auto data = linfa::datasets::generate_blobs(10000, expected_centroids, rng);
/// auto model = linfa::clustering::KMeans<double>::params_with_rng(4, rng)
///                  .max_n_iterations(200).tolerance(1e-5).fit(data);
/// linfa::Labels labels = model.predict(data);
/// ```
/// A model only comes out of `fit`, `fit_with` (mini-batch, see MiniBatchKMeansParams) or
/// `linfa::load`; there is no unfitted state.
///
/// Besides the centroids, a model carries the cumulated sample weight of each cluster: what
/// a mini-batch step (`MiniBatchKMeansParams::fit_with`) needs to continue from it. A full fit
/// records the total weight of the samples assigned to each cluster; a model read from a file
/// written before these were recorded has none (`has_cluster_weights()` is false), and a
/// mini-batch step then treats them as zero, i.e. starts afresh from its centroids.
template <Float F>
class KMeans {
public:
    /// The scalar type of the centroids and of the data it accepts.
    using scalar_type = F;

    /// Hyper-parameters for `n_clusters` clusters, with the default RNG seed.
    static KMeansParams<F> params(std::size_t n_clusters) { return KMeansParams<F>(n_clusters); }
    /// Hyper-parameters drawing from a copy of `rng`.
    static KMeansParams<F> params_with_rng(std::size_t n_clusters, Rng rng) {
        return KMeansParams<F>(n_clusters, rng);
    }
    /// Mini-batch hyper-parameters (`fit` on in-memory data, `fit_with` one batch at a time).
    static MiniBatchKMeansParams<F> minibatch_params(std::size_t n_clusters, Rng rng = Rng()) {
        return MiniBatchKMeansParams<F>(n_clusters, rng);
    }

    /// The k x d centroids, one per row.
    const Matrix<F>& centroids() const { return centroids_; }
    /// Sum of (weighted) squared distances of the training samples to their centroid.
    double inertia() const { return inertia_; }
    /// Lloyd iterations run by the fit that produced this model.
    std::uint64_t n_iterations() const { return n_iterations_; }
    /// Number of clusters k.
    std::size_t n_clusters() const { return static_cast<std::size_t>(centroids_.rows()); }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return static_cast<std::size_t>(centroids_.cols()); }
    /// The largest input magnitude predict accepts: past it, squared distances overflow F.
    InputBound input_bound() const { return nn::distance_input_bound<F>(n_features()); }
    /// Cumulated sample weight of each cluster (n_clusters values), the denominators of the
    /// mini-batch learning rates; empty when unknown (see the class comment).
    std::span<const double> cluster_weights() const { return cluster_weights_; }
    /// Whether the cumulated cluster weights are known (see the class comment).
    bool has_cluster_weights() const { return !cluster_weights_.empty(); }
    /// Mini-batch steps taken to reach this model (0 for a full fit).
    std::uint64_t n_steps() const { return n_steps_; }

    /// Index of the nearest centroid of each sample.
    /// Throws KMeansInputError for a wrong feature count, InvalidInput for NaN, infinity, values
    /// past input_bound() or invalid sample weights.
    Labels predict(const DatasetView<F>& data) const {
        Labels labels(static_cast<Eigen::Index>(data.n_samples()));
        predict_inplace(data, labels);
        return labels;
    }

    /// `predict` into caller-provided storage of n_samples labels.
    /// Throws as `predict`, and KMeansInputError when `labels` does not hold n_samples entries.
    void predict_inplace(const DatasetView<F>& data, Labels& labels) const {
        require_predictable(data);
        if (static_cast<std::size_t>(labels.size()) != data.n_samples()) {
            throw KMeansInputError("predict_inplace: expected room for " + std::to_string(data.n_samples()) +
                                   " labels, found " + std::to_string(labels.size()));
        }
        kmeans_detail::assign_labels(data, centroids_, labels.data());
    }

    /// Euclidean distance from every sample to every centroid (n x k).
    /// Throws as `predict`.
    Matrix<F> transform(const DatasetView<F>& data) const {
        require_predictable(data);
        const std::size_t k = n_clusters(), d = n_features();
        Matrix<F> distances = output_matrix<F>(static_cast<Eigen::Index>(data.n_samples()), static_cast<Eigen::Index>(k));
        for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                const F* x = data.records().data() + i * d;
                for (std::size_t j = 0; j < k; ++j) {
                    distances(Eigen::Index(i), Eigen::Index(j)) =
                        F(std::sqrt(nn::squared_distance(x, centroids_.data() + j * d, d)));
                }
            }
        });
        return distances;
    }

    /// Opposite of the (weighted) inertia of `data` under this model, as scikit-learn's score:
    /// higher is better.
    /// Throws as `predict`.
    double score(const DatasetView<F>& data) const { return -predict_with_inertia(data).inertia; }

    /// The labels of `data` and their weighted inertia, in one pass (`predict` and `score`).
    /// Throws as `predict`.
    LabelsWithInertia predict_with_inertia(const DatasetView<F>& data) const {
        require_predictable(data);
        LabelsWithInertia out{Labels(static_cast<Eigen::Index>(data.n_samples())), 0.0};
        out.inertia = kmeans_detail::assign_with_inertia(data, centroids_, out.labels.data());
        return out;
    }

    /// Index of the nearest centroid of each sparse row (distances through
    /// ||x||^2 - 2 x.c + ||c||^2, in F, the chosen one's in double; ties: the lower index).
    /// Throws KMeansInputError for a wrong feature count, InvalidInput for values past
    /// input_bound() (the CsrView has checked the rest).
    template <SparseIndex I>
    Labels predict(const CsrView<F, I>& records) const {
        return predict_with_inertia(SparseDatasetView<F, I>(records)).labels;
    }

    /// Euclidean distance from every sparse row to every centroid (n x k).
    /// Throws as the sparse `predict`.
    template <SparseIndex I>
    Matrix<F> transform(const CsrView<F, I>& records) const {
        const SparseDatasetView<F, I> data(records);
        require_predictable(data);
        const kmeans_detail::SparseCentroids<F> layout(centroids_);
        const std::vector<double> norms = row_squared_norms(records);
        const std::size_t k = n_clusters();
        Matrix<F> distances = output_matrix<F>(static_cast<Eigen::Index>(data.n_samples()), static_cast<Eigen::Index>(k));
        for_each_chunk(plan_chunks(data.n_samples(), 256), [&](std::size_t, std::size_t begin, std::size_t end) {
            std::vector<F> scratch(layout.scratch_size());
            std::vector<double> squared(k);
            for (std::size_t i = begin; i < end; ++i) {
                layout.distances(records.row(i), norms[i], scratch.data(), squared.data());
                for (std::size_t j = 0; j < k; ++j) distances(Eigen::Index(i), Eigen::Index(j)) = F(std::sqrt(squared[j]));
            }
        });
        return distances;
    }

    /// Opposite of the (weighted) inertia of sparse `data` under this model.
    /// Throws as the sparse `predict`, and InvalidInput for invalid sample weights.
    template <SparseIndex I>
    double score(const SparseDatasetView<F, I>& data) const { return -predict_with_inertia(data).inertia; }
    /// `score` of unweighted sparse records.
    template <SparseIndex I>
    double score(const CsrView<F, I>& records) const { return score(SparseDatasetView<F, I>(records)); }

    /// The labels of sparse `data` and their weighted inertia, in one pass.
    /// Throws as the sparse `score`.
    template <SparseIndex I>
    LabelsWithInertia predict_with_inertia(const SparseDatasetView<F, I>& data) const {
        require_predictable(data);
        LabelsWithInertia out{Labels(static_cast<Eigen::Index>(data.n_samples())), 0.0};
        out.inertia = kmeans_detail::sparse_assign(data, kmeans_detail::SparseCentroids<F>(centroids_),
                                                   row_squared_norms(data.records()), out.labels.data());
        return out;
    }

private:
    friend struct KMeansFitter<F>;
    friend struct MiniBatchKMeansFitter<F>;
    friend struct distributed::KMeansShardFitter<F>;
    friend struct linfa::model_io<KMeans<F>>;

    KMeans(Matrix<F> centroids, double inertia, std::uint64_t n_iterations)
        : centroids_(std::move(centroids)), inertia_(inertia), n_iterations_(n_iterations) {}

    /// The state a mini-batch step continues from, beyond the centroids.
    struct StreamState {
        std::vector<double> cluster_weights;           ///< empty: unknown
        std::uint64_t n_steps = 0;                     ///< mini-batch steps so far
        std::uint64_t samples_since_reassignment = 0;  ///< schedule of low-weight reassignments
    };

    KMeans(Matrix<F> centroids, double inertia, std::uint64_t n_iterations, StreamState state)
        : centroids_(std::move(centroids)),
          inertia_(inertia),
          n_iterations_(n_iterations),
          cluster_weights_(std::move(state.cluster_weights)),
          n_steps_(state.n_steps),
          samples_since_reassignment_(state.samples_since_reassignment) {}

    StreamState stream_state() const { return {cluster_weights_, n_steps_, samples_since_reassignment_}; }

    /// Sets the cluster weights of a full fit: the total weight of the samples of each label
    /// (summed per chunk, chunks combined in order: the same for any thread count).
    template <class Data>
    void count_cluster_weights(const Data& data, const std::int32_t* labels) {
        const ChunkPlan plan = plan_chunks(data.n_samples());
        const PerChunk<double> partial = cluster_weight_partials(data, labels, plan, 0);
        set_cluster_weights([&](std::size_t c) { return partial[c]; }, plan.n_chunks);
    }

    /// Accumulator copies per chunk in count_cluster_weights: with few clusters, consecutive
    /// rows would chain every addition on the same counter.
    static constexpr std::size_t weight_copies = 4;

    /// count_cluster_weights' per-chunk sums (weight_copies x k per chunk) over the chunks
    /// of `plan`, the rows of `data` being global rows from `first_row` on.
    template <class Data>
    PerChunk<double> cluster_weight_partials(const Data& data, const std::int32_t* labels, const ChunkPlan& plan,
                                             std::size_t first_row) const {
        const std::size_t k = n_clusters();
        PerChunk<double> partial(plan.n_chunks, weight_copies * k);
        for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
            double* counts = partial[c];
            for (std::size_t i = begin; i < end; ++i)
                counts[((first_row + i) % weight_copies) * k + std::size_t(labels[i])] += double(data.weight(i));
        });
        return partial;
    }

    /// Sets the cluster weights from the partial sums of chunks 0 .. n_chunks - 1 (`chunk(c)`:
    /// cluster_weight_partials' values for chunk c), added in chunk order.
    template <class ChunkPartial>
    void set_cluster_weights(ChunkPartial&& chunk, std::size_t n_chunks) {
        const std::size_t k = n_clusters();
        cluster_weights_.assign(k, 0.0);
        for (std::size_t c = 0; c < n_chunks; ++c) {
            const double* part = chunk(c);
            for (std::size_t j = 0; j < weight_copies * k; ++j) cluster_weights_[j % k] += part[j];
        }
    }

private:
    void require_predictable(const DatasetView<F>& data) const {
        if (data.n_features() != n_features()) {
            throw KMeansInputError("KMeans: expected " + std::to_string(n_features()) +
                                   " features per sample (as in training), found " +
                                   std::to_string(data.n_features()));
        }
        require_finite<F>(data.records(), "records", input_bound());
        require_valid_weights<F>(data.weights());
    }

    template <SparseIndex I>
    void require_predictable(const SparseDatasetView<F, I>& data) const {
        if (data.n_features() != n_features()) {
            throw KMeansInputError("KMeans: expected " + std::to_string(n_features()) +
                                   " features per sample (as in training), found " +
                                   std::to_string(data.n_features()));
        }
        const InputBound bound = input_bound();
        for (std::size_t i = 0; i < data.n_samples(); ++i) {
            const auto row = data.records().row(i);
            for (std::size_t e = 0; e < row.values.size(); ++e) {
                if (!(double(std::abs(row.values[e])) > bound.magnitude)) continue;
                throw InvalidInput("records contain a value too large (row " + std::to_string(i) + ", column " +
                                   std::to_string(row.indices[e]) + ": " + short_number(double(row.values[e])) + "): " +
                                   bound.reason + "; the largest accepted magnitude is " + short_number(bound.magnitude));
            }
        }
        require_valid_weights<F>(data.weights());
    }

    Matrix<F> centroids_;
    double inertia_;
    std::uint64_t n_iterations_;
    std::vector<double> cluster_weights_;
    std::uint64_t n_steps_ = 0;
    std::uint64_t samples_since_reassignment_ = 0;
};

/// A fitted model with the labels of the samples it was fitted on (`fit_predict`).
template <Float F>
struct KMeansWithLabels {
    /// The fitted model.
    KMeans<F> model;
    /// The label of each training sample, in the order of the data.
    Labels labels;
};

}  // namespace linfa::clustering
