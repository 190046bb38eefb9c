// The fitted PCA model: principal axes, their variances, and the transforms.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/validation.hpp"
#include "../../linalg/products.hpp"
#include "errors.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::decomposition {

/// Principal component analysis, as scikit-learn's PCA: the directions of largest variance of
/// the centred records (`components`, one per row, unit length, sign fixed as scikit-learn
/// does: the largest coordinate of each component's scores is positive), their variances
/// (`explained_variance`, divided by n - 1), the fraction of the total variance each explains,
/// the singular values of the centred records, the mean, and the noise variance of the
/// probabilistic PCA model (the mean variance of the components left out).
///
/// How: the Full solver forms the covariance matrix in one pass (double, fixed chunks) and
/// takes its eigenvectors; the Randomized solver finds the range of the centred records with
/// a seeded Gaussian sketch and power iterations (Halko, Martinsson, Tropp 2011), never
/// copying or centring the data. Both give the same model bit for bit on any thread count.
///
/// ```cpp
/// const auto pca = linfa::decomposition::Pca<double>::params().n_components(2).fit(x);
/// const linfa::Matrix<double> scores = pca.transform(x);              // n x 2
/// const linfa::Matrix<double> back = pca.inverse_transform(scores);  // n x d
/// ```
template <Float F>
class Pca {
public:
    /// Hyper-parameters with their defaults (all components, no whitening, automatic solver),
    /// drawing from a copy of `rng` (the randomized solver only).
    static PcaParams<F> params(Rng rng = Rng()) { return PcaParams<F>(rng); }

    /// The principal axes, n_components x n_features, by decreasing variance.
    const Matrix<F>& components() const { return components_; }
    /// The variance of the data along each axis (divided by n_samples - 1).
    const Vector<F>& explained_variance() const { return explained_variance_; }
    /// Each axis's share of the total variance.
    const Vector<F>& explained_variance_ratio() const { return explained_variance_ratio_; }
    /// The singular values of the centred records along the axes.
    const Vector<F>& singular_values() const { return singular_values_; }
    /// The mean of the training records (subtracted before projecting).
    const Vector<F>& mean() const { return mean_; }
    /// The variance left outside the components (probabilistic PCA's noise), 0 with all of them.
    double noise_variance() const { return noise_variance_; }
    /// Whether `transform` scales the components to unit variance.
    bool whiten() const { return whiten_; }
    /// Number of samples the model was fitted on.
    std::uint64_t n_samples() const { return n_samples_; }
    /// Number of components kept.
    std::size_t n_components() const { return static_cast<std::size_t>(components_.rows()); }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return static_cast<std::size_t>(components_.cols()); }

    /// The records in the components' coordinates (n_samples x n_components), scaled to unit
    /// variance when whitening.
    /// Throws PcaInputError for a wrong feature count, InvalidInput for NaN or infinity.
    Matrix<F> transform(const DatasetView<F>& data) const {
        require_records(data, n_features(), "features");
        Matrix<F> out = output_matrix<F>(static_cast<Eigen::Index>(data.n_samples()), components_.rows());
        const Matrix<double> axes = scaled_axes(/*forward=*/true).transpose();  // d x k
        const Eigen::RowVectorXd offset = mean_.template cast<double>().transpose() * axes;
        by_chunks(data, out, [&](const auto& x, auto& y) {
            Matrix<double> projected;
            linalg::serial_product(x, axes, projected);
            y = (projected.rowwise() - offset).template cast<F>();
        });
        return out;
    }

    /// Back from the components' coordinates (n x n_components) to records (n x n_features).
    /// Throws PcaInputError unless `scores` has n_components columns, InvalidInput for NaN or
    /// infinity.
    Matrix<F> inverse_transform(const DatasetView<F>& scores) const {
        require_records(scores, n_components(), "components");
        Matrix<F> out = output_matrix<F>(static_cast<Eigen::Index>(scores.n_samples()), components_.cols());
        const Matrix<double> axes = scaled_axes(/*forward=*/false);  // k x d
        const Eigen::RowVectorXd mean = mean_.template cast<double>().transpose();
        by_chunks(scores, out, [&](const auto& y, auto& x) {
            Matrix<double> restored;
            linalg::serial_product(y, axes, restored);
            x = (restored.rowwise() + mean).template cast<F>();
        });
        return out;
    }

    /// The log-likelihood of each record under the probabilistic PCA model (Tipping & Bishop
    /// 1999): a Gaussian with the components' variances and the noise variance elsewhere.
    /// Throws as `transform`, and PcaInputError when the noise variance is 0 (e.g. all components
    /// kept) and the components' covariance is singular.
    Vector<F> score_samples(const DatasetView<F>& data) const {
        require_records(data, n_features(), "features");
        const Likelihood model = likelihood();
        Vector<F> out(static_cast<Eigen::Index>(data.n_samples()));
        for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
            const Eigen::RowVectorXd mean = mean_.template cast<double>().transpose();
            for (std::size_t i = begin; i < end; ++i) {
                const Eigen::RowVectorXd centred = data.records().row(Eigen::Index(i)).template cast<double>() - mean;
                out[Eigen::Index(i)] = F(model.log_likelihood(centred));
            }
        });
        return out;
    }

    /// The mean log-likelihood of the records (score_samples averaged).
    /// Throws as `score_samples`.
    double score(const DatasetView<F>& data) const { return score_samples(data).template cast<double>().mean(); }

private:
    friend class PcaValidParams<F>;
    friend struct linfa::model_io<Pca<F>>;

    struct Parts {
        Matrix<F> components;
        Vector<F> explained_variance, explained_variance_ratio, singular_values, mean;
        double noise_variance = 0;
        bool whiten = false;
        std::uint64_t n_samples = 0;
    };
    explicit Pca(Parts p)
        : components_(std::move(p.components)),
          explained_variance_(std::move(p.explained_variance)),
          explained_variance_ratio_(std::move(p.explained_variance_ratio)),
          singular_values_(std::move(p.singular_values)),
          mean_(std::move(p.mean)),
          noise_variance_(p.noise_variance),
          whiten_(p.whiten),
          n_samples_(p.n_samples) {}

    /// The axes as transform (forward: divided by sqrt(variance) when whitening) or
    /// inverse_transform (multiplied by it) uses them, k x d in double.
    Matrix<double> scaled_axes(bool forward) const {
        Matrix<double> axes = components_.template cast<double>();
        if (!whiten_) return axes;
        for (Eigen::Index j = 0; j < axes.rows(); ++j) {
            const double s = std::sqrt(double(explained_variance_[j]));
            axes.row(j) *= forward ? (s > 0 ? 1.0 / s : 0.0) : s;
        }
        return axes;
    }

    /// Probabilistic PCA's Gaussian N(mean, A^T D A + s2 I), with A the axes (scaled by
    /// sqrt(variance) when whitening, as scikit-learn) and D the variances in excess of the
    /// noise s2. With noise, through the matrix inversion and determinant lemmas: O(d k) per
    /// record, no d x d matrix. Without (all components kept), through the Cholesky factor of
    /// the covariance, which must then be positive definite.
    struct Likelihood {
        Matrix<double> axes;     // k x d
        Matrix<double> inner;    // k x k: x^T P x = |x|^2 / s2 - (A x)^T inner (A x) / s2^2
        Eigen::MatrixXd factor;  // without noise: L with L L^T = the covariance
        double noise = 0, log_normaliser = 0;

        double log_likelihood(const Eigen::RowVectorXd& x) const {
            if (factor.size() != 0) {
                const Eigen::VectorXd whitened = factor.triangularView<Eigen::Lower>().solve(x.transpose());
                return -0.5 * whitened.squaredNorm() + log_normaliser;
            }
            const Eigen::VectorXd projected = axes * x.transpose();
            const double quadratic = x.squaredNorm() / noise - projected.dot(inner * projected) / (noise * noise);
            return -0.5 * quadratic + log_normaliser;
        }
    };

    Likelihood likelihood() const {
        Likelihood l;
        l.axes = components_.template cast<double>();
        const Eigen::VectorXd variance = explained_variance_.template cast<double>();
        if (whiten_) l.axes = variance.cwiseSqrt().asDiagonal() * l.axes;
        l.noise = noise_variance_;
        const Eigen::Index k = l.axes.rows(), d = l.axes.cols();
        const Eigen::VectorXd excess = (variance.array() - l.noise).max(0.0).matrix();
        if (!(l.noise > 0)) return without_noise(std::move(l), excess);
        const Eigen::MatrixXd gram = l.axes * l.axes.transpose();  // k x k
        // inner = (I + D G / s2)^-1 D with D = diag(excess): Woodbury's middle factor, defined
        // even where a component's variance equals the noise.
        const Eigen::MatrixXd system = Eigen::MatrixXd::Identity(k, k) + excess.asDiagonal() * gram / l.noise;
        l.inner = system.partialPivLu().solve(Eigen::MatrixXd(excess.asDiagonal()));
        // log det P = -d log s2 + log det(I - inner G / s2) (Sylvester's determinant lemma).
        const double det = (Eigen::MatrixXd::Identity(k, k) - l.inner * gram / l.noise).partialPivLu().determinant();
        const double log_det_precision = -double(d) * std::log(l.noise) + std::log(det);
        l.log_normaliser = -0.5 * (double(d) * std::log(2 * std::numbers::pi) - log_det_precision);
        return l;
    }

    static Likelihood without_noise(Likelihood l, const Eigen::VectorXd& excess) {
        const Eigen::MatrixXd covariance = l.axes.transpose() * excess.asDiagonal() * l.axes;
        const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
        if (llt.info() != Eigen::Success || !(llt.matrixL().toDenseMatrix().diagonal().array() > 0).all()) {
            throw PcaInputError("PCA: score_samples is undefined: no noise variance and a singular covariance "
                                "(the data lie in fewer dimensions than the components)");
        }
        l.factor = llt.matrixL();
        const double log_det_covariance = 2 * l.factor.diagonal().array().log().sum();
        l.log_normaliser = -0.5 * (double(l.axes.cols()) * std::log(2 * std::numbers::pi) + log_det_covariance);
        return l;
    }

    /// Runs `fn(rows of data, rows of out)` chunk by chunk.
    template <class Fn>
    static void by_chunks(const DatasetView<F>& data, Matrix<F>& out, Fn&& fn) {
        for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
            const auto rows = static_cast<Eigen::Index>(end - begin);
            const auto x = data.records().middleRows(static_cast<Eigen::Index>(begin), rows);
            Matrix<F> y;
            fn(x, y);
            out.middleRows(static_cast<Eigen::Index>(begin), rows) = y;
        });
    }

    static void require_records(const DatasetView<F>& data, std::size_t columns, const char* what) {
        if (data.n_features() != columns) {
            throw PcaInputError("PCA: expected " + std::to_string(columns) + " " + what + " per sample (as in training), found " +
                                std::to_string(data.n_features()));
        }
        require_finite<F>(data.records(), "records");
    }

    Matrix<F> components_;
    Vector<F> explained_variance_, explained_variance_ratio_, singular_values_, mean_;
    double noise_variance_;
    bool whiten_;
    std::uint64_t n_samples_;
};

}  // namespace linfa::decomposition
