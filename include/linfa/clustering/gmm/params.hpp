// Gaussian mixture hyper-parameters, after linfa's guard pattern: `GaussianMixtureParams` is a
// builder whose setters chain; `check()` validates every value and returns
// `GaussianMixtureValidParams`; `fit` on either returns a fitted `GaussianMixture`.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Cholesky>

#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/rng.hpp"
#include "errors.hpp"

namespace linfa::clustering {

template <Float F>
class GaussianMixture;
template <Float F>
struct GaussianMixtureWithLabels;

/// The form of each component's covariance (scikit-learn's `covariance_type`). Matrices of a
/// type are stored in its shape: Full, k stacked d x d blocks ((k d) x d); Tied, one d x d;
/// Diag, k x d; Spherical, k x 1.
enum class CovarianceType {
    Full,       ///< each component has its own general covariance matrix (the default)
    Tied,       ///< all components share one general covariance matrix
    Diag,       ///< each component has its own diagonal covariance matrix
    Spherical,  ///< each component has its own single variance
};

/// The name of a covariance type as scikit-learn spells it ("full", "tied", "diag", "spherical").
inline const char* covariance_type_name(CovarianceType type) {
    switch (type) {
        case CovarianceType::Full: return "full";
        case CovarianceType::Tied: return "tied";
        case CovarianceType::Diag: return "diag";
        case CovarianceType::Spherical: return "spherical";
    }
    return "?";
}

/// How the first responsibilities are chosen (scikit-learn's `init_params`).
enum class GmmInit {
    KMeans,          ///< labels of one K-Means run (linfa's KMeans, one initialisation): the default
    KMeansPlusPlus,  ///< one component per k-means++ seed, each seed alone in its component
    Random,          ///< uniform random responsibilities, normalised per sample
    RandomFromData,  ///< one component per distinct random sample, each alone in its component
};

template <Float F>
class GaussianMixtureValidParams;

/// Builder of Gaussian-mixture hyper-parameters (see `GaussianMixture<F>::params`).
template <Float F>
class GaussianMixtureParams : public GuardedParams<GaussianMixtureParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = GaussianMixtureValidParams<F>;
    /// Progress hook: (initialisation, iteration from 1, lower bound after that iteration).
    using IterationCallback = std::function<void(std::size_t init, std::uint64_t iteration, double lower_bound)>;

    /// Defaults for `n_components` components, drawing from a copy of `rng`.
    explicit GaussianMixtureParams(std::size_t n_components, Rng rng = Rng()) : n_components_(n_components), rng_(rng) {}

    /// The form of the covariances (default CovarianceType::Full).
    GaussianMixtureParams& covariance_type(CovarianceType type) { covariance_type_ = type; return *this; }
    /// Convergence threshold: iteration stops when the lower bound (the mean log-likelihood)
    /// changes by less than this (default 1e-3; 0 runs every iteration).
    GaussianMixtureParams& tolerance(double tol) { tolerance_ = tol; return *this; }
    /// Non-negative amount added to the diagonal of every covariance (default 1e-6).
    GaussianMixtureParams& reg_covar(double reg) { reg_covar_ = reg; return *this; }
    /// Most EM iterations per initialisation (default 100; 0 keeps the initial parameters).
    GaussianMixtureParams& max_n_iterations(std::uint64_t n) { max_n_iterations_ = n; return *this; }
    /// Number of initialisations; the one with the highest lower bound is kept (default 1).
    GaussianMixtureParams& n_init(std::size_t n) { n_init_ = n; return *this; }
    /// How the first responsibilities are chosen (default GmmInit::KMeans).
    GaussianMixtureParams& init_method(GmmInit method) { init_method_ = method; return *this; }
    /// Initial weights (n_components values in [0, 1] summing to 1), replacing the init's.
    GaussianMixtureParams& weights_init(std::vector<double> weights) { weights_init_ = std::move(weights); return *this; }
    /// Initial means (n_components x n_features), replacing the init's.
    GaussianMixtureParams& means_init(Matrix<double> means) { means_init_ = std::move(means); return *this; }
    /// Initial precisions (inverse covariances) in the covariance type's shape (see
    /// CovarianceType), replacing the init's.
    GaussianMixtureParams& precisions_init(Matrix<double> precisions) { precisions_init_ = std::move(precisions); return *this; }
    /// The random engine of the initialisation, copied by each fit (default: Rng(), seed 42).
    GaussianMixtureParams& rng(Rng r) { rng_ = r; return *this; }
    /// Called after every EM iteration on the calling thread (verbose progress, tests).
    GaussianMixtureParams& on_iteration(IterationCallback callback) { on_iteration_ = std::move(callback); return *this; }

    /// Number of mixture components k.
    std::size_t n_components() const { return n_components_; }
    /// The form of the covariances.
    CovarianceType covariance_type() const { return covariance_type_; }
    /// Convergence threshold on the change of the lower bound.
    double tolerance() const { return tolerance_; }
    /// Regularisation added to the covariance diagonals.
    double reg_covar() const { return reg_covar_; }
    /// Most EM iterations per initialisation.
    std::uint64_t max_n_iterations() const { return max_n_iterations_; }
    /// Number of initialisations.
    std::size_t n_init() const { return n_init_; }
    /// How the first responsibilities are chosen.
    GmmInit init_method() const { return init_method_; }
    /// The initial weights given, if any.
    const std::optional<std::vector<double>>& weights_init() const { return weights_init_; }
    /// The initial means given, if any.
    const std::optional<Matrix<double>>& means_init() const { return means_init_; }
    /// The initial precisions given, if any.
    const std::optional<Matrix<double>>& precisions_init() const { return precisions_init_; }
    /// The random engine each fit starts from a copy of.
    const Rng& rng() const { return rng_; }
    /// The progress hook (empty when unset).
    const IterationCallback& on_iteration() const { return on_iteration_; }

    /// Validates every parameter; throws GaussianMixtureParamsError naming the first invalid one
    /// (shapes that depend on the number of features are checked by `fit`).
    GaussianMixtureValidParams<F> check() const;

private:
    std::size_t n_components_;
    CovarianceType covariance_type_ = CovarianceType::Full;
    double tolerance_ = 1e-3;
    double reg_covar_ = 1e-6;
    std::uint64_t max_n_iterations_ = 100;
    std::size_t n_init_ = 1;
    GmmInit init_method_ = GmmInit::KMeans;
    std::optional<std::vector<double>> weights_init_;
    std::optional<Matrix<double>> means_init_;
    std::optional<Matrix<double>> precisions_init_;
    Rng rng_;
    IterationCallback on_iteration_;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class GaussianMixtureValidParams {
public:
    /// The parameters as checked.
    const GaussianMixtureParams<F>& params() const { return params_; }

    /// Fits a mixture to `data` (records, optional sample weights): n_init initialisations,
    /// each refined by EM, keeping the highest lower bound. Throws GaussianMixtureInputError for
    /// unusable data or a covariance that is not positive definite even with reg_covar.
    GaussianMixture<F> fit(const DatasetView<F>& data) const;
    /// `fit`, also returning the most probable component of every training sample.
    GaussianMixtureWithLabels<F> fit_predict(const DatasetView<F>& data) const;
    /// Warm start (scikit-learn's warm_start): with a model, one run of EM from its parameters
    /// and lower bound (no initialisation); with std::nullopt, the same as `fit`. Throws as
    /// `fit`, and when the model's components, features or covariance type differ from these.
    GaussianMixture<F> fit_with(std::optional<GaussianMixture<F>> model, const DatasetView<F>& data) const;

private:
    friend class GaussianMixtureParams<F>;
    explicit GaussianMixtureValidParams(GaussianMixtureParams<F> params) : params_(std::move(params)) {}
    GaussianMixtureParams<F> params_;
};

namespace gmm_detail {

/// Number of rows of precisions given in `type`'s shape for k components of d features
/// (0 when the column count does not fit the shape).
inline std::size_t shaped_rows(CovarianceType type, std::size_t k, std::size_t d) {
    switch (type) {
        case CovarianceType::Full: return k * d;
        case CovarianceType::Tied: return d;
        case CovarianceType::Diag: return k;
        case CovarianceType::Spherical: return k;
    }
    return 0;
}

/// Number of columns of a matrix in `type`'s shape for d features.
inline std::size_t shaped_cols(CovarianceType type, std::size_t d) {
    return type == CovarianceType::Spherical ? 1 : d;
}

/// Number of features implied by precisions of `type` with `rows` x `cols` for k components
/// (0 when none fits; Spherical says nothing about features and gives 0 too).
inline std::size_t features_of_shape(CovarianceType type, std::size_t k, std::size_t rows, std::size_t cols) {
    switch (type) {
        case CovarianceType::Full: return rows == k * cols ? cols : 0;
        case CovarianceType::Tied: return rows == cols ? cols : 0;
        case CovarianceType::Diag: return rows == k ? cols : 0;
        case CovarianceType::Spherical: return 0;
    }
    return 0;
}

/// Whether every square block of `m` (blocks of `d` rows) is symmetric within 1e-8 + 1e-5
/// relative (numpy's allclose) and positive definite. (A template, so the Cholesky it runs is
/// only instantiated where used.)
template <class M>
bool blocks_symmetric_positive_definite(const M& m, std::size_t d) {
    for (Eigen::Index start = 0; start + Eigen::Index(d) <= m.rows(); start += Eigen::Index(d)) {
        const Eigen::MatrixXd block = m.block(start, 0, Eigen::Index(d), Eigen::Index(d));
        const Eigen::MatrixXd t = block.transpose();
        if (((block - t).array().abs() > 1e-8 + 1e-5 * t.array().abs()).any()) return false;
        Eigen::LLT<Eigen::MatrixXd> llt(block);
        if (llt.info() != Eigen::Success) return false;
    }
    return true;
}

}  // namespace gmm_detail

template <Float F>
GaussianMixtureValidParams<F> GaussianMixtureParams<F>::check() const {
    auto invalid = [](const std::string& what) { throw GaussianMixtureParamsError("GaussianMixture: " + what); };
    const std::size_t k = n_components_;
    if (k == 0) invalid("n_components must be at least 1, found 0");
    if (k > static_cast<std::size_t>(INT32_MAX)) invalid("n_components must fit in an int32, found " + std::to_string(k));
    if (!std::isfinite(tolerance_) || tolerance_ < 0) invalid("tol must be a finite number >= 0, found " + std::to_string(tolerance_));
    if (!std::isfinite(reg_covar_) || reg_covar_ < 0) invalid("reg_covar must be a finite number >= 0, found " + std::to_string(reg_covar_));
    if (n_init_ == 0) invalid("n_init must be at least 1, found 0");
    if (weights_init_) {
        const auto& w = *weights_init_;
        if (w.size() != k) invalid("weights_init must hold n_components = " + std::to_string(k) + " values, found " + std::to_string(w.size()));
        double sum = 0;
        for (const double v : w) {
            if (!(v >= 0 && v <= 1)) invalid("weights_init must be in [0, 1], found " + std::to_string(v));
            sum += v;
        }
        if (!(std::abs(1.0 - sum) <= 1e-8)) invalid("weights_init must sum to 1, found sum " + std::to_string(sum));
    }
    if (means_init_) {
        if (std::size_t(means_init_->rows()) != k) {
            invalid("means_init must have n_components = " + std::to_string(k) + " rows, found " + std::to_string(means_init_->rows()));
        }
        if (means_init_->cols() == 0) invalid("means_init must have at least one column, found 0");
        if (!means_init_->allFinite()) invalid("means_init contain NaN or infinity");
    }
    if (precisions_init_) {
        const auto& p = *precisions_init_;
        const char* name = covariance_type_name(covariance_type_);
        const std::size_t rows = std::size_t(p.rows()), cols = std::size_t(p.cols());
        const bool square = covariance_type_ == CovarianceType::Full || covariance_type_ == CovarianceType::Tied;
        const std::size_t d = gmm_detail::features_of_shape(covariance_type_, k, rows, cols);
        const bool shaped = covariance_type_ == CovarianceType::Spherical ? rows == k && cols == 1 : d > 0;
        if (!shaped) {
            const char* expected = covariance_type_ == CovarianceType::Full ? "(n_components * n_features) x n_features"
                                   : covariance_type_ == CovarianceType::Tied ? "n_features x n_features"
                                   : covariance_type_ == CovarianceType::Diag ? "n_components x n_features"
                                                                              : "n_components x 1";
            invalid(std::string("precisions_init for covariance type '") + name + "' must be " + expected + ", found " +
                    std::to_string(rows) + " x " + std::to_string(cols));
        }
        if (!p.allFinite()) invalid("precisions_init contain NaN or infinity");
        if (square && !gmm_detail::blocks_symmetric_positive_definite(p, d)) {
            invalid(std::string("'") + name + " precision' should be symmetric, positive-definite");
        }
        if (!square && (p.array() <= 0).any()) invalid(std::string("'") + name + " precision' should be positive");
    }
    return GaussianMixtureValidParams<F>(*this);
}

}  // namespace linfa::clustering
