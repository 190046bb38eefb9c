// The machine's GEMM rate in the same run: a square n x n x n GEMM (2 n^3 flops) with OpenBLAS
// (cblas_dgemm / cblas_sgemm, on OPENBLAS_NUM_THREADS threads) and with Eigen (on OpenMP's
// threads), float64 and float32; best and median of --repeats after one warm-up, in GFLOP/s.
// One JSON line per (library, dtype).
#include <Eigen/Dense>

#include <algorithm>
#include <vector>

#include "driver_common.hpp"

#ifdef COMPARE_HAVE_CBLAS
#include <cblas.h>
#endif

namespace {

template <class Fn>
void report(const char* library, const char* dtype, long n, long repeats, Fn&& gemm) {
    gemm();  // warm-up: threads, pages
    std::vector<double> gflops;
    for (long r = 0; r < repeats; ++r) {
        const double t0 = cmp::now_ms();
        gemm();
        const double ms = cmp::now_ms() - t0;
        gflops.push_back(2.0 * double(n) * double(n) * double(n) / (ms * 1e6));
    }
    std::vector<double> sorted = gflops;
    std::sort(sorted.begin(), sorted.end());
    cmp::Json()
        .put("library", "gemm")
        .put("variant", library)
        .put("dtype", dtype)
        .put("n", n)
        .put("gflops", gflops)
        .put("best_gflops", sorted.back())
        .put("median_gflops", sorted[sorted.size() / 2])
        .print();
}

template <class F>
void eigen_gemm(long n, long repeats, const char* dtype) {
    using M = Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic>;
    const M a = M::Random(n, n), b = M::Random(n, n);
    M c(n, n);
    report("eigen", dtype, n, repeats, [&] { c.noalias() = a * b; });
}

}  // namespace

int main(int argc, char** argv) {
    return cmp::guarded("gemm", [&] {
        const cmp::Args args(argc, argv);
        const long n = args.integer("size", 2048), repeats = args.integer("repeats", 5);
#ifdef COMPARE_HAVE_CBLAS
        {
            std::vector<double> a(std::size_t(n * n), 0.5), b(std::size_t(n * n), 0.25), c(std::size_t(n * n));
            report("openblas", "f64", n, repeats, [&] {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0, a.data(), int(n),
                            b.data(), int(n), 0.0, c.data(), int(n));
            });
        }
        {
            std::vector<float> a(std::size_t(n * n), 0.5f), b(std::size_t(n * n), 0.25f), c(std::size_t(n * n));
            report("openblas", "f32", n, repeats, [&] {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0f, a.data(), int(n),
                            b.data(), int(n), 0.0f, c.data(), int(n));
            });
        }
#endif
        eigen_gemm<double>(n, repeats, "f64");
        eigen_gemm<float>(n, repeats, "f32");
    });
}
