#include <doctest/doctest.h>

#include "helpers.hpp"

using linfa::Matrix;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;

static_assert(linfa::ParamGuard<linfa::clustering::KMeansParams<double>>);
static_assert(linfa::Fit<linfa::clustering::KMeansParams<double>, linfa::Dataset<double>>);
static_assert(linfa::Fit<linfa::clustering::KMeansValidParams<float>, Matrix<float>>);
static_assert(std::same_as<linfa::fitted_t<linfa::clustering::KMeansParams<float>, linfa::Dataset<float>>, KMeans<float>>);
static_assert(linfa::Predict<KMeans<double>, Matrix<double>>);
static_assert(linfa::Predict<KMeans<double>, linfa::Dataset<double>>);
static_assert(linfa::PredictInplace<KMeans<float>, Matrix<float>, linfa::Labels>);
static_assert(linfa::Transformer<KMeans<double>, Matrix<double>>);
static_assert(linfa::FitPredict<linfa::clustering::KMeansParams<double>, linfa::Dataset<double>>);
static_assert(!linfa::FitPredictOnly<linfa::clustering::KMeansParams<double>, linfa::Dataset<double>>);
static_assert(!linfa::FitWith<linfa::clustering::KMeansParams<double>, KMeans<double>, linfa::DatasetView<double>>);
static_assert(!linfa::PredictProba<KMeans<double>, Matrix<double>>);
static_assert(!linfa::InverseTransformer<KMeans<double>, Matrix<double>>);
static_assert(!std::is_default_constructible_v<KMeans<double>>);  // only fit or load make a model

TEST_CASE_TEMPLATE("the seed's snippet recovers the four blob centres", F, float, double) {
    linfa::Rng rng(42);
    Matrix<F> expected(4, 2);
    expected << 10., 10., 1., 12., 20., 30., -20., 30.;
    const linfa::Dataset<F> dataset = linfa::datasets::generate_blobs(10000, expected, rng);
    const auto model = KMeans<F>::params_with_rng(4, rng).max_n_iterations(200).tolerance(1e-5).fit(dataset);
    const linfa::Labels labels = model.predict(dataset);
    REQUIRE(model.centroids().rows() == 4);
    for (Eigen::Index e = 0; e < 4; ++e) {
        Eigen::Index j = 0;
        const double dist = (model.centroids().rowwise() - expected.row(e)).rowwise().norm().minCoeff(&j);
        CHECK(dist < 0.05);
        // every point of blob e carries the label of the centroid found for it
        CHECK((labels.segment(e * 10000, 10000).array() == j).all());
    }
    CHECK(model.inertia() == doctest::Approx(test::brute_inertia(dataset.records(), model.centroids())).epsilon(1e-6));
}

TEST_CASE_TEMPLATE("every init method finds well separated blobs", F, float, double) {
    const auto data = test::blobs<F>(5, 3, 400, 11, 60.0);
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        CAPTURE(static_cast<int>(init));
        // random init misses a blob in most runs (P(all 5 hit) = 5!/5^5): it needs many runs
        const std::size_t runs = init == InitMethod::Random ? 30 : 2;
        const auto model = KMeans<F>::params_with_rng(5, linfa::Rng(1)).init_method(init).n_runs(runs).fit(data);
        // each true blob maps onto exactly one cluster
        const linfa::Labels labels = model.predict(data);
        std::set<std::int32_t> seen;
        for (int b = 0; b < 5; ++b) {
            const auto part = labels.segment(b * 400, 400);
            CHECK((part.array() == part(0)).all());
            seen.insert(part(0));
        }
        CHECK(seen.size() == 5);
    }
}

TEST_CASE("inertia, predict, transform and score agree with brute force") {
    for (std::size_t d : {1u, 2u, 3u, 4u, 7u, 16u, 17u, 40u}) {
        CAPTURE(d);
        const auto data = test::blobs<double>(6, d, 333, d, 8.0);  // overlapping blobs
        const auto model = KMeans<double>::params_with_rng(6, linfa::Rng(d)).fit(data);
        const linfa::Labels labels = model.predict(data);
        const Matrix<double> distances = model.transform(data);
        REQUIRE(distances.rows() == Eigen::Index(data.n_samples()));
        REQUIRE(distances.cols() == 6);
        for (Eigen::Index i = 0; i < data.records().rows(); ++i) {
            const auto [j, sq] = test::nearest(model.centroids(), data.records().row(i).data());
            CHECK(labels(i) == j);
            CHECK(distances(i, j) == doctest::Approx(std::sqrt(sq)));
        }
        const double brute = test::brute_inertia(data.records(), model.centroids());
        CHECK(model.inertia() == doctest::Approx(brute).epsilon(1e-9));
        CHECK(model.score(data) == doctest::Approx(-brute).epsilon(1e-9));
        linfa::Labels inplace(data.n_samples());
        model.predict_inplace(data.records(), inplace);
        CHECK(inplace == labels);
    }
}

TEST_CASE("float32 labels agree with a double-precision brute force on the chosen distance") {
    for (std::size_t d : {2u, 5u, 33u}) {
        const auto data = test::blobs<float>(8, d, 250, 100 + d, 6.0);
        const auto model = KMeans<float>::params(8).fit(data);
        const linfa::Labels labels = model.predict(data);
        for (Eigen::Index i = 0; i < data.records().rows(); ++i) {
            const auto [j, sq] = test::nearest(model.centroids(), data.records().row(i).data());
            if (labels(i) == j) continue;
            // a different label only on a near tie, within float rounding
            double chosen = 0;
            for (Eigen::Index f = 0; f < Eigen::Index(d); ++f) {
                const double diff = double(data.records()(i, f)) - model.centroids()(labels(i), f);
                chosen += diff * diff;
            }
            CHECK(chosen == doctest::Approx(sq).epsilon(1e-4));
        }
    }
}

TEST_CASE("a weight of 2 is the same as a duplicated row") {
    auto base = test::blobs<double>(3, 2, 50, 5, 6.0);
    const Matrix<double>& x = base.records();
    Matrix<double> duplicated(x.rows() + 20, 2);
    duplicated << x, x.topRows(20);
    linfa::Vector<double> w = linfa::Vector<double>::Ones(x.rows());
    w.head(20).setConstant(2.0);
    Matrix<double> start = x.middleRows(60, 3);

    const auto weighted = KMeans<double>::params(3).init_centroids(start).fit(linfa::Dataset<double>(x).with_weights(w));
    const auto copied = KMeans<double>::params(3).init_centroids(start).fit(duplicated);
    CHECK(weighted.n_iterations() == copied.n_iterations());
    CHECK((weighted.centroids() - copied.centroids()).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(weighted.inertia() == doctest::Approx(copied.inertia()).epsilon(1e-12));

    // and the same holds through every init method, as multiplicities in the draw
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        const auto m = KMeans<double>::params(3).init_method(init).fit(linfa::Dataset<double>(x).with_weights(w));
        CHECK(m.inertia() > 0);
        CHECK(m.centroids().allFinite());
    }
}

TEST_CASE("zero-weight samples do not move centroids") {
    auto data = test::blobs<double>(2, 2, 100, 9, 30.0);
    Matrix<double> x = data.records();
    x(0, 0) = 1e6;  // an outlier that carries no weight
    linfa::Vector<double> w = linfa::Vector<double>::Ones(x.rows());
    w(0) = 0;
    const auto model = KMeans<double>::params(2).fit(linfa::Dataset<double>(x).with_weights(w));
    CHECK(model.centroids().cwiseAbs().maxCoeff() < 100);
}

TEST_CASE_TEMPLATE("the same seed gives the same model bit for bit on any thread count", F, float, double) {
    for (std::size_t d : {2u, 24u}) {  // the direct kernel and the GEMM path
        const auto data = test::blobs<F>(12, d, 3000, 77, 10.0);
        for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
            CAPTURE(d);
            CAPTURE(static_cast<int>(init));
            auto fit = [&] { return KMeans<F>::params_with_rng(12, linfa::Rng(2024)).init_method(init).n_runs(2).fit(data); };
            const auto reference = test::with_threads(1, fit);
            for (int threads : {2, 3, 4}) {
                const auto other = test::with_threads(threads, fit);
                CHECK(other.centroids() == reference.centroids());
                CHECK(other.inertia() == reference.inertia());
                CHECK(other.n_iterations() == reference.n_iterations());
            }
        }
    }
}

TEST_CASE("fitting twice with the same params gives the same model; another seed may not") {
    const auto data = test::blobs<double>(10, 2, 200, 3, 10.0);
    const auto params = KMeans<double>::params_with_rng(10, linfa::Rng(1)).init_method(InitMethod::Random);
    CHECK(params.fit(data).centroids() == params.fit(data).centroids());
}

TEST_CASE("empty clusters are re-seeded, never NaN") {
    Matrix<double> x(6, 1);
    x << 0, 0.1, 0.2, 10, 10.1, 10.2;
    Matrix<double> start(3, 1);
    start << 0.1, 10.1, 1000;  // the third centroid attracts nothing
    const auto model = KMeans<double>::params(3).init_centroids(start).fit(x);
    CHECK(model.centroids().allFinite());
    CHECK(model.centroids().maxCoeff() < 11);  // it was moved onto the data
    const linfa::Labels labels = model.predict(x);
    CHECK(std::set<std::int32_t>(labels.data(), labels.data() + 6).size() == 3);

    // more clusters than distinct points: duplicates, still finite
    Matrix<float> same = Matrix<float>::Constant(10, 2, 3.0f);
    for (auto init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        const auto m = KMeans<float>::params(4).init_method(init).fit(same);
        CHECK(m.centroids().allFinite());
        CHECK(m.inertia() == 0.0);
    }
}

TEST_CASE("stopping rules: max_n_iterations, tolerance, no label change") {
    const auto data = test::blobs<double>(20, 2, 500, 8, 4.0);  // heavily overlapping: slow to converge
    const auto capped = KMeans<double>::params(20).init_method(InitMethod::Random).tolerance(0).max_n_iterations(3).fit(data);
    CHECK(capped.n_iterations() == 3);
    const auto loose = KMeans<double>::params(20).init_method(InitMethod::Random).tolerance(1e-1).fit(data);
    const auto strict = KMeans<double>::params(20).init_method(InitMethod::Random).tolerance(0).max_n_iterations(1000).fit(data);
    CHECK(loose.n_iterations() < strict.n_iterations());
    CHECK(strict.n_iterations() < 1000);  // stopped because no label changed
    CHECK(strict.inertia() <= loose.inertia() * (1 + 1e-12));
    // converged: one more pass from its centroids changes nothing
    const auto again = KMeans<double>::params(20).init_centroids(strict.centroids()).tolerance(0).fit(data);
    CHECK(again.n_iterations() == 1);
    CHECK(again.centroids() == strict.centroids());
}

TEST_CASE("n_runs keeps the best of several initialisations") {
    const auto data = test::blobs<double>(15, 2, 100, 21, 10.0);
    const double one = KMeans<double>::params_with_rng(15, linfa::Rng(4)).init_method(InitMethod::Random).fit(data).inertia();
    const double many = KMeans<double>::params_with_rng(15, linfa::Rng(4)).init_method(InitMethod::Random).n_runs(8).fit(data).inertia();
    CHECK(many <= one);
}

TEST_CASE("the assignment kernel matches brute force for every shape and tail") {
    using linfa::nn::Assigner;
    for (std::size_t d : {1u, 2u, 3u, 4u, 5u, 9u, 16u, 17u, 64u}) {
        for (std::size_t k : {1u, 2u, 7u, 33u}) {
            for (std::size_t rows : {1u, 5u, 63u, 64u, 65u, 256u}) {
                const auto data = test::blobs<double>(k, d, (rows + k - 1) / k, d * 1000 + k * 10 + rows, 5.0);
                Matrix<double> centroids = data.records().topRows(Eigen::Index(k)).array() + 0.25;
                const Assigner<double> assigner(centroids);
                auto scratch = assigner.scratch();
                std::vector<std::int32_t> labels(rows);
                std::vector<double> sq(rows);
                assigner.assign(data.records().data(), rows, labels.data(), sq.data(), scratch);
                for (std::size_t r = 0; r < rows; ++r) {
                    const auto [j, dist] = test::nearest(centroids, data.records().row(Eigen::Index(r)).data());
                    CHECK(sq[r] == doctest::Approx(dist).epsilon(1e-9).scale(1.0));
                    CHECK(labels[r] == j);  // exact on both paths (near ties settled in double)
                }
            }
        }
    }
}

TEST_CASE("fit_predict returns the model fit gives and the labels predict gives") {
    const auto data = test::blobs<double>(7, 3, 500, 13, 8.0);
    for (std::size_t runs : {1u, 3u}) {
        const auto params = KMeans<double>::params_with_rng(7, linfa::Rng(5)).n_runs(runs);
        const auto fitted = params.fit_predict(data);
        const auto model = params.fit(data);
        CHECK(fitted.model.centroids() == model.centroids());
        CHECK(fitted.model.inertia() == model.inertia());
        CHECK(fitted.labels == model.predict(data));
    }
}

TEST_CASE("GEMM path: labels do not depend on how many rows a call holds, ties go to the lowest index") {
    using linfa::nn::Assigner;
    const std::size_t d = 40;
    // every point exactly between two centroids, and duplicated centroids: only exact
    // comparison settles these the same way in every block shape
    Matrix<double> centroids = Matrix<double>::Zero(6, d);
    centroids.row(1).setConstant(1.0);
    centroids.row(2) = centroids.row(1);  // a duplicate: never chosen over index 1
    centroids.row(3).setConstant(-1.0);
    centroids.row(4).setConstant(3.0);
    centroids.row(5).setConstant(7.0);
    linfa::Rng rng(3);
    Matrix<double> x(200, d);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double t = rng.uniform();
        for (Eigen::Index f = 0; f < Eigen::Index(d); ++f) x(i, f) = i % 2 ? 0.5 + 1e-9 * (rng.uniform() - 0.5) : 2 + 4 * t;
    }
    const Assigner<double> assigner(centroids);
    REQUIRE(assigner.uses_gemm());
    auto scratch = assigner.scratch();
    std::vector<std::int32_t> whole(x.rows()), one(1);
    std::vector<double> sq(x.rows()), sq_one(1);
    assigner.assign(x.data(), std::size_t(x.rows()), whole.data(), sq.data(), scratch);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        assigner.assign(x.row(i).data(), 1, one.data(), sq_one.data(), scratch);
        CHECK(one[0] == whole[std::size_t(i)]);
        const auto [j, dist] = test::nearest(centroids, x.row(i).data());
        CHECK(whole[std::size_t(i)] == j);
        CHECK(sq[std::size_t(i)] == doctest::Approx(dist).epsilon(1e-12));
        CHECK(whole[std::size_t(i)] != 2);
    }
}

TEST_CASE("Mixed-precision GEMM path (double data, float GEMM): labels of the exact nearest centroid at every scale") {
    using linfa::nn::Assigner;
    const std::size_t d = 40, k = 64;
    // Scales: ordinary, tiny (squares underflow float), large (products near float's limit
    // but below the switch), and past the switch (those blocks take the double GEMM).
    for (const double scale : {1.0, 1e-21, 1e-40, 1e16, 1e20}) {
        CAPTURE(scale);
        linfa::Rng rng(17);
        Matrix<double> centroids{Eigen::Index(k), Eigen::Index(d)};
        for (Eigen::Index i = 0; i < centroids.size(); ++i) centroids.data()[i] = scale * (rng.uniform() * 2 - 1);
        centroids.row(7) = centroids.row(3);  // a duplicate: never chosen over index 3
        Matrix<double> x{300, Eigen::Index(d)};
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const Eigen::Index a = i % Eigen::Index(k), b = (i * 7 + 1) % Eigen::Index(k);
            if (i % 3 == 0) {  // between two centroids, a hair closer to one: a near tie
                x.row(i) = 0.5 * (centroids.row(a) + centroids.row(b)) + 1e-12 * (centroids.row(a) - centroids.row(b));
            } else {
                for (Eigen::Index f = 0; f < Eigen::Index(d); ++f) x(i, f) = scale * (rng.uniform() * 2 - 1);
            }
        }
        const Assigner<double> assigner(centroids);
        REQUIRE(assigner.uses_gemm());
        CHECK(assigner.uses_mixed_precision() == (scale < 1e18));
        auto scratch = assigner.scratch();
        std::vector<std::int32_t> labels(std::size_t(x.rows())), bounded(labels.size());
        std::vector<double> sq(labels.size()), exact(labels.size()), lower(labels.size());
        assigner.assign(x.data(), std::size_t(x.rows()), labels.data(), sq.data(), scratch);
        assigner.assign_bounded(x.data(), std::size_t(x.rows()), bounded.data(), exact.data(), lower.data(), scratch);
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            CAPTURE(i);
            const auto [j, dist] = test::nearest(centroids, x.row(i).data());
            const auto r = std::size_t(i);
            CHECK(labels[r] == j);
            CHECK(bounded[r] == j);
            CHECK(sq[r] == doctest::Approx(dist).epsilon(1e-12));
            CHECK(exact[r] == dist);
            for (Eigen::Index c = 0; c < Eigen::Index(k); ++c) {  // a lower bound for every other centroid
                if (c == j) continue;
                CHECK(lower[r] <= test::nearest(Matrix<double>(centroids.row(c)), x.row(i).data()).second);
            }
        }
    }
}

TEST_CASE_TEMPLATE("Float scores on the direct kernel: the exact kernel's labels, near ties settled", F, float, double) {
    using linfa::nn::Assigner;
    using linfa::nn::CentroidScanner;
    const std::size_t k = 40;
    const bool is_float = std::is_same_v<F, float>;
    // Scales as for the GEMM path; an offset far larger than the spread (centring keeps the
    // error bound small); and, at scale 1, a few rows too large for float scores (their tiles
    // are scanned exactly). Float data: no scale whose squares overflow float.
    struct Case { double scale, offset; bool huge_rows; };
    for (const std::size_t d : {1u, 2u, 3u, 4u, 7u, 16u}) {
        for (const Case c : {Case{1, 0, false}, Case{1e-21, 0, false}, Case{1e-40, 0, false}, Case{1e16, 0, false},
                             Case{1, 1e7, false}, Case{1, 0, true}, Case{1e20, 0, false}}) {
            if (is_float && c.scale > 1e18) continue;
            CAPTURE(d);
            CAPTURE(c.scale);
            CAPTURE(c.offset);
            linfa::Rng rng(23);
            Matrix<F> centroids{Eigen::Index(k), Eigen::Index(d)};
            for (Eigen::Index i = 0; i < centroids.size(); ++i) centroids.data()[i] = F(c.offset + c.scale * (rng.uniform() * 2 - 1));
            centroids.row(7) = centroids.row(3);  // a duplicate: never chosen over index 3
            Matrix<F> x{300, Eigen::Index(d)};
            for (Eigen::Index i = 0; i < x.rows(); ++i) {
                const Eigen::Index a = i % Eigen::Index(k), b = (i * 7 + 1) % Eigen::Index(k);
                if (i % 3 == 0) {  // between two centroids, a hair closer to one: a near tie
                    x.row(i) = F(0.5) * (centroids.row(a) + centroids.row(b)) + F(1e-12) * (centroids.row(a) - centroids.row(b));
                } else if (i % 3 == 1) {  // halfway between centroid 3 (duplicated as 7) and another: an exact tie
                    x.row(i) = F(0.5) * (centroids.row(3) + centroids.row(b));
                } else {
                    for (Eigen::Index f = 0; f < Eigen::Index(d); ++f) x(i, f) = F(c.offset + c.scale * (rng.uniform() * 2 - 1));
                }
                if (c.huge_rows && i % 50 == 5) x.row(i).setConstant(F(3e18));
            }
            const Assigner<F> assigner(centroids);
            REQUIRE_FALSE(assigner.uses_gemm());
            CHECK(assigner.uses_scores() == (c.scale < 1e18 && !is_float));  // float data: exact distances
            CHECK(assigner.uses_mixed_precision() == (!is_float && c.scale < 1e18));
            const CentroidScanner<F> reference(centroids);  // the exact kernel's distances and ties
            auto scratch = assigner.scratch();
            std::vector<std::int32_t> labels(std::size_t(x.rows()));
            std::vector<F> sq(labels.size());
            assigner.assign(x.data(), std::size_t(x.rows()), labels.data(), sq.data(), scratch);
            for (Eigen::Index i = 0; i < x.rows(); ++i) {
                CAPTURE(i);
                const auto expected = reference.template nearest_two<0>(x.row(i).data());
                CHECK(labels[std::size_t(i)] == expected.label);
                CHECK(labels[std::size_t(i)] != 7);
                CHECK(double(sq[std::size_t(i)]) ==
                      doctest::Approx(test::nearest(centroids, x.row(i).data()).second).epsilon(is_float ? 1e-5 : 1e-12));
            }
        }
    }
}

TEST_CASE("A fit on the mixed-precision path equals the exact assignment's fixed point") {
    // Lloyd's labels at the end are those of the exact nearest final centroid.
    const auto data = test::blobs<double>(40, 48, 60, 21, 3.0);
    const auto fitted = KMeans<double>::params_with_rng(40, linfa::Rng(2)).tolerance(0.0).fit_predict(data);
    for (Eigen::Index i = 0; i < data.records().rows(); ++i)
        CHECK(fitted.labels[i] == test::nearest(fitted.model.centroids(), data.records().row(i).data()).first);
    CHECK(fitted.model.inertia() == doctest::Approx(test::brute_inertia(data.records(), fitted.model.centroids())).epsilon(1e-12));
}
