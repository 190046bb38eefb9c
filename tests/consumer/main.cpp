// The public surface, exactly as documented, built against an installed or vendored linfa.
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
                     .fit(dataset);                      // throws linfa::Error on bad params/data
    linfa::Labels labels = model.predict(dataset);       // also accepts a linfa::Matrix<double>
    linfa::save(model, "kmeans.linfa");
    auto restored = linfa::load<linfa::clustering::KMeans<double>>("kmeans.linfa");
    const bool same = restored.predict(dataset.records()) == labels;
    std::printf("consumer: %zu clusters, inertia %.1f, restored model agrees: %s\n", model.n_clusters(), model.inertia(),
                same ? "yes" : "no");
    return same ? 0 : 1;
}
