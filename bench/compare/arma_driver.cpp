// Armadillo's arma::kmeans (OpenMP over samples) on the compare data, float64 (mat) or float32
// (fmat). Protocol: driver_common.hpp.
//   fixed:     seed mode keep_existing from the given centroids, n_iter = N. Armadillo has no
//              tolerance: it stops early only when the mean squared centroid shift is <= the
//              type's epsilon, so the iterations it ran are counted from its progress lines
//              (print_mode on, written into a counting stream buffer instead of the terminal).
//   converged: seed mode random_subset (the documentation's example; Armadillo has no
//              default, and its *_spread modes are O(n k^2) serial loops), n_iter = max-iter,
//              the same epsilon-only convergence test (it takes no tolerance).
// The data is used in place: the row-major n x d buffer is a column-major d x n matrix.
#include <armadillo>

#include <iostream>
#include <streambuf>

#include "driver_common.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

/// Counts the "iteration:" progress lines Armadillo's k-means prints, and drops the text.
class IterationCounter : public std::streambuf {
public:
    long long count = 0;

protected:
    int overflow(int c) override {
        if (c == traits_type::eof()) return c;
        static const char key[] = "iteration:";
        matched_ = (char(c) == key[matched_]) ? matched_ + 1 : (char(c) == key[0] ? 1 : 0);
        if (key[matched_] == '\0') {
            ++count;
            matched_ = 0;
        }
        return c;
    }

private:
    std::size_t matched_ = 0;
};

template <class eT>
void run(const cmp::Args& args) {
    cmp::Run r;
    r.library = "armadillo";
    r.variant = "kmeans";
    r.dtype = args.str("dtype");
    r.mode = args.str("mode");
    r.n = args.integer("n");
    r.d = args.integer("d");
    r.k = args.integer("k");
    auto data = cmp::read_raw<eT>(args.str("data"), std::size_t(r.n * r.d));
    const arma::Mat<eT> X(data.data(), arma::uword(r.d), arma::uword(r.n), /*copy_aux_mem=*/false, /*strict=*/true);
    const long repeats = args.integer("repeats", 3);
    const double max_seconds = args.real("max-seconds", 1e9);
    const bool warmup = args.integer("warmup", 1) != 0;
    arma::arma_rng::set_seed(static_cast<arma::uword>(args.integer("seed", 0)));

    arma::Mat<eT> init;
    if (r.mode == "fixed") {
        const auto c0 = cmp::read_raw<eT>(args.str("init"), std::size_t(r.k * r.d));
        init = arma::Mat<eT>(c0.data(), arma::uword(r.d), arma::uword(r.k));  // column = centroid
    } else if (r.mode != "converged") {
        throw std::runtime_error("--mode must be fixed or converged");
    }
    const long iters = r.mode == "fixed" ? args.integer("iters") : args.integer("max-iter", 300);
    const arma::gmm_seed_mode& seed_mode = r.mode == "fixed" ? static_cast<const arma::gmm_seed_mode&>(arma::keep_existing)
                                                              : static_cast<const arma::gmm_seed_mode&>(arma::random_subset);

    arma::Mat<eT> means;
    IterationCounter counter;
    const arma::Mat<eT> head(data.data(), arma::uword(r.d), arma::uword(cmp::warmup_rows(r.n)), false, true);
    auto fit = [&](long n_iter, const arma::Mat<eT>& on) {
        if (r.mode == "fixed") means = init;
        counter.count = 0;
        std::streambuf* old = std::cout.rdbuf(&counter);
        const bool ok = arma::kmeans(means, on, arma::uword(r.k), seed_mode, arma::uword(n_iter), /*print_mode=*/true);
        std::cout.rdbuf(old);
        if (!ok) throw std::runtime_error("arma::kmeans failed");
    };
    if (warmup) r.measure.run([&] { fit(2, r.mode == "fixed" ? X : head); });
    while (cmp::another_repeat(r.times_ms, repeats, max_seconds)) {
        r.times_ms.push_back(r.measure.run([&] { fit(iters, X); }));
        r.n_iter.push_back(counter.count);
    }
    if (args.has("centroids-out")) {
        // column-major d x k is row-major k x d, as the others write it
        cmp::write_f64(args.str("centroids-out"), means.memptr(), std::size_t(r.k * r.d));
    }
    auto json = r.json();
    json.put("version", arma::arma_version::as_string());
#ifdef _OPENMP
    json.put("threads", omp_get_max_threads());
#else
    json.put("threads", 1);
#endif
    json.print();
}

}  // namespace

int main(int argc, char** argv) {
    return cmp::guarded("armadillo", [&] {
        const cmp::Args args(argc, argv);
        if (args.str("dtype") == "f64") {
            run<double>(args);
        } else if (args.str("dtype") == "f32") {
            run<float>(args);
        } else {
            throw std::runtime_error("--dtype must be f64 or f32");
        }
    });
}
