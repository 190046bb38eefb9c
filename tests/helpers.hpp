// Shared test fixtures: small blob datasets and brute-force references.
#pragma once

#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include <linfa/linfa.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace test {

/// Blobs around k random centres in d dimensions, `per_blob` points each.
template <linfa::Float F>
linfa::Dataset<F> blobs(std::size_t k, std::size_t d, std::size_t per_blob, std::uint64_t seed, double spread = 20.0) {
    linfa::Rng rng(seed);
    linfa::Matrix<F> centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = F(spread * (rng.uniform() - 0.5));
    return linfa::datasets::generate_blobs(per_blob, centres, rng);
}

/// Nearest centroid by exhaustive search in double (ties: lowest index).
template <linfa::Float F>
std::pair<std::int32_t, double> nearest(const linfa::Matrix<F>& centroids, const F* x) {
    std::int32_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < centroids.rows(); ++j) {
        double s = 0;
        for (Eigen::Index f = 0; f < centroids.cols(); ++f) {
            const double diff = double(x[f]) - double(centroids(j, f));
            s += diff * diff;
        }
        if (s < best_d) best_d = s, best = static_cast<std::int32_t>(j);
    }
    return {best, best_d};
}

template <linfa::Float F>
double brute_inertia(const linfa::Matrix<F>& records, const linfa::Matrix<F>& centroids) {
    double total = 0;
    for (Eigen::Index i = 0; i < records.rows(); ++i) total += nearest(centroids, records.row(i).data()).second;
    return total;
}

/// Runs `fn` with the given OpenMP thread count (no-op without OpenMP).
template <class Fn>
auto with_threads(int threads, Fn&& fn) {
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    auto result = fn();
    omp_set_num_threads(saved);
    return result;
#else
    (void)threads;
    return fn();
#endif
}

}  // namespace test
