// Micro-benchmarks of the nearest-neighbour index (nn/index.hpp); the figures against
// scikit-learn, nanoflann and FAISS are in bench/python/neighbors.py (bench/nn/nn_compare.cpp).
//   IndexBuild   building a KD-tree / ball tree over n x d uniform points
//   KdQuery      10 nearest neighbours of 10k queries, KD-tree
//   BallQuery    the same, ball tree
//   BruteQuery   10 nearest neighbours of 1k queries by brute force (GEMM filter at d >= 16)
//   KdRadius     radius queries (about 10 neighbours each), KD-tree
// Arguments: n / d. Counters: points/s (built or queried).
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <tuple>
#include <utility>

#include <linfa/core/rng.hpp>
#include <linfa/nn/index.hpp>

namespace {

using namespace linfa;

template <Float F>
const Matrix<F>& uniform(std::size_t n, std::size_t d, std::uint64_t seed) {
    static std::map<std::tuple<std::size_t, std::size_t, std::uint64_t>, Matrix<F>> cache;
    const auto key = std::make_tuple(n, d, seed);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    Rng rng(seed);
    Matrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = F(rng.uniform());
    return cache.emplace(key, std::move(x)).first->second;
}

template <Float F>
MatrixView<F> view(const Matrix<F>& m) {
    return MatrixView<F>(m.data(), m.rows(), m.cols());
}

template <Float F, nn::IndexAlgorithm A>
void BM_IndexBuild(benchmark::State& state) {
    const auto& x = uniform<F>(std::size_t(state.range(0)), std::size_t(state.range(1)), 1);
    for (auto _ : state) {
        nn::NeighbourIndex<F> index(x, {A, 30});
        benchmark::DoNotOptimize(index.size());
    }
    state.counters["points/s"] = benchmark::Counter(double(state.iterations()) * double(x.rows()), benchmark::Counter::kIsRate);
}

template <Float F, nn::IndexAlgorithm A>
void BM_Query(benchmark::State& state, std::size_t n_queries) {
    const std::size_t d = std::size_t(state.range(1));
    const auto& x = uniform<F>(std::size_t(state.range(0)), d, 1);
    const auto& q = uniform<F>(n_queries, d, 2);
    const nn::NeighbourIndex<F> index(x, {A, 30});
    for (auto _ : state) benchmark::DoNotOptimize(index.kneighbors(view(q), 10).indices.data());
    state.counters["points/s"] = benchmark::Counter(double(state.iterations()) * double(n_queries), benchmark::Counter::kIsRate);
}

template <Float F>
void BM_KdQuery(benchmark::State& state) { BM_Query<F, nn::IndexAlgorithm::kd_tree>(state, 10000); }
template <Float F>
void BM_BallQuery(benchmark::State& state) { BM_Query<F, nn::IndexAlgorithm::ball_tree>(state, 10000); }
template <Float F>
void BM_BruteQuery(benchmark::State& state) { BM_Query<F, nn::IndexAlgorithm::brute>(state, 1000); }

template <Float F>
void BM_KdRadius(benchmark::State& state) {
    const std::size_t n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& x = uniform<F>(n, d, 1);
    const auto& q = uniform<F>(10000, d, 2);
    const nn::NeighbourIndex<F> index(x, {nn::IndexAlgorithm::kd_tree, 30});
    // the radius of a ball holding about 10 points of the unit cube
    const double volume = 10.0 / double(n);
    const F radius = F(std::pow(volume * std::tgamma(d / 2.0 + 1) / std::pow(3.14159265358979, d / 2.0), 1.0 / double(d)));
    for (auto _ : state) benchmark::DoNotOptimize(index.radius_neighbors(view(q), radius).indices.data());
    state.counters["points/s"] = benchmark::Counter(double(state.iterations()) * 10000.0, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_IndexBuild<double, nn::IndexAlgorithm::kd_tree>)->Args({100000, 3})->Args({1000000, 3})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IndexBuild<double, nn::IndexAlgorithm::ball_tree>)->Args({100000, 3})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KdQuery<double>)->Args({100000, 3})->Args({1000000, 3})->Args({100000, 8})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KdQuery<float>)->Args({100000, 3})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BallQuery<double>)->Args({100000, 3})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BruteQuery<float>)->Args({100000, 64})->Args({100000, 8})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BruteQuery<double>)->Args({100000, 64})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KdRadius<double>)->Args({100000, 3})->Unit(benchmark::kMillisecond);
