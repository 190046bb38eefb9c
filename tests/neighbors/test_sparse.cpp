// Neighbours on sparse (CSR) records: the index, KNeighborsClassifier / KNeighborsRegressor and
// DBSCAN give exactly the answers of their dense form (every metric, float and double, 32- and
// 64-bit indices, unsorted columns and explicit zeros, the Euclidean filter at many features),
// dense and sparse queries mix either way, the same on 1 and 3 threads; model files of sparse
// fits round-trip and damaged ones are refused; every bad input gets a clear error.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <linfa/clustering/dbscan.hpp>
#include <linfa/neighbors.hpp>

#include "helpers.hpp"
#include "support.hpp"

using linfa::CsrMatrix;
using linfa::CsrView;
using linfa::DatasetView;
using linfa::Labels;
using linfa::Matrix;
using linfa::MatrixView;
using linfa::SparseDatasetView;
namespace nn = linfa::nn;
namespace neighbors = linfa::neighbors;
namespace clustering = linfa::clustering;

namespace {

/// n x d records, about `density` of them non-zero, on a coarse grid (ties, duplicates).
template <class F>
Matrix<F> sparse_grid(std::size_t n, std::size_t d, double density, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> coin(0, 1);
    std::uniform_int_distribution<int> cell(-4, 4);
    Matrix<F> x = Matrix<F>::Zero(Eigen::Index(n), Eigen::Index(d));
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (Eigen::Index j = 0; j < x.cols(); ++j)
            if (coin(gen) < density) x(i, j) = F(cell(gen) * 0.5);
    for (Eigen::Index i = 7; i < x.rows(); i += 7) x.row(i) = x.row(i / 2);
    return x;
}

template <class F>
MatrixView<F> view(const Matrix<F>& m) {
    return MatrixView<F>(m.data(), m.rows(), m.cols());
}

/// The CSR arrays of `x` with every row's columns reversed and an explicit zero stored in
/// column 0 of every third row that lacks it: the same matrix, as scikit-learn may hand it over.
template <class F, class I>
struct Shuffled {
    std::vector<I> indptr{0}, indices;
    std::vector<F> data;
    std::size_t rows, cols;
    explicit Shuffled(const Matrix<F>& x) : rows(std::size_t(x.rows())), cols(std::size_t(x.cols())) {
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            if (i % 3 == 0 && x(i, 0) == F(0)) indices.push_back(0), data.push_back(F(0));
            for (Eigen::Index j = x.cols() - 1; j >= 0; --j)
                if (x(i, j) != F(0)) indices.push_back(I(j)), data.push_back(x(i, j));
            indptr.push_back(I(data.size()));
        }
    }
    CsrView<F, I> csr() const { return CsrView<F, I>(rows, cols, indptr, indices, data); }
};

template <class F>
void check_same(const nn::KNeighbours<F>& a, const nn::KNeighbours<F>& b) {
    CHECK((a.indices.array() == b.indices.array()).all());
    CHECK((a.distances.array() == b.distances.array()).all());
}

template <class F>
void check_same(const nn::RadiusNeighbours<F>& a, const nn::RadiusNeighbours<F>& b) {
    CHECK(a.offsets == b.offsets);
    CHECK(a.indices == b.indices);
    CHECK(a.distances == b.distances);
}

const nn::Metric metrics[] = {{nn::MetricKind::euclidean, 2}, {nn::MetricKind::manhattan, 1}, {nn::MetricKind::chebyshev, 1},
                              {nn::MetricKind::minkowski, 3}};

}  // namespace

TEST_CASE_TEMPLATE("a sparse index answers as the dense index over the same points, every metric", F, float, double) {
    for (const std::size_t d : {std::size_t(3), std::size_t(60)}) {  // 60: the Euclidean filter's path
        const Matrix<F> x = sparse_grid<F>(150, d, d == 3 ? 0.6 : 0.15, 11);
        const Matrix<F> q = sparse_grid<F>(40, d, d == 3 ? 0.6 : 0.15, 12);
        const Shuffled<F, std::int32_t> x32(x);
        const Shuffled<F, std::int64_t> q64(q);
        for (const nn::Metric& metric : metrics) {
            CAPTURE(d);
            CAPTURE(metric.name());
            nn::IndexOptions options;
            options.metric = metric;
            const nn::NeighbourIndex<F> dense(x, options), sparse(x32.csr(), options);
            CHECK(sparse.sparse());
            CHECK(sparse.algorithm() == nn::IndexAlgorithm::brute);
            CHECK(sparse.size() == 150);
            CHECK(sparse.n_features() == d);
            const auto expected = dense.kneighbors(view(q), 9);
            check_same(expected, sparse.kneighbors(q64.csr(), 9));   // sparse points, sparse queries
            check_same(expected, sparse.kneighbors(view(q), 9));     // sparse points, dense queries
            check_same(expected, dense.kneighbors(q64.csr(), 9));    // dense points, sparse queries
            check_same(dense.kneighbors(view(x), 150), sparse.kneighbors(x32.csr(), 150));  // k = n
            const F radius = F((d == 3 ? 1.5 : 3.0) * (metric.kind == nn::MetricKind::manhattan ? 3 : 1));
            const auto within = dense.radius_neighbors(view(q), radius);
            CHECK(!within.indices.empty());
            check_same(within, sparse.radius_neighbors(q64.csr(), radius));
            check_same(within, sparse.radius_neighbors(view(q), radius));
            check_same(within, dense.radius_neighbors(q64.csr(), radius));
            check_same(dense.radius_neighbors(view(q), F(0)), sparse.radius_neighbors(q64.csr(), F(0)));
            nn::IndexOptions brute = options;
            brute.algorithm = nn::IndexAlgorithm::brute;
            const nn::RadiusGraph a = nn::NeighbourIndex<F>(x, brute).radius_graph(radius), b = sparse.radius_graph(radius);
            CHECK(a.offsets == b.offsets);
            CHECK(a.indices == b.indices);
        }
    }
}

TEST_CASE("a sparse index keeps sorted copies: the caller's arrays may go, asked-for trees fall back to brute force") {
    const Matrix<double> x = sparse_grid<double>(50, 8, 0.4, 3);
    nn::IndexOptions options;
    options.algorithm = nn::IndexAlgorithm::kd_tree;
    auto shuffled = std::make_unique<Shuffled<double, std::int32_t>>(x);
    const nn::NeighbourIndex<double> sparse(shuffled->csr(), options);
    shuffled.reset();
    CHECK(sparse.algorithm() == nn::IndexAlgorithm::brute);
    const CsrView<double, std::int64_t> kept = sparse.sparse_points();
    CHECK((linfa::to_dense(kept).array() == x.array()).all());
    for (std::size_t i = 0; i < kept.rows(); ++i) {
        const auto row = kept.row(i);
        for (std::size_t e = 1; e < row.indices.size(); ++e) CHECK(row.indices[e - 1] < row.indices[e]);
    }
    CHECK_THROWS_AS(sparse.points(), std::logic_error);
    CHECK_THROWS_AS(nn::NeighbourIndex<double>(x, {}).sparse_points(), std::logic_error);
    check_same(nn::NeighbourIndex<double>(x, {}).kneighbors(view(x), 4), sparse.kneighbors(view(x), 4));
}

TEST_CASE("sparse searches give the same answer on 1 and 3 threads, many chunks") {
    const Matrix<double> x = sparse_grid<double>(400, 40, 0.2, 5);
    const auto csr = CsrMatrix<double, std::int32_t>::from_dense(x);
    const nn::NeighbourIndex<double> index(csr.view(), {});
    const auto one = test::with_threads(1, [&] { return std::make_pair(index.kneighbors(csr.view(), 6), index.radius_neighbors(csr.view(), 2.0)); });
    const auto three = test::with_threads(3, [&] { return std::make_pair(index.kneighbors(csr.view(), 6), index.radius_neighbors(csr.view(), 2.0)); });
    check_same(one.first, three.first);
    check_same(one.second, three.second);
}

TEST_CASE("bad sparse index input is refused with a clear message") {
    const Matrix<double> x = sparse_grid<double>(20, 5, 0.5, 9);
    const auto csr = CsrMatrix<double, std::int32_t>::from_dense(x);
    const nn::NeighbourIndex<double> index(csr.view(), {});
    const auto wide = CsrMatrix<double, std::int32_t>::from_dense(sparse_grid<double>(3, 6, 0.5, 1));
    test::check_throws([&] { (void)index.kneighbors(wide.view(), 2); }, "queries must have 5 features (as the indexed points); found 6");
    test::check_throws([&] { (void)index.kneighbors(csr.view(), 0); }, "k must be between 1 and the number of indexed points (20); found 0");
    test::check_throws([&] { (void)index.kneighbors(csr.view(), 21); }, "found 21");
    test::check_throws([&] { (void)index.radius_neighbors(csr.view(), -1.0); }, "radius must be a non-negative number");
    const std::vector<std::int32_t> indptr{0, 0}, none;
    const std::vector<double> empty;
    const CsrView<double, std::int32_t> no_features(1, 0, indptr, none, empty);
    test::check_throws([&] { nn::NeighbourIndex<double>(no_features, {}); }, "points have zero features");
    const std::vector<std::int32_t> no_rows{0};
    test::check_throws([&] { nn::NeighbourIndex<double>(CsrView<double, std::int32_t>(0, 3, no_rows, none, empty), {}); },
                       "an index needs at least one point");
    nn::IndexOptions bad;
    bad.leaf_size = 0;
    test::check_throws([&] { nn::NeighbourIndex<double>(csr.view(), bad); }, "leaf_size must be at least 1");
    Matrix<double> nan_query = x.topRows(2);
    nan_query(1, 3) = std::nan("");
    test::check_throws([&] { (void)index.kneighbors(view(nan_query), 2); }, "queries contain NaN or infinity (row 1, column 3)");
}

TEST_CASE_TEMPLATE("k-nearest-neighbour models fitted on sparse records predict as the dense fit", F, float, double) {
    const Matrix<F> x = sparse_grid<F>(120, 30, 0.2, 21);
    const Matrix<F> q = sparse_grid<F>(35, 30, 0.2, 22);
    Labels labels(120);
    Matrix<F> targets(120, 2);
    for (Eigen::Index i = 0; i < 120; ++i) labels[i] = std::int32_t(3 * (i % 4)), targets(i, 0) = F(i), targets(i, 1) = x(i, 1);
    const std::span<const std::int32_t> label_span(labels.data(), 120);
    const MatrixView<F> target_view(targets.data(), 120, 2);
    const Shuffled<F, std::int32_t> xs(x);
    const auto q64 = CsrMatrix<F, std::int64_t>::from_dense(q);
    for (const auto weights : {neighbors::Weights::uniform, neighbors::Weights::distance}) {
        for (const nn::Metric& metric : metrics) {
            CAPTURE(metric.name());
            const auto classifier = neighbors::KNeighborsClassifier<F>::params().n_neighbors(5).weights(weights).metric(metric);
            const auto dense = classifier.fit(DatasetView<F>(x).with_labels(label_span));
            const auto sparse = classifier.fit(SparseDatasetView<F, std::int32_t>(xs.csr()).with_labels(label_span));
            CHECK(sparse.sparse());
            CHECK(!dense.sparse());
            CHECK(sparse.n_samples() == 120);
            CHECK(sparse.n_features() == 30);
            const Labels expected = dense.predict(q);
            CHECK((sparse.predict(q).array() == expected.array()).all());
            CHECK((sparse.predict(q64.view()).array() == expected.array()).all());
            CHECK((dense.predict(q64.view()).array() == expected.array()).all());
            const Matrix<F> proba = dense.predict_proba(q);
            CHECK((sparse.predict_proba(q64.view()).array() == proba.array()).all());
            CHECK((dense.predict_proba(q64.view()).array() == proba.array()).all());
            check_same(dense.kneighbors(q, 7), sparse.kneighbors(q64.view(), 7));

            const auto regressor = neighbors::KNeighborsRegressor<F>::params().n_neighbors(4).weights(weights).metric(metric);
            const auto dense_r = regressor.fit(DatasetView<F>(x).with_targets(target_view));
            const auto sparse_r = regressor.fit(SparseDatasetView<F, std::int64_t>(CsrMatrix<F, std::int64_t>::from_dense(x).view()).with_targets(target_view));
            CHECK((sparse_r.predict(q64.view()).array() == dense_r.predict(q).array()).all());
            CHECK((sparse_r.predict(q).array() == dense_r.predict(q64.view()).array()).all());
        }
    }
}

TEST_CASE("model files of sparse fits round-trip in both encodings; damaged ones are refused") {
    const Matrix<double> x = sparse_grid<double>(40, 12, 0.3, 31);
    Labels labels(40);
    for (Eigen::Index i = 0; i < 40; ++i) labels[i] = std::int32_t(i % 3);
    const Shuffled<double, std::int32_t> xs(x);
    const auto model = neighbors::KNeighborsClassifier<double>::params().n_neighbors(3).fit(
        SparseDatasetView<double, std::int32_t>(xs.csr()).with_labels(std::span<const std::int32_t>(labels.data(), 40)));
    for (const auto format : {linfa::FileFormat::binary, linfa::FileFormat::json}) {
        const auto back = test::from_bytes<neighbors::KNeighborsClassifier<double>>(test::to_bytes(model, format));
        CHECK(back.sparse());
        CHECK((back.predict_proba(x).array() == model.predict_proba(x).array()).all());
        CHECK(test::to_bytes(back, format) == test::to_bytes(model, format));
    }
    const Matrix<float> x32 = x.cast<float>(), targets = x32.leftCols(2);
    const auto x32_csr = CsrMatrix<float, std::int64_t>::from_dense(x32);
    const auto regressor = neighbors::KNeighborsRegressor<float>::params().fit(
        SparseDatasetView<float, std::int64_t>(x32_csr.view()).with_targets(MatrixView<float>(targets.data(), 40, 2)));
    const auto regressor_back = test::from_bytes<neighbors::KNeighborsRegressor<float>>(test::to_bytes(regressor));
    CHECK(regressor_back.sparse());
    CHECK((regressor_back.predict(x32).array() == regressor.predict(x32).array()).all());

    // A column index past the features, written into the JSON encoding, is refused on load.
    std::string json = test::to_bytes(model, linfa::FileFormat::json);
    const std::size_t at = json.find("\"indices\"");
    REQUIRE(at != std::string::npos);
    const std::size_t digit = json.find_first_of("0123456789", at);
    json.replace(digit, json.find_first_not_of("0123456789", digit) - digit, "99");
    test::check_throws([&] { (void)test::from_bytes<neighbors::KNeighborsClassifier<double>>(json); }, "sparse records: CSR column index 99 out of range");
}

TEST_CASE("bad sparse input to the neighbour models is refused with a clear message") {
    const Matrix<float> x = sparse_grid<float>(10, 4, 0.5, 41);
    Labels labels = Labels::Zero(10);
    const std::span<const std::int32_t> label_span(labels.data(), 10);
    std::vector<std::int32_t> indptr{0, 1}, indices{2};
    std::vector<float> huge{1e30f};
    const CsrView<float, std::int32_t> too_large(1, 4, indptr, indices, huge);
    const auto params = neighbors::KNeighborsClassifier<float>::params().n_neighbors(3);
    test::check_throws([&] { (void)params.fit(SparseDatasetView<float, std::int32_t>(too_large).with_labels(label_span.first(1))); },
                       "records contain a value too large (row 0, column 2");
    const auto csr = CsrMatrix<float, std::int32_t>::from_dense(x);
    test::check_throws([&] { (void)params.fit(SparseDatasetView<float, std::int32_t>(csr.view())); }, "the dataset has no class labels to fit");
    test::check_throws([&] { (void)neighbors::KNeighborsClassifier<float>::params().n_neighbors(11).fit(SparseDatasetView<float, std::int32_t>(csr.view()).with_labels(label_span)); },
                       "n_neighbors = 11 must be at most the number of training samples, found n_samples = 10");
    const std::vector<float> weights(10, 1.0f);
    test::check_throws([&] { (void)params.fit(SparseDatasetView<float, std::int32_t>(csr.view(), weights).with_labels(label_span)); },
                       "sample weights are not supported");
    const auto model = params.fit(SparseDatasetView<float, std::int32_t>(csr.view()).with_labels(label_span));
    test::check_throws([&] { (void)model.predict(too_large); }, "records contain a value too large (row 0, column 2");
    const auto wide = CsrMatrix<float, std::int32_t>::from_dense(sparse_grid<float>(2, 5, 0.5, 1));
    test::check_throws([&] { (void)model.predict(wide.view()); }, "KNeighborsClassifier: expected 4 features per sample (as in training), found 5");
    CHECK_THROWS_AS((void)model.records(), std::logic_error);
}

TEST_CASE_TEMPLATE("DBSCAN on sparse records finds the clusters of the dense form, weighted too", F, float, double) {
    for (const std::size_t d : {std::size_t(4), std::size_t(40)}) {
        CAPTURE(d);
        const Matrix<F> x = sparse_grid<F>(200, d, d == 4 ? 0.5 : 0.1, 51);
        std::vector<F> weights(200);
        for (std::size_t i = 0; i < 200; ++i) weights[i] = F(0.5 + double(i % 5) * 0.4);
        const Shuffled<F, std::int64_t> xs(x);
        for (const nn::Metric& metric : metrics) {
            CAPTURE(metric.name());
            const auto params = clustering::DbscanParams<F>(d == 4 ? 1.0 : 2.0, 4).metric(metric);
            for (const bool weighted : {false, true}) {
                const std::span<const F> w = weighted ? std::span<const F>(weights) : std::span<const F>();
                const auto dense = params.fit_predict(DatasetView<F>(view(x), w));
                const auto sparse = params.fit_predict(SparseDatasetView<F, std::int64_t>(xs.csr(), w));
                CHECK((dense.labels.array() == sparse.labels.array()).all());
                CHECK(dense.core_sample_indices == sparse.core_sample_indices);
                CHECK(dense.n_clusters == sparse.n_clusters);
            }
        }
    }
}

TEST_CASE("bad sparse input to DBSCAN is refused with a clear message") {
    std::vector<std::int32_t> indptr{0, 1, 1}, indices{2};
    std::vector<float> huge{1e30f};
    const CsrView<float, std::int32_t> too_large(2, 4, indptr, indices, huge);
    const auto params = clustering::DbscanParams<float>(0.5, 2);
    test::check_throws([&] { (void)params.fit_predict(SparseDatasetView<float, std::int32_t>(too_large)); },
                       "DBSCAN: records contain a value too large (row 0, column 2");
    std::vector<float> small{1.0f};
    const CsrView<float, std::int32_t> fine(2, 4, indptr, indices, small);
    const std::vector<float> nan_weights{1.0f, std::nanf("")};
    test::check_throws([&] { (void)params.fit_predict(SparseDatasetView<float, std::int32_t>(fine, nan_weights)); },
                       "DBSCAN: sample weights contain NaN or infinity (sample 1)");
    const std::vector<std::int32_t> no_rows{0}, none;
    test::check_throws([&] { (void)params.fit_predict(SparseDatasetView<float, std::int32_t>(CsrView<float, std::int32_t>(0, 4, no_rows, none, {}))); },
                       "DBSCAN needs at least 1 sample, found 0");
    const auto found = params.fit_predict(SparseDatasetView<float, std::int32_t>(fine));
    CHECK(found.labels.size() == 2);
}
