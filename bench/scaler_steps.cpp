// Micro-benchmarks of the scalers against the memory bound (the figures against scikit-learn
// are in bench/python/scalers.py). Each step reads the records once, so the yardstick is
// Copy, the same matrix copied into a new result as a transform writes one (output_matrix,
// the same chunks and threads): a transform should run at about the copy's speed, a fit
// (which writes nothing) read at least as fast.
//   Copy              a chunked parallel copy into output_matrix
//   StandardFit       StandardScaler::fit: moments in one pass (deviations from each block's
//                     first row, Chan's merge)
//   MinMaxFit         MinMaxScaler::fit: extremes in one pass
//   StandardTransform StandardScaler::transform (fused finiteness check)
// Arguments: n / d. Counter: GB/s of records read (and written, for Copy and transform).
#include <benchmark/benchmark.h>

#include <map>
#include <utility>

#include <linfa/preprocessing.hpp>

namespace {

using namespace linfa;

template <Float F>
const Matrix<F>& records(std::size_t n, std::size_t d) {
    static std::map<std::pair<std::size_t, std::size_t>, Matrix<F>> cache;
    const auto key = std::make_pair(n, d);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    Rng rng(0);
    Matrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = F(3.0 + 2.0 * rng.normal<double>());
    return cache.emplace(key, std::move(x)).first->second;
}

template <Float F>
void set_bytes(benchmark::State& state, const Matrix<F>& x, int passes) {
    state.counters["GB/s"] = benchmark::Counter(double(state.iterations()) * double(x.size()) * sizeof(F) * passes / 1e9,
                                                benchmark::Counter::kIsRate);
}

template <Float F>
void BM_Copy(benchmark::State& state) {
    const auto& x = records<F>(std::size_t(state.range(0)), std::size_t(state.range(1)));
    for (auto _ : state) {
        Matrix<F> y = output_matrix<F>(x.rows(), x.cols());
        for_each_chunk(plan_chunks(std::size_t(x.rows())), [&](std::size_t, std::size_t begin, std::size_t end) {
            const auto rows = static_cast<Eigen::Index>(end - begin);
            y.middleRows(static_cast<Eigen::Index>(begin), rows) = x.middleRows(static_cast<Eigen::Index>(begin), rows);
        });
        benchmark::DoNotOptimize(y.data());
    }
    set_bytes(state, x, 2);
}

template <Float F>
void BM_StandardFit(benchmark::State& state) {
    const auto& x = records<F>(std::size_t(state.range(0)), std::size_t(state.range(1)));
    for (auto _ : state) benchmark::DoNotOptimize(preprocessing::StandardScaler<F>::params().fit(x));
    set_bytes(state, x, 1);
}

template <Float F>
void BM_MinMaxFit(benchmark::State& state) {
    const auto& x = records<F>(std::size_t(state.range(0)), std::size_t(state.range(1)));
    for (auto _ : state) benchmark::DoNotOptimize(preprocessing::MinMaxScaler<F>::params().fit(x));
    set_bytes(state, x, 1);
}

template <Float F>
void BM_StandardTransform(benchmark::State& state) {
    const auto& x = records<F>(std::size_t(state.range(0)), std::size_t(state.range(1)));
    const auto scaler = preprocessing::StandardScaler<F>::params().fit(x);
    for (auto _ : state) benchmark::DoNotOptimize(scaler.transform(x));
    set_bytes(state, x, 2);
}

#define LINFA_SCALER_BENCH(name)                                                                                \
    BENCHMARK_TEMPLATE(name, double)->ArgNames({"n", "d"})->Args({10000, 10})->Args({1000000, 100})->Unit(benchmark::kMillisecond); \
    BENCHMARK_TEMPLATE(name, float)->ArgNames({"n", "d"})->Args({10000, 10})->Args({1000000, 100})->Unit(benchmark::kMillisecond)

LINFA_SCALER_BENCH(BM_Copy);
LINFA_SCALER_BENCH(BM_StandardFit);
LINFA_SCALER_BENCH(BM_MinMaxFit);
LINFA_SCALER_BENCH(BM_StandardTransform);

}  // namespace
