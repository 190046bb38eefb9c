// The core contract on its own, without any real algorithm: datasets and views that carry
// targets, labels and weights; the params guard (GuardedParams) forwarding fit, fit_predict and
// fit_with through check(); and the concepts telling the shapes apart. Two toy algorithms
// stand in for a regressor (incremental too) and a fit-predict-only clusterer.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>

#include <linfa/core/concepts.hpp>
#include <linfa/core/dataset.hpp>
#include <linfa/core/params.hpp>

namespace {

using linfa::DatasetView;
using linfa::Matrix;
using linfa::MatrixView;

// A regressor that predicts the weighted mean of each target column.
template <linfa::Float F>
class MeanModel {
public:
    MeanModel(linfa::Vector<F> sums, F weight) : sums_(std::move(sums)), weight_(weight) {}
    Matrix<F> predict(const DatasetView<F>& data) const {
        Matrix<F> out(static_cast<Eigen::Index>(data.n_samples()), sums_.size());
        out.rowwise() = (sums_ / weight_).transpose();
        return out;
    }
    const linfa::Vector<F>& sums() const { return sums_; }
    F weight() const { return weight_; }

private:
    linfa::Vector<F> sums_;
    F weight_;
};

template <linfa::Float F>
struct MeanValidParams {
    MeanModel<F> fit(const DatasetView<F>& data) const { return fit_with(std::nullopt, data); }
    MeanModel<F> fit_with(std::optional<MeanModel<F>> model, const DatasetView<F>& batch) const {
        const auto y = batch.targets();
        linfa::Vector<F> sums = model ? model->sums() : linfa::Vector<F>::Zero(y.cols());
        F weight = model ? model->weight() : F(0);
        for (std::size_t i = 0; i < batch.n_samples(); ++i) {
            sums += batch.weight(i) * y.row(static_cast<Eigen::Index>(i)).transpose();
            weight += batch.weight(i);
        }
        return MeanModel<F>(std::move(sums), weight);
    }
};

template <linfa::Float F>
struct MeanParams : linfa::GuardedParams<MeanParams<F>> {
    using Checked = MeanValidParams<F>;
    mutable int checks = 0;
    Checked check() const {
        ++checks;
        return {};
    }
};

// Labels each row by the sign of its first feature, leaving no model: DBSCAN's shape.
struct SignValidParams {
    double threshold;
    linfa::Labels fit_predict(const DatasetView<double>& data) const {
        linfa::Labels labels(static_cast<Eigen::Index>(data.n_samples()));
        for (Eigen::Index i = 0; i < labels.size(); ++i) labels(i) = data.records()(i, 0) > threshold ? 1 : 0;
        return labels;
    }
};

struct SignParams : linfa::GuardedParams<SignParams> {
    using Checked = SignValidParams;
    double threshold = 0;
    Checked check() const {
        if (!std::isfinite(threshold)) throw linfa::InvalidParams("threshold must be finite");
        return {threshold};
    }
};

static_assert(linfa::ParamGuard<MeanParams<double>>);
static_assert(linfa::Fit<MeanParams<double>, DatasetView<double>>);
static_assert(linfa::Fit<MeanParams<float>, linfa::Dataset<float, linfa::Vector<float>>>);
static_assert(linfa::FitWith<MeanParams<double>, MeanModel<double>, DatasetView<double>>);
static_assert(linfa::FitWith<MeanValidParams<double>, MeanModel<double>, DatasetView<double>>);
static_assert(!linfa::FitPredict<MeanParams<double>, DatasetView<double>>);
static_assert(linfa::Predict<MeanModel<double>, DatasetView<double>>);
static_assert(!linfa::PredictProba<MeanModel<double>, DatasetView<double>>);
static_assert(!linfa::Transformer<MeanModel<double>, DatasetView<double>>);
static_assert(linfa::ParamGuard<SignParams>);
static_assert(linfa::FitPredictOnly<SignParams, DatasetView<double>>);
static_assert(linfa::FitPredictOnly<SignValidParams, Matrix<double>>);
static_assert(!linfa::Fit<SignParams, DatasetView<double>>);
static_assert(!linfa::FitWith<SignParams, linfa::Labels, DatasetView<double>>);

}  // namespace

TEST_CASE("DatasetView carries continuous targets, labels and weights, each checked against the rows") {
    Matrix<double> x(3, 2);
    x << 1, 2, 3, 4, 5, 6;
    Matrix<double> y(3, 2);
    y << 10, 11, 20, 21, 30, 31;
    const std::int32_t classes[3] = {0, 1, 0};
    const double w[3] = {1, 2, 3};
    const DatasetView<double> plain = x;
    CHECK_FALSE(plain.has_targets());
    CHECK_FALSE(plain.has_labels());
    CHECK(plain.n_targets() == 0);
    CHECK_THROWS_WITH_AS(plain.targets(), "dataset has no continuous targets", linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(plain.labels(), "dataset has no class labels", linfa::InvalidInput);

    const auto view = DatasetView<double>(MatrixView<double>(x.data(), 3, 2), std::span<const double>(w, 3))
                          .with_targets(MatrixView<double>(y.data(), 3, 2))
                          .with_labels(std::span<const std::int32_t>(classes, 3));
    REQUIRE(view.has_targets());
    CHECK(view.n_targets() == 2);
    CHECK(view.targets().data() == y.data());  // a view, not a copy
    CHECK(view.targets()(2, 1) == 31);
    CHECK(view.labels().data() == classes);
    CHECK(view.weight(2) == 3);
    CHECK(view.records().data() == x.data());

    const double one_target[3] = {7, 8, 9};
    CHECK(plain.with_targets(std::span<const double>(one_target, 3)).targets()(1, 0) == 8);
    CHECK_THROWS_WITH_AS(plain.with_targets(MatrixView<double>(y.data(), 2, 3)),
                         "targets: expected one row of targets per sample (3), found 2", linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(plain.with_labels(std::span<const std::int32_t>(classes, 2)),
                         "labels: expected one label per sample (3), found 2", linfa::InvalidInput);
    CHECK_THROWS_WITH_AS(plain.with_targets(std::span<const double>(one_target, 0)),
                         "targets: expected one row of targets per sample (3), found 0", linfa::InvalidInput);
}

TEST_CASE("Dataset::view() keeps the targets of every kind, without copying them") {
    Matrix<float> x = Matrix<float>::Random(4, 3);
    linfa::Vector<float> one(4);
    one << 1, 2, 3, 4;
    linfa::Dataset<float, linfa::Vector<float>> regression(x, one);
    regression.with_weights(linfa::Vector<float>::Constant(4, 0.5f));
    const auto v1 = regression.view();
    CHECK(v1.n_targets() == 1);
    CHECK(v1.targets().data() == regression.targets().data());
    CHECK(v1.targets()(3, 0) == 4);
    CHECK(v1.weight(0) == 0.5f);
    CHECK_FALSE(v1.has_labels());

    const linfa::Dataset<float, Matrix<float>> multi(x, Matrix<float>::Ones(4, 5));
    CHECK(multi.view().n_targets() == 5);
    CHECK(multi.view().targets().data() == multi.targets().data());

    linfa::Labels labels(4);
    labels << 0, 1, 1, 0;
    const linfa::Dataset<float> classification(x, labels);
    CHECK(classification.view().labels().data() == classification.targets().data());
    CHECK_FALSE(classification.view().has_targets());

    const linfa::Dataset<float> unlabelled(x);
    CHECK_FALSE(unlabelled.view().has_labels());
    CHECK_THROWS_AS((linfa::Dataset<float, Matrix<float>>(x, Matrix<float>::Ones(3, 2))), linfa::InvalidInput);
}

TEST_CASE("GuardedParams forwards fit, fit_with and fit_predict through check() once per call") {
    Matrix<double> x = Matrix<double>::Zero(4, 1);
    linfa::Vector<double> y(4);
    y << 1, 2, 3, 6;
    const linfa::Dataset<double, linfa::Vector<double>> data(x, y);
    MeanParams<double> params;
    const auto model = params.fit(data);
    CHECK(params.checks == 1);
    CHECK(model.predict(x)(0, 0) == 3.0);

    // Two batches through fit_with give the fit on both.
    const auto first = DatasetView<double>(MatrixView<double>(x.data(), 2, 1)).with_targets(std::span<const double>(y.data(), 2));
    const auto second = DatasetView<double>(MatrixView<double>(x.data() + 2, 2, 1)).with_targets(std::span<const double>(y.data() + 2, 2));
    auto streamed = params.fit_with(std::nullopt, first);
    streamed = params.fit_with(std::move(streamed), second);
    CHECK(params.checks == 3);
    CHECK(streamed.predict(x)(3, 0) == model.predict(x)(3, 0));

    // A regressor fitted on data without targets says so.
    CHECK_THROWS_WITH_AS(params.fit(DatasetView<double>(x)), "dataset has no continuous targets", linfa::InvalidInput);

    SignParams sign;
    Matrix<double> r(3, 1);
    r << -1, 2, 0.5;
    CHECK(sign.fit_predict(r) == (linfa::Labels(3) << 0, 1, 1).finished());
    sign.threshold = std::nan("");
    CHECK_THROWS_WITH_AS(sign.fit_predict(r), "threshold must be finite", linfa::InvalidParams);
}
