// dlib's find_clusters_using_kmeans on the compare data, float64 only. Protocol:
// driver_common.hpp. dlib's k-means is serial (one thread) and computes sqrt distances.
//   fixed:     from the given centroids, max_iter = N; dlib stops early only when no
//              assignment changes.
//   converged: dlib's documented seeding, pick_initial_centers (a deterministic k-means++
//              variant) with the linear kernel, then find_clusters_using_kmeans until no
//              assignment changes (dlib has no tolerance), at most max-iter.
// dlib needs its own container of samples: the data is copied once, before any timing.
// dlib does not report the iterations it ran; they are counted through the container:
// the k-means loop calls samples.size() 2 (n + 1) times per iteration, plus once before.
#include <dlib/clustering.h>
#include <dlib/matrix.h>

#include "driver_common.hpp"

namespace {

template <class Sample>
struct CountingSamples {
    const std::vector<Sample>& samples;
    mutable unsigned long long size_calls = 0;
    unsigned long size() const {
        ++size_calls;
        return static_cast<unsigned long>(samples.size());
    }
    const Sample& operator[](unsigned long i) const { return samples[i]; }
};

template <long D>
void run(const cmp::Args& args, cmp::Run& r) {
    using Sample = dlib::matrix<double, D, 1>;
    const auto data = cmp::read_raw<double>(args.str("data"), std::size_t(r.n * r.d));
    std::vector<Sample> samples(std::size_t(r.n), Sample(r.d));
    for (long i = 0; i < r.n; ++i)
        for (long f = 0; f < r.d; ++f) samples[std::size_t(i)](f) = data[std::size_t(i * r.d + f)];
    const long repeats = args.integer("repeats", 1);
    const double max_seconds = args.real("max-seconds", 1e9);
    const bool warmup = args.integer("warmup", 0) != 0;

    std::vector<Sample> init;
    if (r.mode == "fixed") {
        const auto c0 = cmp::read_raw<double>(args.str("init"), std::size_t(r.k * r.d));
        for (long j = 0; j < r.k; ++j) {
            Sample c(r.d);
            for (long f = 0; f < r.d; ++f) c(f) = c0[std::size_t(j * r.d + f)];
            init.push_back(c);
        }
    } else if (r.mode != "converged") {
        throw std::runtime_error("--mode must be fixed or converged");
    }
    const long iters = r.mode == "fixed" ? args.integer("iters") : args.integer("max-iter", 300);

    std::vector<Sample> centers;
    const std::vector<Sample> head(samples.begin(), samples.begin() + cmp::warmup_rows(r.n));
    CountingSamples<Sample> counted{samples};
    auto fit = [&](long n_iter, const std::vector<Sample>& on) {
        if (r.mode == "fixed") {
            centers = init;
        } else {
            dlib::pick_initial_centers(r.k, centers, on, dlib::linear_kernel<Sample>());
        }
        CountingSamples<Sample> counting{on};
        dlib::find_clusters_using_kmeans(counting, centers, static_cast<unsigned long>(n_iter));
        counted.size_calls = counting.size_calls;
    };
    auto iterations = [&] { return static_cast<long long>((counted.size_calls - 1) / (2 * (std::size_t(r.n) + 1))); };
    if (warmup) r.measure.run([&] { fit(2, r.mode == "fixed" ? samples : head); });
    while (cmp::another_repeat(r.times_ms, repeats, max_seconds)) {
        r.times_ms.push_back(r.measure.run([&] { fit(iters, samples); }));
        r.n_iter.push_back(iterations());
    }
    if (args.has("centroids-out")) {
        std::vector<double> out;
        for (const auto& c : centers)
            for (long f = 0; f < r.d; ++f) out.push_back(c(f));
        cmp::write_f64(args.str("centroids-out"), out.data(), out.size());
    }
}

}  // namespace

int main(int argc, char** argv) {
    return cmp::guarded("dlib", [&] {
        const cmp::Args args(argc, argv);
        cmp::Run r;
        r.library = "dlib";
        r.variant = "find_clusters_using_kmeans";
        r.dtype = args.str("dtype");
        r.mode = args.str("mode");
        r.n = args.integer("n");
        r.d = args.integer("d");
        r.k = args.integer("k");
        if (r.dtype != "f64") throw std::runtime_error("the dlib driver runs float64 only");
        switch (r.d) {  // fixed-size samples where the shapes need them, else dynamic
            case 2: run<2>(args, r); break;
            case 16: run<16>(args, r); break;
            case 128: run<128>(args, r); break;
            default: run<0>(args, r); break;
        }
        auto json = r.json();
        json.put("threads", 1);
        json.print();
    });
}
