// Micro-benchmarks of the Gaussian mixture:
//   GmmIteration   one fused EM iteration as fit runs it (E-step, M-step sums, M-step), by
//                  covariance type (0 full, 1 tied, 2 diag, 3 spherical)
//   GmmPredictProba  the E-step alone, as predict_proba runs it
// Arguments: n / d / k (/ type). Counters: points/s, and GFLOP/s counting d (d + 1) flops per
// point and component for each of the E-step's triangular product and the M-step's outer
// products (full and tied).
#include <benchmark/benchmark.h>

#include <linfa/clustering/gmm.hpp>

#include <map>
#include <tuple>

namespace {

using namespace linfa;
using namespace linfa::clustering;

/// n x d records around k centres and a start: the model of 0 iterations from those centres.
struct GmmProblem {
    Matrix<double> records;
    std::map<int, GaussianMixture<double>> start;
};

const GmmProblem& gmm_problem(std::size_t n, std::size_t d, std::size_t k) {
    static std::map<std::tuple<std::size_t, std::size_t, std::size_t>, GmmProblem> cache;
    const auto key = std::make_tuple(n, d, k);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    Rng rng(0);
    Matrix<double> centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = 8 * rng.uniform() - 4;
    GmmProblem p;
    p.records.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < p.records.rows(); ++i) {
        const Eigen::Index c = Eigen::Index(rng.below(k));
        for (Eigen::Index a = 0; a < p.records.cols(); ++a) p.records(i, a) = centres(c, a) + 0.7 * rng.normal<double>();
    }
    for (const int type : {0, 1, 2, 3}) {
        p.start.emplace(type, GaussianMixture<double>::params(k, Rng(1))
                                  .covariance_type(static_cast<CovarianceType>(type))
                                  .means_init(centres)
                                  .max_n_iterations(0)
                                  .fit(p.records));
    }
    return cache.emplace(key, std::move(p)).first->second;
}

void set_counters(benchmark::State& state, std::size_t n, std::size_t d, std::size_t k, bool two_steps) {
    const double per_point = double(k) * double(d * (d + 1)) * (two_steps ? 2 : 1);
    state.counters["points/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["GFLOP/s"] = benchmark::Counter(double(n) * per_point * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void GmmIteration(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const int type = int(state.range(3));
    const GmmProblem& p = gmm_problem(n, d, k);
    const auto params = GaussianMixture<double>::params(k).covariance_type(static_cast<CovarianceType>(type)).max_n_iterations(1).tolerance(0).check();
    for (auto _ : state) benchmark::DoNotOptimize(params.fit_with(p.start.at(type), p.records));
    set_counters(state, n, d, k, true);
}
BENCHMARK(GmmIteration)
    ->ArgNames({"n", "d", "k", "type"})
    ->Args({100000, 10, 10, 0})->Args({100000, 10, 10, 1})->Args({100000, 10, 10, 2})->Args({100000, 10, 10, 3})
    ->Args({100000, 2, 3, 0})->Args({100000, 50, 10, 0})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void GmmPredictProba(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
    const GmmProblem& p = gmm_problem(n, d, k);
    const auto& model = p.start.at(0);
    for (auto _ : state) benchmark::DoNotOptimize(model.predict_proba(p.records));
    set_counters(state, n, d, k, false);
}
BENCHMARK(GmmPredictProba)->ArgNames({"n", "d", "k"})->Args({100000, 10, 10})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
