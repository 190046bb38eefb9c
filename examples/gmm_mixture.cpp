// Fit a three-component Gaussian mixture (full covariances) to samples drawn from a known
// mixture, print the weights and means it finds, save and load the model, and ask for the
// posterior probabilities of a few points. Returns non-zero when the fit misses the truth or
// the restored model answers differently.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include <linfa/linfa.hpp>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "gmm_mixture.linfa";
    using Mixture = linfa::clustering::GaussianMixture<double>;

    // the truth: weights 0.6 / 0.3 / 0.1, different spreads, one component stretched along x
    const double weights[3] = {0.6, 0.3, 0.1};
    const double centres[3][2] = {{0, 0}, {6, 0}, {0, 6}};
    const double spread[3][2] = {{1.0, 1.0}, {1.5, 0.5}, {0.8, 0.8}};
    const std::size_t n = 3000;
    linfa::Rng rng(5);
    linfa::Matrix<double> records(static_cast<Eigen::Index>(n), 2);
    for (Eigen::Index i = 0; i < records.rows(); ++i) {
        const double u = rng.uniform();
        const int c = u < weights[0] ? 0 : u < weights[0] + weights[1] ? 1 : 2;
        for (Eigen::Index a = 0; a < 2; ++a) records(i, a) = centres[c][a] + spread[c][a] * rng.normal<double>();
    }

    const Mixture model = Mixture::params(3, linfa::Rng(1)).n_init(3).fit(records);
    std::printf("converged: %s after %llu iterations, lower bound %.4f\n", model.converged() ? "yes" : "no",
                static_cast<unsigned long long>(model.n_iter()), model.lower_bound());

    // match each true component to the nearest fitted mean, and compare
    bool right = model.converged();
    for (int c = 0; c < 3; ++c) {
        Eigen::Index best = 0;
        double best_distance = std::numeric_limits<double>::infinity();
        for (Eigen::Index j = 0; j < 3; ++j) {
            const double dx = model.means()(j, 0) - centres[c][0], dy = model.means()(j, 1) - centres[c][1];
            if (dx * dx + dy * dy < best_distance) best_distance = dx * dx + dy * dy, best = j;
        }
        const double weight = model.weights()[std::size_t(best)];
        std::printf("component %lld: weight %.3f (true %.1f), mean (%6.3f, %6.3f) (true (%g, %g))\n", static_cast<long long>(best), weight,
                    weights[c], model.means()(best, 0), model.means()(best, 1), centres[c][0], centres[c][1]);
        right = right && std::abs(weight - weights[c]) < 0.03 && std::sqrt(best_distance) < 0.15;
    }

    linfa::save(model, path);
    const auto restored = linfa::load<Mixture>(path);
    linfa::Matrix<double> points(3, 2);
    points << 0.2, -0.1, 5.5, 0.3, 3.0, 3.0;
    const linfa::Matrix<double> proba = model.predict_proba(points);
    const bool same = restored.predict_proba(points) == proba && restored.predict(records) == model.predict(records) &&
                      restored.score(records) == model.score(records);
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
        std::printf("P(component | (%4.1f, %4.1f)) = %.4f %.4f %.4f\n", points(i, 0), points(i, 1), proba(i, 0), proba(i, 1), proba(i, 2));
        right = right && std::abs(proba.row(i).sum() - 1) < 1e-12;
    }
    // the first two points lie deep inside one component each
    right = right && proba.row(0).maxCoeff() > 0.99 && proba.row(1).maxCoeff() > 0.99;
    std::printf("fit matches the truth: %s; restored model answers identically: %s\n", right ? "yes" : "NO", same ? "yes" : "NO");
    return right && same ? 0 : 1;
}
