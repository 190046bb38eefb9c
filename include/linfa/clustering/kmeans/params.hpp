// K-Means hyper-parameters, after linfa's guard pattern: `KMeansParams` is a builder whose
// setters chain; `check()` validates every value and returns `KMeansValidParams`; `fit` on
// either returns a fitted `KMeans` model (the builder's through GuardedParams, core/params.hpp).
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/rng.hpp"
#include "../../core/sparse.hpp"
#include "errors.hpp"

namespace linfa::clustering {

template <Float F>
class KMeans;
template <Float F>
struct KMeansWithLabels;

/// How the first centroids are chosen.
enum class InitMethod {
    Random,          ///< k distinct samples, drawn with probability proportional to weight
    KMeansPlusPlus,  ///< greedy k-means++ (2 + log k local trials per centre), the default
    KMeansPara,      ///< k-means|| (Bahmani et al.): parallel oversampling, then k-means++
    Precomputed,     ///< the centroids given to `init_centroids`
};

/// The iteration used to refine centroids.
enum class KMeansAlgorithm {
    Lloyd,    ///< assignment + update, fused into one pass over the data per iteration
    Hamerly,  ///< Lloyd's result, skipping distance computations that bounds prove useless
    Auto,     ///< Hamerly where it pays (k >= 8 and k x d >= 256), else Lloyd: the default
};

template <Float F>
class KMeansValidParams;

/// How a run of the full-batch fit converged (see `KMeansParams::on_converged`).
struct KMeansConvergence {
    std::size_t run;           ///< the run, from 0
    std::uint64_t iteration;   ///< the iteration it converged at, from 0
    bool strict;               ///< no label changed (else: the centroids moved within the tolerance)
    double center_shift;       ///< squared movement of all centroids in that iteration
    double tolerance;          ///< the scaled tolerance it was compared with
};

/// Builder of K-Means hyper-parameters (see `KMeans<F>::params`).
template <Float F>
class KMeansParams : public GuardedParams<KMeansParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = KMeansValidParams<F>;
    /// Progress hook: (run, iteration index from 0, inertia of that iteration's assignment).
    using IterationCallback = std::function<void(std::size_t run, std::uint64_t iteration, double inertia)>;
    /// Convergence hook: how a run stopped before max_n_iterations.
    using ConvergedCallback = std::function<void(const KMeansConvergence&)>;

    /// Defaults for `n_clusters` clusters, drawing from a copy of `rng` (validated by `check()`).
    explicit KMeansParams(std::size_t n_clusters, Rng rng = Rng()) : n_clusters_(n_clusters), rng_(rng) {}

    /// Independent initialisations + fits; the one with the lowest inertia is kept.
    KMeansParams& n_runs(std::size_t runs) { n_runs_ = runs; return *this; }
    /// Convergence threshold on the squared movement of all centroids in one iteration,
    /// relative to the mean per-feature variance of the data (scikit-learn's `tol`).
    /// Iteration also stops as soon as no label changes.
    KMeansParams& tolerance(double tol) { tolerance_ = tol; return *this; }
    /// Most iterations per run (default 300; at least 1).
    KMeansParams& max_n_iterations(std::uint64_t n) { max_n_iterations_ = n; return *this; }
    /// How the first centroids are chosen (default InitMethod::KMeansPlusPlus).
    KMeansParams& init_method(InitMethod method) { init_method_ = method; return *this; }
    /// Starts from these centroids (n_clusters x n_features); sets InitMethod::Precomputed.
    KMeansParams& init_centroids(Matrix<F> centroids) {
        init_centroids_ = std::move(centroids);
        init_method_ = InitMethod::Precomputed;
        return *this;
    }
    /// The iteration (default KMeansAlgorithm::Auto); Lloyd and Hamerly give the same centroids.
    /// On sparse records Auto runs Lloyd's, where Hamerly's bounds rarely pay; Hamerly runs
    /// when asked for (the same labels and centroids as Lloyd's, bit for bit).
    KMeansParams& algorithm(KMeansAlgorithm algo) { algorithm_ = algo; return *this; }
    /// The random engine of the initialisation, copied by each fit (default: Rng(), seed 42).
    KMeansParams& rng(Rng r) { rng_ = r; return *this; }
    /// Called after every Lloyd iteration (for verbose progress, say). Unset by default, and
    /// then the fit takes a path without it. It runs on the calling thread, between passes.
    KMeansParams& on_iteration(IterationCallback callback) { on_iteration_ = std::move(callback); return *this; }
    /// Called when a run converges (no label changed, or the centroids moved within the
    /// tolerance), after its last on_iteration call; not when it stops at max_n_iterations.
    KMeansParams& on_converged(ConvergedCallback callback) { on_converged_ = std::move(callback); return *this; }

    /// Number of clusters k.
    std::size_t n_clusters() const { return n_clusters_; }
    /// Number of initialisations + fits (default 1).
    std::size_t n_runs() const { return n_runs_; }
    /// Convergence threshold, relative to the mean feature variance (default 1e-4).
    double tolerance() const { return tolerance_; }
    /// Most iterations per run (default 300).
    std::uint64_t max_n_iterations() const { return max_n_iterations_; }
    /// How the first centroids are chosen.
    InitMethod init_method() const { return init_method_; }
    /// The centroids given to `init_centroids` (empty when none).
    const Matrix<F>& init_centroids() const { return init_centroids_; }
    /// The iteration asked for (Auto is resolved at fit, see resolve_algorithm).
    KMeansAlgorithm algorithm() const { return algorithm_; }
    /// The random engine each fit starts from a copy of.
    const Rng& rng() const { return rng_; }
    /// The progress hook (empty when unset).
    const IterationCallback& on_iteration() const { return on_iteration_; }
    /// The convergence hook (empty when unset).
    const ConvergedCallback& on_converged() const { return on_converged_; }

    /// Validates every parameter; throws KMeansParamsError naming the first invalid one.
    /// `fit` and `fit_predict` (from GuardedParams) call it, then KMeansValidParams's.
    KMeansValidParams<F> check() const;

private:
    std::size_t n_clusters_;
    std::size_t n_runs_ = 1;
    double tolerance_ = 1e-4;
    std::uint64_t max_n_iterations_ = 300;
    InitMethod init_method_ = InitMethod::KMeansPlusPlus;
    Matrix<F> init_centroids_;
    KMeansAlgorithm algorithm_ = KMeansAlgorithm::Auto;
    Rng rng_;
    IterationCallback on_iteration_;
    ConvergedCallback on_converged_;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class KMeansValidParams {
public:
    /// The parameters as checked.
    const KMeansParams<F>& params() const { return params_; }

    /// Clusters `data` (records, optional sample weights). Throws KMeansInputError for
    /// unusable data. The parameters' RNG is copied, so fitting twice gives the same model.
    KMeans<F> fit(const DatasetView<F>& data) const;
    /// `fit`, also returning the label of every training sample, which the fit computes
    /// anyway (same as `model.predict(data)`, without the extra pass).
    KMeansWithLabels<F> fit_predict(const DatasetView<F>& data) const;
    /// Clusters sparse records (CSR, optional sample weights) with dense centroids: Lloyd's
    /// iteration whatever `algorithm()` says, every initialisation, the same determinism.
    /// The model is the dense fit's up to rounding (distances through ||x||^2 - 2 x.c + ||c||^2).
    template <SparseIndex I>
    KMeans<F> fit(const SparseDatasetView<F, I>& data) const;
    /// `fit` on sparse records, also returning the label of every training sample.
    template <SparseIndex I>
    KMeansWithLabels<F> fit_predict(const SparseDatasetView<F, I>& data) const;
    /// `fit` on unweighted sparse records.
    template <SparseIndex I>
    KMeans<F> fit(const CsrView<F, I>& records) const { return fit(SparseDatasetView<F, I>(records)); }
    /// `fit_predict` on unweighted sparse records.
    template <SparseIndex I>
    KMeansWithLabels<F> fit_predict(const CsrView<F, I>& records) const { return fit_predict(SparseDatasetView<F, I>(records)); }

private:
    friend class KMeansParams<F>;
    explicit KMeansValidParams(KMeansParams<F> params) : params_(std::move(params)) {}
    KMeansParams<F> params_;
};

template <Float F>
KMeansValidParams<F> KMeansParams<F>::check() const {
    auto invalid = [](const std::string& what) { throw KMeansParamsError("KMeans: " + what); };
    if (n_clusters_ == 0) invalid("n_clusters must be at least 1, found 0");
    if (n_clusters_ > static_cast<std::size_t>(INT32_MAX)) invalid("n_clusters must fit in an int32, found " + std::to_string(n_clusters_));
    if (n_runs_ == 0) invalid("n_runs must be at least 1, found 0");
    if (!std::isfinite(tolerance_) || tolerance_ < 0) {
        invalid("tolerance must be a finite number >= 0, found " + std::to_string(tolerance_));
    }
    if (max_n_iterations_ == 0) invalid("max_n_iterations must be at least 1, found 0");
    if (init_method_ == InitMethod::Precomputed) {
        if (init_centroids_.size() == 0) invalid("InitMethod::Precomputed needs init_centroids(...)");
        if (static_cast<std::size_t>(init_centroids_.rows()) != n_clusters_) {
            invalid("init_centroids has " + std::to_string(init_centroids_.rows()) +
                    " rows, expected n_clusters = " + std::to_string(n_clusters_));
        }
        if (!init_centroids_.allFinite()) invalid("init_centroids contain NaN or infinity");
    }
    return KMeansValidParams<F>(*this);
}

namespace kmeans_detail {

/// Refuses a precomputed init whose width is not the rows' (`model` names the fit in the
/// message). `Params`: KMeansParams or MiniBatchKMeansParams.
template <class Params>
void require_init_width(const std::string& model, const Params& params, std::size_t n_features) {
    if (params.init_method() == InitMethod::Precomputed && static_cast<std::size_t>(params.init_centroids().cols()) != n_features) {
        throw KMeansInputError(model + ": init_centroids have " + std::to_string(params.init_centroids().cols()) +
                               " features, the records have " + std::to_string(n_features));
    }
}

/// The checks of a K-Means fit that read only the rows' shape: at least one feature,
/// n_samples >= n_clusters, fewer than 2^31 rows, a precomputed init as wide as the rows.
/// Shared by Lloyd/Hamerly, mini-batch and their distributed preambles (which run it on the
/// shape every rank agrees on). `Params`: KMeansParams or MiniBatchKMeansParams.
template <class Params>
void require_clusterable_shape(const std::string& model, const Params& params, std::size_t n_samples, std::size_t n_features) {
    auto invalid = [&](const std::string& what) { throw KMeansInputError(model + ": " + what); };
    if (n_features == 0) invalid("records have zero features; need at least one");
    if (n_samples < params.n_clusters()) {
        invalid("n_samples = " + std::to_string(n_samples) + " must be at least n_clusters = " + std::to_string(params.n_clusters()));
    }
    if (n_samples > static_cast<std::size_t>(INT32_MAX)) {
        invalid("more than 2^31 - 1 samples are not supported, found " + std::to_string(n_samples));
    }
    require_init_width(model, params, n_features);
}

}  // namespace kmeans_detail

}  // namespace linfa::clustering
