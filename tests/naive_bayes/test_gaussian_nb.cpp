// GaussianNb: the statistics against a direct two-pass computation, weights as repeated rows,
// batches equal to one fit, priors, far-away samples, float kept float, and every bad input.
// Agreement with scikit-learn itself is checked from Python (python/tests/test_naive_bayes.py).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <linfa/naive_bayes.hpp>

#include "support.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using linfa::DatasetView;
using linfa::Labels;
using linfa::Matrix;
using linfa::MatrixView;
using linfa::naive_bayes::GaussianNb;
using linfa::naive_bayes::GaussianNbParams;

static_assert(linfa::ParamGuard<GaussianNbParams<double>>);
static_assert(linfa::Fit<GaussianNbParams<float>, DatasetView<float>>);
static_assert(linfa::FitWith<GaussianNbParams<double>, GaussianNb<double>, DatasetView<double>>);
static_assert(linfa::Predict<GaussianNb<double>, DatasetView<double>>);
static_assert(linfa::PredictInplace<GaussianNb<float>, DatasetView<float>, Labels>);
static_assert(linfa::PredictProba<GaussianNb<float>, DatasetView<float>>);
static_assert(!linfa::Transformer<GaussianNb<double>, DatasetView<double>>);
static_assert(!linfa::FitPredict<GaussianNbParams<double>, DatasetView<double>>);

namespace {

/// n x d records around a centre per class (labels 7, -2, 40 in turn), feature j of spread
/// 1 + j, with a large offset so that means meet small spreads.
struct Data {
    Matrix<double> x;
    Labels y;
    DatasetView<double> view() const { return rows(0, x.rows()); }
    DatasetView<double> rows(Eigen::Index begin, Eigen::Index end) const {
        return DatasetView<double>(MatrixView<double>(x.data() + begin * x.cols(), end - begin, x.cols()))
            .with_labels(std::span<const std::int32_t>(y.data() + begin, std::size_t(end - begin)));
    }
};

Data make_data(Eigen::Index n, Eigen::Index d, std::uint64_t seed = 5) {
    linfa::Rng rng(seed);
    const std::int32_t labels[] = {7, -2, 40};
    Data data{Matrix<double>(n, d), Labels(n)};
    for (Eigen::Index i = 0; i < n; ++i) {
        const int c = int(i % 3);
        data.y[i] = labels[c];
        for (Eigen::Index j = 0; j < d; ++j) data.x(i, j) = 1000.0 + 2.0 * c * (j % 2 ? 1 : -1) + (1.0 + double(j)) * rng.normal<double>();
    }
    return data;
}

/// Two-pass weighted mean and variance of each feature of the rows of class `label`.
void reference(const Data& data, const std::vector<double>& w, std::int32_t label, Eigen::VectorXd& mean, Eigen::VectorXd& var,
               double& total) {
    const Eigen::Index d = data.x.cols();
    mean = Eigen::VectorXd::Zero(d), var = Eigen::VectorXd::Zero(d), total = 0;
    for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
        if (data.y[i] != label) continue;
        total += w[std::size_t(i)];
        mean += w[std::size_t(i)] * data.x.row(i).transpose();
    }
    mean /= total;
    for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
        if (data.y[i] == label) var += w[std::size_t(i)] * (data.x.row(i).transpose() - mean).array().square().matrix();
    }
    var /= total;
}

double max_unweighted_variance(const Matrix<double>& x) {
    const Eigen::RowVectorXd mean = x.colwise().mean();
    return (x.rowwise() - mean).array().square().colwise().mean().maxCoeff();
}

}  // namespace

TEST_CASE("GaussianNB: classes, counts, means and variances as two passes compute them") {
    const Data data = make_data(20000, 5);  // several chunks and blocks
    const auto model = GaussianNb<double>::params().fit(data.view());
    REQUIRE(model.n_classes() == 3);
    CHECK(model.n_features() == 5);
    CHECK(std::vector<std::int32_t>(model.classes().labels().begin(), model.classes().labels().end()) ==
          std::vector<std::int32_t>{-2, 7, 40});
    const double epsilon = 1e-9 * max_unweighted_variance(data.x);
    CHECK(model.epsilon() == doctest::Approx(epsilon).epsilon(1e-12));
    const std::vector<double> ones(20000, 1.0);
    for (std::size_t k = 0; k < 3; ++k) {
        Eigen::VectorXd mean, var;
        double total;
        reference(data, ones, model.classes().label(k), mean, var, total);
        CHECK(model.class_count()[Eigen::Index(k)] == total);
        CHECK(model.class_prior()[Eigen::Index(k)] == doctest::Approx(total / 20000.0).epsilon(1e-15));
        for (Eigen::Index j = 0; j < 5; ++j) {
            CHECK(model.theta()(Eigen::Index(k), j) == doctest::Approx(mean[j]).epsilon(1e-14));
            CHECK(model.var()(Eigen::Index(k), j) == doctest::Approx(var[j] + epsilon).epsilon(1e-12));
        }
    }
}

TEST_CASE("GaussianNB: predict_proba is the normalised product of the class densities") {
    const Data data = make_data(600, 3);
    const auto model = GaussianNb<double>::params().fit(data.view());
    const Data queries = make_data(40, 3, 11);
    const Matrix<double> proba = model.predict_proba(queries.view());
    const Matrix<double> log_proba = model.predict_log_proba(queries.view());
    const Matrix<double> jll = model.joint_log_likelihood(queries.view());
    const Labels predicted = model.predict(queries.view());
    const Matrix<double> var = model.var();
    for (Eigen::Index i = 0; i < 40; ++i) {
        Eigen::VectorXd expected(3);
        for (Eigen::Index k = 0; k < 3; ++k) {
            double density = model.class_prior()[k];
            for (Eigen::Index j = 0; j < 3; ++j) {
                const double z = queries.x(i, j) - model.theta()(k, j);
                density *= std::exp(-z * z / (2 * var(k, j))) / std::sqrt(2 * std::numbers::pi * var(k, j));
            }
            expected[k] = density;
            CHECK(jll(i, k) == doctest::Approx(std::log(density)).epsilon(1e-12));
        }
        expected /= expected.sum();
        Eigen::Index best;
        expected.maxCoeff(&best);
        CHECK(predicted[i] == model.classes().label(std::size_t(best)));
        CHECK(proba.row(i).sum() == doctest::Approx(1.0).epsilon(1e-14));
        for (Eigen::Index k = 0; k < 3; ++k) {
            CHECK(proba(i, k) == doctest::Approx(expected[k]).epsilon(1e-10));
            CHECK(std::exp(log_proba(i, k)) == doctest::Approx(proba(i, k)).epsilon(1e-14));
        }
    }
}

TEST_CASE("GaussianNB: a weight w counts as w repeated rows") {
    const Data data = make_data(900, 4);
    std::vector<double> w(900);
    std::vector<Eigen::Index> repeated;
    for (Eigen::Index i = 0; i < 900; ++i) {
        w[std::size_t(i)] = double(i % 4);
        for (int r = 0; r < i % 4; ++r) repeated.push_back(i);
    }
    const Data expanded{data.x(repeated, Eigen::all), data.y(repeated)};
    const auto weighted = GaussianNb<double>::params().var_smoothing(0.0).fit(
        DatasetView<double>(MatrixView<double>(data.x.data(), 900, 4), w).with_labels(std::span<const std::int32_t>(data.y.data(), 900)));
    const auto plain = GaussianNb<double>::params().var_smoothing(0.0).fit(expanded.view());
    CHECK(weighted.class_count() == plain.class_count());
    CHECK((weighted.theta() - plain.theta()).cwiseAbs().maxCoeff() < 1e-12 * 1000);
    CHECK((weighted.var() - plain.var()).cwiseAbs().maxCoeff() < 1e-11 * plain.var().maxCoeff());
    for (std::size_t k = 0; k < 3; ++k) {
        Eigen::VectorXd mean, var;
        double total;
        reference(data, w, weighted.classes().label(k), mean, var, total);
        CHECK(weighted.class_count()[Eigen::Index(k)] == total);
        CHECK((weighted.var().row(Eigen::Index(k)).transpose() - var).cwiseAbs().maxCoeff() < 1e-11 * var.maxCoeff());
    }
}

TEST_CASE("GaussianNB: batches (fit_with) give the model one fit gives; epsilon is the last batch's") {
    const Data data = make_data(9000, 4);
    const auto p = GaussianNb<double>::params();
    auto model = p.fit_with(std::nullopt, data.rows(0, 1000));
    model = p.fit_with(model, data.rows(1000, 5000));
    model = p.fit_with(model, data.rows(5000, 9000));
    const auto once = p.fit(data.view());
    CHECK(model.class_count() == once.class_count());
    CHECK((model.theta() - once.theta()).cwiseAbs().maxCoeff() < 1e-12 * 1000);
    CHECK((model.moments().m2 - once.moments().m2).cwiseAbs().maxCoeff() < 1e-11 * once.moments().m2.maxCoeff());
    const Matrix<double> last = data.x.bottomRows(4000);
    CHECK(model.epsilon() == doctest::Approx(1e-9 * max_unweighted_variance(last)).epsilon(1e-12));
    // each batch's share of a class's variance carries that batch's epsilon (scikit-learn's partial_fit)
    const double epsilons[] = {1e-9 * max_unweighted_variance(data.x.topRows(1000)),
                               1e-9 * max_unweighted_variance(data.x.middleRows(1000, 4000)), model.epsilon()};
    for (Eigen::Index k = 0; k < 3; ++k) {
        const std::int32_t label = model.classes().label(std::size_t(k));
        double weights[3] = {}, total = 0, mixed = 0;
        for (Eigen::Index i = 0; i < 9000; ++i) weights[i < 1000 ? 0 : i < 5000 ? 1 : 2] += data.y[i] == label;
        for (int b = 0; b < 3; ++b) total += weights[b], mixed += weights[b] * epsilons[b];
        CHECK(model.class_epsilon()[k] == doctest::Approx(mixed / total).epsilon(1e-12));
        CHECK((model.var().row(k).array() - model.moments().m2.row(k).array() / total - model.class_epsilon()[k]).abs().maxCoeff() <
              1e-12 * model.var().row(k).maxCoeff());
    }
    CHECK(once.class_epsilon() == Eigen::VectorXd::Constant(3, once.epsilon()));

    // classes given up front: a first batch without some of them
    const auto with_classes = GaussianNb<double>::params().classes({40, -2, 7, 99});
    auto partial = with_classes.fit_with(std::nullopt, data.rows(0, 2));  // labels 7 and -2 only
    CHECK(partial.n_classes() == 4);
    CHECK(partial.class_count()[2] == 0.0);  // 40
    CHECK(partial.class_prior()[3] == 0.0);  // 99
    partial = GaussianNb<double>::params().fit_with(partial, data.rows(2, 9000));
    CHECK(partial.class_count()[3] == 0.0);
    CHECK(partial.class_epsilon()[3] == doctest::Approx(1e-9 * max_unweighted_variance(data.x.topRows(2))).epsilon(1e-12));
    const Matrix<double> proba = partial.predict_proba(data.rows(0, 100));
    CHECK(proba.allFinite());
    CHECK(proba.col(3).cwiseAbs().maxCoeff() == 0.0);  // never seen: prior 0
    CHECK((partial.theta().topRows(3) - once.theta()).cwiseAbs().maxCoeff() < 1e-12 * 1000);
}

TEST_CASE("GaussianNB: priors replace the class frequencies") {
    const Data data = make_data(300, 2);
    const auto model = GaussianNb<double>::params().priors({0.5, 0.3, 0.2}).fit(data.view());
    CHECK(model.class_prior() == Eigen::Vector3d(0.5, 0.3, 0.2));
    const auto plain = GaussianNb<double>::params().fit(data.view());
    const Matrix<double> a = model.joint_log_likelihood(data.view()), b = plain.joint_log_likelihood(data.view());
    for (Eigen::Index k = 0; k < 3; ++k) {
        const double shift = std::log(model.class_prior()[k]) - std::log(plain.class_prior()[k]);
        CHECK((a.col(k) - b.col(k)).array().abs().maxCoeff() == doctest::Approx(std::abs(shift)).epsilon(1e-9));
    }
    const auto loaded = test::from_bytes<GaussianNb<double>>(test::to_bytes(model));
    REQUIRE(loaded.priors().has_value());
    CHECK(*loaded.priors() == std::vector<double>{0.5, 0.3, 0.2});
    // a prior of 0 makes a class impossible, yet every probability stays finite
    const auto no_middle = GaussianNb<double>::params().priors({0.5, 0.0, 0.5}).fit(data.view());
    const Matrix<double> proba = no_middle.predict_proba(data.view());
    CHECK(proba.allFinite());
    CHECK(proba.col(1).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("GaussianNB: far-away samples get finite log-probabilities and the exact most likely class") {
    Matrix<double> x(4, 1);
    x << -1.0, 1.0, 9.0, 11.0;  // class 0 around 0, class 1 around 10, both of variance 1
    Labels y(4);
    y << 0, 0, 1, 1;
    const auto model = GaussianNb<double>::params().fit(DatasetView<double>(x).with_labels(std::span<const std::int32_t>(y.data(), 4)));
    Matrix<double> far(4, 1);
    far << -1e6, 1e6, -1e100, 4.9999;
    const Matrix<double> log_proba = model.predict_log_proba(DatasetView<double>(far));
    const Matrix<double> proba = model.predict_proba(DatasetView<double>(far));
    const Labels predicted = model.predict(DatasetView<double>(far));
    CHECK(log_proba.allFinite());
    CHECK(proba.allFinite());
    for (Eigen::Index i = 0; i < 4; ++i) CHECK(proba.row(i).sum() == doctest::Approx(1.0).epsilon(1e-15));
    CHECK(predicted == (Labels(4) << 0, 1, 0, 0).finished());
    // the log-posterior of the far class is the exact difference of the log-likelihoods
    const double delta = (std::pow(1e6 + 10.0, 2) - std::pow(1e6, 2)) / (2 * model.var()(0, 0));
    CHECK(log_proba(0, 1) == doctest::Approx(-delta).epsilon(1e-9));
    CHECK(log_proba(0, 0) == 0.0);
}

TEST_CASE("GaussianNB: float data stay float and agree with double") {
    const Data data = make_data(3000, 3);
    const Matrix<float> xf = data.x.cast<float>();
    const Matrix<double> xd = xf.cast<double>();
    const auto view_f = DatasetView<float>(xf).with_labels(std::span<const std::int32_t>(data.y.data(), 3000));
    const auto view_d = DatasetView<double>(xd).with_labels(std::span<const std::int32_t>(data.y.data(), 3000));
    const auto model_f = GaussianNb<float>::params().fit(view_f);
    const auto model_d = GaussianNb<double>::params().fit(view_d);
    CHECK((model_f.theta() - model_d.theta()).cwiseAbs().maxCoeff() == 0.0);  // statistics in double either way
    const Matrix<float> proba = model_f.predict_proba(view_f);
    static_assert(std::is_same_v<decltype(model_f.predict_log_proba(view_f)), Matrix<float>>);
    CHECK((proba.cast<double>() - model_d.predict_proba(view_d)).cwiseAbs().maxCoeff() < 1e-6);
    CHECK(model_f.predict(view_f) == model_d.predict(view_d));
    const auto loaded = test::from_bytes<GaussianNb<float>>(test::to_bytes(model_f, linfa::FileFormat::json));
    CHECK(loaded.predict_proba(view_f) == proba);
}

TEST_CASE("GaussianNB: the same model bit for bit on any thread count") {
    const Data data = make_data(50000, 3);
    std::vector<std::string> files;
    for (const int threads : {1, 2, 3}) {
#ifdef _OPENMP
        const int saved = omp_get_max_threads();
        omp_set_num_threads(threads);
#endif
        (void)threads;
        files.push_back(test::to_bytes(GaussianNb<double>::params().fit(data.view())));
#ifdef _OPENMP
        omp_set_num_threads(saved);
#endif
    }
    CHECK(files[1] == files[0]);
    CHECK(files[2] == files[0]);
}

TEST_CASE("GaussianNB: bad parameters are refused naming the value") {
    using linfa::naive_bayes::NaiveBayesParamsError;
    const Data data = make_data(30, 2);
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().var_smoothing(-1e-3).check(); }, "var_smoothing");
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().var_smoothing(std::nan("")).check(); }, "var_smoothing");
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().priors({0.5, -0.1, 0.6}).check(); }, "non-negative");
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().priors({0.5, 0.3, 0.3}).check(); }, "sum to 1");
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().priors({}).check(); }, "priors");
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().priors({0.5, 0.5}).fit(data.view()); },
                                        "one value per class (3), found 2");
    test::check_throws<NaiveBayesParamsError>([&] { return GaussianNb<double>::params().classes({}).check(); }, "classes");
    CHECK_NOTHROW(GaussianNb<double>::params().priors({0.5, 0.3, 0.2 + 1e-9}).fit(data.view()));  // within np.isclose
    CHECK(GaussianNb<double>::params().classes({3, 1, 3}).check().classes()->size() == 2);       // sorted, distinct
}

TEST_CASE("GaussianNB: bad data are refused with InvalidInput") {
    const Data data = make_data(60, 3);
    const auto p = GaussianNb<double>::params();
    const auto model = p.fit(data.view());
    Data nan = data;
    nan.x(17, 2) = std::numeric_limits<double>::quiet_NaN();
    test::check_throws<linfa::InvalidInput>([&] { return p.fit(nan.view()); }, "NaN or infinity (row 17, column 2)");
    test::check_throws<linfa::InvalidInput>([&] { return model.predict(nan.view()); }, "NaN or infinity");
    test::check_throws<linfa::InvalidInput>([&] { return model.predict_log_proba(nan.view()); }, "NaN or infinity");
    const Matrix<double> wide = Matrix<double>::Zero(4, 4);
    test::check_throws<linfa::InvalidInput>([&] { return model.predict_proba(DatasetView<double>(wide)); }, "expected 3 features");
    test::check_throws<linfa::InvalidInput>([&] { return p.fit(DatasetView<double>(data.x)); }, "no class labels");
    std::vector<double> w(60, 1.0);
    w[5] = -1;
    const auto negative = DatasetView<double>(MatrixView<double>(data.x.data(), 60, 3), w).with_labels(std::span<const std::int32_t>(data.y.data(), 60));
    test::check_throws<linfa::InvalidInput>([&] { return p.fit(negative); }, "non-negative");
    const std::vector<double> zeros(60, 0.0);
    const auto all_zero = DatasetView<double>(MatrixView<double>(data.x.data(), 60, 3), zeros).with_labels(std::span<const std::int32_t>(data.y.data(), 60));
    test::check_throws<linfa::InvalidInput>([&] { return p.fit(all_zero); }, "all be zero");
    test::check_throws<linfa::InvalidInput>([&] { return p.fit_with(model, make_data(10, 2).view()); }, "the batch has 2 features, the model 3");
    Data unknown = make_data(10, 3);
    unknown.y[4] = 12345;
    test::check_throws<linfa::InvalidInput>([&] { return p.fit_with(model, unknown.view()); }, "label 12345");
    test::check_throws<linfa::InvalidInput>([&] { return GaussianNb<double>::params().classes({7, -2}).fit(data.view()); }, "label 40");
    test::check_throws<linfa::InvalidInput>([&] { return GaussianNb<double>::params().classes({7, -2, 41}).fit_with(model, data.view()); },
                                      "classes given differ");
    Data huge = data;
    huge.x(3, 0) = 1e200, huge.x(4, 0) = -1e200;
    test::check_throws<linfa::InvalidInput>([&] { return p.fit(huge.view()); }, "too wide a range");
}

TEST_CASE("GaussianNB: damaged model-file fields are refused with ModelFileError") {
    const Data data = make_data(60, 2);
    const auto model = GaussianNb<double>::params().priors({0.2, 0.3, 0.5}).fit(data.view());
    const std::string json = test::to_bytes(model, linfa::FileFormat::json);
    REQUIRE_NOTHROW(test::from_bytes<GaussianNb<double>>(json));
    auto with = [&](const std::string& field, const std::string& replacement) {
        const std::size_t at = json.find("\"" + field + "\"");
        REQUIRE(at != std::string::npos);
        const std::size_t begin = json.find(':', at) + 1;
        std::size_t end = begin, depth = 0;
        while (end < json.size() && (depth > 0 || (json[end] != ',' && json[end] != '\n' && json[end] != '}'))) {
            if (json[end] == '[') ++depth;
            if (json[end] == ']') --depth;
            ++end;
        }
        return json.substr(0, begin) + " " + replacement + json.substr(end);
    };
    const std::vector<std::pair<std::string, std::string>> damaged = {
        {"classes", "[7, -2, 40]"},            // not increasing
        {"classes", "[-2, 7]"},                // too few
        {"class_weight", "[20.0, -1.0, 20.0]"},  // negative
        {"class_weight", "[0.0, 0.0, 0.0]"},     // all zero
        {"theta", "[[1.0, 2.0], [1.0, 2.0]]"},   // a row short
        {"m2", "[[1.0, 2.0], [1.0, -2.0], [1.0, 2.0]]"},
        {"class_epsilon", "[1e-9, -1e-9, 1e-9]"},
        {"class_epsilon", "[1e-9, 1e-9]"},
        {"epsilon", "-1.0"},
        {"var_smoothing", "-1e-9"},
        {"has_priors", "2"},
        {"priors", "[0.2, 0.3, 0.6]"},  // sum 1.1
        {"priors", "[0.2, 0.3]"},
        {"shape", "[3]"},
    };
    for (const auto& field_value : damaged) {  // no structured binding: clang 14 cannot CAPTURE one
        CAPTURE(field_value.first);
        CAPTURE(field_value.second);
        CHECK_THROWS_AS(test::from_bytes<GaussianNb<double>>(with(field_value.first, field_value.second)), linfa::ModelFileError);
    }
}
