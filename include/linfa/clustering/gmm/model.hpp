// The fitted Gaussian mixture: prediction, probabilities, log-likelihoods, information
// criteria and sampling.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../../core/dataset.hpp"
#include "../../core/rng.hpp"
#include "../../core/validation.hpp"
#include "components.hpp"
#include "errors.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::clustering {

/// The fit behind GaussianMixtureValidParams (algorithm.hpp).
template <Float F>
struct GaussianMixtureFitter;

/// Samples drawn from a mixture (`GaussianMixture::sample`): the records and the component
/// each was drawn from, grouped by component in order.
template <Float F>
struct GaussianMixtureSample {
    Matrix<F> records;  ///< n x d samples
    Labels labels;      ///< the component of each sample
};

/// A fitted Gaussian mixture, as scikit-learn's GaussianMixture: k components, each a
/// multivariate normal distribution with a weight; the covariances are full, tied (one shared),
/// diagonal or spherical (CovarianceType).
///
/// Fitting runs expectation-maximisation from an initialisation (K-Means labels by default,
/// see GmmInit): the E-step gives each sample its responsibilities, the posterior probability
/// of each component, computed in log space through the Cholesky factors of the precisions and
/// a log-sum-exp per sample, so far samples neither overflow nor underflow; the M-step sets
/// the weights, means and covariances (plus reg_covar on the diagonal) those responsibilities
/// imply. Both steps are fused into one pass over the data per iteration, which also gives the
/// lower bound, the mean log-likelihood of the data under the parameters before the step.
/// Iteration stops when it changes by less than `tol`, or after `max_n_iterations`; with
/// n_init > 1 the run with the highest lower bound is kept. Sums are gathered per chunk in
/// double and combined in chunk order: the same model on any thread count.
///
/// ```cpp
/// auto model = linfa::clustering::GaussianMixture<double>::params(3, linfa::Rng(7))
///                  .covariance_type(linfa::clustering::CovarianceType::Diag).fit(records);
/// linfa::Labels labels = model.predict(records);
/// linfa::Matrix<double> proba = model.predict_proba(records);  // n x 3
/// double bic = model.bic(records);
/// ```
/// A model only comes out of `fit`, `fit_with` or `linfa::load`.
template <Float F>
class GaussianMixture {
public:
    /// The scalar type of the data it accepts.
    using scalar_type = F;

    /// Hyper-parameters for `n_components` components, drawing from a copy of `rng`.
    static GaussianMixtureParams<F> params(std::size_t n_components, Rng rng = Rng()) {
        return GaussianMixtureParams<F>(n_components, rng);
    }

    /// Number of components k.
    std::size_t n_components() const { return c_.k; }
    /// Number of features d the model was fitted on.
    std::size_t n_features() const { return c_.d; }
    /// The form of the covariances.
    CovarianceType covariance_type() const { return c_.type; }
    /// The weight of each component (k values summing to 1).
    const std::vector<double>& weights() const { return c_.weights; }
    /// The k x d means.
    const Matrix<double>& means() const { return c_.means; }
    /// The covariances in the type's shape (see CovarianceType).
    const Matrix<double>& covariances() const { return c_.covariances; }
    /// The Cholesky factors of the precisions in the type's shape: for full and tied, upper
    /// triangular P with P P^T the precision; for diag and spherical, 1 / standard deviation.
    const Matrix<double>& precisions_cholesky() const { return c_.precisions_chol; }
    /// The precisions (inverse covariances) in the type's shape: P P^T, or the factors squared.
    Matrix<double> precisions() const {
        if (c_.type == CovarianceType::Diag || c_.type == CovarianceType::Spherical) return c_.precisions_chol.array().square().matrix();
        Matrix<double> out(c_.precisions_chol.rows(), c_.precisions_chol.cols());
        const auto D = Eigen::Index(c_.d);
        for (Eigen::Index start = 0; start < out.rows(); start += D) {
            const Eigen::MatrixXd p = c_.precisions_chol.block(start, 0, D, D);
            out.block(start, 0, D, D) = p * p.transpose();
        }
        return out;
    }
    /// Whether the run kept (or any run, with n_init > 1, as scikit-learn) reached `tol`.
    bool converged() const { return converged_; }
    /// EM iterations of the run kept.
    std::uint64_t n_iter() const { return n_iter_; }
    /// The lower bound (mean log-likelihood of the training data) of the run kept;
    /// -infinity when fitted with max_n_iterations 0.
    double lower_bound() const { return lower_bound_; }
    /// Number of free parameters (scikit-learn's _n_parameters), as used by bic and aic.
    std::size_t n_parameters() const {
        const std::size_t k = c_.k, d = c_.d;
        const std::size_t cov = c_.type == CovarianceType::Full   ? k * d * (d + 1) / 2
                                : c_.type == CovarianceType::Diag ? k * d
                                : c_.type == CovarianceType::Tied ? d * (d + 1) / 2
                                                                  : k;
        return cov + k * d + k - 1;
    }
    /// The largest input magnitude predict accepts: past it, a squared Mahalanobis distance
    /// (computed in double) could overflow. Every finite float is accepted.
    InputBound input_bound() const {
        double largest_factor = 1, largest_mean = 0;
        for (Eigen::Index i = 0; i < c_.precisions_chol.size(); ++i) largest_factor = std::max(largest_factor, std::abs(c_.precisions_chol.data()[i]));
        for (Eigen::Index i = 0; i < c_.means.size(); ++i) largest_mean = std::max(largest_mean, std::abs(c_.means.data()[i]));
        const double d = double(std::max<std::size_t>(c_.d, 1));
        const double magnitude = std::max(0.0, 0.5 * std::sqrt(std::numeric_limits<double>::max() / d) / (d * largest_factor) - largest_mean);
        if (magnitude >= double(std::numeric_limits<F>::max())) return {};
        return {magnitude, "squared Mahalanobis distances would overflow"};
    }

    /// The most probable component of each sample. Throws GaussianMixtureInputError for a
    /// wrong feature count, InvalidInput for NaN, infinity or values past input_bound().
    Labels predict(const DatasetView<F>& data) const {
        Labels labels(static_cast<Eigen::Index>(data.n_samples()));
        predict_inplace(data, labels);
        return labels;
    }
    /// `predict` into `labels` (resized to n_samples when its size differs). Throws as `predict`.
    void predict_inplace(const DatasetView<F>& data, Labels& labels) const {
        require_predictable(data);
        if (labels.size() != Eigen::Index(data.n_samples())) labels.resize(Eigen::Index(data.n_samples()));
        for_each_row(data, [&](std::size_t i, const double* values) {
            labels[Eigen::Index(i)] = std::int32_t(std::max_element(values, values + c_.k) - values);
        });
    }
    /// n x k: the responsibility (posterior probability) of each component for each sample;
    /// rows sum to 1 within rounding. Throws as `predict`.
    Matrix<F> predict_proba(const DatasetView<F>& data) const {
        require_predictable(data);
        Matrix<F> out = output_matrix<F>(Eigen::Index(data.n_samples()), Eigen::Index(c_.k));
        for_each_row(data, [&](std::size_t i, const double* values) {
            const double norm = gmm_detail::log_sum_exp(values, c_.k);
            for (std::size_t j = 0; j < c_.k; ++j) out(Eigen::Index(i), Eigen::Index(j)) = F(std::exp(values[j] - norm));
        });
        return out;
    }
    /// The log-likelihood of each sample under the mixture. Throws as `predict`.
    Vector<double> score_samples(const DatasetView<F>& data) const {
        require_predictable(data);
        Vector<double> out(Eigen::Index(data.n_samples()));
        for_each_row(data, [&](std::size_t i, const double* values) { out[Eigen::Index(i)] = gmm_detail::log_sum_exp(values, c_.k); });
        return out;
    }
    /// The mean log-likelihood of the samples (weighted by the sample weights if any; summed in
    /// sample order). Throws as `predict`.
    double score(const DatasetView<F>& data) const {
        const Vector<double> each = score_samples(data);
        double sum = 0, weight = 0;
        for (Eigen::Index i = 0; i < each.size(); ++i) {
            sum += double(data.weight(std::size_t(i))) * each[i];
            weight += double(data.weight(std::size_t(i)));
        }
        return sum / weight;
    }
    /// Bayesian information criterion on `data` (lower is better): -2 score n + p log n.
    /// Throws as `predict`.
    double bic(const DatasetView<F>& data) const {
        const double n = double(data.n_samples());
        return -2 * score(data) * n + double(n_parameters()) * std::log(n);
    }
    /// Akaike information criterion on `data` (lower is better): -2 score n + 2 p.
    /// Throws as `predict`.
    double aic(const DatasetView<F>& data) const {
        return -2 * score(data) * double(data.n_samples()) + 2 * double(n_parameters());
    }

    /// `n` samples drawn from the mixture with `rng`: the count of each component from n
    /// categorical draws, then each component's samples, mean + L z with z standard normal
    /// and L L^T its covariance (L = P^-T from the factor P). Grouped by component in order,
    /// as scikit-learn's. Throws InvalidParams when n is 0.
    GaussianMixtureSample<F> sample(std::size_t n, Rng& rng) const {
        if (n == 0) throw GaussianMixtureParamsError("GaussianMixture::sample: n must be at least 1, found 0");
        const std::size_t k = c_.k, d = c_.d;
        std::vector<std::size_t> counts(k, 0);
        for (std::size_t i = 0; i < n; ++i) {
            double u = rng.uniform(), cumulative = 0;
            std::size_t j = 0;
            for (; j + 1 < k; ++j) {
                cumulative += c_.weights[j];
                if (u < cumulative) break;
            }
            ++counts[j];
        }
        GaussianMixtureSample<F> out{Matrix<F>(Eigen::Index(n), Eigen::Index(d)), Labels(Eigen::Index(n))};
        std::vector<double> z(d), x(d);
        std::size_t row = 0;
        for (std::size_t j = 0; j < k; ++j) {
            for (std::size_t s = 0; s < counts[j]; ++s, ++row) {
                for (auto& v : z) v = rng.normal<double>();
                draw(j, z.data(), x.data());
                for (std::size_t a = 0; a < d; ++a) out.records(Eigen::Index(row), Eigen::Index(a)) = F(x[a]);
                out.labels[Eigen::Index(row)] = std::int32_t(j);
            }
        }
        return out;
    }

private:
    friend struct GaussianMixtureFitter<F>;
    friend struct linfa::model_io<GaussianMixture<F>>;

    GaussianMixture(gmm_detail::Components c, bool converged, std::uint64_t n_iter, double lower_bound)
        : c_(std::move(c)), converged_(converged), n_iter_(n_iter), lower_bound_(lower_bound) {}

    /// mean_j + L z into x, L = P^-T (forward substitution with the lower-triangular P^T).
    void draw(std::size_t j, const double* z, double* x) const {
        const std::size_t d = c_.d;
        switch (c_.type) {
            case CovarianceType::Full:
            case CovarianceType::Tied: {
                const double* p = c_.factor(j);  // P(a, b) = p[a * d + b], upper triangular
                for (std::size_t b = 0; b < d; ++b) {
                    double v = z[b];
                    for (std::size_t a = 0; a < b; ++a) v -= p[a * d + b] * x[a];
                    x[b] = v / p[b * d + b];
                }
                break;
            }
            case CovarianceType::Diag:
                for (std::size_t a = 0; a < d; ++a) x[a] = z[a] / c_.precisions_chol(Eigen::Index(j), Eigen::Index(a));
                break;
            case CovarianceType::Spherical:
                for (std::size_t a = 0; a < d; ++a) x[a] = z[a] / c_.precisions_chol(Eigen::Index(j), 0);
                break;
        }
        for (std::size_t a = 0; a < d; ++a) x[a] += c_.means(Eigen::Index(j), Eigen::Index(a));
    }

    /// `fn(i, weighted log-probabilities of sample i)` for every sample, in parallel chunks.
    template <class Fn>
    void for_each_row(const DatasetView<F>& data, Fn&& fn) const {
        const std::size_t d = c_.d;
        for_each_chunk(plan_chunks(data.n_samples(), 1024), [&](std::size_t, std::size_t begin, std::size_t end) {
            gmm_detail::RowScratch scratch(c_.k, d);
            for (std::size_t i = begin; i < end; ++i) {
                gmm_detail::weighted_log_prob(c_, data.records().data() + i * d, scratch, scratch.values.data());
                fn(i, scratch.values.data());
            }
        });
    }

    void require_predictable(const DatasetView<F>& data) const {
        if (data.n_features() != n_features()) {
            throw GaussianMixtureInputError("GaussianMixture: expected " + std::to_string(n_features()) +
                                            " features per sample (as in training), found " + std::to_string(data.n_features()));
        }
        require_finite<F>(data.records(), "records", input_bound());
        require_valid_weights<F>(data.weights());
    }

    gmm_detail::Components c_;
    bool converged_ = false;
    std::uint64_t n_iter_ = 0;
    double lower_bound_ = -std::numeric_limits<double>::infinity();
};

/// A fitted model with the most probable component of each training sample (`fit_predict`).
template <Float F>
struct GaussianMixtureWithLabels {
    /// The fitted model.
    GaussianMixture<F> model;
    /// The label of each training sample, in the order of the data.
    Labels labels;
};

}  // namespace linfa::clustering
