// The fitted Gaussian naive Bayes model: per class, a weighted frequency and a normal
// distribution of each feature, independent of the others given the class.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "../core/classes.hpp"
#include "../core/dataset.hpp"
#include "../core/parallel.hpp"
#include "../simd/lanes.hpp"
#include "class_moments.hpp"
#include "params.hpp"

namespace linfa {
template <class M>
struct model_io;
}

namespace linfa::naive_bayes {

/// Gaussian naive Bayes, as scikit-learn's GaussianNB: each class k has a prior (given, or its
/// share of the training weight) and, per feature j, a normal distribution of mean theta(k, j)
/// and variance var(k, j); a sample goes to the class of highest posterior, with the features
/// taken as independent given the class. Every variance gets epsilon added, var_smoothing times
/// the largest feature variance of the training data, so no variance is 0 (with `fit_with`,
/// each batch's share of a class's variance gets that batch's epsilon, as scikit-learn's
/// partial_fit).
///
/// How: one pass over the records gathers, per class, the weighted means and sums of squared
/// deviations in double (Chan's merge across row blocks, chunks and `fit_with` batches: the
/// same model on any thread count). Predictions are computed in log space with a log-sum-exp
/// per sample, so samples far from every class still get finite log-probabilities and
/// probabilities that sum to 1.
///
/// ```cpp
/// const auto model = linfa::naive_bayes::GaussianNb<double>::params().fit(data);  // records + labels
/// const linfa::Labels predicted = model.predict(x);
/// const linfa::Matrix<double> probabilities = model.predict_proba(x);  // n x n_classes
/// ```
template <Float F>
class GaussianNb {
public:
    /// Hyper-parameters with their defaults (priors from the data, var_smoothing 1e-9).
    static GaussianNbParams<F> params() { return GaussianNbParams<F>(); }

    /// The classes, sorted: class index k is column k of `predict_proba` and row k of `theta`.
    const ClassSet& classes() const { return classes_; }
    /// Number of classes.
    std::size_t n_classes() const { return classes_.size(); }
    /// Number of features the model was fitted on.
    std::size_t n_features() const { return moments_.n_features(); }
    /// Total sample weight of each class seen in training (the sample count when unweighted).
    const Eigen::VectorXd& class_count() const { return moments_.weight; }
    /// Prior probability of each class: the priors given, else each class's share of the weight.
    const Eigen::VectorXd& class_prior() const { return class_prior_; }
    /// n_classes x n_features: the weighted mean of each feature within each class.
    const Matrix<double>& theta() const { return moments_.mean; }
    /// n_classes x n_features: the weighted variance of each feature within each class, plus
    /// the class's epsilon (`class_epsilon`).
    Matrix<double> var() const {
        Matrix<double> variance = moments_.variance();
        variance.colwise() += class_epsilon_;
        return variance;
    }
    /// var_smoothing times the largest (unweighted) feature variance of the last training batch.
    double epsilon() const { return epsilon_; }
    /// What was added to each class's variances: the mean of the epsilons of the batches that
    /// held the class, weighted by the class's weight in each (scikit-learn's partial_fit, which
    /// smooths each batch's contribution with that batch's epsilon); `epsilon()` after one fit,
    /// and for a class not seen yet, the epsilon of the first batch.
    const Eigen::VectorXd& class_epsilon() const { return class_epsilon_; }
    /// The variance smoothing the model was fitted with.
    double var_smoothing() const { return var_smoothing_; }
    /// The priors given at fit, if any.
    const std::optional<std::vector<double>>& priors() const { return priors_; }
    /// The per-class moments learnt: weights, means and sums of squared deviations.
    const GroupMoments& moments() const { return moments_; }

    /// The most probable class of each sample (a label of `classes()`). Throws InvalidInput
    /// for a wrong feature count, NaN or infinity, or a sample whose likelihood underflows to
    /// zero for every class (log-likelihoods of -infinity: magnitudes beyond about 1e150).
    Labels predict(const DatasetView<F>& data) const {
        Labels out(Eigen::Index(data.n_samples()));
        predict_inplace(data, out);
        return out;
    }
    /// Writes the most probable class of each sample into `out` (resized to n_samples when its
    /// size differs). Throws as `predict`.
    void predict_inplace(const DatasetView<F>& data, Labels& out) const {
        if (out.size() != Eigen::Index(data.n_samples())) out.resize(Eigen::Index(data.n_samples()));
        for_each_row(data, [&](std::size_t i, const double* jll) {
            out[Eigen::Index(i)] = classes_.label(std::size_t(std::max_element(jll, jll + n_classes()) - jll));
        });
    }
    /// n_samples x n_classes: the probability of each class for each sample (each row sums to
    /// 1 within rounding). Throws as `predict`.
    Matrix<F> predict_proba(const DatasetView<F>& data) const {
        return per_class_output(data, [](double log_probability) { return std::exp(log_probability); });
    }
    /// n_samples x n_classes: the logarithm of `predict_proba`, from the log-likelihoods
    /// directly (finite even where the probability underflows). Throws as `predict`.
    Matrix<F> predict_log_proba(const DatasetView<F>& data) const {
        return per_class_output(data, [](double log_probability) { return log_probability; });
    }
    /// n_samples x n_classes: log P(class) + log P(sample | class), unnormalised. Throws
    /// InvalidInput for a wrong feature count, NaN or infinity.
    Matrix<F> joint_log_likelihood(const DatasetView<F>& data) const {
        require_predictable<F>(data, n_features(), "GaussianNB");
        Matrix<F> out = output_matrix<F>(Eigen::Index(data.n_samples()), Eigen::Index(n_classes()));
        for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                F* row = out.row(Eigen::Index(i)).data();
                const F* x = data.records().data() + i * n_features();
                for (std::size_t k = 0; k < n_classes(); ++k) row[k] = F(class_log_likelihood(k, x));
            }
        });
        return out;
    }

private:
    friend class GaussianNbValidParams<F>;
    friend struct linfa::model_io<GaussianNb<F>>;

    GaussianNb(ClassSet classes, GroupMoments moments, Eigen::VectorXd class_epsilon, double epsilon,
               double var_smoothing, std::optional<std::vector<double>> priors)
        : classes_(std::move(classes)),
          moments_(std::move(moments)),
          class_epsilon_(std::move(class_epsilon)),
          epsilon_(epsilon),
          var_smoothing_(var_smoothing),
          priors_(std::move(priors)) {
        class_prior_ = priors_ ? Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(priors_->data(), Eigen::Index(priors_->size())))
                               : Eigen::VectorXd(moments_.weight / moments_.weight.sum());
        derive_scorer();
    }

    /// The per-class constants of the log-likelihood: log prior - sum_j log(2 pi var) / 2,
    /// and 1 / var. A variance of 0 (var_smoothing 0 and a constant feature) is taken as the
    /// smallest normal double, so log-likelihoods are never NaN.
    void derive_scorer() {
        const Matrix<double> variance = var().cwiseMax(std::numeric_limits<double>::min());
        inverse_var_ = variance.cwiseInverse();
        log_norm_.resize(Eigen::Index(n_classes()));
        for (Eigen::Index k = 0; k < log_norm_.size(); ++k) {
            double log_variances = 0;  // std::log term by term: the same on every build, unlike Eigen's packets
            for (Eigen::Index j = 0; j < variance.cols(); ++j) log_variances += std::log(2.0 * std::numbers::pi * variance(k, j));
            log_norm_[k] = std::log(class_prior_[k]) - 0.5 * log_variances;
        }
    }

    /// log P(class k) + log P(x | class k), in double; the squared deviations are summed over
    /// eight fixed lanes (simd/lanes.hpp: the same sum on every build).
    double class_log_likelihood(std::size_t k, const F* x) const {
        using simd::lanes::Doubles;
        constexpr std::size_t lanes = simd::lanes::count;
        const std::size_t d = n_features();
        const double* mean = moments_.mean.row(Eigen::Index(k)).data();
        const double* inverse = inverse_var_.row(Eigen::Index(k)).data();
        Doubles partial{};
        std::size_t j = 0;
        for (; j + lanes <= d; j += lanes) {
            simd::lanes::Of<F> values;
            Doubles centre, scale;
            std::memcpy(&values, x + j, sizeof values);
            std::memcpy(&centre, mean + j, sizeof centre);
            std::memcpy(&scale, inverse + j, sizeof scale);
            const Doubles deviation = __builtin_convertvector(values, Doubles) - centre;
            partial += deviation * deviation * scale;
        }
        for (std::size_t l = 0; j < d; ++j, ++l) {
            const double deviation = double(x[j]) - mean[j];
            partial[l] += deviation * deviation * inverse[j];
        }
        double squares = 0;
        for (std::size_t l = 0; l < lanes; ++l) squares += partial[l];
        return log_norm_[Eigen::Index(k)] - 0.5 * squares;
    }

    /// Calls `use(i, jll)` for every sample i with its n_classes joint log-likelihoods, in
    /// parallel over row chunks (one buffer of n_classes per chunk). Throws InvalidInput as
    /// `predict`.
    template <class Use>
    void for_each_row(const DatasetView<F>& data, Use&& use) const {
        require_predictable<F>(data, n_features(), "GaussianNB");
        for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
            std::vector<double> jll(n_classes());
            for (std::size_t i = begin; i < end; ++i) {
                const F* x = data.records().data() + i * n_features();
                for (std::size_t k = 0; k < n_classes(); ++k) jll[k] = class_log_likelihood(k, x);
                if (*std::max_element(jll.begin(), jll.end()) == -std::numeric_limits<double>::infinity()) {
                    throw InvalidInput("GaussianNB: sample " + std::to_string(i) +
                                       " is too far from every class: its likelihood underflows to 0 for all of them");
                }
                use(i, jll.data());
            }
        });
    }

    /// n_samples x n_classes of `map(log P(class | sample))`, the log-posteriors normalised
    /// with a log-sum-exp per sample.
    template <class Map>
    Matrix<F> per_class_output(const DatasetView<F>& data, Map&& map) const {
        Matrix<F> out = output_matrix<F>(Eigen::Index(data.n_samples()), Eigen::Index(n_classes()));
        for_each_row(data, [&](std::size_t i, const double* jll) {
            const double top = *std::max_element(jll, jll + n_classes());
            double total = 0;
            for (std::size_t k = 0; k < n_classes(); ++k) total += std::exp(jll[k] - top);
            // (jll - top) first: top + log(total) would lose log(total) next to a huge |top|
            const double log_total = std::log(total);
            F* row = out.row(Eigen::Index(i)).data();
            for (std::size_t k = 0; k < n_classes(); ++k) row[k] = F(map((jll[k] - top) - log_total));
        });
        return out;
    }

    ClassSet classes_;
    GroupMoments moments_;
    Eigen::VectorXd class_epsilon_;
    double epsilon_ = 0, var_smoothing_ = 0;
    std::optional<std::vector<double>> priors_;
    Eigen::VectorXd class_prior_;
    Matrix<double> inverse_var_;
    Eigen::VectorXd log_norm_;
};

}  // namespace linfa::naive_bayes
