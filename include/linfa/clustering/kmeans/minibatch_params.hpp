// Mini-batch K-Means hyper-parameters (Sculley 2010; scikit-learn's MiniBatchKMeans), after
// linfa's guard pattern: `MiniBatchKMeansParams` is a builder whose setters chain; `check()`
// validates every value and returns `MiniBatchKMeansValidParams`; on either, `fit(data)` runs
// the whole mini-batch algorithm over in-memory data and `fit_with(model, batch)` takes one
// incremental step (linfa's `FitWith`). The algorithm is in minibatch.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "../../core/dataset.hpp"
#include "../../core/rng.hpp"
#include "../../core/sparse.hpp"
#include "errors.hpp"
#include "params.hpp"

namespace linfa::clustering {

template <Float F>
class KMeans;
template <Float F>
struct KMeansWithLabels;
template <Float F>
class MiniBatchKMeansValidParams;

/// Why the mini-batch `fit` stopped early (scikit-learn's two rules), if it did.
enum class MiniBatchStop {
    None,           ///< not at this step
    SmallChange,    ///< the centroids moved within the scaled tolerance
    NoImprovement,  ///< the smoothed batch inertia found no new minimum for max_no_improvement steps
};

/// What `fit` reports after each mini-batch step (see `MiniBatchKMeansParams::on_step`).
struct MiniBatchStepInfo {
    std::uint64_t step;          ///< index of the step, from 0
    std::uint64_t n_steps;       ///< steps planned (max_n_iterations x n_samples / batch_size)
    double batch_inertia;        ///< weighted inertia of the batch before its update / batch size
    double ewa_inertia;          ///< its exponentially weighted average (NaN at step 0)
    std::size_t n_reassigned;    ///< clusters moved onto batch samples at this step
    MiniBatchStop stop = MiniBatchStop::None;  ///< whether `fit` stops after this step, and why
};

/// Mini-batch K-Means (Sculley 2010, "Web-scale k-means clustering"; scikit-learn's
/// MiniBatchKMeans): hyper-parameters, and the two ways to fit them.
///
/// Each step takes a small batch of samples, assigns each to its nearest centroid, and moves
/// every centroid that received samples towards their weighted mean, by the fraction
/// (weight of its batch samples) / (weight it has received in all): the centroid is the
/// running mean of everything the cluster has seen, so early batches move it a lot and later
/// ones fine-tune it. Clusters left with little weight are moved onto random batch samples
/// (`reassignment_ratio`). The model (`KMeans<F>`) carries the cumulated weight of each
/// cluster, so a step can continue from any model, including one read from a file.
///
///  * `fit(data)`: the whole algorithm over in-memory data (random batches, early stopping,
///    the final inertia and labels over all of `data`); a fraction of Lloyd's cost per pass,
///    for an inertia usually within a few percent of a full fit.
///  * `fit_with(model, batch)`: one step (linfa's `FitWith`), for data that arrives in
///    batches or does not fit in memory; `std::nullopt` as the model initialises the
///    centroids from the first batch.
///
/// Example (examples/kmeans_minibatch.cpp, which streams batches from a generator):
/// ```cpp
/// const auto params = linfa::clustering::KMeans<double>::minibatch_params(4, linfa::Rng(42)).check();
/// std::optional<linfa::clustering::KMeans<double>> model;
/// for (int step = 0; step < 100; ++step) {
///     model = params.fit_with(std::move(model), stream.next_batch(512));  // only this batch in memory
/// }
/// linfa::save(*model, "stream.linfa");  // load it later and keep calling fit_with
/// ```
/// Same seed, same batches: the same model bit for bit, on any number of threads and across
/// a save/load in the middle of a stream.
template <Float F>
class MiniBatchKMeansParams : public GuardedParams<MiniBatchKMeansParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = MiniBatchKMeansValidParams<F>;
    /// Progress hook of `fit`, given what each step did.
    using StepCallback = std::function<void(const MiniBatchStepInfo&)>;

    /// Defaults for `n_clusters` clusters, drawing from a copy of `rng` (validated by `check()`).
    explicit MiniBatchKMeansParams(std::size_t n_clusters, Rng rng = Rng()) : n_clusters_(n_clusters), rng_(rng) {}

    /// Samples per mini-batch drawn by `fit` (capped at n_samples). Also sets the default
    /// `init_size` of `fit_with` (3 x batch size).
    MiniBatchKMeansParams& batch_size(std::size_t n) { batch_size_ = n; return *this; }
    /// Epochs: `fit` takes at most max_n_iterations x n_samples / batch_size steps.
    MiniBatchKMeansParams& max_n_iterations(std::uint64_t n) { max_n_iterations_ = n; return *this; }
    /// `fit` stops once the squared movement of all centroids in one step is at most this,
    /// relative to the mean per-feature variance of the data (scikit-learn's `tol`); 0
    /// (the default) disables this test.
    MiniBatchKMeansParams& tolerance(double tol) { tolerance_ = tol; return *this; }
    /// `fit` stops after this many consecutive steps without a new minimum of the smoothed
    /// batch inertia; `std::nullopt` disables the test. Default 10.
    MiniBatchKMeansParams& max_no_improvement(std::optional<std::uint64_t> n) { max_no_improvement_ = n; return *this; }
    /// Clusters whose cumulated weight falls below this fraction of the largest one are moved
    /// onto random samples of the batch (scikit-learn's rule); 0 disables it. Default 0.01.
    MiniBatchKMeansParams& reassignment_ratio(double ratio) { reassignment_ratio_ = ratio; return *this; }
    /// How the first centroids are chosen (default InitMethod::KMeansPlusPlus).
    MiniBatchKMeansParams& init_method(InitMethod method) { init_method_ = method; return *this; }
    /// Starts from these centroids (n_clusters x n_features); sets InitMethod::Precomputed.
    MiniBatchKMeansParams& init_centroids(Matrix<F> centroids) {
        init_centroids_ = std::move(centroids);
        init_method_ = InitMethod::Precomputed;
        return *this;
    }
    /// Samples drawn (with replacement) to compute the initial centroids on; at least
    /// n_clusters. Default: 3 x batch size, or 3 x n_clusters if that is smaller than
    /// n_clusters; always capped at the samples available.
    MiniBatchKMeansParams& init_size(std::optional<std::size_t> n) { init_size_ = n; return *this; }
    /// `fit` tries this many initialisations (each on its own random subset of init_size
    /// samples) and keeps the one of lowest inertia on a common validation subset.
    MiniBatchKMeansParams& n_runs(std::size_t runs) { n_runs_ = runs; return *this; }
    /// The random engine of batches, initialisation and reassignments (default: Rng(), seed 42).
    MiniBatchKMeansParams& rng(Rng r) { rng_ = r; return *this; }
    /// Called by `fit` after every step, on the calling thread (e.g. for verbose progress).
    MiniBatchKMeansParams& on_step(StepCallback callback) { on_step_ = std::move(callback); return *this; }

    /// Number of clusters k.
    std::size_t n_clusters() const { return n_clusters_; }
    /// Samples per mini-batch (default 1024).
    std::size_t batch_size() const { return batch_size_; }
    /// Most epochs of `fit` (default 100).
    std::uint64_t max_n_iterations() const { return max_n_iterations_; }
    /// Early-stopping threshold on the centroids' movement (default 0: off).
    double tolerance() const { return tolerance_; }
    /// Steps without improvement before `fit` stops (default 10; nullopt: off).
    std::optional<std::uint64_t> max_no_improvement() const { return max_no_improvement_; }
    /// Fraction of the largest cluster weight below which clusters are reassigned (default 0.01).
    double reassignment_ratio() const { return reassignment_ratio_; }
    /// How the first centroids are chosen.
    InitMethod init_method() const { return init_method_; }
    /// The centroids given to `init_centroids` (empty when none).
    const Matrix<F>& init_centroids() const { return init_centroids_; }
    /// Samples the initial centroids are computed on (nullopt: the default rule).
    std::optional<std::size_t> init_size() const { return init_size_; }
    /// Initialisations tried by `fit` (default 1).
    std::size_t n_runs() const { return n_runs_; }
    /// The random engine each call starts from a copy of.
    const Rng& rng() const { return rng_; }
    /// The progress hook of `fit` (empty when unset).
    const StepCallback& on_step() const { return on_step_; }

    /// Validates every parameter; throws KMeansParamsError naming the first invalid one.
    /// `fit`, `fit_predict` and `fit_with` (from GuardedParams) call it, then the
    /// MiniBatchKMeansValidParams member of the same name.
    MiniBatchKMeansValidParams<F> check() const;

private:
    std::size_t n_clusters_;
    std::size_t batch_size_ = 1024;
    std::uint64_t max_n_iterations_ = 100;
    double tolerance_ = 0.0;
    std::optional<std::uint64_t> max_no_improvement_ = 10;
    double reassignment_ratio_ = 0.01;
    InitMethod init_method_ = InitMethod::KMeansPlusPlus;
    Matrix<F> init_centroids_;
    std::optional<std::size_t> init_size_;
    std::size_t n_runs_ = 1;
    Rng rng_;
    StepCallback on_step_;
};

/// Parameters that passed `check()`. See minibatch.hpp for the algorithm.
template <Float F>
class MiniBatchKMeansValidParams {
public:
    /// The parameters as checked.
    const MiniBatchKMeansParams<F>& params() const { return params_; }

    /// The mini-batch algorithm over in-memory data: random batches drawn from `data` until
    /// max_n_iterations epochs or early stopping; the final inertia is that of all of `data`.
    /// The parameters' RNG is copied, so fitting twice gives the same model.
    KMeans<F> fit(const DatasetView<F>& data) const;
    /// `fit`, also returning the label of every sample of `data` (computed with the inertia).
    KMeansWithLabels<F> fit_predict(const DatasetView<F>& data) const;
    /// One mini-batch step on `batch`, continuing from `model` or, without one, from initial
    /// centroids computed on `batch` (which then needs at least n_clusters samples). Returns
    /// the updated model; on any error `model` is left as it was (nothing is computed before
    /// the batch has been validated). Random draws come from the parameters' RNG and the
    /// model's step count, so the same parameters and batches give the same model, also
    /// across save/load.
    KMeans<F> fit_with(std::optional<KMeans<F>> model, const DatasetView<F>& batch) const;
    /// `fit` on sparse records (CSR, optional weights), with dense centroids.
    template <SparseIndex I>
    KMeans<F> fit(const SparseDatasetView<F, I>& data) const;
    /// `fit_predict` on sparse records.
    template <SparseIndex I>
    KMeansWithLabels<F> fit_predict(const SparseDatasetView<F, I>& data) const;
    /// `fit_with` on a sparse batch.
    template <SparseIndex I>
    KMeans<F> fit_with(std::optional<KMeans<F>> model, const SparseDatasetView<F, I>& batch) const;
    /// `fit` on unweighted sparse records.
    template <SparseIndex I>
    KMeans<F> fit(const CsrView<F, I>& records) const { return fit(SparseDatasetView<F, I>(records)); }
    /// `fit_predict` on unweighted sparse records.
    template <SparseIndex I>
    KMeansWithLabels<F> fit_predict(const CsrView<F, I>& records) const { return fit_predict(SparseDatasetView<F, I>(records)); }
    /// `fit_with` on an unweighted sparse batch.
    template <SparseIndex I>
    KMeans<F> fit_with(std::optional<KMeans<F>> model, const CsrView<F, I>& batch) const {
        return fit_with(std::move(model), SparseDatasetView<F, I>(batch));
    }

private:
    friend class MiniBatchKMeansParams<F>;
    explicit MiniBatchKMeansValidParams(MiniBatchKMeansParams<F> params) : params_(std::move(params)) {}
    MiniBatchKMeansParams<F> params_;
};

template <Float F>
MiniBatchKMeansValidParams<F> MiniBatchKMeansParams<F>::check() const {
    auto invalid = [](const std::string& what) { throw KMeansParamsError("MiniBatchKMeans: " + what); };
    if (n_clusters_ == 0) invalid("n_clusters must be at least 1, found 0");
    if (n_clusters_ > static_cast<std::size_t>(INT32_MAX)) invalid("n_clusters must fit in an int32, found " + std::to_string(n_clusters_));
    if (batch_size_ == 0) invalid("batch_size must be at least 1, found 0");
    if (max_n_iterations_ == 0) invalid("max_n_iterations must be at least 1, found 0");
    if (!std::isfinite(tolerance_) || tolerance_ < 0) {
        invalid("tolerance must be a finite number >= 0, found " + std::to_string(tolerance_));
    }
    if (!std::isfinite(reassignment_ratio_) || reassignment_ratio_ < 0) {
        invalid("reassignment_ratio must be a finite number >= 0, found " + std::to_string(reassignment_ratio_));
    }
    if (init_size_ && *init_size_ < n_clusters_) {
        invalid("init_size must be at least n_clusters = " + std::to_string(n_clusters_) + ", found " +
                std::to_string(*init_size_));
    }
    if (n_runs_ == 0) invalid("n_runs must be at least 1, found 0");
    if (init_method_ == InitMethod::Precomputed) {
        if (init_centroids_.size() == 0) invalid("InitMethod::Precomputed needs init_centroids(...)");
        if (static_cast<std::size_t>(init_centroids_.rows()) != n_clusters_) {
            invalid("init_centroids has " + std::to_string(init_centroids_.rows()) +
                    " rows, expected n_clusters = " + std::to_string(n_clusters_));
        }
        if (!init_centroids_.allFinite()) invalid("init_centroids contain NaN or infinity");
    }
    return MiniBatchKMeansValidParams<F>(*this);
}

}  // namespace linfa::clustering
