// PCA: the axes, variances and transforms against direct computations, the solver choice,
// full and randomized agreeing on a decaying spectrum, the sign convention, the probabilistic
// PCA log-likelihood against the Gaussian density, and bad input. Agreement with scikit-learn
// itself is checked from Python (python/tests/test_pca.py).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <Eigen/Cholesky>
#include <Eigen/SVD>

#include <linfa/decomposition/pca.hpp>

using linfa::DatasetView;
using linfa::Matrix;
using linfa::decomposition::Pca;
using linfa::decomposition::PcaSolver;

static_assert(linfa::ParamGuard<linfa::decomposition::PcaParams<double>>);
static_assert(linfa::Fit<linfa::decomposition::PcaParams<float>, DatasetView<float>>);
static_assert(linfa::Transformer<Pca<double>, DatasetView<double>>);
static_assert(linfa::InverseTransformer<Pca<float>, DatasetView<float>>);
static_assert(!linfa::Predict<Pca<double>, DatasetView<double>>);
static_assert(!linfa::PredictProba<Pca<double>, DatasetView<double>>);
static_assert(!linfa::FitWith<linfa::decomposition::PcaParams<double>, Pca<double>, DatasetView<double>>);

namespace {

/// n x d records whose variance decays geometrically across a random rotation, plus an offset.
Matrix<double> decaying(Eigen::Index n, Eigen::Index d, double decay, std::uint64_t seed = 5) {
    linfa::Rng rng(seed);
    Matrix<double> z(n, d), rotation_seed(d, d);
    for (Eigen::Index i = 0; i < z.size(); ++i) z.data()[i] = rng.normal<double>();
    for (Eigen::Index i = 0; i < rotation_seed.size(); ++i) rotation_seed.data()[i] = rng.normal<double>();
    const Eigen::MatrixXd rotation = Eigen::HouseholderQR<Eigen::MatrixXd>(rotation_seed).householderQ();
    for (Eigen::Index j = 0; j < d; ++j) z.col(j) *= 10.0 * std::pow(decay, double(j));
    Matrix<double> x = z * rotation.transpose();
    x.rowwise() += Eigen::RowVectorXd::LinSpaced(d, 100, 200);
    return x;
}

/// The largest principal angle (radians) between the row spaces of a and b (orthonormal rows).
double largest_angle(const Matrix<double>& a, const Matrix<double>& b) {
    // From its sine, the largest singular value of a's part outside b's row space: the acos of
    // the smallest cosine cannot resolve angles below sqrt(2 eps) (~1.5e-8).
    const Eigen::MatrixXd outside = a - (a * b.transpose()) * b;
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(outside);
    return std::asin(std::min(1.0, svd.singularValues().maxCoeff()));
}

}  // namespace

TEST_CASE("PCA full: the SVD of the centred data, scikit-learn's variances and signs") {
    const Matrix<double> x = decaying(400, 6, 0.6);
    const auto pca = Pca<double>::params().fit(x);
    REQUIRE(pca.n_components() == 6);
    const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinU | Eigen::ComputeThinV);
    for (Eigen::Index j = 0; j < 6; ++j) {
        CHECK(pca.singular_values()[j] == doctest::Approx(svd.singularValues()[j]).epsilon(1e-10));
        CHECK(pca.explained_variance()[j] == doctest::Approx(svd.singularValues()[j] * svd.singularValues()[j] / 399).epsilon(1e-10));
        // Same axis up to sign, and the sign that makes the largest |score| positive.
        CHECK(std::abs(pca.components().row(j).dot(svd.matrixV().col(j))) == doctest::Approx(1.0).epsilon(1e-10));
        const Eigen::VectorXd scores = centred * pca.components().row(j).transpose();
        Eigen::Index at = 0;
        scores.cwiseAbs().maxCoeff(&at);
        CHECK(scores[at] > 0);
    }
    CHECK(pca.explained_variance_ratio().sum() == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(pca.noise_variance() == 0.0);
    CHECK((pca.mean().transpose() - x.colwise().mean()).cwiseAbs().maxCoeff() < 1e-10);
    CHECK((pca.inverse_transform(pca.transform(x)) - x).cwiseAbs().maxCoeff() < 1e-9);  // all components: lossless
}

TEST_CASE("PCA: a count, a variance fraction, whitening and the noise variance") {
    const Matrix<double> x = decaying(300, 8, 0.5);
    const auto all = Pca<double>::params().fit(x);
    const auto three = Pca<double>::params().n_components(3).fit(x);
    CHECK(three.n_components() == 3);
    CHECK((three.components() - all.components().topRows(3)).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(three.noise_variance() == doctest::Approx(all.explained_variance().tail(5).mean()).epsilon(1e-10));
    // The fewest components whose cumulative ratio exceeds the fraction.
    double cumulative = 0;
    std::size_t expected = 0;
    while (cumulative <= 0.9) cumulative += all.explained_variance_ratio()[Eigen::Index(expected++)];
    CHECK(Pca<double>::params().variance_fraction(0.9).fit(x).n_components() == expected);

    const auto white = Pca<double>::params().n_components(3).whiten(true).fit(x);
    const Matrix<double> scores = white.transform(x);
    for (Eigen::Index j = 0; j < 3; ++j) {
        const double variance = (scores.col(j).array() - scores.col(j).mean()).square().sum() / 299;
        CHECK(variance == doctest::Approx(1.0).epsilon(1e-10));
    }
    const Matrix<double> back = white.inverse_transform(scores);
    CHECK((back - three.inverse_transform(three.transform(x))).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("PCA randomized finds the leading subspace of a decaying spectrum, seeded") {
    const Matrix<double> x = decaying(3000, 40, 0.5);
    const auto full = Pca<double>::params().n_components(4).solver(PcaSolver::Full).fit(x);
    const auto randomized = Pca<double>::params(linfa::Rng(9)).n_components(4).solver(PcaSolver::Randomized).fit(x);
    CHECK(largest_angle(full.components(), randomized.components()) < 1e-8);
    for (Eigen::Index j = 0; j < 4; ++j) {
        CHECK(randomized.explained_variance()[j] == doctest::Approx(full.explained_variance()[j]).epsilon(1e-9));
        CHECK(randomized.components().row(j).dot(full.components().row(j)) > 0);  // same sign convention
    }
    CHECK(randomized.noise_variance() == doctest::Approx(full.noise_variance()).epsilon(1e-6));
    const auto again = Pca<double>::params(linfa::Rng(9)).n_components(4).solver(PcaSolver::Randomized).fit(x);
    CHECK(again.components() == randomized.components());
}

TEST_CASE("PCA score_samples is the Gaussian log-density of probabilistic PCA") {
    const Matrix<double> x = decaying(200, 5, 0.7);
    for (const bool whiten : {false, true}) {
        for (const std::size_t k : {2u, 5u}) {
            CAPTURE(whiten);
            CAPTURE(k);
            const auto pca = Pca<double>::params().n_components(k).whiten(whiten).fit(x);
            // scikit-learn's get_covariance(): A^T diag(max(var - noise, 0)) A + noise I, with A
            // the components scaled by sqrt(var) when whitening.
            Eigen::MatrixXd axes = pca.components();
            const Eigen::VectorXd var = pca.explained_variance();
            if (whiten) axes = var.cwiseSqrt().asDiagonal() * axes;
            const Eigen::VectorXd excess = (var.array() - pca.noise_variance()).max(0.0).matrix();
            Eigen::MatrixXd cov = axes.transpose() * excess.asDiagonal() * axes;
            cov.diagonal().array() += pca.noise_variance();
            const Eigen::LLT<Eigen::MatrixXd> llt(cov);
            REQUIRE(llt.info() == Eigen::Success);
            const double log_det = 2 * Eigen::MatrixXd(llt.matrixL()).diagonal().array().log().sum();
            const auto scores = pca.score_samples(x);
            for (Eigen::Index i = 0; i < 200; i += 37) {
                const Eigen::VectorXd e = (x.row(i) - pca.mean().transpose()).transpose();
                const double expected = -0.5 * (e.dot(llt.solve(e)) + 5 * std::log(2 * std::numbers::pi) + log_det);
                CHECK(scores[i] == doctest::Approx(expected).epsilon(1e-9));
            }
            CHECK(pca.score(x) == doctest::Approx(scores.mean()).epsilon(1e-12));
        }
    }
}

TEST_CASE("PCA: the automatic solver follows scikit-learn's rule") {
    using linfa::decomposition::pca_detail::resolve_solver;
    CHECK(resolve_solver(Pca<double>::params().n_components(10), 400, 400) == PcaSolver::Full);       // small
    CHECK(resolve_solver(Pca<double>::params().n_components(10), 100000, 500) == PcaSolver::Randomized);
    CHECK(resolve_solver(Pca<double>::params().n_components(450), 100000, 501) == PcaSolver::Full);    // k >= 0.8 min
    CHECK(resolve_solver(Pca<double>::params().variance_fraction(0.5), 100000, 600) == PcaSolver::Full);
    CHECK(resolve_solver(Pca<double>::params(), 100000, 600) == PcaSolver::Full);
}

TEST_CASE("PCA refuses bad parameters and bad data by name") {
    const Matrix<double> x = decaying(50, 4, 0.5);
    CHECK_THROWS_WITH_AS(Pca<double>::params().n_components(0).check(), "PCA: n_components must be at least 1, found 0",
                         linfa::InvalidParams);
    CHECK_THROWS_AS(Pca<double>::params().variance_fraction(1.0).check(), linfa::InvalidParams);
    CHECK_THROWS_AS(Pca<double>::params().solver(PcaSolver::Randomized).check(), linfa::InvalidParams);
    CHECK_THROWS_WITH_AS(Pca<double>::params().n_components(5).fit(x),
                         "PCA: n_components=5 must be at most min(n_samples, n_features) = 4", linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(Pca<double>::params().fit(Matrix<double>(x.topRows(1))), "PCA: need at least 2 samples, found 1",
                         linfa::InvalidInput);
    const double w[50] = {};
    CHECK_THROWS_WITH_AS(Pca<double>::params().fit(DatasetView<double>(linfa::MatrixView<double>(x.data(), 50, 4), std::span<const double>(w, 50))),
                         "PCA: sample weights are not supported", linfa::InvalidInput);
    const auto pca = Pca<double>::params().n_components(2).fit(x);
    CHECK_THROWS_WITH_AS(pca.transform(Matrix<double>(Matrix<double>::Zero(3, 5))), "PCA: expected 4 features per sample (as in training), found 5",
                         linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(pca.inverse_transform(Matrix<double>(Matrix<double>::Zero(3, 4))),
                         "PCA: expected 2 components per sample (as in training), found 4", linfa::InvalidInput);
    Matrix<double> flat = Matrix<double>::Zero(10, 3);  // no variance at all: score_samples is undefined
    flat.col(0).setLinSpaced(10, 0, 1);
    CHECK_THROWS_AS(Pca<double>::params().fit(flat).score_samples(flat), linfa::InvalidInput);
}
