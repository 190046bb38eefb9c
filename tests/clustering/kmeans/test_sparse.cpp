// K-Means on sparse (CSR) records: the same model as the dense fit of the same data up to
// rounding (the bound is tested), bit for bit the same on any thread count and with 32- or
// 64-bit indices, sample weights, empty-cluster relocation, predict / transform / score, and
// a clear refusal of unusable input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "error_message.hpp"
#include "helpers.hpp"

using linfa::CsrMatrix;
using linfa::Matrix;
using linfa::SparseDatasetView;
using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;

namespace {

/// Blobs in 12 dimensions with every entry of magnitude below 1.5 set to zero: about half of
/// the values are stored.
template <class F>
Matrix<F> sparse_blobs(std::size_t per_blob = 300, std::uint64_t seed = 7) {
    Matrix<F> x = test::blobs<F>(4, 12, per_blob, seed, 8.0).records();
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        if (std::abs(x.data()[i]) < F(1.5)) x.data()[i] = F(0);
    }
    return x;
}

/// The same matrix with 64-bit indices.
template <class F>
CsrMatrix<F, std::int64_t> with_long_indices(const Matrix<F>& dense) {
    return CsrMatrix<F, std::int64_t>::from_dense(dense);
}

/// Largest |a - b| relative to the largest |a|.
template <class F>
double relative_difference(const Matrix<F>& a, const Matrix<F>& b) {
    return (a.template cast<double>() - b.template cast<double>()).cwiseAbs().maxCoeff() /
           std::max(1.0, a.template cast<double>().cwiseAbs().maxCoeff());
}

/// Rounding of sums of a few hundred values in F: the documented difference between the
/// dense and the sparse fit (sums in another order, distances through the expansion).
template <class F>
double rounding_bound() {
    return std::is_same_v<F, float> ? 1e-5 : 1e-12;
}

}  // namespace

TEST_CASE_TEMPLATE("sparse K-Means fits the dense model of the same data, for every init", F, float, double) {
    const Matrix<F> dense = sparse_blobs<F>();
    const auto sparse = CsrMatrix<F>::from_dense(dense);
    for (const InitMethod init : {InitMethod::Random, InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        CAPTURE(int(init));
        const auto params = KMeans<F>::params_with_rng(4, linfa::Rng(11)).init_method(init).n_runs(2);
        const auto from_dense = params.fit_predict(dense);
        const auto from_sparse = params.check().fit_predict(sparse.view());
        CHECK(from_sparse.labels == from_dense.labels);
        CHECK(from_sparse.model.n_iterations() == from_dense.model.n_iterations());
        CHECK(relative_difference(from_sparse.model.centroids(), from_dense.model.centroids()) <= rounding_bound<F>());
        CHECK(from_sparse.model.inertia() == doctest::Approx(from_dense.model.inertia()).epsilon(rounding_bound<F>() * 10));
    }
}

TEST_CASE_TEMPLATE("sparse K-Means is the same bit for bit on any thread count and index width", F, float, double) {
    const Matrix<F> dense = sparse_blobs<F>(2000);
    const auto narrow = CsrMatrix<F>::from_dense(dense);
    const auto wide = with_long_indices(dense);
    for (const InitMethod init : {InitMethod::KMeansPlusPlus, InitMethod::KMeansPara}) {
        const auto params = KMeans<F>::params_with_rng(6, linfa::Rng(3)).init_method(init).check();
        const auto one = test::with_threads(1, [&] { return params.fit_predict(narrow.view()); });
        const auto two = test::with_threads(2, [&] { return params.fit_predict(narrow.view()); });
        const auto long_indices = test::with_threads(2, [&] { return params.fit_predict(wide.view()); });
        for (const auto* other : {&two, &long_indices}) {
            CHECK(other->model.centroids() == one.model.centroids());
            CHECK(other->labels == one.labels);
            CHECK(other->model.inertia() == one.model.inertia());
        }
    }
}

TEST_CASE_TEMPLATE("sparse predict, transform and score agree with the dense ones", F, float, double) {
    const Matrix<F> dense = sparse_blobs<F>();
    const auto sparse = CsrMatrix<F>::from_dense(dense);
    const auto model = KMeans<F>::params(4).fit(dense);
    CHECK(model.predict(sparse.view()) == model.predict(dense));
    CHECK(relative_difference(model.transform(sparse.view()), model.transform(dense)) <= std::sqrt(rounding_bound<F>()));
    CHECK(model.score(sparse.view()) == doctest::Approx(model.score(dense)).epsilon(rounding_bound<F>() * 10));
    std::vector<F> weights(dense.rows(), F(2));
    const linfa::DatasetView<F> weighted_dense(linfa::MatrixView<F>(dense.data(), dense.rows(), dense.cols()), weights);
    CHECK(model.score(SparseDatasetView<F>(sparse.view(), weights)) ==
          doctest::Approx(model.score(weighted_dense)).epsilon(rounding_bound<F>() * 10));
}

TEST_CASE("sample weights act as multiplicities on sparse rows") {
    const Matrix<double> dense = sparse_blobs<double>(100);
    const Matrix<double> init = dense.topRows(4);
    // Weight 2 on the first half equals the first half listed twice; weight 0 removes a row.
    std::vector<double> weights(dense.rows(), 1.0);
    std::fill(weights.begin(), weights.begin() + 200, 2.0);
    weights[300] = 0;
    Matrix<double> repeated(dense.rows() + 200 - 1, dense.cols());
    repeated << dense.topRows(200), dense.topRows(200), dense.middleRows(200, 100), dense.bottomRows(dense.rows() - 301);
    const auto params = KMeans<double>::params(4).init_centroids(init).check();
    const auto weighted_csr = CsrMatrix<double>::from_dense(dense);
    const auto repeated_csr = CsrMatrix<double>::from_dense(repeated);
    const auto weighted = params.fit(SparseDatasetView<double>(weighted_csr.view(), weights));
    const auto plain = params.fit(repeated_csr.view());
    CHECK(relative_difference(weighted.centroids(), plain.centroids()) <= 1e-12);
    CHECK(weighted.inertia() == doctest::Approx(plain.inertia()).epsilon(1e-12));
}

TEST_CASE("an empty cluster takes the farthest sparse row, as on dense rows") {
    const Matrix<double> dense = sparse_blobs<double>(100);
    Matrix<double> init = dense.topRows(4);
    init.row(3).setConstant(1e6);  // nothing is nearest to it: empty after the first pass
    const auto params = KMeans<double>::params(4).init_centroids(init).check();
    const auto from_dense = params.fit_predict(dense);
    const auto from_sparse = params.fit_predict(CsrMatrix<double>::from_dense(dense).view());
    CHECK(from_sparse.model.centroids().allFinite());
    CHECK(from_sparse.model.centroids().row(3).cwiseAbs().maxCoeff() < 1e3);  // relocated
    CHECK(from_sparse.labels == from_dense.labels);
    CHECK(relative_difference(from_sparse.model.centroids(), from_dense.model.centroids()) <= 1e-12);
}

TEST_CASE("rows with unsorted column indices give the sorted rows' model") {
    const Matrix<double> dense = sparse_blobs<double>(50);
    const auto sorted = CsrMatrix<double>::from_dense(dense);
    std::vector<std::int32_t> indptr(sorted.view().indptr().begin(), sorted.view().indptr().end());
    std::vector<std::int32_t> indices(sorted.view().indices().begin(), sorted.view().indices().end());
    std::vector<double> values(sorted.view().data().begin(), sorted.view().data().end());
    for (std::size_t i = 0; i + 1 < indptr.size(); ++i) {  // every row reversed
        std::reverse(indices.begin() + indptr[i], indices.begin() + indptr[i + 1]);
        std::reverse(values.begin() + indptr[i], values.begin() + indptr[i + 1]);
    }
    const CsrMatrix<double> reversed(sorted.rows(), sorted.cols(), indptr, indices, values);
    const auto params = KMeans<double>::params(4).check();
    const auto a = params.fit_predict(sorted.view()), b = params.fit_predict(reversed.view());
    CHECK(a.labels == b.labels);
    CHECK(relative_difference(a.model.centroids(), b.model.centroids()) <= 1e-12);
}

TEST_CASE("unusable sparse input is refused with a message that names the problem") {
    const Matrix<double> dense = sparse_blobs<double>(20);
    const auto sparse = CsrMatrix<double>::from_dense(dense);
    const auto model = KMeans<double>::params(3).fit(dense);
    using test::message_of;

    const auto narrow = CsrMatrix<double>::from_dense(Matrix<double>(dense.leftCols(5)));
    CHECK(message_of<linfa::clustering::KMeansInputError>([&] { model.predict(narrow.view()); }) ==
          "KMeans: expected 12 features per sample (as in training), found 5");
    const auto huge = CsrMatrix<double>::from_dense(Matrix<double>(Matrix<double>::Constant(2, 12, 1e300)));
    CHECK(message_of<linfa::InvalidInput>([&] { model.predict(huge.view()); }).find("value too large (row 0, column 0") !=
          std::string::npos);
    std::vector<double> negative(dense.rows(), 1.0);
    negative[5] = -1;
    CHECK(message_of<linfa::InvalidInput>([&] { model.score(SparseDatasetView<double>(sparse.view(), negative)); }) ==
          "sample weights must be non-negative, found -1.000000 at sample 5");
    CHECK(message_of<linfa::InvalidInput>([&] { SparseDatasetView<double>(sparse.view(), std::vector<double>(3, 1.0)); }) ==
          "sample weights: expected one weight per sample (80), found 3");

    auto fit = [&](const linfa::CsrView<double>& x, std::size_t k) { return KMeans<double>::params(k).check().fit(x); };
    CHECK(message_of<linfa::clustering::KMeansInputError>([&] { fit(sparse.view(), 81); }) ==
          "KMeans: n_samples = 80 must be at least n_clusters = 81");
    const CsrMatrix<double> no_features(3, 0, {0, 0, 0, 0}, {}, {});
    CHECK(message_of<linfa::clustering::KMeansInputError>([&] { fit(no_features.view(), 1); }) ==
          "KMeans: records have zero features; need at least one");
    const auto wrong_init = KMeans<double>::params(3).init_centroids(Matrix<double>::Zero(3, 4)).check();
    CHECK(message_of<linfa::clustering::KMeansInputError>([&] { wrong_init.fit(sparse.view()); }) ==
          "KMeans: init_centroids have 4 features, the records have 12");
}

TEST_CASE("rows that are all zeros and a matrix with no stored value cluster like dense zeros") {
    Matrix<double> dense = Matrix<double>::Zero(6, 3);
    dense(4, 1) = 5;
    dense(5, 1) = 5;
    const auto sparse = CsrMatrix<double>::from_dense(dense);
    const auto fitted = KMeans<double>::params(2).check().fit_predict(sparse.view());
    CHECK(fitted.labels[0] != fitted.labels[5]);
    CHECK(fitted.model.inertia() == doctest::Approx(0.0));
    const CsrMatrix<double> empty(4, 3, {0, 0, 0, 0, 0}, {}, {});
    const auto zeros = KMeans<double>::params(2).check().fit(empty.view());
    CHECK(zeros.centroids().cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE_TEMPLATE("sparse Hamerly gives sparse Lloyd's model bit for bit", F, float, double) {
    using linfa::clustering::KMeansAlgorithm;
    // Overlapping blobs (many rows near two centroids) and separated ones, several k, weights.
    for (const double spread : {8.0, 2.0}) {
        Matrix<F> dense = test::blobs<F>(5, 30, 400, 21, spread).records();
        for (Eigen::Index i = 0; i < dense.size(); ++i) {
            if (std::abs(dense.data()[i]) < F(1.0)) dense.data()[i] = F(0);
        }
        const auto sparse = CsrMatrix<F>::from_dense(dense);
        std::vector<F> weights(std::size_t(dense.rows()));
        for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = F(0.5 + double(i % 7) / 4);
        const SparseDatasetView<F> weighted(sparse.view(), weights);
        for (const std::size_t k : {1, 5, 12}) {
            CAPTURE(spread);
            CAPTURE(k);
            const auto with = [&](KMeansAlgorithm algorithm) {
                return KMeans<F>::params_with_rng(k, linfa::Rng(4)).n_runs(2).tolerance(0).algorithm(algorithm).check();
            };
            const auto lloyd = with(KMeansAlgorithm::Lloyd).fit_predict(weighted);
            const auto params = with(KMeansAlgorithm::Hamerly);
            const auto hamerly = test::with_threads(1, [&] { return params.fit_predict(weighted); });
            CHECK(hamerly.labels == lloyd.labels);
            CHECK(hamerly.model.centroids() == lloyd.model.centroids());
            CHECK(hamerly.model.inertia() == lloyd.model.inertia());
            CHECK(hamerly.model.n_iterations() == lloyd.model.n_iterations());
            const auto two = test::with_threads(2, [&] { return params.fit_predict(weighted); });
            CHECK(two.model.centroids() == hamerly.model.centroids());
        }
    }
    SUBCASE("an empty cluster is relocated as Lloyd relocates it") {
        const Matrix<F> dense = sparse_blobs<F>(100);
        Matrix<F> init = dense.topRows(4);
        init.row(3).setConstant(F(1e6));
        const auto sparse = CsrMatrix<F>::from_dense(dense);
        const auto lloyd = KMeans<F>::params(4).init_centroids(init).algorithm(KMeansAlgorithm::Lloyd).check().fit_predict(sparse.view());
        const auto hamerly = KMeans<F>::params(4).init_centroids(init).algorithm(KMeansAlgorithm::Hamerly).check().fit_predict(sparse.view());
        CHECK(hamerly.labels == lloyd.labels);
        CHECK(hamerly.model.centroids() == lloyd.model.centroids());
    }
}

TEST_CASE_TEMPLATE("sparse mini-batch K-Means: the dense mini-batch model, fit and stream", F, float, double) {
    const Matrix<F> dense = sparse_blobs<F>(500);
    const auto narrow = CsrMatrix<F>::from_dense(dense);
    const auto wide = with_long_indices(dense);
    const auto params = KMeans<F>::minibatch_params(4, linfa::Rng(9)).batch_size(128).check();
    const auto from_dense = params.fit_predict(dense);
    const auto from_sparse = test::with_threads(1, [&] { return params.fit_predict(narrow.view()); });
    CHECK(from_sparse.labels == from_dense.labels);
    CHECK(relative_difference(from_sparse.model.centroids(), from_dense.model.centroids()) <= 100 * rounding_bound<F>());
    const auto two = test::with_threads(2, [&] { return params.fit_predict(wide.view()); });
    CHECK(two.model.centroids() == from_sparse.model.centroids());
    CHECK(two.labels == from_sparse.labels);

    // fit_with on batches of 200 rows, sparse and dense side by side
    std::optional<KMeans<F>> dense_model, sparse_model;
    for (Eigen::Index start = 0; start + 200 <= dense.rows(); start += 200) {
        const Matrix<F> batch = dense.middleRows(start, 200);
        const auto batch_sparse = CsrMatrix<F>::from_dense(batch);
        dense_model = params.fit_with(std::move(dense_model), batch);
        sparse_model = params.fit_with(std::move(sparse_model), batch_sparse.view());
    }
    CHECK(relative_difference(sparse_model->centroids(), dense_model->centroids()) <= 100 * rounding_bound<F>());
    CHECK(sparse_model->predict(narrow.view()) == dense_model->predict(dense));
}
