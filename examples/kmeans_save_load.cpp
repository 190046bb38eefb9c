// Fit a float32 model, write it as a binary model file and as JSON, read both back, and check
// that the restored models predict exactly what the original does.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <linfa/linfa.hpp>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "kmeans_f32.linfa";
    using KMeans = linfa::clustering::KMeans<float>;

    linfa::Rng rng(7);
    linfa::Matrix<float> centres(3, 3);
    centres << 0, 0, 0, 5, 5, 5, -5, 5, 0;
    const auto data = linfa::datasets::generate_blobs(2000, centres, rng);
    const KMeans model = KMeans::params_with_rng(3, rng).n_runs(3).fit(data);

    linfa::save(model, path);
    linfa::save(model, path + ".json", linfa::FileFormat::json);

    const linfa::ModelHeader header = linfa::read_header(path);
    std::printf("%s: kind %s, scalar %s, shape %llu x %llu\n", path.c_str(), header.kind.c_str(), header.scalar.c_str(),
                static_cast<unsigned long long>(header.shape[0]), static_cast<unsigned long long>(header.shape[1]));

    const auto from_binary = linfa::load<KMeans>(path);
    const auto from_json = linfa::load<KMeans>(path + ".json");
    const linfa::Labels expected = model.predict(data);
    const bool same = from_binary.predict(data) == expected && from_json.predict(data) == expected &&
                      from_binary.centroids() == model.centroids() && from_json.centroids() == model.centroids();
    std::printf("restored models predict identically: %s\n", same ? "yes" : "NO");

    try {
        linfa::load<linfa::clustering::KMeans<double>>(path);  // wrong scalar type
    } catch (const linfa::ModelFileError& e) {
        std::printf("loading it as KMeans<double> fails as it should: %s\n", e.what());
    }
    std::cout << "JSON form:\n" << std::ifstream(path + ".json").rdbuf();
    return same ? 0 : 1;
}
