// linfa's GaussianMixture (full) against Armadillo's arma::gmm_full, time per EM iteration, on
// the same data from the same start (means on the centres' perturbation, identity covariances,
// equal weights). linfa runs 100 iterations (tol 0). Armadillo (km_iter 0, em_iter 100,
// var_floor = reg_covar = 1e-6) has no tolerance of its own but stops once its mean
// log-likelihood changes by at most machine epsilon, which on well-separated data comes after
// a handful of iterations: its iterations are counted from its verbose log (captured, not
// printed) and its time divided by that count, not by 100. Also prints both mean
// log-likelihoods at the end (Armadillo floors variances rather than adding reg_covar, so
// they agree only roughly). Built by hand (needs libarmadillo-dev):
//   g++ -std=c++20 -O3 -march=native -fopenmp -DNDEBUG -Iinclude -I/usr/include/eigen3 \
//       bench/compare/gmm_arma.cpp -o gmm_arma -larmadillo && ./gmm_arma [n d k repeats]
#include <armadillo>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <linfa/clustering/gmm.hpp>

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
    const std::size_t d = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10;
    const std::size_t k = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 10;
    const int repeats = argc > 4 ? std::atoi(argv[4]) : 3;
    const int iterations = 100;
    linfa::Rng rng(0);
    linfa::Matrix<double> centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d)), x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = 8 * rng.uniform() - 4;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const auto c = Eigen::Index(rng.below(k));
        for (Eigen::Index a = 0; a < x.cols(); ++a) x(i, a) = centres(c, a) + 0.7 * rng.normal<double>();
    }
    linfa::Matrix<double> means = centres;
    for (Eigen::Index i = 0; i < means.size(); ++i) means.data()[i] += 0.3 * rng.normal<double>();
    linfa::Matrix<double> precisions(static_cast<Eigen::Index>(k * d), static_cast<Eigen::Index>(d));
    for (std::size_t j = 0; j < k; ++j) precisions.block(Eigen::Index(j * d), 0, Eigen::Index(d), Eigen::Index(d)).setIdentity();
    auto builder = linfa::clustering::GaussianMixture<double>::params(k)
                       .tolerance(0).max_n_iterations(iterations)
                       .weights_init(std::vector<double>(k, 1.0 / double(k)))
                       .means_init(means).precisions_init(precisions);
    const auto params = builder.check();

    auto seconds = [](auto&& fn) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    auto median = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };

    std::vector<double> ours, theirs;
    double our_bound = 0, their_bound = 0;
    std::size_t their_iterations = 0;
    for (int r = 0; r < repeats; ++r) ours.push_back(seconds([&] { our_bound = params.fit(x).lower_bound(); }));

    const arma::mat X(const_cast<double*>(x.data()), arma::uword(d), arma::uword(n), /*copy_aux_mem=*/false, /*strict=*/true);
    arma::mat arma_means(const_cast<double*>(means.data()), arma::uword(d), arma::uword(k), true);
    arma::cube covs(static_cast<arma::uword>(d), static_cast<arma::uword>(d), static_cast<arma::uword>(k));
    for (std::size_t j = 0; j < k; ++j) covs.slice(arma::uword(j)) = arma::eye<arma::mat>(arma::uword(d), arma::uword(d));
    const arma::rowvec hefts(arma::uword(k), arma::fill::value(1.0 / double(k)));
    for (int r = 0; r < repeats; ++r) {
        arma::gmm_full model;
        model.set_params(arma_means, covs, hefts);
        // verbose, into a buffer: one "EM: iteration" line per iteration run
        std::ostringstream log;
        std::streambuf* const console = std::cout.rdbuf(log.rdbuf());
        const double t = seconds([&] { model.learn(X, arma::uword(k), arma::eucl_dist, arma::keep_existing, 0, iterations, 1e-6, true); });
        std::cout.rdbuf(console);
        std::size_t count = 0;
        for (std::size_t at = log.str().find("EM: iteration"); at != std::string::npos; at = log.str().find("EM: iteration", at + 1)) ++count;
        // no such line (another Armadillo's log format): assume all em_iter iterations ran,
        // which can only flatter Armadillo
        their_iterations = count > 0 ? count : std::size_t(iterations);
        theirs.push_back(t / double(their_iterations));
        their_bound = model.avg_log_p(X);
    }
    // the same number of iterations as Armadillo ran, whole fits against whole learns
    std::vector<double> ours_same, theirs_whole;
    for (double t : theirs) theirs_whole.push_back(t * double(their_iterations));
    const auto same_count = builder.max_n_iterations(their_iterations).check();
    for (int r = 0; r < repeats; ++r) ours_same.push_back(seconds([&] { (void)same_count.fit(x); }));
    std::printf("n=%zu d=%zu k=%zu, at most %d iterations, median of %d runs; threads %d\n", n, d, k, iterations, repeats, linfa::max_threads());
    const double our_iteration = median(ours) / iterations, their_iteration = median(theirs);
    std::printf("linfa      %3d iterations  %.3f ms/iteration  final lower bound %.10f (before the last M-step)\n", iterations, 1e3 * our_iteration, our_bound);
    std::printf("armadillo  %3zu iterations  %.3f ms/iteration  avg_log_p after       %.10f\n", their_iterations, 1e3 * their_iteration, their_bound);
    std::printf("ratio armadillo / linfa per iteration: %.2fx\n", their_iteration / our_iteration);
    std::printf("whole fits of %zu iterations: linfa %.4f s, armadillo %.4f s (%.2fx)\n", their_iterations, median(ours_same),
                median(theirs_whole), median(theirs_whole) / median(ours_same));
}
