// Micro-benchmarks of the linear models and PCA (the figures against scikit-learn are in
// bench/python/linear_pca.py; these track the C++ steps between kernel changes):
//   LinearFit   LinearRegression::fit: weighted means + centred Gram of [X | y] + eigen solve
//   RidgeFit    Ridge::fit (Cholesky): the same pass, then a d x d Cholesky
//   Predict     LinearRegression::predict, one target
//   PcaFull     PCA fit, full solver: covariance + all eigenvectors, 10 components kept
//   PcaRandomized  PCA fit, randomized solver, 10 components (7 power iterations)
//   Transform   PCA transform to 10 components
// Arguments: n / d. Counters: rows/s and, for the Gram-based fits, GFLOP/s counting n * d^2
// (the symmetric rank update over the d x d Gram matrix, multiply + add on one triangle).
#include <benchmark/benchmark.h>

#include <map>
#include <utility>

#include <linfa/decomposition/pca.hpp>
#include <linfa/linear/linear_regression.hpp>
#include <linfa/linear/ridge.hpp>

namespace {

using namespace linfa;

template <Float F>
struct Problem {
    Matrix<F> x;
    Matrix<F> y;
    DatasetView<F> view() const { return DatasetView<F>(x).with_targets(MatrixView<F>(y.data(), y.rows(), 1)); }
};

template <Float F>
const Problem<F>& problem(std::size_t n, std::size_t d) {
    static std::map<std::pair<std::size_t, std::size_t>, Problem<F>> cache;
    const auto key = std::make_pair(n, d);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    Rng rng(0);
    Problem<F> p{Matrix<F>(Eigen::Index(n), Eigen::Index(d)), Matrix<F>(Eigen::Index(n), 1)};
    Vector<double> coef(static_cast<Eigen::Index>(d));
    for (Eigen::Index j = 0; j < coef.size(); ++j) coef[j] = rng.normal<double>();
    for (Eigen::Index i = 0; i < Eigen::Index(n); ++i) {
        double target = 0.5;
        for (Eigen::Index j = 0; j < Eigen::Index(d); ++j) {
            const double v = rng.normal<double>() * (1.0 + 0.9 * std::cos(double(j)));  // a varied spectrum
            p.x(i, j) = F(v);
            target += coef[j] * v;
        }
        p.y(i, 0) = F(target + 0.1 * rng.normal<double>());
    }
    return cache.emplace(key, std::move(p)).first->second;
}

void set_counters(benchmark::State& state, std::size_t n, double flops_per_row) {
    state.counters["rows/s"] = benchmark::Counter(double(state.iterations()) * double(n), benchmark::Counter::kIsRate);
    if (flops_per_row > 0) {
        state.counters["GFLOP/s"] =
            benchmark::Counter(double(state.iterations()) * double(n) * flops_per_row / 1e9, benchmark::Counter::kIsRate);
    }
}

template <Float F>
void BM_LinearFit(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& p = problem<F>(n, d);
    for (auto _ : state) benchmark::DoNotOptimize(linear::LinearRegression<F>::params().fit(p.view()));
    set_counters(state, n, double(d + 1) * double(d + 1));
}

template <Float F>
void BM_RidgeFit(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& p = problem<F>(n, d);
    for (auto _ : state) benchmark::DoNotOptimize(linear::Ridge<F>::params().alpha(1.0).fit(p.view()));
    set_counters(state, n, double(d + 1) * double(d + 1));
}

template <Float F>
void BM_Predict(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& p = problem<F>(n, d);
    const auto model = linear::LinearRegression<F>::params().fit(p.view());
    Matrix<F> out;
    for (auto _ : state) {
        model.predict_inplace(p.x, out);
        benchmark::DoNotOptimize(out.data());
    }
    set_counters(state, n, 2.0 * double(d));
}

template <Float F>
void BM_PcaFull(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& p = problem<F>(n, d);
    const auto params = decomposition::Pca<F>::params().n_components(10).solver(decomposition::PcaSolver::Full);
    for (auto _ : state) benchmark::DoNotOptimize(params.fit(p.x));
    set_counters(state, n, double(d) * double(d));
}

template <Float F>
void BM_PcaRandomized(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& p = problem<F>(n, d);
    const auto params = decomposition::Pca<F>::params(Rng(1)).n_components(10).solver(decomposition::PcaSolver::Randomized);
    for (auto _ : state) benchmark::DoNotOptimize(params.fit(p.x));
    set_counters(state, n, 0);
}

template <Float F>
void BM_Transform(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1));
    const auto& p = problem<F>(n, d);
    const auto pca = decomposition::Pca<F>::params().n_components(10).fit(Matrix<F>(p.x.topRows(std::min<Eigen::Index>(20000, p.x.rows()))));
    for (auto _ : state) benchmark::DoNotOptimize(pca.transform(p.x));
    set_counters(state, n, 2.0 * double(d) * 10);
}

#define LINFA_BENCH_BOTH(name, ...)                                                      \
    BENCHMARK_TEMPLATE(name, double)->ArgNames({"n", "d"})->Unit(benchmark::kMillisecond)__VA_ARGS__; \
    BENCHMARK_TEMPLATE(name, float)->ArgNames({"n", "d"})->Unit(benchmark::kMillisecond)__VA_ARGS__

LINFA_BENCH_BOTH(BM_LinearFit, ->Args({10000, 10})->Args({200000, 100}));
LINFA_BENCH_BOTH(BM_RidgeFit, ->Args({10000, 10})->Args({200000, 100}));
LINFA_BENCH_BOTH(BM_Predict, ->Args({10000, 10})->Args({1000000, 100}));
LINFA_BENCH_BOTH(BM_PcaFull, ->Args({10000, 10})->Args({20000, 500}));
LINFA_BENCH_BOTH(BM_PcaRandomized, ->Args({10000, 10})->Args({100000, 200}));
LINFA_BENCH_BOTH(BM_Transform, ->Args({10000, 10})->Args({1000000, 100}));

}  // namespace
