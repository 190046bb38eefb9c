// Run under mpirun: every rank builds the same rows, keeps its part of each named layout and
// fits K-Means distributed over MPI; each rank compares the model (and rank 0 the labels,
// gathered) with the single-process fit of all the rows. Exit status 0 on every rank only
// if every fit matched bit for bit.
//
//   mpi_kmeans            the fits (Lloyd and Hamerly, float and double, weighted or not)
//   mpi_kmeans bad-shard  a NaN on the last rank: every rank must fail, naming that rank
#include <linfa/distributed/kmeans.hpp>
#include <linfa/distributed/mpi.hpp>

#include <cstdio>
#include <string>

#include "distributed/shards.hpp"

namespace {

using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::KMeansAlgorithm;
using linfa::distributed::MpiCommunicator;

int failures = 0;

void expect(bool ok, const std::string& what, std::size_t rank) {
    if (ok) return;
    ++failures;
    std::fprintf(stderr, "rank %zu: MISMATCH %s\n", rank, what.c_str());
}

template <class F>
void fit_every_layout(const MpiCommunicator& comm, const test::shards::Data<F>& data, const linfa::clustering::KMeansParams<F>& params,
                      const std::string& what) {
    const auto one = params.check().fit_predict(data.view());
    const std::size_t n = std::size_t(data.records.rows()), r = comm.rank();
    for (const auto& name : test::shards::layout_names) {
        const auto starts = test::shards::layout(name, n, comm.size());
        const auto many = linfa::distributed::fit_predict(params.check(), comm, data.slice(starts[r], starts[r + 1]));
        const std::string label = what + ", layout " + name;
        expect(many.model.centroids() == one.model.centroids(), label + ": centroids", r);
        expect(many.model.inertia() == one.model.inertia(), label + ": inertia", r);
        expect(many.model.n_iterations() == one.model.n_iterations(), label + ": iterations", r);
        const auto a = one.model.cluster_weights(), b = many.model.cluster_weights();
        expect(std::equal(a.begin(), a.end(), b.begin(), b.end()), label + ": cluster weights", r);
        const auto mine = std::span<const std::int32_t>(many.labels.data(), std::size_t(many.labels.size()));
        const auto labels = linfa::distributed::all_gather_joined(comm, mine);
        expect(std::equal(labels.begin(), labels.end(), one.labels.data(), one.labels.data() + one.labels.size()), label + ": labels", r);
    }
}

template <class F>
void fit_all(const MpiCommunicator& comm) {
    for (const auto algorithm : {KMeansAlgorithm::Lloyd, KMeansAlgorithm::Hamerly}) {
        const std::string name = algorithm == KMeansAlgorithm::Lloyd ? "Lloyd" : "Hamerly";
        const test::shards::Data<F> plain(20011, 12, 6, false, 21);
        auto random = KMeans<F>::params_with_rng(6, linfa::Rng(5)).algorithm(algorithm).init_method(InitMethod::Random).n_runs(2);
        fit_every_layout(comm, plain, random, name + " random init");
        auto para = KMeans<F>::params_with_rng(6, linfa::Rng(8)).algorithm(algorithm).init_method(InitMethod::KMeansPara);
        fit_every_layout(comm, plain, para, name + " k-means||");
        const test::shards::Data<F> weighted(20011, 3, 4, true, 22);
        linfa::Matrix<F> start = weighted.records.topRows(5);
        start.row(4).setConstant(F(1e4));  // an empty cluster to fill
        auto given = KMeans<F>::params(5).algorithm(algorithm).init_centroids(start);
        fit_every_layout(comm, weighted, given, name + " weighted, empty cluster");
    }
}

/// A NaN in the last rank's rows: every rank must throw, and name that rank.
int bad_shard(const MpiCommunicator& comm) {
    test::shards::Data<double> data(9000, 4, 3, false, 3);
    const std::size_t last = comm.size() - 1, n = 9000;
    data.records(Eigen::Index(n - 1), 2) = std::numeric_limits<double>::quiet_NaN();
    const auto starts = test::shards::layout("equal", n, comm.size());
    const std::size_t r = comm.rank();
    try {
        const auto params = KMeans<double>::params(3).init_method(InitMethod::Random).algorithm(KMeansAlgorithm::Lloyd);
        linfa::distributed::fit(params.check(), comm, data.slice(starts[r], starts[r + 1]));
    } catch (const std::exception& e) {
        const std::string message = e.what();
        const bool named = r == last ? message.find("NaN") != std::string::npos
                                     : message.find("rank " + std::to_string(last) + " failed") != std::string::npos;
        std::printf("rank %zu failed as expected: %s\n", r, message.c_str());
        return named ? 0 : 1;
    }
    std::fprintf(stderr, "rank %zu: the fit did not fail\n", r);
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int status = 0;
    {
        const MpiCommunicator comm(MPI_COMM_WORLD);
        if (argc > 1 && std::string(argv[1]) == "bad-shard") {
            status = bad_shard(comm);
        } else {
            fit_all<float>(comm);
            fit_all<double>(comm);
            status = failures ? 1 : 0;
            if (comm.rank() == 0) std::printf("%zu ranks: %s\n", comm.size(), failures ? "MISMATCH" : "every fit matched bit for bit");
        }
    }
    MPI_Finalize();
    return status;
}
