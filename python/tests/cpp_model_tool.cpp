// Writes and reads K-Means model files from C++, for the Python round-trip tests
// (python/tests/test_cpp_roundtrip.py):
//   cpp_model_tool fit OUT [f32|f64]   fits the seed's 4 blobs (seed 42) and saves the model
//   cpp_model_tool check IN            loads a model of either scalar type and prints it
// Both print "scalar", "centroids" (one row per line) and "predictions" of the fixed probe
// points below, with 17 significant digits, so Python can compare exactly.
#include <cstdio>
#include <cstring>
#include <string>

#include <linfa/clustering/kmeans.hpp>
#include <linfa/datasets/blobs.hpp>

namespace {

using linfa::clustering::KMeans;

/// Probe points: a 5 x 5 grid over [-25, 35]^2 (rows of a 25 x 2 matrix).
template <linfa::Float F>
linfa::Matrix<F> probes() {
    linfa::Matrix<F> p(25, 2);
    for (int i = 0; i < 25; ++i) {
        p(i, 0) = F(-25 + 15 * (i / 5));
        p(i, 1) = F(-25 + 15 * (i % 5));
    }
    return p;
}

template <linfa::Float F>
void print_model(const KMeans<F>& model) {
    std::printf("scalar %s\n", std::string(linfa::scalar_name<F>()).c_str());
    std::printf("n_iterations %llu\n", static_cast<unsigned long long>(model.n_iterations()));
    std::printf("inertia %.17g\n", model.inertia());
    std::printf("centroids %lld %lld\n", static_cast<long long>(model.centroids().rows()),
                static_cast<long long>(model.centroids().cols()));
    for (Eigen::Index i = 0; i < model.centroids().rows(); ++i) {
        for (Eigen::Index j = 0; j < model.centroids().cols(); ++j) {
            std::printf("%s%.17g", j ? " " : "", double(model.centroids()(i, j)));
        }
        std::printf("\n");
    }
    const linfa::Matrix<F> p = probes<F>();
    const linfa::Labels labels = model.predict(p);
    std::printf("predictions");
    for (Eigen::Index i = 0; i < labels.size(); ++i) std::printf(" %d", labels(i));
    std::printf("\n");
}

template <linfa::Float F>
int fit_and_save(const std::string& out) {
    linfa::Rng rng(42);
    linfa::Matrix<F> centres(4, 2);
    centres << 10., 10., 1., 12., 20., 30., -20., 30.;
    const auto data = linfa::datasets::generate_blobs(1000, centres, rng);
    const auto model = KMeans<F>::params_with_rng(4, rng).max_n_iterations(200).tolerance(1e-5).fit(data);
    linfa::save(model, out);
    print_model(model);
    return 0;
}

int check(const std::string& in) {
    const linfa::ModelHeader header = linfa::read_header(in);
    if (header.scalar == "f32") {
        print_model(linfa::load<KMeans<float>>(in));
    } else {
        print_model(linfa::load<KMeans<double>>(in));
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc >= 3 && std::strcmp(argv[1], "fit") == 0) {
            const bool f32 = argc >= 4 && std::strcmp(argv[3], "f32") == 0;
            return f32 ? fit_and_save<float>(argv[2]) : fit_and_save<double>(argv[2]);
        }
        if (argc == 3 && std::strcmp(argv[1], "check") == 0) return check(argv[2]);
    } catch (const linfa::Error& e) {
        std::fprintf(stderr, "cpp_model_tool: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: cpp_model_tool fit OUT [f32|f64] | cpp_model_tool check IN\n");
    return 2;
}
