// linfa C++ on the compare data (protocol: driver_common.hpp). --algo lloyd | hamerly | auto.
//   fixed:     KMeansParams<F>(k, Rng(seed)).max_n_iterations(N).tolerance(0)
//                  .init_centroids(C0).algorithm(A).fit(view)
//   converged: KMeansParams<F>(k, Rng(seed)).tolerance(tol).max_n_iterations(M).algorithm(A)
//                  .fit(view)  (the default initialisation, k-means++, timed with the fit)
// The data is read once and fitted through a DatasetView over the buffer (no copy).
#include <linfa/linfa.hpp>

#include "driver_common.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using linfa::clustering::KMeansAlgorithm;
using linfa::clustering::KMeansParams;

KMeansAlgorithm parse_algorithm(const std::string& name) {
    if (name == "lloyd") return KMeansAlgorithm::Lloyd;
    if (name == "hamerly") return KMeansAlgorithm::Hamerly;
    if (name == "auto") return KMeansAlgorithm::Auto;
    throw std::runtime_error("--algo must be lloyd, hamerly or auto, found " + name);
}

template <class F>
void run(const cmp::Args& args) {
    cmp::Run r;
    r.library = "linfa";
    r.variant = args.str("algo", "auto");
    r.dtype = args.str("dtype");
    r.mode = args.str("mode");
    r.n = args.integer("n");
    r.d = args.integer("d");
    r.k = args.integer("k");
    const auto algorithm = parse_algorithm(r.variant);
    const auto data = cmp::read_raw<F>(args.str("data"), std::size_t(r.n * r.d));
    const linfa::DatasetView<F> view(linfa::MatrixView<F>(data.data(), r.n, r.d));
    const long repeats = args.integer("repeats", 3);
    const double max_seconds = args.real("max-seconds", 1e9);
    const bool warmup = args.integer("warmup", 1) != 0;
    const auto seed = static_cast<std::uint64_t>(args.integer("seed", 0));

    std::optional<linfa::clustering::KMeans<F>> model;
    if (r.mode == "fixed") {
        const long iters = args.integer("iters");
        const auto init = cmp::read_raw<F>(args.str("init"), std::size_t(r.k * r.d));
        linfa::Matrix<F> c0 = linfa::MatrixView<F>(init.data(), r.k, r.d);
        auto fit = [&](long n_iter) {
            return KMeansParams<F>(std::size_t(r.k), linfa::Rng(seed))
                .max_n_iterations(std::uint64_t(n_iter))
                .tolerance(0.0)
                .init_centroids(c0)
                .algorithm(algorithm)
                .fit(view);
        };
        if (warmup) r.measure.run([&] { model = fit(2); });
        while (cmp::another_repeat(r.times_ms, repeats, max_seconds)) {
            r.times_ms.push_back(r.measure.run([&] { model = fit(iters); }));
            r.n_iter.push_back(static_cast<long long>(model->n_iterations()));
        }
    } else if (r.mode == "converged") {
        const double tol = args.real("tol", 1e-4);
        const long max_iter = args.integer("max-iter", 300);
        auto fit = [&](long n_iter, const linfa::DatasetView<F>& on) {
            return KMeansParams<F>(std::size_t(r.k), linfa::Rng(seed))
                .max_n_iterations(std::uint64_t(n_iter))
                .tolerance(tol)
                .algorithm(algorithm)
                .fit(on);
        };
        const linfa::DatasetView<F> head(linfa::MatrixView<F>(data.data(), cmp::warmup_rows(r.n), r.d));
        if (warmup) r.measure.run([&] { model = fit(2, head); });
        while (cmp::another_repeat(r.times_ms, repeats, max_seconds)) {
            r.times_ms.push_back(r.measure.run([&] { model = fit(max_iter, view); }));
            r.n_iter.push_back(static_cast<long long>(model->n_iterations()));
        }
    } else {
        throw std::runtime_error("--mode must be fixed or converged");
    }
    if (args.has("centroids-out")) {
        cmp::write_f64(args.str("centroids-out"), model->centroids().data(), std::size_t(r.k * r.d));
    }
    auto json = r.json();
    json.put("inertia_own", model->inertia());
#ifdef _OPENMP
    json.put("threads", omp_get_max_threads());
#else
    json.put("threads", 1);
#endif
    json.print();
}

}  // namespace

int main(int argc, char** argv) {
    return cmp::guarded("linfa", [&] {
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
