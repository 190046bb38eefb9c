// The seed's Rust snippet in C++: four Gaussian blobs, K-Means with a seeded RNG, the
// centroids it finds next to the ones the data was drawn around, and a save/load round trip.
// tests/consumer builds this file against an installed linfa.
#include <cstdio>

#include <linfa/linfa.hpp>

int main() {
    linfa::Rng rng(42);  // seeded for reproducibility
    linfa::Matrix<double> expected_centroids(4, 2);
    expected_centroids << 10., 10., 1., 12., 20., 30., -20., 30.;
    linfa::Dataset<double> dataset = linfa::datasets::generate_blobs(10000, expected_centroids, rng);

    auto model = linfa::clustering::KMeans<double>::params_with_rng(4, rng)
                     .max_n_iterations(200)
                     .tolerance(1e-5)
                     .fit(dataset);
    linfa::Labels labels = model.predict(dataset);  // also accepts a linfa::Matrix<double>
    linfa::save(model, "kmeans.linfa");
    auto restored = linfa::load<linfa::clustering::KMeans<double>>("kmeans.linfa");

    std::printf("fitted %zu clusters in %llu iterations, inertia %.1f\n", model.n_clusters(),
                static_cast<unsigned long long>(model.n_iterations()), model.inertia());
    std::printf("%-22s %-22s %s\n", "expected", "found (nearest)", "distance");
    double worst = 0;
    for (Eigen::Index e = 0; e < expected_centroids.rows(); ++e) {
        Eigen::Index nearest = 0;
        const double distance = (model.centroids().rowwise() - expected_centroids.row(e)).rowwise().norm().minCoeff(&nearest);
        std::printf("(%7.3f, %7.3f)     (%7.3f, %7.3f)     %.3f\n", expected_centroids(e, 0), expected_centroids(e, 1),
                    model.centroids()(nearest, 0), model.centroids()(nearest, 1), distance);
        worst = std::max(worst, distance);
    }
    std::printf("first labels: %d %d %d ... %d\n", labels(0), labels(1), labels(2), labels(labels.size() - 1));
    const bool same = restored.predict(dataset.records()) == labels;
    std::printf("saved to kmeans.linfa; the restored model predicts the same labels: %s\n", same ? "yes" : "NO");
    return worst < 0.5 && same ? 0 : 1;  // each blob holds 10000 points: the centre is found to ~0.01
}
