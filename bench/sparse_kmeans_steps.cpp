// Micro-benchmarks of K-Means on sparse (CSR) rows, the steps of one Lloyd iteration:
//   SparseAssign  nearest centroid of every row: nnz x k multiply-adds per row against the
//                 transposed centroids, then the chosen distance again in double
//   SparseUpdate  the per-cluster sums of the rows (rows sorted by label, each cluster's rows
//                 in row order), the means, the k x d sums cleared first
//   SparseLloyd   one iteration as fit runs it: both, and the centroid layout
//   SparseFit     a whole fit to convergence (tolerance 0, random init with a fixed seed),
//                 Lloyd's or Hamerly's iteration (the same model), on rows with topics: 20% of
//                 a row's columns come from its topic's block of d / k columns, the rest from
//                 all d. Counter: the iterations of the fit
// Arguments: n / d (features) / nnz (stored values per row) / k. Counters: rows/s, and
// GFLOP/s counting 2 x nnz x k flops per row for the assignment.
#include <benchmark/benchmark.h>

#include <linfa/linfa.hpp>

#include <algorithm>
#include <map>
#include <tuple>

namespace {

using namespace linfa;
using namespace linfa::clustering::kmeans_detail;

/// n rows of `nnz` distinct random columns out of d, values uniform in [0, 1), and k
/// centroids on rows spread over the set.
template <Float F>
struct SparseProblem {
    std::vector<std::int32_t> indptr, indices;
    std::vector<F> values;
    std::size_t n = 0, d = 0;
    Matrix<F> centroids;
    CsrView<F> view() const { return CsrView<F>(n, d, indptr, indices, values); }
};

/// With `topics`, row i's first 20% of columns come from block i mod k of d / k columns.
template <Float F>
const SparseProblem<F>& sparse_problem(std::size_t n, std::size_t d, std::size_t nnz, std::size_t k, bool topics = false) {
    static std::map<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t, bool>, SparseProblem<F>> cache;
    const auto key = std::make_tuple(n, d, nnz, k, topics);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    Rng rng(0);
    SparseProblem<F> p;
    p.n = n, p.d = d;
    p.indptr.push_back(0);
    std::vector<std::int32_t> columns;
    for (std::size_t i = 0; i < n; ++i) {
        columns.clear();
        while (columns.size() < nnz) {
            const bool in_topic = topics && columns.size() * 10 < nnz * 2;
            const auto c = in_topic ? std::int32_t((i % k) * (d / k) + rng.below(d / k)) : std::int32_t(rng.below(d));
            if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
        }
        std::sort(columns.begin(), columns.end());
        for (const auto c : columns) p.indices.push_back(c), p.values.push_back(F(rng.uniform()));
        p.indptr.push_back(std::int32_t(p.indices.size()));
    }
    p.centroids = Matrix<F>::Zero(Eigen::Index(k), Eigen::Index(d));
    const auto view = p.view();
    for (std::size_t j = 0; j < k; ++j) {
        const auto row = view.row(j * (n / k));
        for (std::size_t e = 0; e < row.indices.size(); ++e) p.centroids(Eigen::Index(j), Eigen::Index(row.indices[e])) = row.values[e];
    }
    return cache.emplace(key, std::move(p)).first->second;
}

void set_counters(benchmark::State& state, std::size_t n, double flops_per_row) {
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(n));
    state.counters["rows/s"] = benchmark::Counter(double(state.iterations()) * double(n), benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(double(state.iterations()) * double(n) * flops_per_row / 1e9, benchmark::Counter::kIsRate);
}

template <Float F>
void BM_SparseAssign(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), nnz = std::size_t(state.range(2)),
               k = std::size_t(state.range(3));
    const auto& p = sparse_problem<F>(n, d, nnz, k);
    const SparseDatasetView<F> data(p.view());
    const SparseCentroids<F> layout(p.centroids);
    const auto norms = row_squared_norms(data.records());
    std::vector<std::int32_t> labels(n);
    for (auto _ : state) benchmark::DoNotOptimize(sparse_assign(data, layout, norms, labels.data()));
    set_counters(state, n, 2.0 * double(nnz) * double(k));
}

template <Float F>
void BM_SparseUpdate(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), nnz = std::size_t(state.range(2)),
               k = std::size_t(state.range(3));
    const auto& p = sparse_problem<F>(n, d, nnz, k);
    SparseLloydPass<F, std::int32_t> pass(SparseDatasetView<F>(p.view()), k);
    std::vector<std::int32_t> labels(n, -1);
    pass.run(p.centroids, labels.data());
    for (auto _ : state) benchmark::DoNotOptimize(pass.update(p.centroids, labels.data()));
    set_counters(state, n, 2.0 * double(nnz));
}

template <Float F>
void BM_SparseLloyd(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), nnz = std::size_t(state.range(2)),
               k = std::size_t(state.range(3));
    const auto& p = sparse_problem<F>(n, d, nnz, k);
    SparseLloydPass<F, std::int32_t> pass(SparseDatasetView<F>(p.view()), k);
    std::vector<std::int32_t> labels(n, -1);
    for (auto _ : state) {
        pass.run(p.centroids, labels.data());
        benchmark::DoNotOptimize(pass.update(p.centroids, labels.data()));
    }
    set_counters(state, n, 2.0 * double(nnz) * double(k));
}

template <Float F>
void BM_SparseFit(benchmark::State& state) {
    const auto n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), nnz = std::size_t(state.range(2)),
               k = std::size_t(state.range(3));
    const auto algorithm = state.range(4) ? clustering::KMeansAlgorithm::Hamerly : clustering::KMeansAlgorithm::Lloyd;
    const auto& p = sparse_problem<F>(n, d, nnz, k, true);
    const auto params = clustering::KMeans<F>::params_with_rng(k, Rng(5))
                            .init_method(clustering::InitMethod::Random)
                            .n_runs(1)
                            .tolerance(0)
                            .max_n_iterations(300)
                            .algorithm(algorithm)
                            .check();
    std::uint64_t iterations = 0;
    for (auto _ : state) iterations = params.fit(p.view()).n_iterations();
    state.counters["iterations"] = double(iterations);
}

void sparse_shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "d", "nnz", "k"});
    b->Args({20000, 50000, 100, 50});   // the Python comparison's shape, a tenth of its rows
    b->Args({20000, 1000, 20, 8});      // small: the fixed costs per pass
    b->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_SparseAssign<double>)->Apply(sparse_shapes);
BENCHMARK(BM_SparseAssign<float>)->Apply(sparse_shapes);
BENCHMARK(BM_SparseUpdate<double>)->Apply(sparse_shapes);
BENCHMARK(BM_SparseUpdate<float>)->Apply(sparse_shapes);
BENCHMARK(BM_SparseLloyd<double>)->Apply(sparse_shapes);
BENCHMARK(BM_SparseLloyd<float>)->Apply(sparse_shapes);
BENCHMARK(BM_SparseFit<double>)
    ->ArgNames({"n", "d", "nnz", "k", "hamerly"})
    ->Args({20000, 20000, 50, 20, 0})
    ->Args({20000, 20000, 50, 20, 1})
    ->Args({20000, 5000, 50, 50, 0})
    ->Args({20000, 5000, 50, 50, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
