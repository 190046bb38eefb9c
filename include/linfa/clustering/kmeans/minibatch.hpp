// Mini-batch K-Means (D. Sculley, "Web-scale k-means clustering", WWW 2010), as
// scikit-learn's MiniBatchKMeans: instead of passes over all the data, each step takes a small
// batch of samples, assigns them to their nearest centroids and moves every centroid towards
// the mean of its batch samples, with a learning rate that decreases as the cluster gathers
// weight. It needs memory for one batch only, so it also clusters streams that never fit in
// memory (`fit_with`, one batch at a time).
//
// One step on a batch B (sample weights w, 1 when unweighted), from centroids c_j with
// cumulated weights W_j:
//   1. assign each sample of B to its nearest centroid (the nn::Assigner kernel, in the fixed
//      chunks of core/parallel.hpp, so the result is the same for any thread count);
//   2. for each cluster j that received samples, of total weight b_j and weighted mean m_j:
//        W_j += b_j;   c_j += (b_j / W_j) (m_j - c_j)
//      (the running weighted mean of every sample the cluster has received, with the early
//      ones' positions taken where the centroid was then);
//   3. every 10 x n_clusters samples, or while some cluster has no weight yet, clusters whose
//      W_j is below reassignment_ratio x max W are moved onto samples of B drawn (without
//      replacement, proportionally to weight) from the RNG, at most half the batch, and their
//      W_j raised to the smallest W of the clusters kept, so they are not reassigned at once.
//
// `fit(data)` draws batches of batch_size samples (with replacement) from in-memory data,
// up to max_n_iterations epochs, and stops early like scikit-learn: when the squared movement
// of the centroids in one step falls to the scaled tolerance, or when the exponentially
// weighted average of the per-sample batch inertia has not reached a new minimum for
// max_no_improvement steps. The initial centroids come from a random subset of init_size
// samples (the best of n_runs such inits on a validation subset). The final inertia and labels
// are computed on all of the data.
//
// `fit_with(model, batch)` is one step, continuing from `model` (its centroids, its cluster
// weights and its step count, all saved in model files) or, without a model, from initial
// centroids computed on the batch. Its random draws come from the stream `step count` of the
// parameters' RNG, so a stream of batches gives the same model bit for bit when replayed,
// also across a save/load in the middle.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/rng.hpp"
#include "../../core/validation.hpp"
#include "assign.hpp"
#include "errors.hpp"
#include "init.hpp"
#include "../../nn/assigner.hpp"
#include "lloyd.hpp"
#include "minibatch_params.hpp"
#include "model.hpp"
#include "sparse_minibatch.hpp"

namespace linfa::clustering {

namespace kmeans_detail {

/// What a mini-batch step updates.
template <Float F>
struct MiniBatchState {
    Matrix<F> centroids;
    std::vector<double> weights;  ///< cumulated weight of each cluster
    std::uint64_t n_steps = 0;
    std::uint64_t samples_since_reassignment = 0;
};

/// Rows of a dataset copied into contiguous storage (a batch drawn by index).
template <Float F>
struct GatheredRows {
    Matrix<F> records;
    std::vector<F> weights;  ///< empty when the source is unweighted

    void gather(const DatasetView<F>& data, const std::vector<std::size_t>& rows) {
        records.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(data.n_features()));
        for (std::size_t r = 0; r < rows.size(); ++r) copy_row(data, rows[r], records, r);
        weights.clear();
        if (data.has_weights()) {
            for (std::size_t i : rows) weights.push_back(data.weight(i));
        }
    }
    DatasetView<F> view() const {
        return DatasetView<F>(MatrixView<F>(records.data(), records.rows(), records.cols()),
                              std::span<const F>(weights.data(), weights.size()));
    }
};

/// `count` indices drawn uniformly, with replacement, from [0, n).
inline std::vector<std::size_t> draw_rows(Rng& rng, std::size_t n, std::size_t count) {
    std::vector<std::size_t> rows(count);
    for (auto& row : rows) row = static_cast<std::size_t>(rng.below(n));
    return rows;
}

/// Per-cluster weighted sums of a batch, its labels' weights and its inertia; the per-chunk
/// accumulators are kept between steps of the same batch size.
template <Float F>
class BatchSums {
public:
    BatchSums(std::size_t n_clusters, std::size_t n_features) : k_(n_clusters), d_(n_features) {}

    /// Assigns every row of `batch` to its nearest centroid and sums, per cluster, the
    /// weighted rows and the weights. Returns the weighted inertia of the assignment.
    double run(const DatasetView<F>& batch, const Matrix<F>& centroids) {
        const ChunkPlan plan = plan_chunks(batch.n_samples(), min_rows(), max_chunks());
        const std::size_t stride = k_ * (d_ + 1) + 1;  // sums, weights, inertia
        if (!partial_ || partial_->n_chunks() != plan.n_chunks) {
            partial_.emplace(plan.n_chunks, stride);
        } else {
            partial_->fill(0.0);
        }
        const nn::Assigner<F> assigner(centroids);
        const F* x = batch.records().data();
        for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
            double* acc = (*partial_)[c];
            double* weights = acc + k_ * d_;
            assigner.assign_range(x, begin, end, [&](std::size_t b, std::size_t rows, const std::int32_t* labels, const F* sq) {
                double block_inertia = 0;
                for (std::size_t r = 0; r < rows; ++r) {
                    const std::size_t j = static_cast<std::size_t>(labels[r]);
                    const double w = double(batch.weight(b + r));
                    const F* row = x + (b + r) * d_;
                    double* sum = acc + j * d_;
                    for (std::size_t f = 0; f < d_; ++f) sum[f] += w * double(row[f]);
                    weights[j] += w;
                    block_inertia += w * double(sq[r]);
                }
                acc[stride - 1] += block_inertia;
            });
        });
        sums_.assign(k_ * d_, 0.0);
        weights_.assign(k_, 0.0);
        double inertia = 0;
        for (std::size_t c = 0; c < plan.n_chunks; ++c) {  // in chunk order: thread-count independent
            const double* acc = (*partial_)[c];
            for (std::size_t i = 0; i < k_ * d_; ++i) sums_[i] += acc[i];
            for (std::size_t j = 0; j < k_; ++j) weights_[j] += acc[k_ * d_ + j];
            inertia += acc[stride - 1];
        }
        return inertia;
    }

    double weight(std::size_t j) const { return weights_[j]; }
    const double* sum(std::size_t j) const { return sums_.data() + j * d_; }

private:
    /// Chunks big enough (about 2^16 distance terms each) that a parallel region pays off:
    /// a default batch of 1024 rows with few clusters and features runs inline.
    std::size_t min_rows() const {
        return std::clamp<std::size_t>((std::size_t(1) << 16) / std::max<std::size_t>(1, k_ * d_), nn::block_rows, 4096);
    }
    /// Accumulators of all chunks within about 64 MiB, but at least 8 chunks.
    std::size_t max_chunks() const {
        const std::size_t per_chunk = (k_ * (d_ + 1) + 1) * sizeof(double);
        return std::clamp<std::size_t>((std::size_t(64) << 20) / per_chunk, 8, 64);
    }

    std::size_t k_, d_;
    std::optional<PerChunk<double>> partial_;
    std::vector<double> sums_, weights_;
};

/// The batch storage and the batch sums of a kind of data: dense (DatasetView) or sparse
/// (SparseDatasetView, sparse_minibatch.hpp).
template <class Data>
struct MiniBatchParts;
template <Float F>
struct MiniBatchParts<DatasetView<F>> {
    using Rows = GatheredRows<F>;  ///< a batch drawn by index
    using Sums = BatchSums<F>;     ///< its per-cluster sums
};
template <Float F, SparseIndex I>
struct MiniBatchParts<SparseDatasetView<F, I>> {
    using Rows = SparseGatheredRows<F, I>;  ///< a batch drawn by index
    using Sums = SparseBatchSums<F, I>;     ///< its per-cluster sums
};

struct StepResult {
    double inertia = 0;            ///< weighted inertia of the batch before the update
    std::size_t n_reassigned = 0;  ///< clusters moved onto batch samples
};

/// Moves the clusters of low cumulated weight onto samples of `batch` (scikit-learn's rule,
/// see minibatch.hpp's header). Returns how many moved.
template <Float F, class Data>
std::size_t reassign_low_weight(const Data& batch, MiniBatchState<F>& state, double ratio, Rng& rng) {
    const std::size_t k = state.weights.size();
    const auto heaviest = static_cast<std::size_t>(std::max_element(state.weights.begin(), state.weights.end()) - state.weights.begin());
    const double threshold = ratio * state.weights[heaviest];
    std::vector<std::size_t> moved;
    for (std::size_t j = 0; j < k; ++j) {
        if (state.weights[j] < threshold && j != heaviest) moved.push_back(j);  // one always stays (ratio > 1)
    }
    const std::size_t cap = batch.n_samples() / 2;  // at most half the batch become centroids
    if (moved.size() > cap) {
        std::stable_sort(moved.begin(), moved.end(), [&](std::size_t a, std::size_t b) { return state.weights[a] < state.weights[b]; });
        moved.resize(cap);  // the lightest stay candidates
        std::sort(moved.begin(), moved.end());
    }
    if (moved.empty()) return 0;
    // Draws proportional to weight, also when unweighted (as weights of 1), so that unit
    // weights and no weights give the same draws.
    std::vector<F> ones(batch.has_weights() ? 0 : batch.n_samples(), F(1));
    const Data weighted(batch.records(), batch.has_weights() ? batch.weights() : std::span<const F>(ones));
    const Matrix<F> picked = init_random(weighted, moved.size(), rng);
    double lightest_kept = std::numeric_limits<double>::infinity();
    std::size_t next = 0;
    for (std::size_t j = 0; j < k; ++j) {
        if (next < moved.size() && moved[next] == j) {
            state.centroids.row(static_cast<Eigen::Index>(j)) = picked.row(static_cast<Eigen::Index>(next++));
        } else {
            lightest_kept = std::min(lightest_kept, state.weights[j]);
        }
    }
    for (std::size_t j : moved) state.weights[j] = lightest_kept;  // not reassigned again at once
    return moved.size();
}

/// One Sculley step on `batch` (see minibatch.hpp's header).
template <Float F, class Data, class Sums>
StepResult minibatch_step(const Data& batch, MiniBatchState<F>& state, double reassignment_ratio, Rng& rng, Sums& sums) {
    const std::size_t k = state.weights.size(), d = static_cast<std::size_t>(state.centroids.cols());
    // scikit-learn's schedule, decided before the update: while a cluster has no weight yet,
    // or once 10 x n_clusters samples went by since the last reassignment.
    state.samples_since_reassignment += batch.n_samples();
    const bool some_empty = std::any_of(state.weights.begin(), state.weights.end(), [](double w) { return !(w > 0); });
    const bool reassign = some_empty || state.samples_since_reassignment >= 10 * std::uint64_t(k);
    if (reassign) state.samples_since_reassignment = 0;

    StepResult result;
    result.inertia = sums.run(batch, state.centroids);
    for (std::size_t j = 0; j < k; ++j) {
        const double batch_weight = sums.weight(j);
        if (!(batch_weight > 0)) continue;
        state.weights[j] += batch_weight;
        const double rate = batch_weight / state.weights[j];
        const double* sum = sums.sum(j);
        for (std::size_t f = 0; f < d; ++f) {
            F& c = state.centroids(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(f));
            const double mean = sum[f] / batch_weight;
            c = F(double(c) + rate * (mean - double(c)));
        }
    }
    if (reassign && reassignment_ratio > 0) result.n_reassigned = reassign_low_weight(batch, state, reassignment_ratio, rng);
    ++state.n_steps;
    return result;
}

/// scikit-learn's early stopping for `fit`: the centroid shift against the scaled tolerance,
/// and the lack of improvement of the exponentially weighted average of the batch inertia.
class MiniBatchConvergence {
public:
    MiniBatchConvergence(std::size_t batch_size, std::size_t n_samples, double tol_scaled,
                         std::optional<std::uint64_t> max_no_improvement)
        : alpha_(std::min(1.0, double(batch_size) * 2.0 / (double(n_samples) + 1.0))),
          tol_(tol_scaled),
          max_no_improvement_(max_no_improvement) {}

    /// After step `step` (from 0) with `batch_inertia` per sample and the squared `shift` of
    /// the centroids: whether to stop, and why.
    MiniBatchStop converged(std::uint64_t step, double batch_inertia, double shift) {
        if (step == 0) return MiniBatchStop::None;  // the first batch's inertia is the initialisation's
        ewa_ = std::isnan(ewa_) ? batch_inertia : ewa_ * (1 - alpha_) + batch_inertia * alpha_;
        if (tol_ > 0 && shift <= tol_) return MiniBatchStop::SmallChange;
        if (std::isnan(ewa_min_) || ewa_ < ewa_min_) {
            no_improvement_ = 0;
            ewa_min_ = ewa_;
        } else {
            ++no_improvement_;
        }
        const bool stop = max_no_improvement_ && no_improvement_ >= *max_no_improvement_;
        return stop ? MiniBatchStop::NoImprovement : MiniBatchStop::None;
    }
    double ewa() const { return ewa_; }

private:
    double alpha_, tol_;
    std::optional<std::uint64_t> max_no_improvement_;
    double ewa_ = std::numeric_limits<double>::quiet_NaN();
    double ewa_min_ = std::numeric_limits<double>::quiet_NaN();
    std::uint64_t no_improvement_ = 0;
};

}  // namespace kmeans_detail

template <Float F>
struct MiniBatchKMeansFitter {
    using State = kmeans_detail::MiniBatchState<F>;

    template <class Data>
    static KMeansWithLabels<F> fit(const MiniBatchKMeansParams<F>& params, const Data& data) {
        using namespace kmeans_detail;
        require_clusterable_shape("MiniBatchKMeans", params, data.n_samples(), data.n_features());
        const double tol_scaled = scaled_tolerance(data, params.tolerance());  // also checks finiteness
        require_valid_weights<F>(data.weights());
        const std::size_t n = data.n_samples(), k = params.n_clusters();
        const std::size_t batch_size = std::min(params.batch_size(), n);
        Rng rng = params.rng();

        State state;
        state.centroids = best_initialisation(params, data, init_size(params, batch_size, n), rng);
        state.weights.assign(k, 0.0);

        const std::uint64_t planned = planned_steps(params.max_n_iterations(), n, batch_size);
        MiniBatchConvergence convergence(batch_size, n, tol_scaled, params.max_no_improvement());
        typename MiniBatchParts<Data>::Sums sums(k, data.n_features());
        typename MiniBatchParts<Data>::Rows batch;
        Matrix<F> previous;
        std::uint64_t step = 0;
        while (step < planned) {
            batch.gather(data, draw_rows(rng, n, batch_size));
            if (tol_scaled > 0) previous = state.centroids;
            const StepResult result = minibatch_step(batch.view(), state, params.reassignment_ratio(), rng, sums);
            const double shift =
                tol_scaled > 0 ? (state.centroids.template cast<double>() - previous.template cast<double>()).squaredNorm() : 0.0;
            const double per_sample = result.inertia / double(batch_size);
            const MiniBatchStop stop = convergence.converged(step, per_sample, shift);
            if (params.on_step()) params.on_step()({step, planned, per_sample, convergence.ewa(), result.n_reassigned, stop});
            ++step;
            if (stop != MiniBatchStop::None) break;
        }

        Labels labels(static_cast<Eigen::Index>(n));
        const double inertia = assign_with_inertia(data, state.centroids, labels.data());
        const auto epochs = static_cast<std::uint64_t>((unsigned __int128)step * batch_size / n +
                                                       ((unsigned __int128)step * batch_size % n != 0));
        return {make_model(std::move(state), inertia, epochs), std::move(labels)};
    }

    template <class Data>
    static KMeans<F> fit_with(const MiniBatchKMeansParams<F>& params, std::optional<KMeans<F>> model, const Data& batch) {
        using namespace kmeans_detail;
        require_batch(params, model ? &*model : nullptr, batch);  // before anything changes
        const std::size_t k = params.n_clusters();
        Rng base = params.rng();
        const RngStreams streams = base.substreams();
        State state;
        std::uint64_t n_iterations = 0;
        if (model) {
            auto stream = model->stream_state();
            state.centroids = std::move(model->centroids_);
            state.weights = stream.cluster_weights.empty() ? std::vector<double>(k, 0.0) : std::move(stream.cluster_weights);
            state.n_steps = stream.n_steps;
            state.samples_since_reassignment = stream.samples_since_reassignment;
            n_iterations = model->n_iterations();
        }
        Rng rng = streams.stream(state.n_steps);  // the same draws for the same step, also after a reload
        if (!model) {
            const std::size_t n = batch.n_samples();
            state.centroids = initialise(params, batch, init_size(params, std::min(params.batch_size(), n), n), rng);
            state.weights.assign(k, 0.0);
        }
        typename MiniBatchParts<Data>::Sums sums(k, batch.n_features());
        const StepResult result = minibatch_step(batch, state, params.reassignment_ratio(), rng, sums);
        return make_model(std::move(state), result.inertia, n_iterations);
    }

private:
    static KMeans<F> make_model(State state, double inertia, std::uint64_t n_iterations) {
        typename KMeans<F>::StreamState stream{std::move(state.weights), state.n_steps, state.samples_since_reassignment};
        return KMeans<F>(std::move(state.centroids), inertia, n_iterations, std::move(stream));
    }

    /// scikit-learn's default: 3 x batch size (3 x n_clusters if that is smaller than
    /// n_clusters), capped at the samples available.
    static std::size_t init_size(const MiniBatchKMeansParams<F>& params, std::size_t batch_size, std::size_t n) {
        std::size_t size = 3 * batch_size;
        if (size < params.n_clusters()) size = 3 * params.n_clusters();
        return std::min(params.init_size().value_or(size), n);
    }

    static std::uint64_t planned_steps(std::uint64_t epochs, std::size_t n, std::size_t batch_size) {
        const unsigned __int128 steps = (unsigned __int128)epochs * n / batch_size;
        return steps > std::numeric_limits<std::uint64_t>::max() ? std::numeric_limits<std::uint64_t>::max()
                                                                 : static_cast<std::uint64_t>(steps);
    }

    /// Initial centroids computed on `size` samples of `data` drawn with replacement (all of
    /// `data` when size == n_samples).
    template <class Data>
    static Matrix<F> initialise(const MiniBatchKMeansParams<F>& params, const Data& data, std::size_t size, Rng& rng) {
        if (params.init_method() == InitMethod::Precomputed) return params.init_centroids();
        KMeansParams<F> init(params.n_clusters());
        init.init_method(params.init_method());
        if (size >= data.n_samples()) return kmeans_detail::initial_centroids(init, data, rng);
        typename kmeans_detail::MiniBatchParts<Data>::Rows subset;
        subset.gather(data, kmeans_detail::draw_rows(rng, data.n_samples(), size));
        return kmeans_detail::initial_centroids(init, subset.view(), rng);
    }

    /// The best of n_runs initialisations by inertia on a common validation subset.
    template <class Data>
    static Matrix<F> best_initialisation(const MiniBatchKMeansParams<F>& params, const Data& data, std::size_t size, Rng& rng) {
        if (params.init_method() == InitMethod::Precomputed) return params.init_centroids();
        typename kmeans_detail::MiniBatchParts<Data>::Rows validation;
        validation.gather(data, kmeans_detail::draw_rows(rng, data.n_samples(), size));
        std::vector<std::int32_t> labels(size);
        Matrix<F> best;
        double best_inertia = std::numeric_limits<double>::infinity();
        for (std::size_t run = 0; run < params.n_runs(); ++run) {
            Matrix<F> centroids = initialise(params, data, size, rng);
            const double inertia = kmeans_detail::assign_with_inertia(validation.view(), centroids, labels.data());
            if (run == 0 || inertia < best_inertia) best = std::move(centroids), best_inertia = inertia;
        }
        return best;
    }

    [[noreturn]] static void invalid(const std::string& what) { throw KMeansInputError("MiniBatchKMeans: " + what); }

    template <class Data>
    static void require_batch(const MiniBatchKMeansParams<F>& params, const KMeans<F>* model, const Data& batch) {
        const std::size_t n = batch.n_samples(), k = params.n_clusters();
        if (n == 0) invalid("the batch is empty; need at least one sample");
        if (batch.n_features() == 0) invalid("the batch has zero features; need at least one");
        if (n > static_cast<std::size_t>(INT32_MAX)) {
            invalid("batches of more than 2^31 - 1 samples are not supported, found " + std::to_string(n));
        }
        if (model) {
            if (model->n_clusters() != k) {
                invalid("the model has " + std::to_string(model->n_clusters()) + " clusters, the parameters ask for n_clusters = " +
                        std::to_string(k));
            }
            if (batch.n_features() != model->n_features()) {
                invalid("expected " + std::to_string(model->n_features()) + " features per sample (as the model), found " +
                        std::to_string(batch.n_features()));
            }
        } else {
            if (n < k) {
                invalid("the first batch has n_samples = " + std::to_string(n) + "; it must be at least n_clusters = " +
                        std::to_string(k) + " (the initial centroids are computed on it)");
            }
            kmeans_detail::require_init_width("MiniBatchKMeans", params, batch.n_features());
        }
        if constexpr (std::is_same_v<Data, DatasetView<F>>) require_finite<F>(batch.records(), "batch records");  // CsrView checked its own
        require_valid_weights<F>(batch.weights());
    }
};

template <Float F>
KMeansWithLabels<F> MiniBatchKMeansValidParams<F>::fit_predict(const DatasetView<F>& data) const {
    return MiniBatchKMeansFitter<F>::fit(params_, data);
}

template <Float F>
KMeans<F> MiniBatchKMeansValidParams<F>::fit(const DatasetView<F>& data) const {
    return fit_predict(data).model;
}

template <Float F>
KMeans<F> MiniBatchKMeansValidParams<F>::fit_with(std::optional<KMeans<F>> model, const DatasetView<F>& batch) const {
    return MiniBatchKMeansFitter<F>::fit_with(params_, std::move(model), batch);
}

template <Float F>
template <SparseIndex I>
KMeansWithLabels<F> MiniBatchKMeansValidParams<F>::fit_predict(const SparseDatasetView<F, I>& data) const {
    return MiniBatchKMeansFitter<F>::fit(params_, data);
}

template <Float F>
template <SparseIndex I>
KMeans<F> MiniBatchKMeansValidParams<F>::fit(const SparseDatasetView<F, I>& data) const {
    return fit_predict(data).model;
}

template <Float F>
template <SparseIndex I>
KMeans<F> MiniBatchKMeansValidParams<F>::fit_with(std::optional<KMeans<F>> model, const SparseDatasetView<F, I>& batch) const {
    return MiniBatchKMeansFitter<F>::fit_with(params_, std::move(model), batch);
}

}  // namespace linfa::clustering
