// K-Means Lloyd iterations over MPI: time and CPU time per iteration, bytes and collectives
// per iteration, for the fixed-order combination linfa uses (every chunk's partial sums
// gathered, added in chunk order: the single-process model bit for bit) or, for comparison,
// a plain MPI_Allreduce(MPI_SUM) of each rank's own totals (one process's order per rank,
// then the MPI library's: a model that depends on the ranks). Run by bench/distributed/run.sh.
//
//   mpirun -n P linfa_bench_distributed --rows N | --rows-per-rank N  [--features 32]
//          [--clusters 16] [--iterations 10] [--reduce fixed|sum]
//
// Rows are generated from their global index alone (the same data for any P), each rank
// making its own equal share; the first k rows are the initial centroids.
#include <linfa/distributed/kmeans.hpp>
#include <linfa/distributed/mpi.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

using F = float;
using linfa::Matrix;

struct Options {
    std::size_t rows = 0, rows_per_rank = 0, d = 32, k = 16, iterations = 10;
    std::string reduce = "fixed";
};

Options parse(int argc, char** argv) {
    Options o;
    for (int a = 1; a + 1 < argc; a += 2) {
        const std::string key = argv[a], value = argv[a + 1];
        if (key == "--rows") o.rows = std::stoul(value);
        else if (key == "--rows-per-rank") o.rows_per_rank = std::stoul(value);
        else if (key == "--features") o.d = std::stoul(value);
        else if (key == "--clusters") o.k = std::stoul(value);
        else if (key == "--iterations") o.iterations = std::stoul(value);
        else if (key == "--reduce") o.reduce = value;
        else throw std::invalid_argument("unknown option " + key);
    }
    return o;
}

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser: a hash of the index
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Global row i: the centre of blob (i x 7919 mod k) plus noise in [-1, 1) per feature.
void make_row(std::size_t i, std::size_t d, std::size_t k, F* out) {
    const std::size_t blob = (i * 7919) % k;
    for (std::size_t f = 0; f < d; ++f) {
        const double centre = double(mix(blob * 1000 + f) % 2000) / 100.0 - 10.0;
        const double noise = double(mix(i * 131 + f) >> 11) * 0x1.0p-52 - 1.0;
        out[f] = F(centre + noise);
    }
}

double seconds() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

/// Per-iteration figures: the median over iterations 1.. (iteration 0 includes set-up).
struct Timer {
    std::vector<double> wall, cpu;
    std::vector<std::size_t> collectives, bytes;
    double last_wall = 0, last_cpu = 0;
    std::size_t last_collectives = 0, last_bytes = 0;

    template <class Counter>
    void tick(const Counter& counted) {
        const double w = seconds(), c = cpu_seconds();
        if (last_wall != 0) {
            wall.push_back(w - last_wall), cpu.push_back(c - last_cpu);
            collectives.push_back(counted.collectives() - last_collectives);
            bytes.push_back(counted.bytes_received() - last_bytes);
        }
        last_wall = w, last_cpu = c, last_collectives = counted.collectives(), last_bytes = counted.bytes_received();
    }

    template <class T>
    static T median(std::vector<T> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? T{} : v[v.size() / 2];
    }
};

/// The plain MPI_SUM alternative's counters (one MPI_Allreduce per iteration).
struct SumCounter {
    std::size_t calls = 0, received = 0;
    std::size_t collectives() const { return calls; }
    std::size_t bytes_received() const { return received; }
};

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int status = 0;
    try {
        const Options o = parse(argc, argv);
        const linfa::distributed::MpiCommunicator comm(MPI_COMM_WORLD);
        const std::size_t ranks = comm.size(), me = comm.rank();
        const std::size_t n = o.rows ? o.rows : o.rows_per_rank * ranks;
        const std::size_t begin = me * n / ranks, end = (me + 1) * n / ranks;
        Matrix<F> local(Eigen::Index(end - begin), Eigen::Index(o.d)), start(Eigen::Index(o.k), Eigen::Index(o.d));
        for (std::size_t i = begin; i < end; ++i) make_row(i, o.d, o.k, local.data() + (i - begin) * o.d);
        for (std::size_t j = 0; j < o.k; ++j) make_row(j, o.d, o.k, start.data() + j * o.d);
        const linfa::DatasetView<F> data(local);

        Timer timer;
        if (o.reduce == "fixed") {
            const linfa::distributed::Counted counted(comm);
            auto params = linfa::clustering::KMeans<F>::params(o.k);
            params.algorithm(linfa::clustering::KMeansAlgorithm::Lloyd).init_centroids(start).tolerance(0).max_n_iterations(o.iterations);
            params.on_iteration([&](std::size_t, std::uint64_t, double) { timer.tick(counted); });
            MPI_Barrier(MPI_COMM_WORLD);
            linfa::distributed::fit(params.check(), counted, data);
        } else {
            // Each rank adds its own chunks in its order, then MPI adds the ranks in its order.
            linfa::clustering::kmeans_detail::LloydPass<F> pass(data, o.k);
            linfa::Labels labels = linfa::Labels::Constant(data.n_samples(), -1);
            Matrix<F> centroids = start;
            SumCounter counter;
            const std::size_t width = o.k * o.d + o.k + 1;
            std::vector<double> mine(width), total(width);
            MPI_Barrier(MPI_COMM_WORLD);
            for (std::size_t it = 0; it < o.iterations; ++it) {
                const auto stats = pass.run(centroids, labels.data());
                const auto& sums = pass.sums();
                const auto totals = sums.combine([&](std::size_t c) { return sums.partial(c); }, pass.plan().n_chunks);
                std::copy(totals.sums.begin(), totals.sums.end(), mine.begin());
                std::copy(totals.weights.begin(), totals.weights.end(), mine.begin() + std::ptrdiff_t(o.k * o.d));
                mine[width - 1] = stats.inertia;
                MPI_Allreduce(mine.data(), total.data(), int(width), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
                ++counter.calls, counter.received += width * sizeof(double);
                for (std::size_t j = 0; j < o.k; ++j) {
                    if (!(total[o.k * o.d + j] > 0)) continue;
                    for (std::size_t f = 0; f < o.d; ++f)
                        centroids(Eigen::Index(j), Eigen::Index(f)) = F(total[j * o.d + f] / total[o.k * o.d + j]);
                }
                timer.tick(counter);
            }
        }
        if (me == 0) {
            std::printf("{\"ranks\": %zu, \"threads\": %d, \"rows\": %zu, \"features\": %zu, \"clusters\": %zu, \"reduce\": \"%s\", "
                        "\"seconds_per_iteration\": %.6f, \"cpu_seconds_per_iteration\": %.6f, \"collectives_per_iteration\": %zu, "
                        "\"bytes_received_per_iteration\": %zu}\n",
                        ranks, linfa::max_threads(), n, o.d, o.k, o.reduce.c_str(), Timer::median(timer.wall), Timer::median(timer.cpu),
                        Timer::median(timer.collectives), Timer::median(timer.bytes));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "linfa_bench_distributed: %s\n", e.what());
        status = 1;
    }
    MPI_Finalize();
    return status;
}
