// Micro-benchmarks of ElasticNet's coordinate descent (the figures against scikit-learn are in
// bench/python/elastic_net.py). Each sweep starts from zero coefficients with a light
// penalty, so every coordinate moves once, the costliest kind of sweep:
//   GramSweep      one sweep on the d x d Gram matrix: a row of it per moved coordinate
//   ResidualSweep  one sweep over the columns with a residual: a dot product per coordinate
//                  and an update of the residual per moved one
//   GramForm       forming the centred Gram matrix (the Gram path's one pass over the data)
// Arguments: n / d. Counters: GB/s of records (or Gram entries) read, GFLOP/s.
#include <benchmark/benchmark.h>

#include <map>
#include <utility>

#include <linfa/linear/elastic_net.hpp>

namespace {

using namespace linfa;
namespace en = linear::enet_detail;

template <Float F>
struct Problem {
    Matrix<F> x, y;
};

template <Float F>
const Problem<F>& problem(std::size_t n, std::size_t d) {
    static std::map<std::pair<std::size_t, std::size_t>, Problem<F>> cache;
    if (auto it = cache.find({n, d}); it != cache.end()) return it->second;
    Rng rng(0);
    Problem<F> p{Matrix<F>(Eigen::Index(n), Eigen::Index(d)), Matrix<F>(Eigen::Index(n), 1)};
    for (std::size_t i = 0; i < n; ++i) {
        double y = 0;
        for (std::size_t j = 0; j < d; ++j) {
            const double v = rng.normal<double>();
            p.x(Eigen::Index(i), Eigen::Index(j)) = F(v);
            if (j % 10 == 0) y += v;
        }
        p.y(Eigen::Index(i), 0) = F(y + rng.normal<double>());
    }
    return cache.emplace(std::make_pair(n, d), std::move(p)).first->second;
}

template <Float F>
DatasetView<F> view(const Problem<F>& p) {
    return DatasetView<F>(p.x).with_targets(MatrixView<F>(p.y.data(), p.y.rows(), 1));
}

// A penalty small enough for every coordinate to move in the first sweep.
en::Penalty light_penalty(std::size_t n) { return {1e-6 * double(n), 1e-6 * double(n), false}; }

template <Float F>
void BM_GramSweep(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto data = view(problem<F>(n, d));
    const auto centring = linalg::weighted_means(data, true, true);
    const linalg::MatrixD gram = linalg::centred_gram(data, true, centring);
    const linalg::MatrixD q = gram.topLeftCorner(Eigen::Index(d), Eigen::Index(d));
    const linalg::VectorD xy = gram.block(0, Eigen::Index(d), Eigen::Index(d), 1);
    linalg::VectorD w = linalg::VectorD::Zero(Eigen::Index(d)), h = w;
    for (auto _ : state) {
        w.setZero(), h.setZero();
        benchmark::DoNotOptimize(en::gram_sweep(q, xy, w, h, light_penalty(n), en::Order{}));
    }
    const double sweeps = double(state.iterations());
    state.counters["GB/s"] = benchmark::Counter(sweeps * double(d * d) * sizeof(double) / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(sweeps * 2.0 * double(d * d) / 1e9, benchmark::Counter::kIsRate);
}

template <Float F>
void BM_ResidualSweep(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto data = view(problem<F>(n, d));
    const auto centring = linalg::weighted_means(data, true, true);
    const en::ColMatrix<F> x = en::centred_columns(data, centring, 1.0);
    const Vector<F> y = en::centred_target(data, centring, 1.0, 0);
    linalg::VectorD norms = linalg::VectorD::Zero(Eigen::Index(d));
    for (Eigen::Index j = 0; j < Eigen::Index(d); ++j) norms[j] = x.col(j).template cast<double>().squaredNorm();
    Vector<F> w = Vector<F>::Zero(Eigen::Index(d)), r = y;
    for (auto _ : state) {
        w.setZero(), r = y;
        benchmark::DoNotOptimize(en::residual_sweep<F>(x, norms, w, r, light_penalty(n), en::Order{}));
    }
    const double sweeps = double(state.iterations());
    state.counters["GB/s"] = benchmark::Counter(sweeps * double(n * d) * sizeof(F) / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(sweeps * 4.0 * double(n * d) / 1e9, benchmark::Counter::kIsRate);
}

template <Float F>
void BM_GramForm(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto data = view(problem<F>(n, d));
    const auto centring = linalg::weighted_means(data, true, true);
    for (auto _ : state) benchmark::DoNotOptimize(linalg::centred_gram(data, true, centring).data());
    const double passes = double(state.iterations());
    state.counters["GB/s"] = benchmark::Counter(passes * double(n * d) * sizeof(F) / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(passes * double(n) * double((d + 1) * (d + 2)) / 1e9,
                                                   benchmark::Counter::kIsRate);
}

void shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "d"});
    b->Args({10'000, 10});    // smoke
    b->Args({100'000, 200});  // bench/python/elastic_net.py's problem
    b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_GramSweep<double>)->Apply(shapes);
BENCHMARK(BM_ResidualSweep<double>)->Apply(shapes);
BENCHMARK(BM_ResidualSweep<float>)->Apply(shapes);
BENCHMARK(BM_GramForm<double>)->Apply(shapes);
BENCHMARK(BM_GramForm<float>)->Apply(shapes);
