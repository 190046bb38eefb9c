// Micro-benchmarks of the two steps of a Lloyd iteration, separately and fused:
//   Assign   nearest centroid of every point (the kernel chosen by shape)
//   Update   weighted per-cluster sums for given labels, then the means
//   Lloyd    one fused iteration as fit runs it: assign + accumulate in one pass, then means
//   Fit      a whole fit to convergence (tol 1e-4) from the same centroids, by algorithm
//            (0 Lloyd, 1 Hamerly): where each wins; counter: iterations
//   GemmPeak a large Eigen GEMM on all threads: the machine's attainable GFLOP/s, same run
// Arguments: n / d / k. Counters: points/s, and GFLOP/s counting 2*d*k flops per point for
// the distances (the GEMM convention, comparable with a GEMM peak) or 2*d for the update.
#include <benchmark/benchmark.h>

#include <linfa/linfa.hpp>

#include <map>
#include <tuple>

namespace {

using namespace linfa;
using namespace linfa::clustering::kmeans_detail;
using namespace linfa::nn;

template <Float F>
struct Problem {
    Dataset<F> data;
    Matrix<F> centroids;
    Labels labels;
};

template <Float F>
const Problem<F>& problem(std::size_t n, std::size_t d, std::size_t k) {
    static std::map<std::tuple<std::size_t, std::size_t, std::size_t>, Problem<F>> cache;
    auto key = std::make_tuple(n, d, k);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    Rng rng(0);
    const std::size_t blobs = std::min<std::size_t>(k, 32);
    Matrix<F> centres(static_cast<Eigen::Index>(blobs), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = F(20 * rng.uniform());
    auto data = datasets::generate_blobs((n + blobs - 1) / blobs, centres, rng);
    // Centroids on data points spread over the set, as an initialisation would pick them.
    Matrix<F> centroids(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    const auto stride = data.records().rows() / Eigen::Index(k);
    for (Eigen::Index j = 0; j < Eigen::Index(k); ++j) centroids.row(j) = data.records().row(j * stride);
    Labels labels(data.records().rows());
    assign_labels<F>(data, centroids, labels.data());
    return cache.emplace(key, Problem<F>{std::move(data), std::move(centroids), std::move(labels)}).first->second;
}

void set_counters(benchmark::State& state, std::size_t n, double flops_per_point) {
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(n));
    state.counters["points/s"] = benchmark::Counter(double(state.iterations()) * double(n), benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] =
        benchmark::Counter(double(state.iterations()) * double(n) * flops_per_point / 1e9, benchmark::Counter::kIsRate);
}

template <Float F>
void BM_Assign(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const auto& p = problem<F>(n, d, k);
    Labels labels(p.data.records().rows());
    for (auto _ : state) {
        assign_labels<F>(p.data, p.centroids, labels.data());
        benchmark::DoNotOptimize(labels.data());
    }
    set_counters(state, p.data.n_samples(), 2.0 * double(d * k));
}

template <Float F>
void BM_Update(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const auto& p = problem<F>(n, d, k);
    LloydPass<F> pass(p.data, k);
    for (auto _ : state) {
        pass.accumulate(p.labels.data());
        benchmark::DoNotOptimize(pass.update(p.centroids, p.labels.data()));
    }
    set_counters(state, p.data.n_samples(), 2.0 * double(d));
}

template <Float F>
void BM_Lloyd(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const auto& p = problem<F>(n, d, k);
    LloydPass<F> pass(p.data, k);
    Labels labels = p.labels;
    for (auto _ : state) {
        benchmark::DoNotOptimize(pass.run(p.centroids, labels.data()));
        benchmark::DoNotOptimize(pass.update(p.centroids, labels.data()));
    }
    set_counters(state, p.data.n_samples(), 2.0 * double(d * k));
}

template <Float F>
void BM_Fit(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const auto algorithm = state.range(3) == 0 ? clustering::KMeansAlgorithm::Lloyd : clustering::KMeansAlgorithm::Hamerly;
    const auto& p = problem<F>(n, d, k);
    const auto params = clustering::KMeans<F>::params(k).init_centroids(p.centroids).algorithm(algorithm).max_n_iterations(300).check();
    std::uint64_t iterations = 0;
    for (auto _ : state) iterations = params.fit(p.data).n_iterations();
    state.counters["iterations"] = double(iterations);
}

void fit_shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "d", "k", "hamerly"});
    for (auto [n, d, k] : std::vector<std::array<std::int64_t, 3>>{
             {1000000, 2, 1000}, {1000000, 2, 100}, {1000000, 16, 100}, {100000, 128, 256},  // the compare shapes
             {200000, 2, 10}, {200000, 2, 32}, {200000, 8, 32}, {200000, 8, 100}, {200000, 32, 100}, {200000, 64, 100}}) {
        b->Args({n, d, k, 0});
        b->Args({n, d, k, 1});
    }
    b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
}

// The machine's reference: a large square GEMM with Eigen on all threads, in the same run,
// so kernel GFLOP/s can be read as a fraction of what this CPU sustains.
template <Float F>
void BM_GemmPeak(benchmark::State& state) {
    const auto n = static_cast<Eigen::Index>(state.range(0));
    const Matrix<F> a = Matrix<F>::Random(n, n), b = Matrix<F>::Random(n, n);
    Matrix<F> c(n, n);
    for (auto _ : state) {
        c.noalias() = a * b;
        benchmark::DoNotOptimize(c.data());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(double(state.iterations()) * 2.0 * double(n) * double(n) * double(n) / 1e9,
                                                   benchmark::Counter::kIsRate);
}

void shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "d", "k"});
    for (auto [n, d, k] : std::vector<std::array<std::int64_t, 3>>{
             {100000, 2, 3}, {1000000, 2, 3}, {1000000, 2, 100}, {1000000, 16, 100}, {100000, 128, 256}}) {
        b->Args({n, d, k});
    }
    b->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_Assign<double>)->Apply(shapes);
BENCHMARK(BM_Assign<float>)->Apply(shapes);
BENCHMARK(BM_Update<double>)->Apply(shapes);
BENCHMARK(BM_Update<float>)->Apply(shapes);
BENCHMARK(BM_Lloyd<double>)->Apply(shapes);
BENCHMARK(BM_Lloyd<float>)->Apply(shapes);

BENCHMARK(BM_Fit<double>)->Apply(fit_shapes);
BENCHMARK(BM_Fit<float>)->Apply(fit_shapes);

BENCHMARK(BM_GemmPeak<double>)->Arg(1536)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GemmPeak<float>)->Arg(1536)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
