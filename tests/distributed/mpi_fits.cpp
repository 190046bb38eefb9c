// Run under mpirun: every rank builds the same rows, keeps its part of each named layout and
// fits K-Means (full and mini-batch), LinearRegression, Ridge, ElasticNet, PCA, GaussianMixture,
// LogisticRegression, GaussianNB and the scalers distributed over MPI; each rank compares the model (and for K-Means the
// labels, gathered) with the single-process fit of all the rows.
// Exit status 0 on every rank only if every fit matched bit for bit.
//
//   mpi_fits            the fits (float and double; K-Means Lloyd and Hamerly with every
//                       initialisation, weighted or not; mini-batch K-Means;
//                       LinearRegression, Ridge (SVD) and ElasticNet; both PCA
//                       solvers; GaussianMixture with k-means and random initialisation;
//                       LogisticRegression multinomial and binary; GaussianNB; the
//                       StandardScaler, weighted, MinMaxScaler and MaxAbsScaler)
//   mpi_fits bad-shard  a NaN on the last rank: every rank must fail, naming that rank
#include <linfa/distributed/elastic_net.hpp>
#include <linfa/distributed/gmm.hpp>
#include <linfa/distributed/kmeans.hpp>
#include <linfa/distributed/linear.hpp>
#include <linfa/distributed/logistic.hpp>
#include <linfa/distributed/minibatch.hpp>
#include <linfa/distributed/mpi.hpp>
#include <linfa/distributed/naive_bayes.hpp>
#include <linfa/distributed/pca.hpp>
#include <linfa/distributed/scalers.hpp>

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

/// K-Means or mini-batch K-Means `params` fitted on every layout, against one process.
template <class F, class Params>
void fit_every_layout(const MpiCommunicator& comm, const test::shards::Data<F>& data, const Params& params, const std::string& what) {
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
        auto weighted_random = KMeans<F>::params_with_rng(4, linfa::Rng(6)).algorithm(algorithm).init_method(InitMethod::Random);
        fit_every_layout(comm, weighted, weighted_random, name + " weighted random init");
    }
    const test::shards::Data<F> weighted(20011, 5, 6, true, 24);
    auto minibatch = KMeans<F>::minibatch_params(8, linfa::Rng(3)).batch_size(512).max_n_iterations(2).tolerance(1e-4);
    fit_every_layout(comm, weighted, minibatch, "mini-batch, weighted");
    const test::shards::Data<F> small(2500, 4, 5, false, 25);  // initialised on all the rows
    fit_every_layout(comm, small, KMeans<F>::minibatch_params(5, linfa::Rng(4)).max_n_iterations(3), "mini-batch, k-means++ on all rows");
}

/// `params` fitted on every layout: each rank's model must equal the single-process one in
/// the parts `same(a, b)` compares.
template <class F, class Params, class Same>
void fit_every_layout(const MpiCommunicator& comm, const linfa::DatasetView<F>& all, const Params& params, const std::string& what,
                      Same&& same) {
    const auto one = params.fit(all);
    const std::size_t n = all.n_samples(), r = comm.rank(), d = all.n_features();
    for (const auto& name : test::shards::layout_names) {
        const auto starts = test::shards::layout(name, n, comm.size());
        const std::size_t begin = starts[r], end = starts[r + 1];
        const auto weights = all.has_weights() ? all.weights().subspan(begin, end - begin) : std::span<const F>();
        const linfa::DatasetView<F> records(linfa::MatrixView<F>(all.records().data() + begin * d, Eigen::Index(end - begin), Eigen::Index(d)),
                                            weights);
        auto mine = [&] {
            if (all.has_labels()) return records.with_labels(all.labels().subspan(begin, end - begin));
            if (!all.has_targets()) return records;
            const auto t = Eigen::Index(all.n_targets());
            return records.with_targets(linfa::MatrixView<F>(all.targets().data() + begin * std::size_t(t), Eigen::Index(end - begin), t));
        };
        expect(same(linfa::distributed::fit(params, comm, mine()), one), what + ", layout " + name, r);
    }
}

template <class F>
void fit_sums_over_rows(const MpiCommunicator& comm) {
    const test::shards::Data<F> data(20011, 9, 5, false, 23);
    linfa::Matrix<F> targets = data.records.leftCols(2) * F(2) - data.records.rightCols(2);
    const auto supervised = data.view().with_targets(linfa::MatrixView<F>(targets.data(), targets.rows(), targets.cols()));
    auto same_coefficients = [](const auto& a, const auto& b) { return a.coef() == b.coef() && a.intercept() == b.intercept(); };
    fit_every_layout(comm, supervised, linfa::linear::LinearRegression<F>::params().check(), "LinearRegression", same_coefficients);
    fit_every_layout(comm, supervised, linfa::linear::Ridge<F>::params().alpha(3).solver(linfa::linear::RidgeSolver::Svd).check(),
                     "Ridge (SVD)", same_coefficients);
    auto same_descent = [&](const auto& a, const auto& b) { return same_coefficients(a, b) && a.n_iter() == b.n_iter() && a.dual_gap() == b.dual_gap(); };
    fit_every_layout(comm, supervised, linfa::linear::ElasticNet<F>::params().alpha(0.05).check(), "ElasticNet", same_descent);
    using linfa::decomposition::Pca;
    auto same_pca = [](const Pca<F>& a, const Pca<F>& b) {
        return a.components() == b.components() && a.explained_variance() == b.explained_variance() && a.mean() == b.mean() &&
               a.singular_values() == b.singular_values() && a.noise_variance() == b.noise_variance();
    };
    fit_every_layout(comm, data.view(), Pca<F>::params().check(), "PCA full", same_pca);
    fit_every_layout(comm, data.view(), Pca<F>::params(linfa::Rng(4)).n_components(3).solver(linfa::decomposition::PcaSolver::Randomized).check(),
                     "PCA randomized", same_pca);
    using linfa::clustering::GaussianMixture;
    auto same_mixture = [](const GaussianMixture<F>& a, const GaussianMixture<F>& b) {
        return a.weights() == b.weights() && a.means() == b.means() && a.covariances() == b.covariances() &&
               a.precisions_cholesky() == b.precisions_cholesky() && a.lower_bound() == b.lower_bound() && a.n_iter() == b.n_iter();
    };
    fit_every_layout(comm, data.view(), GaussianMixture<F>::params(5, linfa::Rng(6)).max_n_iterations(10).check(),
                     "GaussianMixture k-means init", same_mixture);
    fit_every_layout(comm, data.view(),
                     GaussianMixture<F>::params(5, linfa::Rng(6)).init_method(linfa::clustering::GmmInit::Random)
                         .covariance_type(linfa::clustering::CovarianceType::Diag).max_n_iterations(10).check(),
                     "GaussianMixture random init", same_mixture);
    using linfa::linear::LogisticRegression;
    std::vector<std::int32_t> blob(data.records.rows()), first_blob(blob.size());  // Data's row i is of blob i % 5
    for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = std::int32_t(i % 5), first_blob[i] = i % 5 == 0 ? 1 : 0;
    auto same_logistic = [same_coefficients](const LogisticRegression<F>& a, const LogisticRegression<F>& b) {
        return same_coefficients(a, b) && a.n_iter() == b.n_iter() && a.converged() == b.converged();
    };
    fit_every_layout(comm, data.view().with_labels(blob), LogisticRegression<F>::params().max_iter(40).check(),
                     "LogisticRegression multinomial", same_logistic);
    fit_every_layout(comm, data.view().with_labels(first_blob), LogisticRegression<F>::params().balanced_class_weight().check(),
                     "LogisticRegression binary, balanced", same_logistic);
}

/// GaussianNB and the scalers (their fits: per-chunk summaries merged in chunk order), weighted
/// where they take weights, on every layout.
template <class F>
void fit_summaries(const MpiCommunicator& comm) {
    using namespace linfa::preprocessing;
    const test::shards::Data<F> data(20011, 6, 4, true, 24);
    std::vector<std::int32_t> blob(data.records.rows());  // Data's row i is of blob i % 4
    for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = std::int32_t(i % 4) * 3 - 2;
    using linfa::naive_bayes::GaussianNb;
    auto same_naive_bayes = [](const GaussianNb<F>& a, const GaussianNb<F>& b) {
        const auto x = a.classes().labels(), y = b.classes().labels();
        return std::equal(x.begin(), x.end(), y.begin(), y.end()) && a.moments().weight == b.moments().weight &&
               a.moments().mean == b.moments().mean && a.moments().m2 == b.moments().m2 && a.epsilon() == b.epsilon() &&
               a.class_epsilon() == b.class_epsilon();
    };
    fit_every_layout(comm, data.view().with_labels(blob), GaussianNb<F>::params().check(), "GaussianNB, weighted", same_naive_bayes);
    auto same_moments = [](const StandardScaler<F>& a, const StandardScaler<F>& b) {
        return a.moments().rows == b.moments().rows && a.moments().weight == b.moments().weight && a.mean() == b.mean() &&
               a.moments().m2 == b.moments().m2;
    };
    fit_every_layout(comm, data.view(), StandardScaler<F>::params().check(), "StandardScaler, weighted", same_moments);
    const linfa::DatasetView<F> unweighted(data.records);
    auto same_extremes = [](const auto& a, const auto& b) {
        return a.extremes().rows == b.extremes().rows && a.extremes().min == b.extremes().min && a.extremes().max == b.extremes().max;
    };
    fit_every_layout(comm, unweighted, MinMaxScaler<F>::params().check(), "MinMaxScaler", same_extremes);
    fit_every_layout(comm, unweighted, MaxAbsScaler<F>::params().check(), "MaxAbsScaler", same_extremes);
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
            fit_sums_over_rows<float>(comm);
            fit_sums_over_rows<double>(comm);
            fit_summaries<float>(comm);
            fit_summaries<double>(comm);
            status = failures ? 1 : 0;
            if (comm.rank() == 0) std::printf("%zu ranks: %s\n", comm.size(), failures ? "MISMATCH" : "every fit matched bit for bit");
        }
    }
    MPI_Finalize();
    return status;
}
