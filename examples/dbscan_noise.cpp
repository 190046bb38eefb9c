// DBSCAN on three Gaussian blobs sprinkled with uniform noise: the clusters it finds, how many
// samples it calls noise, and why it needs no cluster count (K-Means would put every noise
// sample into some cluster). DBSCAN leaves no model: fit_predict labels the data it is given.
#include <cstdio>
#include <map>

#include <linfa/clustering/dbscan.hpp>
#include <linfa/datasets/blobs.hpp>

int main() {
    linfa::Rng rng(7);
    linfa::Matrix<double> centres(3, 2);
    centres << 0., 0., 6., 6., -6., 7.;
    const auto blobs = linfa::datasets::generate_blobs(2000, centres, rng);
    const Eigen::Index n_blob = blobs.records().rows(), n_noise = 600;
    linfa::Matrix<double> records(n_blob + n_noise, 2);
    records.topRows(n_blob) = blobs.records();
    for (Eigen::Index i = n_blob; i < records.rows(); ++i) {
        records(i, 0) = -12 + 24 * rng.uniform();
        records(i, 1) = -8 + 24 * rng.uniform();
    }

    // A sample with 12 samples (itself included) within 0.3 is a core sample.
    const auto found = linfa::clustering::DbscanParams<double>(0.3, 12).fit_predict(records);

    std::map<int, long> sizes;
    for (Eigen::Index i = 0; i < found.labels.size(); ++i) ++sizes[found.labels[i]];
    std::printf("%zu clusters, %zu core samples\n", found.n_clusters, found.core_sample_indices.size());
    for (const auto& [label, size] : sizes) {
        std::printf("%-8s %5ld samples\n", label == linfa::clustering::DbscanClusters::noise ? "noise" : ("cluster " + std::to_string(label)).c_str(), size);
    }
    // The blobs' samples are mostly clustered; the uniform noise mostly is not.
    long noise_in_noise = 0;
    for (Eigen::Index i = n_blob; i < records.rows(); ++i) noise_in_noise += found.labels[i] == -1;
    std::printf("%ld of the %ld uniform samples are noise\n", noise_in_noise, long(n_noise));
    return found.n_clusters == 3 && noise_in_noise > n_noise * 8 / 10 ? 0 : 1;
}
