// Prints a fingerprint of several fitted models (every bit of their centroids and inertia),
// and of the model file of every listed model (models.hpp) fitted on the example data.
// Built twice, with and without OpenMP, and run with several thread counts: the outputs must
// be identical (see tests/CMakeLists.txt).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "helpers.hpp"

std::uint64_t fnv1a(const void* p, std::size_t n, std::uint64_t hash = 1469598103934665603ULL) {
    for (std::size_t i = 0; i < n; ++i) hash = (hash ^ static_cast<const unsigned char*>(p)[i]) * 1099511628211ULL;
    return hash;
}

/// Every listed model, fitted by its example parameters: the hash of its binary model file.
void print_listed_models() {
    linfa::Models::for_each([](auto type) {
        using M = typename decltype(type)::type;
        using F = typename linfa::model_io<M>::scalar_type;
        const auto data = linfa::example_dataset<F>(20000, 5, 23);
        std::ostringstream file;
        linfa::save(linfa::model_example<M>::params().fit(data.view()), file);
        const std::string bytes = file.str();
        std::printf("%s %s example %016llx\n", linfa::model_io<M>::kind.data(), linfa::scalar_name<F>().data(),
                    static_cast<unsigned long long>(fnv1a(bytes.data(), bytes.size())));
    });
}

template <linfa::Float F>
void print_fingerprint(std::size_t d, linfa::clustering::InitMethod init,
                       linfa::clustering::KMeansAlgorithm algorithm = linfa::clustering::KMeansAlgorithm::Lloyd,
                       std::size_t k = 9) {
    const auto data = test::blobs<F>(k, d, 22500 / k, 5, 8.0);
    const auto model = linfa::clustering::KMeans<F>::params_with_rng(k, linfa::Rng(17))
                           .init_method(init)
                           .algorithm(algorithm)
                           .fit(data);
    const double inertia = model.inertia();
    const std::uint64_t hash = fnv1a(&inertia, sizeof inertia,
                                     fnv1a(model.centroids().data(), sizeof(F) * std::size_t(model.centroids().size())));
    std::printf("%s d=%zu k=%zu algorithm=%d init=%d iterations=%llu %016llx\n", linfa::scalar_name<F>().data(), d, k, int(algorithm), int(init),
                static_cast<unsigned long long>(model.n_iterations()), static_cast<unsigned long long>(hash));
}

/// The same for a fit on sparse rows (blobs with small entries zeroed, as CSR).
template <linfa::Float F>
void print_sparse_fingerprint(linfa::clustering::InitMethod init) {
    linfa::Matrix<F> x = test::blobs<F>(9, 40, 2500, 5, 8.0).records();
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = std::abs(x.data()[i]) < F(2) ? F(0) : x.data()[i];
    const auto csr = linfa::CsrMatrix<F>::from_dense(x);
    const auto model = linfa::clustering::KMeans<F>::params_with_rng(9, linfa::Rng(17)).init_method(init).check().fit(csr.view());
    const double inertia = model.inertia();
    const std::uint64_t hash = fnv1a(&inertia, sizeof inertia,
                                     fnv1a(model.centroids().data(), sizeof(F) * std::size_t(model.centroids().size())));
    std::printf("%s sparse init=%d iterations=%llu %016llx\n", linfa::scalar_name<F>().data(), int(init),
                static_cast<unsigned long long>(model.n_iterations()), static_cast<unsigned long long>(hash));
}

int main() {
    print_listed_models();
    using linfa::clustering::InitMethod;
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        for (std::size_t d : {2u, 30u}) {
            print_fingerprint<float>(d, init);
            print_fingerprint<double>(d, init);
        }
        print_fingerprint<float>(2, init, linfa::clustering::KMeansAlgorithm::Hamerly, 60);
        print_fingerprint<double>(3, init, linfa::clustering::KMeansAlgorithm::Hamerly, 60);
        print_sparse_fingerprint<float>(init);
        print_sparse_fingerprint<double>(init);
    }
}
