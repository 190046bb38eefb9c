// Peak EXTRA heap memory of KMeans::fit, beyond the data: there must be no allocation
// proportional to n x k (no n x k distance matrix, ever).
//
// Its own executable (ctest: kmeans_memory), because it replaces glibc's allocator entry points:
// malloc, free, calloc, realloc, memalign, aligned_alloc, posix_memalign, valloc and pvalloc are
// defined here and forward to glibc's __libc_* functions, counting the live bytes (with
// malloc_usable_size) and their peak. Eigen allocates through malloc (or aligned variants),
// operator new ends in malloc, so every allocation of a fit is seen. Not built with sanitizers
// (they replace the allocator themselves).
//
// What a fit is allowed (k clusters, d features, T threads):
//   O(n):   the labels (4 bytes per row, the fit computes them even when `fit` drops them);
//           k-means++ keeps each row's distance to its nearest chosen centre (8 bytes per row,
//           freed before the iterations); Hamerly keeps two bounds per row (16 bytes per row).
//           So at most ~24 bytes per row today; the test allows kPerRowBytes = 64.
//   O(k d): the per-chunk partial sums of the update step: at most 64 chunks (a fixed
//           partition of the rows, so the result does not depend on T) x 4 copies x k x (d + 1)
//           doubles; the centroids (a few copies); Hamerly's per-centroid moves and gaps; the
//           GEMM path's block of 32 x k distances per thread. The test's bound:
//             2 x (64 x 4 x k x (d + 1) + T x 256 x k) x sizeof(double) + 1 MiB
//           (the form c x (chunks x k x d + threads x block x k) x sizeof(double) + constant,
//           the chunk count, at most 64, standing where a per-thread design has T).
// An n x k matrix of doubles would be k x 8 = 2048 bytes per row at k = 256, and even one
// byte per (row, centroid) would be 256: the per-row slope, measured between n = 200,000 and
// n = 400,000, tells it apart from the O(n) allocations above by a factor of 4 or more.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <linfa/linfa.hpp>

// ---------------------------------------------------------------------------------------------
// The allocator probe.

extern "C" {
void* __libc_malloc(std::size_t size);
void __libc_free(void* ptr);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* ptr, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
}

namespace probe {

std::atomic<long long> live{0}, peak{0};

void grow(void* p) {
    if (!p) return;
    const auto bytes = static_cast<long long>(malloc_usable_size(p));
    const long long now = live.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    long long seen = peak.load(std::memory_order_relaxed);
    while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
}

void shrink(std::size_t bytes) { live.fetch_sub(static_cast<long long>(bytes), std::memory_order_relaxed); }

/// Peak live bytes between construction and `extra()`, minus the live bytes at construction.
class Scope {
public:
    Scope() : base_(live.load()) { peak.store(base_); }
    long long extra() const { return peak.load() - base_; }

private:
    long long base_;
};

}  // namespace probe

extern "C" {

void* malloc(std::size_t size) noexcept {
    void* p = __libc_malloc(size);
    probe::grow(p);
    return p;
}

void free(void* ptr) noexcept {
    if (!ptr) return;
    probe::shrink(malloc_usable_size(ptr));
    __libc_free(ptr);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
    void* p = __libc_calloc(count, size);
    probe::grow(p);
    return p;
}

void* realloc(void* ptr, std::size_t size) noexcept {
    const std::size_t old = ptr ? malloc_usable_size(ptr) : 0;
    void* p = __libc_realloc(ptr, size);
    if (p) {
        probe::grow(p);  // first: a moving realloc holds both blocks for a moment
        probe::shrink(old);
    } else if (ptr && size == 0) {
        probe::shrink(old);
    }
    return p;
}

void* memalign(std::size_t alignment, std::size_t size) noexcept {
    void* p = __libc_memalign(alignment, size);
    probe::grow(p);
    return p;
}

void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept { return memalign(alignment, size); }

int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void* p = __libc_memalign(alignment, size);
    if (!p) return ENOMEM;
    probe::grow(p);
    *out = p;
    return 0;
}

void* valloc(std::size_t size) noexcept { return memalign(std::size_t(sysconf(_SC_PAGESIZE)), size); }

void* pvalloc(std::size_t size) noexcept {
    const auto page = std::size_t(sysconf(_SC_PAGESIZE));
    return memalign(page, (size + page - 1) / page * page);
}

}  // extern "C"

// ---------------------------------------------------------------------------------------------

namespace {

using linfa::clustering::InitMethod;
using linfa::clustering::KMeansAlgorithm;
using linfa::clustering::KMeansParams;

constexpr std::size_t kClusters = 256, kFeatures = 4;
constexpr std::size_t kSmall = 200'000, kLarge = 400'000;
constexpr double kPerRowBytes = 64;  // allowed O(n) bytes per row (today ~4 to ~24)

/// Uniform data in [0, 20)^d (fixed seed), and the first k rows as initial centroids.
linfa::Matrix<double> make_data(std::size_t n) {
    linfa::Rng rng(2024);
    linfa::Matrix<double> x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(kFeatures));
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = 20.0 * rng.uniform();
    return x;
}

enum class Init { Given, Default };

/// Peak extra heap bytes of one fit (3 iterations, tolerance 0) on data allocated beforehand.
long long peak_extra(const linfa::Matrix<double>& x, KMeansAlgorithm algorithm, Init init) {
    const linfa::Matrix<double> c0 = x.topRows(static_cast<Eigen::Index>(kClusters));
    auto params = KMeansParams<double>(kClusters, linfa::Rng(7)).max_n_iterations(3).tolerance(0.0).algorithm(algorithm);
    if (init == Init::Given) params.init_centroids(c0);
    params.check().fit(x.topRows(2 * kClusters).eval());  // warm-up: OpenMP's thread pool, lazy statics
    probe::Scope scope;
    {
        const auto model = params.fit(x);
        REQUIRE(model.n_iterations() >= 2);  // the iterations' buffers were in use
    }
    return scope.extra();
}

/// bytes of O(k d) memory the fit may use at any n (see the top of the file)
double kd_bound() {
    const double chunks_part = 64.0 * 4.0 * double(kClusters) * double(kFeatures + 1);
    const double threads_part = double(linfa::max_threads()) * 256.0 * double(kClusters);
    return 2.0 * (chunks_part + threads_part) * sizeof(double) + double(1 << 20);
}

void check_no_n_times_k(KMeansAlgorithm algorithm, Init init, const char* what) {
    const auto small = make_data(kSmall), large = make_data(kLarge);
    const long long at_small = peak_extra(small, algorithm, init);
    const long long at_large = peak_extra(large, algorithm, init);
    const double per_row = double(at_large - at_small) / double(kLarge - kSmall);
    const double fixed = double(at_small) - per_row * double(kSmall);
    std::printf("%-34s peak extra: n=%zu %.2f MiB, n=%zu %.2f MiB -> %.1f bytes/row + %.2f MiB (bound: %.0f bytes/row, "
                "%.2f MiB; n x k doubles would be %zu bytes/row)\n",
                what, kSmall, double(at_small) / 1048576.0, kLarge, double(at_large) / 1048576.0, per_row,
                fixed / 1048576.0, kPerRowBytes, kd_bound() / 1048576.0, kClusters * sizeof(double));
    INFO(what << ": peak extra bytes " << at_small << " at n = " << kSmall << ", " << at_large << " at n = " << kLarge);
    CHECK(at_small > 0);  // the probe sees the fit's allocations
    // The growth per row is the O(n) allocations only: far below k bytes per row.
    CHECK(per_row <= kPerRowBytes);
    CHECK(per_row >= 0.0);
    // What does not grow with n stays within the O(k d) bound, at both sizes.
    CHECK(double(at_small) <= kPerRowBytes * double(kSmall) + kd_bound());
    CHECK(double(at_large) <= kPerRowBytes * double(kLarge) + kd_bound());
}

}  // namespace

TEST_CASE("the probe counts allocations, including aligned ones and Eigen's") {
    probe::Scope scope;
    {
        linfa::Matrix<double> m(1000, 100);  // 800 kB through Eigen's aligned malloc
        m.setZero();
        void* p = nullptr;
        REQUIRE(posix_memalign(&p, 64, 1 << 16) == 0);
        free(p);
        CHECK(scope.extra() >= 800'000);
    }
    CHECK(probe::live.load() <= probe::peak.load());
}

TEST_CASE("KMeans fit: no allocation proportional to n x k, Lloyd, given initial centroids") {
    check_no_n_times_k(KMeansAlgorithm::Lloyd, Init::Given, "Lloyd, given init");
}

TEST_CASE("KMeans fit: no allocation proportional to n x k, Hamerly, given initial centroids") {
    check_no_n_times_k(KMeansAlgorithm::Hamerly, Init::Given, "Hamerly, given init");
}

TEST_CASE("KMeans fit: no allocation proportional to n x k, the defaults (Auto, k-means++)") {
    check_no_n_times_k(KMeansAlgorithm::Auto, Init::Default, "Auto + k-means++ (the defaults)");
}
