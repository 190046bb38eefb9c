// Micro-benchmarks of logistic regression's loss-and-gradient pass, the step L-BFGS repeats
// (the figures against scikit-learn are in bench/python/logistic.py). Two yardsticks, both
// over the same records:
//   LossGradient  LogisticLoss: one evaluation of the penalised loss and its gradient
//   Read          a chunked parallel sum of the records: one read of them, the memory bound of
//                 any pass (where the classes are few, the pass should run near it)
//   Products      the pass's two products unfused, as whole-matrix Eigen products (Z = X W^T,
//                 then G = Z^T X): what the fusion saves
// Arguments: n / d / classes (2 classes: the binary loss, one coefficient row). Counters:
// GB/s of records read, GFLOP/s of the two products (4 n d rows flops).
#include <benchmark/benchmark.h>

#include <map>
#include <tuple>
#include <vector>

#include <linfa/linear/logistic_regression.hpp>

namespace {

using namespace linfa;
using linear::logistic_detail::Layout;
using linear::logistic_detail::LogisticLoss;

template <Float F>
struct Problem {
    Matrix<F> x;
    std::vector<std::int32_t> targets;
};

template <Float F>
const Problem<F>& problem(std::size_t n, std::size_t d, std::size_t k) {
    static std::map<std::tuple<std::size_t, std::size_t, std::size_t>, Problem<F>> cache;
    const auto key = std::make_tuple(n, d, k);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    Rng rng(0);
    Problem<F> p{Matrix<F>(Eigen::Index(n), Eigen::Index(d)), std::vector<std::int32_t>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        p.targets[i] = std::int32_t(i % k);
        for (std::size_t j = 0; j < d; ++j) p.x(Eigen::Index(i), Eigen::Index(j)) = F(rng.normal<double>() + (j % k == i % k ? 1 : 0));
    }
    return cache.emplace(key, std::move(p)).first->second;
}

/// Score rows of the loss: one for two classes (binary), else one per class.
Eigen::Index rows_for(std::size_t k) { return k == 2 ? 1 : Eigen::Index(k); }

template <Float F>
void set_counters(benchmark::State& state, std::size_t n, std::size_t d, Eigen::Index rows) {
    const double passes = double(state.iterations());
    state.counters["GB/s"] = benchmark::Counter(passes * double(n) * double(d) * sizeof(F) / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(passes * 4.0 * double(n) * double(d) * double(rows) / 1e9,
                                                   benchmark::Counter::kIsRate);
}

template <Float F>
void BM_LossGradient(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const Problem<F>& p = problem<F>(n, d, k);
    const Eigen::Index rows = rows_for(k);
    const DatasetView<F> data(p.x);
    const LogisticLoss<DatasetView<F>> loss(data, p.targets, p.targets, std::vector<double>(k, 1.0),
                               rows == 1 ? Layout::Binary : Layout::Multinomial, rows, true, 1.0);
    const Eigen::VectorXd w = Eigen::VectorXd::Constant(loss.n_parameters(), 0.01);
    Eigen::VectorXd gradient;
    for (auto _ : state) benchmark::DoNotOptimize(loss(w, gradient));
    set_counters<F>(state, n, d, rows);
}

template <Float F>
void BM_Products(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const Problem<F>& p = problem<F>(n, d, k);
    const Eigen::Index rows = rows_for(k);
    const Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> w = Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic>::Constant(rows, Eigen::Index(d), F(0.01));
    Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> z, g;
    for (auto _ : state) {
        z.noalias() = p.x * w.transpose();
        g.noalias() = z.transpose() * p.x;
        benchmark::DoNotOptimize(g.data());
    }
    set_counters<F>(state, n, d, rows);
}

template <Float F>
void BM_Read(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const Problem<F>& p = problem<F>(n, d, k);
    for (auto _ : state) {
        const ChunkPlan plan = plan_chunks(n);
        PerChunk<double> sums(plan.n_chunks, 1);
        for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            sums[chunk][0] = double(p.x.middleRows(Eigen::Index(begin), Eigen::Index(end - begin)).sum());
        });
        benchmark::DoNotOptimize(reduce_in_chunk_order(sums));
    }
    set_counters<F>(state, n, d, rows_for(k));
}

void shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "d", "k"});
    b->Args({10'000, 10, 3});      // smoke
    b->Args({500'000, 50, 10});    // the multinomial case
    b->Args({1'000'000, 20, 2});   // the binary case
    b->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_LossGradient<double>)->Apply(shapes);
BENCHMARK(BM_LossGradient<float>)->Apply(shapes);
BENCHMARK(BM_Read<double>)->Apply(shapes);
BENCHMARK(BM_Read<float>)->Apply(shapes);
BENCHMARK(BM_Products<double>)->Apply(shapes);
BENCHMARK(BM_Products<float>)->Apply(shapes);
