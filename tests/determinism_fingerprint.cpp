// Prints a fingerprint of several fitted models (every bit of their centroids and inertia).
// Built twice, with and without OpenMP, and run with several thread counts: the outputs must
// be identical (see tests/CMakeLists.txt).
#include <cstdio>
#include <cstring>

#include "helpers.hpp"

template <linfa::Float F>
void print_fingerprint(std::size_t d, linfa::clustering::InitMethod init,
                       linfa::clustering::KMeansAlgorithm algorithm = linfa::clustering::KMeansAlgorithm::Lloyd,
                       std::size_t k = 9) {
    const auto data = test::blobs<F>(k, d, 22500 / k, 5, 8.0);
    const auto model = linfa::clustering::KMeans<F>::params_with_rng(k, linfa::Rng(17))
                           .init_method(init)
                           .algorithm(algorithm)
                           .fit(data);
    std::uint64_t hash = 1469598103934665603ULL;
    auto mix = [&](const void* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) hash = (hash ^ static_cast<const unsigned char*>(p)[i]) * 1099511628211ULL;
    };
    mix(model.centroids().data(), sizeof(F) * std::size_t(model.centroids().size()));
    const double inertia = model.inertia();
    mix(&inertia, sizeof inertia);
    std::printf("%s d=%zu k=%zu algorithm=%d init=%d iterations=%llu %016llx\n", linfa::scalar_name<F>().data(), d, k, int(algorithm), int(init),
                static_cast<unsigned long long>(model.n_iterations()), static_cast<unsigned long long>(hash));
}

int main() {
    using linfa::clustering::InitMethod;
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        for (std::size_t d : {2u, 30u}) {
            print_fingerprint<float>(d, init);
            print_fingerprint<double>(d, init);
        }
        print_fingerprint<float>(2, init, linfa::clustering::KMeansAlgorithm::Hamerly, 60);
        print_fingerprint<double>(3, init, linfa::clustering::KMeansAlgorithm::Hamerly, 60);
    }
}
