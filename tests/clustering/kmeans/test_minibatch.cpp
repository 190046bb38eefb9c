// Mini-batch K-Means: fit over in-memory data, fit_with over a stream of batches, the cluster
// weights a model carries (and its files keep), determinism and every bad input.
#include <doctest/doctest.h>

#include <fstream>

#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "helpers.hpp"

using linfa::Matrix;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;
using linfa::clustering::MiniBatchKMeansParams;

static_assert(linfa::ParamGuard<MiniBatchKMeansParams<double>>);
static_assert(linfa::Fit<MiniBatchKMeansParams<double>, linfa::Dataset<double>>);
static_assert(linfa::Fit<linfa::clustering::MiniBatchKMeansValidParams<float>, Matrix<float>>);
static_assert(std::same_as<linfa::fitted_t<MiniBatchKMeansParams<float>, linfa::Dataset<float>>, KMeans<float>>);
static_assert(linfa::FitWith<MiniBatchKMeansParams<double>, KMeans<double>, linfa::DatasetView<double>>);
static_assert(linfa::FitWith<linfa::clustering::MiniBatchKMeansValidParams<float>, KMeans<float>, linfa::DatasetView<float>>);
static_assert(linfa::FitPredict<MiniBatchKMeansParams<double>, Matrix<double>>);

namespace {

/// Every bit of a model: centroids, inertia, counters and the cluster weights.
template <linfa::Float F>
void check_identical(const KMeans<F>& a, const KMeans<F>& b) {
    CHECK(a.centroids() == b.centroids());
    CHECK(a.inertia() == b.inertia());
    CHECK(a.n_iterations() == b.n_iterations());
    CHECK(a.n_steps() == b.n_steps());
    REQUIRE(a.cluster_weights().size() == b.cluster_weights().size());
    for (std::size_t j = 0; j < a.cluster_weights().size(); ++j) CHECK(a.cluster_weights()[j] == b.cluster_weights()[j]);
}

/// Batch `index` of a stream: `size` points around k fixed centres, generated on demand.
template <linfa::Float F>
Matrix<F> stream_batch(std::size_t index, std::size_t size, std::size_t d = 2, std::size_t k = 5) {
    linfa::Rng centres_rng(1234);
    Matrix<F> centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = F(60 * (centres_rng.uniform() - 0.5));
    linfa::Rng rng(linfa::mix64(index));
    Matrix<F> batch(static_cast<Eigen::Index>(size), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < batch.rows(); ++i) {
        const auto blob = static_cast<Eigen::Index>(rng.below(k));
        for (Eigen::Index f = 0; f < batch.cols(); ++f) batch(i, f) = centres(blob, f) + rng.normal<F>();
    }
    return batch;
}

template <linfa::Float F>
KMeans<F> run_stream(const MiniBatchKMeansParams<F>& params, std::size_t n_batches, std::optional<KMeans<F>> model = {},
                     std::size_t first = 0) {
    for (std::size_t b = first; b < first + n_batches; ++b) model = params.fit_with(std::move(model), stream_batch<F>(b, 300));
    return *model;
}

/// Records with one weight per row.
template <linfa::Float F>
linfa::DatasetView<F> with_weights(const Matrix<F>& x, const std::vector<F>& w) {
    return linfa::DatasetView<F>(linfa::MatrixView<F>(x.data(), x.rows(), x.cols()), std::span<const F>(w));
}

/// Rows [begin, begin + count) of `x`, viewed in place.
template <linfa::Float F>
linfa::DatasetView<F> rows(const Matrix<F>& x, std::size_t begin, std::size_t count) {
    return linfa::DatasetView<F>(linfa::MatrixView<F>(x.data() + begin * std::size_t(x.cols()), Eigen::Index(count), x.cols()));
}

template <class M>
M reload(const M& model, linfa::FileFormat format) {
    std::stringstream bytes;
    linfa::save(model, bytes, format);
    return linfa::load<M>(bytes);
}

/// The number of distinct labels each blob of `per_blob` consecutive rows gets, and the
/// number of distinct labels over all blobs.
std::pair<bool, std::size_t> blobs_separated(const linfa::Labels& labels, std::size_t n_blobs, std::size_t per_blob) {
    bool pure = true;
    std::set<std::int32_t> seen;
    for (std::size_t b = 0; b < n_blobs; ++b) {
        const auto part = labels.segment(Eigen::Index(b * per_blob), Eigen::Index(per_blob));
        pure &= (part.array() == part(0)).all();
        seen.insert(part(0));
    }
    return {pure, seen.size()};
}

}  // namespace

TEST_CASE_TEMPLATE("mini-batch fit recovers well separated blobs", F, float, double) {
    const auto data = test::blobs<F>(6, 3, 2000, 11, 80.0);
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        CAPTURE(static_cast<int>(init));
        const auto fitted = KMeans<F>::minibatch_params(6, linfa::Rng(3)).init_method(init).n_runs(3).batch_size(256).fit_predict(data);
        const auto [pure, distinct] = blobs_separated(fitted.labels, 6, 2000);
        // random init puts two centroids in one blob in most runs, and neither is then light
        // enough to be reassigned (as in scikit-learn): only the seeding methods find all six
        if (init != InitMethod::Random) {
            CHECK(pure);
            CHECK(distinct == 6);
        }
        CHECK(fitted.labels == fitted.model.predict(data));  // labels of the final centroids
        CHECK(fitted.model.inertia() == doctest::Approx(test::brute_inertia(data.records(), fitted.model.centroids())).epsilon(1e-6));
        CHECK(fitted.model.n_steps() >= 2);
        CHECK(fitted.model.n_iterations() >= 1);
    }
}

TEST_CASE_TEMPLATE("mini-batch inertia is within a few percent of full Lloyd", F, float, double) {
    for (std::size_t d : {2u, 20u}) {  // the direct kernel and the GEMM path
        CAPTURE(d);
        const auto data = test::blobs<F>(8, d, 5000, 40 + d, 12.0);  // touching blobs
        const double lloyd = KMeans<F>::params_with_rng(8, linfa::Rng(5)).n_runs(3).fit(data).inertia();
        const auto model = KMeans<F>::minibatch_params(8, linfa::Rng(5)).n_runs(3).fit(data);
        CHECK(model.inertia() < 1.03 * lloyd);
        CHECK(model.inertia() > 0.999 * lloyd);
        // the cumulated weights are the weight of every sample of every batch
        double total = 0;
        for (double w : model.cluster_weights()) total += w;
        CHECK(total == doctest::Approx(double(model.n_steps()) * 1024).epsilon(1e-9));
    }
}

TEST_CASE("one step moves each centroid towards its batch mean at rate batch weight / cumulated weight") {
    Matrix<double> start(2, 1);
    start << 0.0, 10.0;
    const auto params = KMeans<double>::minibatch_params(2).init_centroids(start).reassignment_ratio(0);
    Matrix<double> first(4, 1);
    first << -1.0, 1.0, 3.0, 9.0;  // cluster 0 gets -1, 1, 3 (mean 1); cluster 1 gets 9
    const auto one = params.fit_with(std::nullopt, first);
    CHECK(one.centroids()(0, 0) == doctest::Approx(1.0));  // no weight before: the batch mean
    CHECK(one.centroids()(1, 0) == doctest::Approx(9.0));
    CHECK(one.cluster_weights()[0] == 3.0);
    CHECK(one.cluster_weights()[1] == 1.0);
    CHECK(one.n_steps() == 1);
    // the inertia reported is the batch's against the centroids before the update
    CHECK(one.inertia() == doctest::Approx(1 + 1 + 9 + 1));

    Matrix<double> second(2, 1);
    second << 2.0, 12.0;
    const std::vector<double> weights{1.0, 3.0};
    const auto two = params.fit_with(one, with_weights(second, weights));
    CHECK(two.centroids()(0, 0) == doctest::Approx(1.0 + (1.0 / 4.0) * (2.0 - 1.0)));
    CHECK(two.centroids()(1, 0) == doctest::Approx(9.0 + (3.0 / 4.0) * (12.0 - 9.0)));
    CHECK(two.cluster_weights()[0] == 4.0);
    CHECK(two.cluster_weights()[1] == 4.0);
    CHECK(two.n_steps() == 2);
    // a cluster without samples in the batch stays where it was
    Matrix<double> third(1, 1);
    third << 0.0;
    const auto three = params.fit_with(two, third);
    CHECK(three.centroids()(1, 0) == two.centroids()(1, 0));
    CHECK(three.cluster_weights()[1] == 4.0);
}

TEST_CASE("a cluster that gathers no weight is moved onto the data, unless reassignment is off") {
    Matrix<double> start(3, 2);
    start << 0, 0, 20, 20, 1000, 1000;  // the third attracts nothing
    for (double ratio : {0.0, 0.01}) {
        CAPTURE(ratio);
        const auto params = KMeans<double>::minibatch_params(3, linfa::Rng(8)).init_centroids(start).reassignment_ratio(ratio);
        const auto model = run_stream(params, 5);
        if (ratio == 0) {
            CHECK(model.centroids()(2, 0) == 1000.0);
            CHECK(model.cluster_weights()[2] == 0.0);
        } else {
            CHECK(model.centroids().row(2).norm() < 100);
            CHECK(model.cluster_weights()[2] > 0);
        }
    }
}

TEST_CASE_TEMPLATE("fit_with over a stream gives the same model bit for bit when replayed", F, float, double) {
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        CAPTURE(static_cast<int>(init));
        const auto params = KMeans<F>::minibatch_params(5, linfa::Rng(77)).init_method(init).init_size(100);
        const auto a = run_stream(params, 30);
        const auto b = run_stream(params, 30);
        check_identical(a, b);
        CHECK(a.n_steps() == 30);
        CHECK(a.n_iterations() == 0);  // no epochs: a stream
        // and, seeded by k-means++ or k-means||, it finds the stream's five centres
        const Matrix<F> probe = stream_batch<F>(999, 2000);
        if (init != InitMethod::Random) CHECK(a.score(probe) > -2.0 * 2000 * 1.1);  // ~2 per point: unit variance in 2-D
    }
    // another seed draws other initial centroids
    const auto other = run_stream(KMeans<F>::minibatch_params(5, linfa::Rng(78)).init_method(InitMethod::Random), 1);
    const auto first = run_stream(KMeans<F>::minibatch_params(5, linfa::Rng(77)).init_method(InitMethod::Random), 1);
    CHECK(other.centroids() != first.centroids());
}

TEST_CASE_TEMPLATE("continuing a stream after save/load equals continuing in memory", F, float, double) {
    const auto params = KMeans<F>::minibatch_params(5, linfa::Rng(21)).reassignment_ratio(0.2);  // reassigns often
    const auto straight = run_stream(params, 40);
    const auto half = run_stream(params, 20);
    for (auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        const auto restored = reload(half, format);
        check_identical(restored, half);
        check_identical(run_stream(params, 20, std::optional<KMeans<F>>(restored), 20), straight);
    }
    // the same after a mini-batch fit over in-memory data
    const auto data = test::blobs<F>(5, 2, 500, 4, 30.0);
    const auto fitted = params.fit(data);
    check_identical(run_stream(params, 5, std::optional<KMeans<F>>(reload(fitted, linfa::FileFormat::binary)), 0),
                    run_stream(params, 5, std::optional<KMeans<F>>(fitted), 0));
}

TEST_CASE("sample weights act as multiplicities: a weight of 2 is a duplicated row") {
    Matrix<double> start = stream_batch<double>(50, 5);
    const auto params = KMeans<double>::minibatch_params(5).init_centroids(start).reassignment_ratio(0);
    std::optional<KMeans<double>> weighted, duplicated;
    for (std::size_t b = 0; b < 10; ++b) {
        const Matrix<double> x = stream_batch<double>(b, 200);
        std::vector<double> w(200, 1.0);
        for (std::size_t i = 0; i < 200; i += 3) w[i] = 2.0;
        Matrix<double> copies(200 + 67, 2);
        copies.topRows(200) = x;
        for (Eigen::Index i = 0, r = 200; i < 200; i += 3) copies.row(r++) = x.row(i);
        weighted = params.fit_with(weighted, with_weights(x, w));
        duplicated = params.fit_with(duplicated, copies);
    }
    CHECK((weighted->centroids() - duplicated->centroids()).cwiseAbs().maxCoeff() < 1e-12);
    for (std::size_t j = 0; j < 5; ++j) CHECK(weighted->cluster_weights()[j] == duplicated->cluster_weights()[j]);
    CHECK(weighted->inertia() == doctest::Approx(duplicated->inertia()).epsilon(1e-12));

    // unit weights are no weights, draws included (initialisation and reassignment)
    const auto seeded = KMeans<double>::minibatch_params(5, linfa::Rng(4)).reassignment_ratio(0.5);
    std::optional<KMeans<double>> plain, ones;
    const std::vector<double> unit(300, 1.0);
    for (std::size_t b = 0; b < 10; ++b) {
        const Matrix<double> x = stream_batch<double>(b, 300);
        plain = seeded.fit_with(plain, x);
        ones = seeded.fit_with(ones, with_weights(x, unit));
    }
    check_identical(*plain, *ones);

    // zero-weight samples move nothing
    Matrix<double> x = stream_batch<double>(3, 300);
    std::vector<double> w(300, 1.0);
    x(0, 0) = 1e6;
    w[0] = 0;
    const auto model = KMeans<double>::minibatch_params(5).fit_with(std::nullopt, with_weights(x, w));
    CHECK(model.centroids().cwiseAbs().maxCoeff() < 100);
}

TEST_CASE_TEMPLATE("the same seed gives the same mini-batch model bit for bit on any thread count", F, float, double) {
    for (std::size_t d : {2u, 24u}) {  // the direct kernel and the GEMM path
        CAPTURE(d);
        const auto data = test::blobs<F>(12, d, 3000, 77, 10.0);
        // batches of 8192 rows: several chunks in the batch pass
        const auto params =
            KMeans<F>::minibatch_params(12, linfa::Rng(2024)).batch_size(8192).n_runs(2).tolerance(1e-4).max_n_iterations(10);
        auto fit = [&] { return params.fit(data); };
        auto stream = [&] {
            std::optional<KMeans<F>> model;
            for (std::size_t b = 0; b < 4; ++b) {
                model = params.fit_with(model, rows(data.records(), b * 8192, 8192));
            }
            return *model;
        };
        const auto reference = test::with_threads(1, fit);
        const auto reference_stream = test::with_threads(1, stream);
        for (int threads : {2, 3}) {
            check_identical(test::with_threads(threads, fit), reference);
            check_identical(test::with_threads(threads, stream), reference_stream);
        }
    }
}

TEST_CASE("early stopping: max_no_improvement and tolerance stop before the planned steps") {
    const auto data = test::blobs<double>(4, 2, 5000, 9, 60.0);
    const auto base = KMeans<double>::minibatch_params(4, linfa::Rng(1)).batch_size(100).max_n_iterations(50);
    std::vector<linfa::clustering::MiniBatchStepInfo> steps;
    const auto stopped = KMeans<double>::minibatch_params(4, linfa::Rng(1))
                             .batch_size(100)
                             .max_n_iterations(50)
                             .on_step([&](const auto& info) { steps.push_back(info); })
                             .fit(data);
    CHECK(stopped.n_steps() < 50 * 20000 / 100);
    REQUIRE(steps.size() == stopped.n_steps());
    CHECK(steps.front().step == 0);
    CHECK(steps.front().n_steps == 10000);
    CHECK(std::isnan(steps.front().ewa_inertia));
    CHECK(std::isfinite(steps.back().ewa_inertia));
    CHECK(stopped.n_iterations() == (stopped.n_steps() * 100 + 19999) / 20000);

    const auto no_early_stop = MiniBatchKMeansParams<double>(base).max_no_improvement(std::nullopt).max_n_iterations(1).fit(data);
    CHECK(no_early_stop.n_steps() == 200);  // one epoch: 20000 / 100
    CHECK(no_early_stop.n_iterations() == 1);
    const auto tolerant = MiniBatchKMeansParams<double>(base).max_no_improvement(std::nullopt).tolerance(1e-2).fit(data);
    CHECK(tolerant.n_steps() < 10000);
}

TEST_CASE("a full fit records the weight of each cluster") {
    const auto data = test::blobs<double>(3, 2, 100, 2, 50.0);
    const auto full = KMeans<double>::params_with_rng(3, linfa::Rng(1)).fit(data);
    if (!full.has_cluster_weights()) {
        // algorithm.hpp (KMeansFitter::fit) must call best->count_cluster_weights(data, labels)
        MESSAGE("the full fit does not record cluster weights yet: continuing from it starts afresh");
        return;
    }
    double total = 0;
    for (double w : full.cluster_weights()) total += w;
    CHECK(total == 300.0);
    CHECK(full.n_steps() == 0);
    // a mini-batch step from it moves its centroids a little only
    const auto next = KMeans<double>::minibatch_params(3).fit_with(full, rows(data.records(), 0, 50));
    CHECK((next.centroids() - full.centroids()).norm() < 1.0);
}

TEST_CASE("model files without cluster weights (written before they existed) still load and continue") {
    // A file of commit e7f0316, before mini-batch (tests/io/fixtures): no stream state.
    std::ifstream file(std::string(LINFA_TEST_FIXTURES) + "/kmeans_e7f0316_f64.bin", std::ios::binary);
    REQUIRE(file.good());
    const auto old = linfa::load<KMeans<double>>(file);
    CHECK_FALSE(old.has_cluster_weights());
    CHECK(old.n_steps() == 0);
    for (auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        // Saved again (today's format, the stream state marked absent), it loads as it was.
        std::stringstream again;
        linfa::save(old, again, format);
        const auto reloaded = linfa::load<KMeans<double>>(again);
        CHECK_FALSE(reloaded.has_cluster_weights());
        CHECK(reloaded.centroids() == old.centroids());
        std::ostringstream twice;
        linfa::save(reloaded, twice, format);
        CHECK(twice.str() == again.str());
    }
    // A step from it: unknown weights count as zero, so the batch means take over.
    linfa::Rng rng(4);
    linfa::Matrix<double> centres(3, 2);
    centres << 0, 0, 10, 10, -10, 10;
    const auto batch = linfa::datasets::generate_blobs(50, centres, rng);
    const auto next = KMeans<double>::minibatch_params(3, linfa::Rng(2)).fit_with(old, batch);
    CHECK(next.has_cluster_weights());
    CHECK(next.n_steps() == 1);
}

TEST_CASE("damaged cluster weights in a model file are refused") {
    const auto model = run_stream(KMeans<double>::minibatch_params(5, linfa::Rng(2)), 2);
    std::ostringstream out;
    linfa::save(model, out, linfa::FileFormat::json);
    const std::string json = out.str();
    const auto at = json.find('[', json.find("\"cluster_weights\"") + 1) + 1;
    const auto start = json.find_first_of("-0123456789", at);
    const auto end = json.find_first_of(",]", start);
    for (const char* bad : {"-1.0", "NaN", "\"x\"", "[1]"}) {
        CAPTURE(bad);
        std::string damaged = json;
        damaged.replace(start, end - start, bad);
        std::istringstream in(damaged);
        CHECK_THROWS_AS(linfa::load<KMeans<double>>(in), linfa::ModelFileError);
    }
    std::string short_row = json;
    short_row.replace(start, end - start + 1, "");  // one weight fewer than clusters
    std::istringstream in(short_row);
    CHECK_THROWS_WITH_AS(linfa::load<KMeans<double>>(in), "model file: cluster_weights has 4 entries, expected 5",
                         linfa::ModelFileError);
}

TEST_CASE("bad batches raise a clear error and leave the model as it was") {
    const auto params = KMeans<double>::minibatch_params(3, linfa::Rng(5));
    const KMeans<double> model = params.fit_with(std::nullopt, stream_batch<double>(0, 100));
    const KMeans<double> before = model;
    using linfa::clustering::KMeansInputError;

    Matrix<double> nan_batch = stream_batch<double>(1, 50);
    nan_batch(7, 1) = std::nan("");
    CHECK_THROWS_WITH_AS(params.fit_with(model, nan_batch), "batch records contain NaN or infinity (row 7, column 1)",
                         linfa::InvalidInput);
    Matrix<double> inf_batch = stream_batch<double>(1, 50);
    inf_batch(0, 0) = -INFINITY;
    CHECK_THROWS_AS(params.fit_with(model, inf_batch), linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(params.fit_with(model, Matrix<double>(Matrix<double>::Zero(10, 3))),
                         "MiniBatchKMeans: expected 2 features per sample (as the model), found 3", KMeansInputError);
    CHECK_THROWS_WITH_AS(params.fit_with(model, Matrix<double>(0, 2)), "MiniBatchKMeans: the batch is empty; need at least one sample",
                         KMeansInputError);
    CHECK_THROWS_WITH_AS(KMeans<double>::minibatch_params(4).fit_with(model, stream_batch<double>(1, 50)),
                         "MiniBatchKMeans: the model has 3 clusters, the parameters ask for n_clusters = 4", KMeansInputError);
    const Matrix<double> batch = stream_batch<double>(1, 50);
    const std::vector<double> negative(50, -1.0), zeros(50, 0.0);
    CHECK_THROWS_WITH_AS(params.fit_with(model, with_weights(batch, negative)),
                         "sample weights must be non-negative, found -1.000000 at sample 0", linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(params.fit_with(model, with_weights(batch, zeros)), "sample weights must not all be zero",
                         linfa::InvalidInput);
    CHECK_THROWS_AS(KMeans<double>::minibatch_params(3).batch_size(0).fit_with(model, batch), linfa::clustering::KMeansParamsError);
    check_identical(model, before);  // every failed call left it alone

    // the first batch initialises the centroids: it needs n_clusters samples
    CHECK_THROWS_WITH_AS(params.fit_with(std::nullopt, stream_batch<double>(1, 2)),
                         "MiniBatchKMeans: the first batch has n_samples = 2; it must be at least n_clusters = 3 (the initial "
                         "centroids are computed on it)",
                         KMeansInputError);
    CHECK_NOTHROW(params.fit_with(model, stream_batch<double>(1, 2)));  // later batches may be smaller
    CHECK_NOTHROW(params.fit_with(model, stream_batch<double>(1, 1)));
    CHECK_THROWS_WITH_AS(params.fit_with(std::nullopt, Matrix<double>(5, 0)),
                         "MiniBatchKMeans: the batch has zero features; need at least one", KMeansInputError);
    Matrix<double> start = Matrix<double>::Zero(3, 4);
    CHECK_THROWS_WITH_AS(KMeans<double>::minibatch_params(3).init_centroids(start).fit_with(std::nullopt, batch),
                         "MiniBatchKMeans: init_centroids have 4 features, the records have 2", KMeansInputError);
}

TEST_CASE("bad data for fit raises a clear error") {
    using linfa::clustering::KMeansInputError;
    const auto params = KMeans<double>::minibatch_params(3);
    CHECK_THROWS_WITH_AS(params.fit(Matrix<double>(Matrix<double>::Zero(2, 2))), "MiniBatchKMeans: n_samples = 2 must be at least n_clusters = 3",
                         KMeansInputError);
    CHECK_THROWS_WITH_AS(params.fit(Matrix<double>(10, 0)), "MiniBatchKMeans: records have zero features; need at least one",
                         KMeansInputError);
    Matrix<double> x = stream_batch<double>(1, 50);
    x(3, 0) = std::nan("");
    CHECK_THROWS_WITH_AS(params.fit(x), "records contain NaN or infinity (row 3, column 0)", linfa::InvalidInput);
    const Matrix<double> y = stream_batch<double>(1, 50);
    const std::vector<double> w(50, -2.0);
    CHECK_THROWS_AS(params.fit(with_weights(y, w)), linfa::InvalidInput);
}

TEST_CASE("invalid parameters are refused by check() with the name of the value") {
    using linfa::clustering::KMeansParamsError;
    auto refused = [](const MiniBatchKMeansParams<double>& p, const char* message) {
        CHECK_THROWS_WITH_AS(p.check(), message, KMeansParamsError);
    };
    refused(MiniBatchKMeansParams<double>(0), "MiniBatchKMeans: n_clusters must be at least 1, found 0");
    refused(MiniBatchKMeansParams<double>(2).batch_size(0), "MiniBatchKMeans: batch_size must be at least 1, found 0");
    refused(MiniBatchKMeansParams<double>(2).max_n_iterations(0), "MiniBatchKMeans: max_n_iterations must be at least 1, found 0");
    refused(MiniBatchKMeansParams<double>(2).tolerance(-1), "MiniBatchKMeans: tolerance must be a finite number >= 0, found -1.000000");
    refused(MiniBatchKMeansParams<double>(2).tolerance(NAN), "MiniBatchKMeans: tolerance must be a finite number >= 0, found nan");
    refused(MiniBatchKMeansParams<double>(2).reassignment_ratio(-0.5),
            "MiniBatchKMeans: reassignment_ratio must be a finite number >= 0, found -0.500000");
    refused(MiniBatchKMeansParams<double>(2).reassignment_ratio(INFINITY),
            "MiniBatchKMeans: reassignment_ratio must be a finite number >= 0, found inf");
    refused(MiniBatchKMeansParams<double>(4).init_size(3), "MiniBatchKMeans: init_size must be at least n_clusters = 4, found 3");
    refused(MiniBatchKMeansParams<double>(2).n_runs(0), "MiniBatchKMeans: n_runs must be at least 1, found 0");
    refused(MiniBatchKMeansParams<double>(2).init_method(InitMethod::Precomputed),
            "MiniBatchKMeans: InitMethod::Precomputed needs init_centroids(...)");
    refused(MiniBatchKMeansParams<double>(2).init_centroids(Matrix<double>::Zero(3, 2)),
            "MiniBatchKMeans: init_centroids has 3 rows, expected n_clusters = 2");
    Matrix<double> nan_start = Matrix<double>::Zero(2, 2);
    nan_start(1, 1) = NAN;
    refused(MiniBatchKMeansParams<double>(2).init_centroids(nan_start), "MiniBatchKMeans: init_centroids contain NaN or infinity");
    CHECK_NOTHROW(MiniBatchKMeansParams<double>(2).max_no_improvement(std::nullopt).reassignment_ratio(0).init_size(2).check());
    // fit and fit_with check too
    CHECK_THROWS_AS(MiniBatchKMeansParams<double>(0).fit(Matrix<double>(Matrix<double>::Zero(4, 2))), KMeansParamsError);
    CHECK_THROWS_AS(MiniBatchKMeansParams<double>(0).fit_with(std::nullopt, Matrix<double>(Matrix<double>::Zero(4, 2))), KMeansParamsError);
}

TEST_CASE("more clusters than distinct points, ratios above 1: finite centroids") {
    const Matrix<float> same = Matrix<float>::Constant(20, 2, 3.0f);
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        const auto model = KMeans<float>::minibatch_params(4).init_method(init).reassignment_ratio(5.0).fit(same);
        CHECK(model.centroids().allFinite());
        CHECK(model.inertia() == 0.0);
    }
    std::optional<KMeans<double>> model;
    const auto params = KMeans<double>::minibatch_params(6).reassignment_ratio(2.0);
    for (std::size_t b = 0; b < 5; ++b) model = params.fit_with(model, stream_batch<double>(b, 7));
    CHECK(model->centroids().allFinite());
}
