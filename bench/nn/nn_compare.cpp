// Times linfa's NeighbourIndex against nanoflann (KD-tree) and FAISS IndexFlatL2 (brute force)
// on the same random data; bench/python/neighbors.py builds and runs it, and prints the ratios
// next to scikit-learn's. One JSON line per measurement (median of `repeats`).
//
//   nn_compare kd    N NQ D K REPEATS   -> linfa kd_tree (f64), nanoflann (f64, 1 and all threads)
//   nn_compare brute N NQ D K REPEATS   -> linfa brute (f32), faiss IndexFlatL2 (f32)
//
// Build (what neighbors.py runs):
//   g++ -std=c++20 -O3 -march=native -fopenmp -Iinclude -I/usr/include/eigen3 bench/nn/nn_compare.cpp
//       -o build/nn_compare -DHAVE_FAISS -lfaiss -llapack -lblas
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nanoflann.hpp>
#include <omp.h>

#include <linfa/nn/index.hpp>

#ifdef HAVE_FAISS
#include <faiss/IndexFlat.h>
#endif

namespace {

double median_ms(int repeats, const std::function<void()>& run) {
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        run();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

template <class F>
linfa::Matrix<F> uniform(std::size_t n, std::size_t d, unsigned seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(0, 1);
    linfa::Matrix<F> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = F(u(gen));
    return x;
}

void report(const char* library, const char* what, std::size_t n, std::size_t nq, std::size_t d, std::size_t k, int threads,
            double ms, long check) {
    std::printf("{\"library\": \"%s\", \"case\": \"%s\", \"n\": %zu, \"queries\": %zu, \"d\": %zu, \"k\": %zu, "
                "\"threads\": %d, \"ms\": %.3f, \"check\": %ld}\n",
                library, what, n, nq, d, k, threads, ms, check);
    std::fflush(stdout);
}

struct Cloud {
    const linfa::Matrix<double>& m;
    std::size_t kdtree_get_point_count() const { return std::size_t(m.rows()); }
    double kdtree_get_pt(std::size_t i, std::size_t f) const { return m(Eigen::Index(i), Eigen::Index(f)); }
    template <class B>
    bool kdtree_get_bbox(B&) const { return false; }
};

template <int Dim>
void nanoflann_run(const linfa::Matrix<double>& points, const linfa::Matrix<double>& queries, std::size_t k, int repeats,
                   int threads, std::size_t n, std::size_t nq, std::size_t d) {
    using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Cloud>, Cloud, Dim, std::size_t>;
    Cloud cloud{points};
    long check = 0;
    const double ms = median_ms(repeats, [&] {
        Tree tree(int(d), cloud, nanoflann::KDTreeSingleIndexAdaptorParams(30));
        std::vector<std::size_t> idx(nq * k);
        std::vector<double> dist(nq * k);
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads)
        for (long q = 0; q < long(nq); ++q)
            tree.knnSearch(queries.data() + q * long(d), k, idx.data() + q * long(k), dist.data() + q * long(k));
        check = long(idx[0]);
    });
    report(Dim > 0 ? "nanoflann(dim fixed)" : "nanoflann", "kd build+query f64", n, nq, d, k, threads, ms, check);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 7) {
        std::fprintf(stderr, "usage: nn_compare kd|brute N NQ D K REPEATS\n");
        return 2;
    }
    const std::string mode = argv[1];
    const std::size_t n = std::stoul(argv[2]), nq = std::stoul(argv[3]), d = std::stoul(argv[4]), k = std::stoul(argv[5]);
    const int repeats = std::stoi(argv[6]);
    const int all = omp_get_max_threads();
    if (mode == "kd") {
        const auto points = uniform<double>(n, d, 1), queries = uniform<double>(nq, d, 2);
        for (int threads : {1, all}) {
            omp_set_num_threads(threads);
            long check = 0;
            const double ms = median_ms(repeats, [&] {
                linfa::nn::NeighbourIndex<double> index(points, {linfa::nn::IndexAlgorithm::kd_tree, 30});
                const auto r = index.kneighbors(linfa::MatrixView<double>(queries.data(), queries.rows(), queries.cols()), k);
                check = long(r.indices(0, 0));
            });
            report("linfa", "kd build+query f64", n, nq, d, k, threads, ms, check);
            nanoflann_run<-1>(points, queries, k, repeats, threads, n, nq, d);
            if (d == 3) nanoflann_run<3>(points, queries, k, repeats, threads, n, nq, d);
        }
        omp_set_num_threads(all);
    } else {
        const auto points = uniform<float>(n, d, 1), queries = uniform<float>(nq, d, 2);
        for (int threads : {1, all}) {
            omp_set_num_threads(threads);
            long check = 0;
            const linfa::nn::NeighbourIndex<float> index(points, {linfa::nn::IndexAlgorithm::brute, 30});
            const double ms = median_ms(repeats, [&] {
                const auto r = index.kneighbors(linfa::MatrixView<float>(queries.data(), queries.rows(), queries.cols()), k);
                check = long(r.indices(0, 0));
            });
            report("linfa", "brute query f32", n, nq, d, k, threads, ms, check);
#ifdef HAVE_FAISS
            faiss::IndexFlatL2 flat{static_cast<faiss::Index::idx_t>(d)};
            flat.add(faiss::Index::idx_t(n), points.data());
            std::vector<float> dist(nq * k);
            std::vector<faiss::Index::idx_t> idx(nq * k);
            const double fms = median_ms(repeats, [&] {
                flat.search(faiss::Index::idx_t(nq), queries.data(), faiss::Index::idx_t(k), dist.data(), idx.data());
                check = long(idx[0]);
            });
            report("faiss IndexFlatL2", "brute query f32", n, nq, d, k, threads, fms, check);
#endif
        }
        omp_set_num_threads(all);
    }
}
