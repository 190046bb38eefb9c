// StandardScaler, MinMaxScaler and MaxAbsScaler: the statistics against direct two-pass
// computations, weights as repeated rows, batch updates equal to one fit, scikit-learn's rules
// for constant features, the inverse maps, and bad input. Agreement with scikit-learn itself
// is checked from Python (python/tests/test_scalers.py).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include <linfa/preprocessing.hpp>

#include "error_message.hpp"

using linfa::DatasetView;
using linfa::Matrix;
using linfa::MatrixView;
using linfa::preprocessing::MaxAbsScaler;
using linfa::preprocessing::MinMaxScaler;
using linfa::preprocessing::StandardScaler;

static_assert(linfa::ParamGuard<linfa::preprocessing::StandardScalerParams<double>>);
static_assert(linfa::Fit<linfa::preprocessing::MinMaxScalerParams<float>, DatasetView<float>>);
static_assert(linfa::FitWith<linfa::preprocessing::StandardScalerParams<double>, StandardScaler<double>, DatasetView<double>>);
static_assert(linfa::FitWith<linfa::preprocessing::MinMaxScalerParams<float>, MinMaxScaler<float>, DatasetView<float>>);
static_assert(linfa::FitWith<linfa::preprocessing::MaxAbsScalerParams<double>, MaxAbsScaler<double>, DatasetView<double>>);
static_assert(linfa::InverseTransformer<StandardScaler<float>, DatasetView<float>>);
static_assert(linfa::InverseTransformer<MinMaxScaler<double>, DatasetView<double>>);
static_assert(linfa::InverseTransformer<MaxAbsScaler<float>, DatasetView<float>>);
static_assert(!linfa::Predict<StandardScaler<double>, DatasetView<double>>);

namespace {

/// n x d records, feature j around mean 10^j (so large means meet small spreads), with a
/// constant feature last.
Matrix<double> records(Eigen::Index n, Eigen::Index d, std::uint64_t seed = 3) {
    linfa::Rng rng(seed);
    Matrix<double> x(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j + 1 < d; ++j) x(i, j) = std::pow(10.0, double(j)) + (1.0 + double(j)) * rng.normal<double>();
        x(i, d - 1) = 0.1;
    }
    return x;
}

/// Rows [begin, end) of x as a view.
template <class F>
DatasetView<F> rows(const Matrix<F>& x, Eigen::Index begin, Eigen::Index end) {
    return DatasetView<F>(MatrixView<F>(x.data() + begin * x.cols(), end - begin, x.cols()));
}

/// x weighted by w.
DatasetView<double> weighted(const Matrix<double>& x, const std::vector<double>& w) {
    return DatasetView<double>(MatrixView<double>(x.data(), x.rows(), x.cols()), w);
}

}  // namespace

TEST_CASE("StandardScaler: means and variances as two passes compute them; constant features get scale 1") {
    const Matrix<double> x = records(20000, 5);  // several chunks and blocks
    const auto scaler = StandardScaler<double>::params().fit(DatasetView<double>(x));
    const Eigen::RowVectorXd mean = x.colwise().mean();
    const Eigen::RowVectorXd var = (x.rowwise() - mean).array().square().colwise().mean();
    for (Eigen::Index j = 0; j < 4; ++j) {
        CHECK(scaler.mean()[j] == doctest::Approx(mean[j]).epsilon(1e-14));
        CHECK(scaler.variance()[j] == doctest::Approx(var[j]).epsilon(1e-12));
    }
    CHECK(scaler.mean()[4] == 0.1);  // a constant feature's mean is its value, not a rounded sum
    CHECK(scaler.variance()[4] == 0.0);
    CHECK(scaler.moments().rows == 20000);
    CHECK(scaler.moments().weight == 20000.0);
    CHECK(scaler.scale()[4] == 1.0);  // constant
    CHECK(scaler.scale()[3] == doctest::Approx(std::sqrt(var[3])).epsilon(1e-13));
    const Matrix<double> z = scaler.transform(DatasetView<double>(x));
    CHECK(z.allFinite());
    CHECK(z.col(4).cwiseAbs().maxCoeff() == 0.0);
    for (Eigen::Index j = 0; j < 4; ++j) {
        CHECK(std::abs(z.col(j).mean()) < 1e-12);
        CHECK(z.col(j).array().square().mean() == doctest::Approx(1.0).epsilon(1e-12));
    }
    const Matrix<double> back = scaler.inverse_transform(DatasetView<double>(z));
    CHECK((back - x).cwiseAbs().maxCoeff() < 1e-12 * x.cwiseAbs().maxCoeff());
}

TEST_CASE("StandardScaler: the transform is scikit-learn's (x - mean) / scale; with_mean and with_std drop a step") {
    const Matrix<double> x = records(300, 3);
    const auto both = StandardScaler<double>::params().fit(DatasetView<double>(x));
    const Matrix<double> z = both.transform(DatasetView<double>(x));
    for (Eigen::Index j = 0; j < 2; ++j) {
        for (Eigen::Index i = 0; i < 300; ++i) CHECK(z(i, j) == (x(i, j) - both.mean()[j]) / both.scale()[j]);
    }
    const auto no_mean = StandardScaler<double>::params().with_mean(false).fit(DatasetView<double>(x));
    CHECK(no_mean.mean() == both.mean());  // still learnt
    CHECK(no_mean.transform(DatasetView<double>(x))(7, 1) == x(7, 1) / both.scale()[1]);
    const auto no_std = StandardScaler<double>::params().with_std(false).fit(DatasetView<double>(x));
    CHECK(no_std.scale() == Eigen::VectorXd::Ones(3));
    CHECK(no_std.transform(DatasetView<double>(x))(7, 1) == x(7, 1) - both.mean()[1]);
    const auto neither = StandardScaler<double>::params().with_mean(false).with_std(false).fit(DatasetView<double>(x));
    CHECK(neither.transform(DatasetView<double>(x)) == x);
}

TEST_CASE("StandardScaler: a weight w counts as w repeated rows") {
    const Matrix<double> x = records(500, 3);
    std::vector<double> w(500);
    std::vector<Eigen::Index> repeated;
    for (Eigen::Index i = 0; i < 500; ++i) {
        w[std::size_t(i)] = double(i % 3);
        for (int r = 0; r < i % 3; ++r) repeated.push_back(i);
    }
    const Matrix<double> expanded = x(repeated, Eigen::all);
    const auto by_weight = StandardScaler<double>::params().fit(weighted(x, w));
    const auto plain = StandardScaler<double>::params().fit(DatasetView<double>(expanded));
    CHECK(by_weight.moments().weight == double(expanded.rows()));
    CHECK(by_weight.moments().rows == 500);
    for (Eigen::Index j = 0; j < 3; ++j) {
        CHECK(by_weight.mean()[j] == doctest::Approx(plain.mean()[j]).epsilon(1e-14));
        CHECK(by_weight.variance()[j] == doctest::Approx(plain.variance()[j]).epsilon(1e-12));
    }
}

TEST_CASE("StandardScaler: a large mean leaves the variance accurate (no sums of raw squares)") {
    Matrix<double> x(10000, 1);
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 0) = 1e9 + double(i % 2);  // variance 0.25
    const auto scaler = StandardScaler<double>::params().fit(DatasetView<double>(x));
    CHECK(scaler.variance()[0] == doctest::Approx(0.25).epsilon(1e-9));
    Matrix<float> xf = x.cast<float>();
    for (Eigen::Index i = 0; i < xf.rows(); ++i) xf(i, 0) = 1e4f + float(i % 2);
    CHECK(StandardScaler<float>::params().fit(DatasetView<float>(xf)).variance()[0] == doctest::Approx(0.25).epsilon(1e-12));
}

TEST_CASE("fit_with: batches give the model one fit gives") {
    const Matrix<double> x = records(9000, 4);
    const auto p = StandardScaler<double>::params();
    auto model = p.fit_with(std::nullopt, rows(x, 0, 1000));
    model = p.fit_with(model, rows(x, 1000, 5000));
    model = p.fit_with(model, rows(x, 5000, 9000));
    const auto once = p.fit(DatasetView<double>(x));
    CHECK(model.moments().rows == 9000);
    CHECK((model.mean() - once.mean()).cwiseAbs().maxCoeff() < 1e-12 * once.mean().cwiseAbs().maxCoeff());
    CHECK((model.variance() - once.variance()).cwiseAbs().maxCoeff() < 1e-11 * once.variance().maxCoeff());

    const auto mm = MinMaxScaler<double>::params();
    const auto mm_model = mm.fit_with(mm.fit_with(std::nullopt, rows(x, 0, 3000)), rows(x, 3000, 9000));
    CHECK(mm_model.data_min() == mm.fit(DatasetView<double>(x)).data_min());
    CHECK(mm_model.data_max() == mm.fit(DatasetView<double>(x)).data_max());
    CHECK(mm_model.extremes().rows == 9000);
    const auto ma = MaxAbsScaler<double>::params();
    CHECK(ma.fit_with(ma.fit_with(std::nullopt, rows(x, 0, 10)), rows(x, 10, 9000)).scale() ==
          ma.fit(DatasetView<double>(x)).scale());

    const Matrix<double> narrow = records(10, 3);
    CHECK_THROWS_WITH_AS(p.fit_with(model, DatasetView<double>(narrow)),
                         "StandardScaler: the batch has 3 features, the model 4", linfa::preprocessing::ScalerInputError);
}

TEST_CASE("MinMaxScaler: the training range lands on the feature range; clip; constant features") {
    const Matrix<double> x = records(1000, 3);
    const auto scaler = MinMaxScaler<double>::params().feature_range(-1, 3).fit(DatasetView<double>(x));
    CHECK(scaler.data_min() == Eigen::VectorXd(x.colwise().minCoeff().transpose()));
    CHECK(scaler.data_max() == Eigen::VectorXd(x.colwise().maxCoeff().transpose()));
    const Matrix<double> y = scaler.transform(DatasetView<double>(x));
    for (Eigen::Index j = 0; j < 2; ++j) {
        CHECK(y.col(j).minCoeff() == doctest::Approx(-1.0).epsilon(1e-14));
        CHECK(y.col(j).maxCoeff() == doctest::Approx(3.0).epsilon(1e-14));
        CHECK(y(5, j) == x(5, j) * scaler.scale()[j] + scaler.min()[j]);  // scikit-learn's order
    }
    CHECK(scaler.scale()[2] == 4.0);  // a constant feature: range 0 counts as 1
    CHECK(y.col(2).cwiseEqual(-1.0 - 0.1 * 4.0 + 0.1 * 4.0).all());
    CHECK((scaler.inverse_transform(DatasetView<double>(y)) - x).cwiseAbs().maxCoeff() < 1e-12);

    Matrix<double> outside = x.topRows(2);
    outside(0, 0) = 1e6, outside(1, 0) = -1e6;
    const Matrix<double> unclipped = scaler.transform(DatasetView<double>(outside));
    CHECK(unclipped(0, 0) > 3.0);
    const auto clipped = MinMaxScaler<double>::params().feature_range(-1, 3).clip(true).fit(DatasetView<double>(x));
    const Matrix<double> c = clipped.transform(DatasetView<double>(outside));
    CHECK(c(0, 0) == 3.0);
    CHECK(c(1, 0) == -1.0);
}

TEST_CASE("MaxAbsScaler: divides by the largest magnitude; an all-zero feature is left as it is") {
    Matrix<float> x(4, 3);
    x << -4, 0, 1, 2, 0, 2, 1, 0, -8, 3, 0, 0;
    const auto scaler = MaxAbsScaler<float>::params().fit(DatasetView<float>(x));
    CHECK(scaler.max_abs() == Eigen::Vector3d(4, 0, 8));
    CHECK(scaler.scale() == Eigen::Vector3d(4, 1, 8));
    const Matrix<float> y = scaler.transform(DatasetView<float>(x));
    CHECK(y(0, 0) == -1.0f);
    CHECK(y(2, 2) == -1.0f);
    CHECK(y.col(1).isZero());
    CHECK(scaler.inverse_transform(DatasetView<float>(y)) == x);
}

TEST_CASE("Scalers refuse bad parameters and bad input with clear errors") {
    using linfa::preprocessing::ScalerInputError;
    using linfa::preprocessing::ScalerParamsError;
    CHECK_THROWS_WITH_AS(MinMaxScaler<double>::params().feature_range(1, 1).check(),
                         "MinMaxScaler: feature_range must be finite with min < max, found (1, 1)", ScalerParamsError);
    CHECK_THROWS_AS(MinMaxScaler<double>::params().feature_range(0, std::nan("")).check(), ScalerParamsError);
    CHECK_THROWS_AS(MinMaxScaler<double>::params().feature_range(2, 1).fit(DatasetView<double>(records(5, 2))),
                    linfa::InvalidParams);

    const Matrix<double> x = records(50, 3);
    Matrix<double> nan = x;
    nan(17, 1) = std::numeric_limits<double>::quiet_NaN();
    Matrix<double> inf = x;
    inf(40, 2) = -std::numeric_limits<double>::infinity();
    const Matrix<double> empty(0, 3);
    Matrix<double> huge = Matrix<double>::Constant(4, 3, 1e200);  // squared deviations overflow
    huge.row(1) *= -1;
    const std::vector<double> negative(50, -1.0);
    const Matrix<double> narrow = records(5, 2);

    auto refuses_everywhere = [&](const auto& params, const char* who) {
        CAPTURE(who);
        CHECK_THROWS_WITH_AS(params.fit(DatasetView<double>(nan)), "records contain NaN or infinity (row 17, column 1)",
                             linfa::InvalidInput);
        CHECK_THROWS_WITH_AS(params.fit(DatasetView<double>(inf)), "records contain NaN or infinity (row 40, column 2)",
                             linfa::InvalidInput);
        CHECK_THROWS_WITH_AS(params.fit(DatasetView<double>(empty)), (std::string(who) + ": need at least 1 sample, found 0").c_str(),
                             ScalerInputError);
        const auto model = params.fit(DatasetView<double>(x));
        CHECK_THROWS_WITH_AS(model.transform(DatasetView<double>(nan)), "records contain NaN or infinity (row 17, column 1)",
                             linfa::InvalidInput);
        CHECK_THROWS_AS(model.inverse_transform(DatasetView<double>(inf)), linfa::InvalidInput);
        CHECK_THROWS_WITH_AS(model.transform(DatasetView<double>(narrow)),
                             (std::string(who) + ": expected 3 features per sample (as in training), found 2").c_str(), ScalerInputError);
        CHECK_THROWS_AS(model.inverse_transform(DatasetView<double>(narrow)), ScalerInputError);
    };
    refuses_everywhere(StandardScaler<double>::params(), "StandardScaler");
    refuses_everywhere(MinMaxScaler<double>::params(), "MinMaxScaler");
    refuses_everywhere(MaxAbsScaler<double>::params(), "MaxAbsScaler");

    CHECK_THROWS_WITH_AS(StandardScaler<double>::params().fit(weighted(x, negative)),
                         "sample weights must be non-negative, found -1.000000 at sample 0", linfa::InvalidInput);
    const std::vector<double> ones(50, 1.0);
    CHECK_THROWS_WITH_AS(MinMaxScaler<double>::params().fit(weighted(x, ones)),
                         "MinMaxScaler: sample weights are not supported", ScalerInputError);
    CHECK_THROWS_WITH_AS(MaxAbsScaler<double>::params().fit(weighted(x, ones)),
                         "MaxAbsScaler: sample weights are not supported", ScalerInputError);
    CHECK_THROWS_WITH_AS(StandardScaler<double>::params().fit(DatasetView<double>(huge)),
                         doctest::Contains("overflow double"), linfa::InvalidInput);

    // an image too large for float: a tiny scale and a value far outside the training range
    Matrix<float> tight = Matrix<float>::Constant(3, 1, 1.0f);
    tight(0, 0) = 1.0f + 1e-5f;  // a range just over the constant-feature threshold
    const auto scaler = MinMaxScaler<float>::params().fit(DatasetView<float>(tight));
    const Matrix<float> far = Matrix<float>::Constant(1, 1, 3e38f);
    CHECK_THROWS_WITH_AS(scaler.transform(DatasetView<float>(far)), doctest::Contains("MinMaxScaler: the scaled records"),
                         linfa::InvalidInput);
}

TEST_CASE_TEMPLATE("sparse records: MaxAbsScaler and StandardScaler(with_mean=false) as on the dense rows", F, float, double) {
    using linfa::CsrMatrix;
    linfa::Matrix<F> x = linfa::Matrix<F>::Random(200, 6) * F(4);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = std::abs(x.data()[i]) < F(2.5) ? F(0) : x.data()[i];
    x.col(5).setConstant(F(1.5));  // a column stored in every row: no implicit zero
    const auto csr = CsrMatrix<F>::from_dense(x);
    const double tolerance = std::is_same_v<F, float> ? 1e-6 : 1e-12;

    const auto max_abs = MaxAbsScaler<F>::params().check().fit(csr.view());
    CHECK(max_abs.scale() == MaxAbsScaler<F>::params().fit(x).scale());
    const auto scaled = max_abs.transform(csr.view());
    CHECK(scaled.nnz() == csr.nnz());  // the zeros stay unstored
    CHECK(linfa::to_dense(scaled.view()) == MaxAbsScaler<F>::params().fit(x).transform(x));
    CHECK((linfa::to_dense(max_abs.inverse_transform(scaled.view()).view()) - x).cwiseAbs().maxCoeff() <= tolerance * 4);

    const auto params = StandardScaler<F>::params().with_mean(false).check();
    const auto sparse_fit = params.fit(csr.view());
    const auto dense_fit = params.fit(x);
    CHECK((sparse_fit.variance() - dense_fit.variance()).cwiseAbs().maxCoeff() <= tolerance * dense_fit.variance().maxCoeff());
    CHECK((sparse_fit.mean() - dense_fit.mean()).cwiseAbs().maxCoeff() <= tolerance * 4);
    CHECK(sparse_fit.scale()[5] == 1.0);  // the constant column: divided by 1, as on dense rows
    CHECK((linfa::to_dense(sparse_fit.transform(csr.view()).view()) - dense_fit.transform(x)).cwiseAbs().maxCoeff() <= tolerance * 4);
    // fit_with over two sparse batches: the statistics of both
    const auto first = CsrMatrix<F>::from_dense(linfa::Matrix<F>(x.topRows(120)));
    const auto second = CsrMatrix<F>::from_dense(linfa::Matrix<F>(x.bottomRows(80)));
    const auto merged = params.fit_with(params.fit(first.view()), linfa::SparseDatasetView<F>(second.view()));
    CHECK((merged.variance() - dense_fit.variance()).cwiseAbs().maxCoeff() <= tolerance * 10 * dense_fit.variance().maxCoeff());

    using test::message_of;
    CHECK(message_of([&] { StandardScaler<F>::params().check().fit(csr.view()); }) ==
          "StandardScaler: cannot centre sparse records (every zero would become non-zero): set with_mean(false)");
    CHECK(message_of([&] { StandardScaler<F>::params().fit(x).transform(csr.view()); }) ==
          "StandardScaler: this transform moves zeros, so it cannot keep sparse input sparse");
    const auto narrow = CsrMatrix<F>::from_dense(linfa::Matrix<F>(x.leftCols(3)));
    CHECK(message_of([&] { max_abs.transform(narrow.view()); }) == "MaxAbsScaler: expected 6 features per sample (as in training), found 3");
}
