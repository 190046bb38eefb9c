// linfa-train: fits a model on training data in files and writes the model file linfa-serve
// serves. Under mpirun each rank reads only its share of the rows and the ranks fit together
// (include/linfa/distributed/); the model is the one a single process fits on all the rows,
// bit for bit, so the file's bytes do not depend on the number of ranks.
//
//   linfa-train kmeans --clusters 16 --data part-0.npy part-1.npy --out km.linfa
//   linfa-train minibatch-kmeans --clusters 16 --batch-size 1024 --data part-*.npy --out km.linfa
//   mpirun -n 4 linfa-train ridge --data X.npy --targets y.npy --alpha 0.5 --out ridge.linfa
//   linfa-train linear --csv train.csv --header --target-columns 1 --out ols.linfa
//   linfa-train elastic-net --data X.npy --targets y.npy --alpha 0.1 --l1-ratio 1 --out lasso.linfa
//   linfa-train pca --components 8 --data X.npy --out pca.linfa
//   linfa-train gmm --components 5 --covariance diag --data X.npy --out gmm.linfa
//   linfa-train logistic --data X.npy --targets labels.npy --c 0.5 --out logistic.linfa
//   linfa-train gaussian-nb --data X.npy --targets labels.npy --out nb.linfa
//   linfa-train standard-scaler --data X.npy --out scaler.linfa   (min-max-scaler, max-abs-scaler)
//   linfa-train --config train.toml          (the same options, CLI11's TOML config format)
//   linfa-train kmeans ... --init-from km.linfa   (continue from a saved model's centroids)
//
// Rank 0 prints a progress line per K-Means or EM iteration (per epoch of mini-batch steps;
// for logistic regression, the L-BFGS iterations at the end) and writes the model. A bad
// input (a damaged or inconsistent file, NaN, too few rows) makes every rank exit with status
// 1 and a message naming the rank and the file.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <cmath>
#include <limits>

#include <malloc.h>

#include <CLI/CLI.hpp>
#include <linfa/distributed/elastic_net.hpp>
#include <linfa/distributed/files.hpp>
#include <linfa/distributed/gmm.hpp>
#include <linfa/distributed/kmeans.hpp>
#include <linfa/distributed/linear.hpp>
#include <linfa/distributed/logistic.hpp>
#include <linfa/distributed/minibatch.hpp>
#include <linfa/distributed/mpi.hpp>
#include <linfa/distributed/naive_bayes.hpp>
#include <linfa/distributed/pca.hpp>
#include <linfa/distributed/scalers.hpp>
#include <linfa/io/model_file.hpp>

namespace {

namespace dist = linfa::distributed;

struct Options {
    std::string algorithm;
    std::vector<std::string> data, targets;
    std::string csv;
    bool header = false;
    std::size_t target_columns = 0;
    std::string scalar = "f64";  // CSV only: .npy files carry their dtype
    std::string out;
    bool json = false;
    // K-Means
    std::size_t clusters = 0, runs = 1;
    std::string init = "k-means++", kmeans_algorithm = "auto", init_from;
    std::uint64_t max_iter = 300, seed = 42;
    double tol = 1e-4;
    // Mini-batch K-Means (--clusters, --runs and --seed shared)
    std::size_t batch_size = 1024;
    std::uint64_t epochs = 100, max_no_improvement = 10;
    double minibatch_tol = 0;
    // Linear models
    bool no_intercept = false;
    double alpha = 1.0;
    std::string solver = "auto";
    // Elastic net (--alpha, --no-intercept and --seed shared)
    double l1_ratio = 0.5, enet_tol = 1e-4;
    std::uint64_t enet_max_iter = 1000;
    bool positive = false;
    std::string selection = "cyclic", precompute = "auto";
    // PCA
    std::size_t components = 0;  // 0: all, or --variance-fraction
    double variance_fraction = 0;
    bool whiten = false;
    std::string pca_solver = "auto";
    // Gaussian mixtures (--components, --runs and --seed shared)
    std::string covariance = "full", gmm_init = "kmeans";
    std::uint64_t em_max_iter = 100;
    double em_tol = 1e-3, reg_covar = 1e-6;
    // Logistic regression (--no-intercept shared)
    double c = 1.0, lbfgs_tol = 1e-4;
    std::uint64_t lbfgs_max_iter = 100;
    std::string multi_class = "auto";
    bool balanced = false;
    // Gaussian naive Bayes
    double var_smoothing = 1e-9;
    std::vector<double> priors;
    // Scalers
    bool no_mean = false, no_std = false, clip = false;
    std::vector<double> feature_range{0, 1};
};

/// This rank's rows: records, and targets when the model needs them (continuous, or class
/// labels for a classifier).
template <class F>
struct Rows {
    linfa::Matrix<F> records, targets;
    std::vector<std::int32_t> labels;

    linfa::DatasetView<F> view() const {
        linfa::DatasetView<F> v(records);
        if (targets.cols() == 0) return v;
        return v.with_targets(linfa::MatrixView<F>(targets.data(), targets.rows(), targets.cols()));
    }
    linfa::DatasetView<F> labelled_view() const {
        return linfa::DatasetView<F>(records).with_labels(labels);
    }
};

/// The targets of this rank's rows as class labels: one column of whole numbers within int32
/// (InvalidInput otherwise, and when the rows have no targets).
template <class F>
std::vector<std::int32_t> class_labels(const Rows<F>& rows, const std::string& model) {
    const linfa::Matrix<F>& targets = rows.targets;
    if (rows.records.rows() == 0) return {};  // an empty share: nothing to check
    if (targets.rows() != rows.records.rows()) throw linfa::InvalidInput(model + ": needs --targets or --target-columns (class labels)");
    if (targets.cols() != 1) {
        throw linfa::InvalidInput(model + ": needs one target column of class labels, found " + std::to_string(targets.cols()));
    }
    std::vector<std::int32_t> labels;
    for (Eigen::Index i = 0; i < targets.rows(); ++i) {
        const double value = double(targets(i, 0));
        if (!(value == std::trunc(value) && value >= std::numeric_limits<std::int32_t>::min() &&
              value <= std::numeric_limits<std::int32_t>::max())) {
            throw linfa::InvalidInput(model + ": class labels must be whole numbers within int32; this rank's row " +
                                      std::to_string(i) + " has " + std::to_string(value));
        }
        labels.push_back(std::int32_t(value));
    }
    return labels;
}

/// This rank's share of the rows of `files` (--data, headers read) or of the CSV file.
template <class F>
Rows<F> load(const dist::MpiCommunicator& comm, const Options& o, const std::optional<dist::NpyFiles>& files) {
    Rows<F> rows;
    linfa::Matrix<F> all;
    if (!files) {
        all = dist::read_csv_share<F>(o.csv, comm.rank(), comm.size(), o.header);
    } else {
        const auto [begin, end] = dist::equal_share(files->rows, comm.rank(), comm.size());
        all = files->read<F>(begin, end);
        if (!o.targets.empty()) {
            const auto y = dist::NpyFiles::open(o.targets);
            if (y.rows != files->rows) {
                throw linfa::InvalidInput("--targets hold " + std::to_string(y.rows) + " rows, --data " + std::to_string(files->rows));
            }
            rows.targets = y.read<F>(begin, end);
        }
    }
    const auto t = Eigen::Index(o.target_columns);
    if (t > 0 && all.rows() > 0) {  // a rank whose share is empty has nothing to split
        if (t >= all.cols()) throw linfa::InvalidInput("--target-columns " + std::to_string(t) + " leaves no feature");
        rows.targets = all.rightCols(t);
        rows.records = all.leftCols(all.cols() - t);
    } else {
        rows.records = std::move(all);
    }
    return rows;
}

template <class Model>
void save(const dist::MpiCommunicator& comm, const Model& model, const Options& o) {
    if (comm.rank() != 0) return;
    linfa::save(model, o.out, o.json ? linfa::FileFormat::json : linfa::FileFormat::binary);
    std::printf("linfa-train: wrote %s\n", o.out.c_str());
}

/// The Gaussian mixture the options describe, fitted on every rank's rows.
template <class F>
linfa::clustering::GaussianMixture<F> fit_mixture(const dist::MpiCommunicator& comm, const Options& o, const Rows<F>& rows) {
    using namespace linfa::clustering;
    auto params = GaussianMixture<F>::params(o.components, linfa::Rng(o.seed));
    params.covariance_type(o.covariance == "tied" ? CovarianceType::Tied : o.covariance == "diag" ? CovarianceType::Diag
                           : o.covariance == "spherical" ? CovarianceType::Spherical : CovarianceType::Full);
    params.init_method(o.gmm_init == "k-means++" ? GmmInit::KMeansPlusPlus : o.gmm_init == "random" ? GmmInit::Random
                       : o.gmm_init == "random_from_data" ? GmmInit::RandomFromData : GmmInit::KMeans);
    params.n_init(o.runs).max_n_iterations(o.em_max_iter).tolerance(o.em_tol).reg_covar(o.reg_covar);
    if (comm.rank() == 0) {
        params.on_iteration([](std::size_t run, std::uint64_t iteration, double bound) {
            std::printf("linfa-train: run %zu iteration %llu lower bound %.9g\n", run, static_cast<unsigned long long>(iteration), bound);
            std::fflush(stdout);
        });
    }
    return dist::fit(params.check(), comm, rows.view());
}

/// The logistic regression the options describe, fitted on every rank's rows.
template <class F>
linfa::linear::LogisticRegression<F> fit_logistic(const dist::MpiCommunicator& comm, const Options& o, Rows<F>& rows) {
    using namespace linfa::linear;
    dist::collectively(comm, [&] { rows.labels = class_labels(rows, "logistic"); });
    auto params = LogisticRegression<F>::params().c(o.c).fit_intercept(!o.no_intercept).max_iter(o.lbfgs_max_iter).tol(o.lbfgs_tol);
    params.multi_class(o.multi_class == "multinomial" ? MultiClass::Multinomial
                       : o.multi_class == "ovr"       ? MultiClass::OneVsRest
                                                      : MultiClass::Auto);
    if (o.balanced) params.balanced_class_weight();
    auto model = dist::fit(params.check(), comm, rows.labelled_view());
    if (comm.rank() == 0) {
        for (const auto iterations : model.n_iter()) std::printf("linfa-train: L-BFGS %llu iterations\n", static_cast<unsigned long long>(iterations));
        std::printf("linfa-train: %s\n", model.converged() ? "converged" : "did not converge (raise --max-iter)");
    }
    return model;
}

/// Gaussian naive Bayes on every rank's rows (the targets: class labels).
template <class F>
linfa::naive_bayes::GaussianNb<F> fit_naive_bayes(const dist::MpiCommunicator& comm, const Options& o, Rows<F>& rows) {
    dist::collectively(comm, [&] { rows.labels = class_labels(rows, "gaussian-nb"); });
    auto params = linfa::naive_bayes::GaussianNb<F>::params().var_smoothing(o.var_smoothing);
    if (!o.priors.empty()) params.priors(o.priors);
    return dist::fit(params.check(), comm, rows.labelled_view());
}

/// The elastic net (a Lasso with --l1-ratio 1) on every rank's rows; rank 0 prints the sweeps.
template <class F>
linfa::linear::ElasticNet<F> fit_elastic_net(const dist::MpiCommunicator& comm, const Options& o, const Rows<F>& rows) {
    using namespace linfa::linear;
    auto params = ElasticNet<F>::params().alpha(o.alpha).l1_ratio(o.l1_ratio).fit_intercept(!o.no_intercept);
    params.max_iter(o.enet_max_iter).tol(o.enet_tol).positive(o.positive).rng(linfa::Rng(o.seed));
    params.selection(o.selection == "random" ? Selection::Random : Selection::Cyclic);
    params.precompute(o.precompute == "always" ? Precompute::Always : Precompute::Auto);
    auto model = dist::fit(params.check(), comm, rows.view());
    if (comm.rank() == 0) {
        for (std::size_t k = 0; k < model.n_iter().size(); ++k) {
            std::printf("linfa-train: target %zu: %llu sweeps, duality gap %.9g, %s\n", k, static_cast<unsigned long long>(model.n_iter()[k]),
                        model.dual_gap()[k], model.converged()[k] ? "converged" : "did not converge (raise --max-iter)");
        }
    }
    return model;
}

/// Mini-batch K-Means on every rank's rows; rank 0 prints a line per epoch and at the stop.
template <class F>
linfa::clustering::KMeans<F> fit_minibatch(const dist::MpiCommunicator& comm, const Options& o, const Rows<F>& rows, std::size_t total) {
    using namespace linfa::clustering;
    auto params = KMeans<F>::minibatch_params(o.clusters, linfa::Rng(o.seed));
    params.batch_size(o.batch_size).max_n_iterations(o.epochs).tolerance(o.minibatch_tol).n_runs(o.runs);
    params.max_no_improvement(o.max_no_improvement == 0 ? std::nullopt : std::optional<std::uint64_t>(o.max_no_improvement));
    params.init_method(o.init == "random" ? InitMethod::Random : o.init == "k-means||" ? InitMethod::KMeansPara : InitMethod::KMeansPlusPlus);
    if (comm.rank() == 0) {
        const std::uint64_t per_epoch = std::max<std::uint64_t>(1, total / std::max<std::size_t>(1, o.batch_size));
        params.on_step([per_epoch](const MiniBatchStepInfo& info) {
            if ((info.step + 1) % per_epoch != 0 && info.stop == MiniBatchStop::None && info.step + 1 != info.n_steps) return;
            const char* stop = info.stop == MiniBatchStop::SmallChange     ? " (stop: small change)"
                               : info.stop == MiniBatchStop::NoImprovement ? " (stop: no improvement)"
                                                                           : "";
            std::printf("linfa-train: step %llu of %llu, smoothed batch inertia %.9g%s\n", static_cast<unsigned long long>(info.step + 1),
                        static_cast<unsigned long long>(info.n_steps), info.ewa_inertia, stop);
            std::fflush(stdout);
        });
    }
    return dist::fit(params.check(), comm, rows.view());
}

template <class F>
void train(const dist::MpiCommunicator& comm, const Options& o, const std::optional<dist::NpyFiles>& files) {
    Rows<F> rows;
    dist::collectively(comm, [&] { rows = load<F>(comm, o, files); });
    const auto total = dist::current_layout(comm, rows.records.rows()).total();
    if (comm.rank() == 0) std::printf("linfa-train: %s on %zu rows, %zu ranks\n", o.algorithm.c_str(), total, comm.size());
    if (o.algorithm == "kmeans") {
        using namespace linfa::clustering;
        auto params = KMeans<F>::params_with_rng(o.clusters, linfa::Rng(o.seed));
        params.n_runs(o.runs).max_n_iterations(o.max_iter).tolerance(o.tol);
        params.init_method(o.init == "random" ? InitMethod::Random : InitMethod::KMeansPlusPlus);
        if (!o.init_from.empty()) {  // a restart: every rank reads the saved centroids
            linfa::Matrix<F> centroids;
            dist::collectively(comm, [&] { centroids = linfa::load<KMeans<F>>(o.init_from).centroids(); });
            params.init_centroids(centroids);
        }
        params.algorithm(o.kmeans_algorithm == "lloyd"     ? KMeansAlgorithm::Lloyd
                         : o.kmeans_algorithm == "hamerly" ? KMeansAlgorithm::Hamerly
                                                           : KMeansAlgorithm::Auto);
        if (comm.rank() == 0) {
            params.on_iteration([](std::size_t run, std::uint64_t iteration, double inertia) {
                std::printf("linfa-train: run %zu iteration %llu inertia %.9g\n", run, static_cast<unsigned long long>(iteration), inertia);
                std::fflush(stdout);
            });
        }
        save(comm, dist::fit(params.check(), comm, rows.view()), o);
    } else if (o.algorithm == "minibatch-kmeans") {
        save(comm, fit_minibatch(comm, o, rows, total), o);
    } else if (o.algorithm == "pca") {
        using namespace linfa::decomposition;
        auto params = Pca<F>::params(linfa::Rng(o.seed));
        if (o.components > 0) params.n_components(o.components);
        if (o.variance_fraction > 0) params.variance_fraction(o.variance_fraction);
        params.whiten(o.whiten);
        params.solver(o.pca_solver == "full" ? PcaSolver::Full : o.pca_solver == "randomized" ? PcaSolver::Randomized : PcaSolver::Auto);
        save(comm, dist::fit(params.check(), comm, rows.view()), o);
    } else if (o.algorithm == "gmm") {
        save(comm, fit_mixture(comm, o, rows), o);
    } else if (o.algorithm == "logistic") {
        save(comm, fit_logistic(comm, o, rows), o);
    } else if (o.algorithm == "gaussian-nb") {
        save(comm, fit_naive_bayes(comm, o, rows), o);
    } else if (o.algorithm == "standard-scaler") {
        const auto params = linfa::preprocessing::StandardScaler<F>::params().with_mean(!o.no_mean).with_std(!o.no_std).check();
        save(comm, dist::fit(params, comm, rows.view()), o);
    } else if (o.algorithm == "min-max-scaler") {
        const auto params = linfa::preprocessing::MinMaxScaler<F>::params().feature_range(o.feature_range[0], o.feature_range[1]).clip(o.clip);
        save(comm, dist::fit(params.check(), comm, rows.view()), o);
    } else if (o.algorithm == "max-abs-scaler") {
        save(comm, dist::fit(linfa::preprocessing::MaxAbsScaler<F>::params().check(), comm, rows.view()), o);
    } else if (o.algorithm == "elastic-net") {
        save(comm, fit_elastic_net(comm, o, rows), o);
    } else if (o.algorithm == "linear") {
        auto params = linfa::linear::LinearRegression<F>::params();
        params.fit_intercept(!o.no_intercept);
        save(comm, dist::fit(params.check(), comm, rows.view()), o);
    } else {
        using linfa::linear::RidgeSolver;
        auto params = linfa::linear::Ridge<F>::params().alpha(o.alpha).fit_intercept(!o.no_intercept);
        params.solver(o.solver == "svd" ? RidgeSolver::Svd : o.solver == "cholesky" ? RidgeSolver::Cholesky : RidgeSolver::Auto);
        save(comm, dist::fit(params.check(), comm, rows.view()), o);
    }
}


/// Keeps freed memory for reuse. A fit allocates chunk-sized temporaries (megabytes) on every
/// pass; glibc's defaults hand such blocks back to the kernel when they are freed, and every
/// pass then faults their pages in afresh, which on a virtual machine cost more than the
/// arithmetic (bench/README.md, the randomized PCA). A training process holds its rows anyway:
/// the retained blocks are small beside them.
void keep_freed_memory() {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // blocks below 32 MiB from the heap, reused once freed
    mallopt(M_TRIM_THRESHOLD, 512 << 20);  // the heap's free top kept up to 512 MiB
#endif
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory();
    CLI::App app{"linfa-train: fit a model on files, on one process or under mpirun, and write a linfa model file"};
    app.set_config("--config", "", "read the options from a TOML file");
    app.require_subcommand(1);
    Options o;
    auto common = [&](CLI::App* sub, bool supervised) {
        auto* data = sub->add_option("--data", o.data, ".npy files whose rows, in order, are the training rows");
        auto* csv = sub->add_option("--csv", o.csv, "a CSV file of numbers instead of .npy files");
        data->excludes(csv);
        sub->add_flag("--header", o.header, "the CSV file's first line is a header");
        sub->add_option("--scalar", o.scalar, "CSV: f32 or f64")->check(CLI::IsMember({"f32", "f64"}));
        sub->add_option("--out", o.out, "the model file to write")->required();
        sub->add_flag("--json", o.json, "write the JSON model format instead of binary");
        if (supervised) {
            sub->add_option("--targets", o.targets, ".npy files of the targets, row for row")->excludes(csv);
            sub->add_option("--target-columns", o.target_columns, "the last N columns are the targets");
        }
        sub->configurable();  // a [kmeans] (etc.) section of the config file selects it
        sub->callback([&o, sub] { o.algorithm = sub->get_name(); });
    };
    auto* kmeans = app.add_subcommand("kmeans", "K-Means clustering");
    common(kmeans, false);
    kmeans->add_option("--clusters", o.clusters, "number of clusters")->required();
    kmeans->add_option("--init", o.init, "k-means++ or random")->check(CLI::IsMember({"k-means++", "random"}));
    kmeans->add_option("--algorithm", o.kmeans_algorithm, "auto, lloyd or hamerly")->check(CLI::IsMember({"auto", "lloyd", "hamerly"}));
    kmeans->add_option("--max-iter", o.max_iter, "most iterations per run");
    kmeans->add_option("--tol", o.tol, "tolerance on the centroids' movement (relative to the data's variance)");
    kmeans->add_option("--runs", o.runs, "initialisations; the best run is kept");
    kmeans->add_option("--init-from", o.init_from, "start from the centroids of a saved K-Means model (a restart)");
    kmeans->add_option("--seed", o.seed, "random seed");
    auto* minibatch = app.add_subcommand("minibatch-kmeans", "mini-batch K-Means (Sculley): every rank draws the same batches");
    common(minibatch, false);
    minibatch->add_option("--clusters", o.clusters, "number of clusters")->required();
    minibatch->add_option("--batch-size", o.batch_size, "rows per mini-batch");
    minibatch->add_option("--init", o.init, "k-means++, k-means|| or random")->check(CLI::IsMember({"k-means++", "k-means||", "random"}));
    minibatch->add_option("--max-iter", o.epochs, "most epochs (passes' worth of batches)");
    minibatch->add_option("--tol", o.minibatch_tol, "stop when the centroids move less (relative to the data's variance); 0: off");
    minibatch->add_option("--max-no-improvement", o.max_no_improvement, "stop after this many steps without a better smoothed inertia; 0: off");
    minibatch->add_option("--runs", o.runs, "initialisations; the best on a validation subset is kept");
    minibatch->add_option("--seed", o.seed, "random seed");
    auto no_intercept = [&](CLI::App* sub) { sub->add_flag("--no-intercept", o.no_intercept, "fit no intercept"); };
    auto* linear = app.add_subcommand("linear", "ordinary least squares");
    common(linear, true);
    no_intercept(linear);
    auto* ridge = app.add_subcommand("ridge", "ridge regression");
    common(ridge, true);
    no_intercept(ridge);
    ridge->add_option("--alpha", o.alpha, "L2 penalty");
    ridge->add_option("--solver", o.solver, "auto, cholesky or svd")->check(CLI::IsMember({"auto", "cholesky", "svd"}));
    auto* elastic_net = app.add_subcommand("elastic-net", "elastic net / Lasso (coordinate descent on the Gram matrix)");
    common(elastic_net, true);
    no_intercept(elastic_net);
    elastic_net->add_option("--alpha", o.alpha, "strength of the penalties");
    elastic_net->add_option("--l1-ratio", o.l1_ratio, "share of the L1 penalty (1: the Lasso)");
    elastic_net->add_option("--max-iter", o.enet_max_iter, "most coordinate-descent sweeps per target");
    elastic_net->add_option("--tol", o.enet_tol, "stop when the duality gap is at most this times the targets' (weighted, centred with an intercept) sum of squares");
    elastic_net->add_flag("--positive", o.positive, "constrain the coefficients to be >= 0");
    elastic_net->add_option("--selection", o.selection, "cyclic or random coordinate order")->check(CLI::IsMember({"cyclic", "random"}));
    elastic_net->add_option("--precompute", o.precompute, "auto (the Gram matrix needs 2 rows per feature) or always")
        ->check(CLI::IsMember({"auto", "always"}));
    elastic_net->add_option("--seed", o.seed, "random seed (random selection)");
    auto* pca = app.add_subcommand("pca", "principal component analysis");
    common(pca, false);
    auto* components = pca->add_option("--components", o.components, "components to keep (default: all)");
    pca->add_option("--variance-fraction", o.variance_fraction, "keep the fewest components explaining more than this fraction")
        ->excludes(components);
    pca->add_flag("--whiten", o.whiten, "scale the transformed components to unit variance");
    pca->add_option("--solver", o.pca_solver, "auto, full or randomized")->check(CLI::IsMember({"auto", "full", "randomized"}));
    pca->add_option("--seed", o.seed, "random seed (randomized solver)");
    auto* gmm = app.add_subcommand("gmm", "Gaussian mixture (EM)");
    common(gmm, false);
    gmm->add_option("--components", o.components, "number of mixture components")->required();
    gmm->add_option("--covariance", o.covariance, "full, tied, diag or spherical")
        ->check(CLI::IsMember({"full", "tied", "diag", "spherical"}));
    gmm->add_option("--init", o.gmm_init, "kmeans, k-means++, random or random_from_data")
        ->check(CLI::IsMember({"kmeans", "k-means++", "random", "random_from_data"}));
    gmm->add_option("--max-iter", o.em_max_iter, "most EM iterations per run");
    gmm->add_option("--tol", o.em_tol, "stop when the lower bound changes by less");
    gmm->add_option("--reg-covar", o.reg_covar, "added to the covariances' diagonals");
    gmm->add_option("--runs", o.runs, "initialisations; the highest lower bound is kept");
    gmm->add_option("--seed", o.seed, "random seed");
    auto* logistic = app.add_subcommand("logistic", "logistic regression (L-BFGS); the targets are class labels");
    common(logistic, true);
    no_intercept(logistic);
    logistic->add_option("--c", o.c, "inverse of the L2 penalty's strength");
    logistic->add_option("--max-iter", o.lbfgs_max_iter, "most L-BFGS iterations");
    logistic->add_option("--tol", o.lbfgs_tol, "stop when the gradient's largest component is at most this");
    logistic->add_option("--multi-class", o.multi_class, "auto, multinomial or ovr")->check(CLI::IsMember({"auto", "multinomial", "ovr"}));
    logistic->add_flag("--balanced", o.balanced, "weigh classes by n / (classes x count)");
    auto* naive_bayes = app.add_subcommand("gaussian-nb", "Gaussian naive Bayes; the targets are class labels");
    common(naive_bayes, true);
    naive_bayes->add_option("--var-smoothing", o.var_smoothing, "part of the largest feature variance added to every variance");
    naive_bayes->add_option("--priors", o.priors, "prior probability of each class, in class order (default: the classes' shares)");
    auto* standard = app.add_subcommand("standard-scaler", "centre each feature on its mean, divide by its standard deviation");
    common(standard, false);
    standard->add_flag("--no-mean", o.no_mean, "do not centre");
    standard->add_flag("--no-std", o.no_std, "do not divide by the standard deviation");
    auto* min_max = app.add_subcommand("min-max-scaler", "map each feature's training range onto a range");
    common(min_max, false);
    min_max->add_option("--feature-range", o.feature_range, "LOW HIGH: the range training data are mapped onto")->expected(2);
    min_max->add_flag("--clip", o.clip, "clip transformed values to the range");
    common(app.add_subcommand("max-abs-scaler", "divide each feature by its largest magnitude"), false);
    CLI11_PARSE(app, argc, argv);
    if (o.data.empty() && o.csv.empty()) {
        std::cerr << "linfa-train: give --data (.npy files) or --csv\n";
        return 2;
    }

    MPI_Init(&argc, &argv);
    int status = 0;
    {
        const dist::MpiCommunicator comm(MPI_COMM_WORLD);
        try {
            std::optional<dist::NpyFiles> files;  // --data: their headers, which also say the scalar type
            dist::collectively(comm, [&] {
                if (o.csv.empty()) files = dist::NpyFiles::open(o.data);
            });
            if (files ? files->dtype == "f4" : o.scalar == "f32") train<float>(comm, o, files);
            else train<double>(comm, o, files);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "linfa-train: rank %zu: %s\n", comm.rank(), e.what());
            status = 1;
        }
    }
    MPI_Finalize();
    return status;
}
