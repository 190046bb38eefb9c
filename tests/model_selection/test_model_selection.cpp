// linfa::model_selection: fold sizes and assignments against scikit-learn 1.2.1 (computed with
// sklearn and hard-coded here), splits that cover the data once, seeded reproducibility,
// cross-validation scores that are the same bit for bit on 1, 2 and 3 threads, every error.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include <linfa/core/model_example.hpp>
#include <linfa/linear/logistic_regression.hpp>
#include <linfa/linear/ridge.hpp>
#include <linfa/model_selection.hpp>

#include "support.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

namespace ms = linfa::model_selection;
using linfa::InvalidInput;
using linfa::InvalidParams;
using Indices = std::vector<std::size_t>;
using Ints = std::vector<std::int32_t>;

static_assert(ms::FoldSplitter<ms::KFold, double> && ms::FoldSplitter<ms::StratifiedKFold, float>);
static_assert(ms::FoldMetric<ms::Accuracy, linfa::linear::LogisticRegression<double>, double>);
static_assert(!ms::FoldMetric<ms::Accuracy, linfa::linear::Ridge<double>, double>);
static_assert(ms::FoldMetric<ms::R2, linfa::linear::Ridge<double>, double>);
static_assert(!ms::FoldMetric<ms::R2, linfa::linear::LogisticRegression<double>, double>);

/// The test folds of `splits`.
std::vector<Indices> tests_of(const std::vector<ms::Split>& splits) {
    std::vector<Indices> tests;
    for (const auto& s : splits) tests.push_back(s.test);
    return tests;
}

/// Checks each split's parts are disjoint and cover 0..n-1, each sample in exactly one test fold.
void check_partition(const std::vector<ms::Split>& splits, std::size_t n) {
    std::vector<int> times_tested(n, 0);
    for (const auto& s : splits) {
        std::vector<int> seen(n, 0);
        for (const std::size_t i : s.train) ++seen[i];
        for (const std::size_t i : s.test) ++seen[i], ++times_tested[i];
        CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
        CHECK(std::is_sorted(s.train.begin(), s.train.end()));
    }
    CHECK(std::all_of(times_tested.begin(), times_tested.end(), [](int c) { return c == 1; }));
}

/// The number of samples of each label in `indices`.
std::map<std::int32_t, std::size_t> class_counts(const Ints& labels, const Indices& indices) {
    std::map<std::int32_t, std::size_t> counts;
    for (const std::size_t i : indices) ++counts[labels[i]];
    return counts;
}

/// A dataset whose row i holds i (records), 10 i (one target), i % 3 (label) and i + 1 (weight),
/// so every part of a taken row says which row it came from.
struct Numbered {
    linfa::Matrix<double> records, targets;
    Ints labels;
    std::vector<double> weights;
    explicit Numbered(std::size_t n) : records(Eigen::Index(n), 2), targets(Eigen::Index(n), 1), labels(n), weights(n) {
        for (std::size_t i = 0; i < n; ++i) {
            records(Eigen::Index(i), 0) = double(i), records(Eigen::Index(i), 1) = -double(i);
            targets(Eigen::Index(i), 0) = 10.0 * double(i);
            labels[i] = std::int32_t(i % 3);
            weights[i] = double(i + 1);
        }
    }
    linfa::DatasetView<double> view() const {
        return linfa::DatasetView<double>(linfa::MatrixView<double>(records.data(), records.rows(), records.cols()), weights)
            .with_targets(linfa::MatrixView<double>(targets.data(), targets.rows(), 1))
            .with_labels(labels);
    }
};

/// Checks every part of `part` came from the rows `indices` of a Numbered dataset.
void check_rows(const ms::Subset<double>& part, const Indices& indices) {
    REQUIRE(part.n_samples() == indices.size());
    REQUIRE(part.targets.has_value());
    REQUIRE(part.labels.has_value());
    for (std::size_t r = 0; r < indices.size(); ++r) {
        const auto row = Eigen::Index(r);
        const double i = double(indices[r]);
        CHECK(part.records(row, 0) == i);
        CHECK(part.records(row, 1) == -i);
        CHECK((*part.targets)(row, 0) == 10.0 * i);
        CHECK((*part.labels)(row) == std::int32_t(indices[r] % 3));
        CHECK(part.weights(row) == i + 1);
    }
}

/// The scores of `cross_validate` run with `threads` OpenMP threads.
template <class P, class Metric>
std::vector<double> scores_with_threads(int threads, const P& params, const linfa::DatasetView<double>& data,
                                        const std::vector<ms::Split>& folds, const Metric& metric) {
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    std::vector<double> scores = ms::cross_validate(params, data, folds, metric).scores;
    omp_set_num_threads(saved);
    return scores;
#else
    (void)threads;
    return ms::cross_validate(params, data, folds, metric).scores;
#endif
}

}  // namespace

TEST_SUITE_BEGIN("model_selection");

// ------------------------------------------------------------------ folds

TEST_CASE("model_selection: KFold gives scikit-learn's folds") {
    // sklearn.model_selection.KFold(3).split(np.zeros(10)) and KFold(4) on 7 samples
    CHECK(tests_of(ms::KFold(3).split(10)) == std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
    CHECK(tests_of(ms::KFold(4).split(7)) == std::vector<Indices>{{0, 1}, {2, 3}, {4, 5}, {6}});
    const auto splits = ms::KFold(3).split(10);
    CHECK(splits[1].train == Indices{0, 1, 2, 3, 7, 8, 9});
    check_partition(splits, 10);
    CHECK(ms::KFold(5).n_splits() == 5);
}

TEST_CASE("model_selection: shuffled KFold is seeded, sized as unshuffled and covers the data") {
    const auto splits = ms::KFold(4, true, linfa::Rng(3)).split(23);
    check_partition(splits, 23);
    for (std::size_t f = 0; f < 4; ++f) CHECK(splits[f].test.size() == (f < 3 ? 6u : 5u));
    CHECK(tests_of(ms::KFold(4, true, linfa::Rng(3)).split(23)) == tests_of(splits));
    CHECK(tests_of(ms::KFold(4, true, linfa::Rng(4)).split(23)) != tests_of(splits));
    const ms::KFold kfold(4, true, linfa::Rng(3));
    CHECK(tests_of(kfold.split(23)) == tests_of(kfold.split(23)));  // split draws from a copy
    CHECK(tests_of(splits) != tests_of(ms::KFold(4).split(23)));
}

TEST_CASE("model_selection: StratifiedKFold gives scikit-learn 1.2.1's folds") {
    // sklearn.model_selection.StratifiedKFold(k).split(np.zeros(len(y)), y), test folds
    const Ints a{5, 5, 1, 3, 1, 5, 3, 1, 3, 5, 1, 5, 3, 1, 5};
    CHECK(tests_of(ms::StratifiedKFold(3).split(a)) ==
          std::vector<Indices>{{0, 1, 2, 3, 4}, {5, 6, 7, 9, 10}, {8, 11, 12, 13, 14}});
    const Ints b{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0, 0};
    CHECK(tests_of(ms::StratifiedKFold(4).split(b)) ==
          std::vector<Indices>{{0, 1, 2, 7, 11, 12}, {3, 4, 8, 9, 13, 14}, {5, 6, 10, 15, 16}, {17, 18, 19, 20, 21}});
    const Ints c{7, 3, 7, 3, 3, 3, 7, 7, 3, 3};
    CHECK(tests_of(ms::StratifiedKFold(2).split(c)) == std::vector<Indices>{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}});
    check_partition(ms::StratifiedKFold(4).split(b), b.size());
}

TEST_CASE("model_selection: shuffled StratifiedKFold keeps each fold's class counts and is seeded") {
    const Ints b{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0, 0};
    const auto plain = ms::StratifiedKFold(4).split(b);
    const auto shuffled = ms::StratifiedKFold(4, true, linfa::Rng(11)).split(b);
    check_partition(shuffled, b.size());
    for (std::size_t f = 0; f < 4; ++f) CHECK(class_counts(b, shuffled[f].test) == class_counts(b, plain[f].test));
    CHECK(tests_of(shuffled) != tests_of(plain));
    CHECK(tests_of(ms::StratifiedKFold(4, true, linfa::Rng(11)).split(b)) == tests_of(shuffled));
    // through a dataset view
    const Numbered data(30);
    CHECK(tests_of(ms::StratifiedKFold(3).split(data.view())) == tests_of(ms::StratifiedKFold(3).split(data.labels)));
}

// ------------------------------------------------------------------ train_test_split

TEST_CASE("model_selection: train_test_split carries every part of the rows it takes") {
    const Numbered data(20);
    linfa::Rng rng(5);
    const auto [train, test] = ms::train_test_split(data.view(), 0.25, rng);
    CHECK(test.n_samples() == 5);
    CHECK(train.n_samples() == 15);
    linfa::Rng again(5);
    const ms::Split split = ms::split_indices(data.view(), 0.25, again);
    check_rows(train, split.train);
    check_rows(test, split.test);
    Indices all = split.train;
    all.insert(all.end(), split.test.begin(), split.test.end());
    std::sort(all.begin(), all.end());
    CHECK(all == linfa::model_selection::split_detail::iota(20));
    // a part converts to a view with all its parts
    const linfa::DatasetView<double> view = test;
    CHECK((view.has_targets() && view.has_labels() && view.has_weights()));
    // fractions round the test part up, as scikit-learn: ceil(0.3 * 7) = 3; counts are exact
    linfa::Rng r(1);
    CHECK(ms::shuffle_split(7, 0.3, r).test.size() == 3);
    CHECK(ms::shuffle_split(7, ms::TestSize::count(2), r).test.size() == 2);
}

TEST_CASE("model_selection: train_test_split is seeded") {
    linfa::Rng a(9), b(9), c(10);
    const ms::Split first = ms::shuffle_split(50, 0.2, a);
    const ms::Split same = ms::shuffle_split(50, 0.2, b);
    CHECK(first.test == same.test);
    CHECK(first.train == same.train);
    CHECK(ms::shuffle_split(50, 0.2, c).test != first.test);
}

TEST_CASE("model_selection: train_test_split of a Dataset keeps its type, weights and feature names") {
    linfa::Matrix<float> x(6, 2);
    linfa::Labels y(6);
    linfa::Vector<float> w(6);
    for (int i = 0; i < 6; ++i) x(i, 0) = float(i), x(i, 1) = 0, y(i) = i % 2, w(i) = float(i) + 0.5f;
    const auto data = linfa::Dataset<float>(x, y).with_weights(w).with_feature_names({"a", "b"});
    linfa::Rng rng(2);
    const auto [train, test] = ms::train_test_split(data, ms::TestSize::count(2), rng, ms::Stratify::by_labels);
    static_assert(std::same_as<std::remove_cvref_t<decltype(train)>, linfa::Dataset<float>>);
    CHECK(train.n_samples() == 4);
    CHECK(test.n_samples() == 2);
    CHECK(test.feature_names() == std::vector<std::string>{"a", "b"});
    for (Eigen::Index r = 0; r < 2; ++r) {
        const int i = int(test.records()(r, 0));
        CHECK(test.targets()(r) == i % 2);
        CHECK(test.weights()(r) == float(i) + 0.5f);
    }
    CHECK(test.targets()(0) != test.targets()(1));  // one of each class
    // continuous targets of one column stay a Vector
    const linfa::Dataset<double, linfa::Vector<double>> regression(linfa::Matrix<double>::Zero(4, 1),
                                                                   linfa::Vector<double>::LinSpaced(4, 0, 3));
    const auto taken = ms::take_rows(regression, Indices{3, 1});
    CHECK(taken.targets() == linfa::Vector<double>((linfa::Vector<double>(2) << 3, 1).finished()));
}

TEST_CASE("model_selection: stratified train_test_split keeps scikit-learn's class counts") {
    // sklearn train_test_split(..., stratify=y): training class counts [8 4 2] and [6 4 3 7]
    Ints y;
    for (const auto& [label, count] : std::vector<std::pair<int, int>>{{0, 11}, {1, 6}, {2, 3}}) y.insert(y.end(), count, label);
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
        linfa::Rng rng(seed);
        const ms::Split split = ms::stratified_shuffle_split(y, 0.3, rng);
        CHECK(class_counts(y, split.train) == std::map<std::int32_t, std::size_t>{{0, 8}, {1, 4}, {2, 2}});
        CHECK(class_counts(y, split.test) == std::map<std::int32_t, std::size_t>{{0, 3}, {1, 2}, {2, 1}});
    }
    Ints z;
    for (const auto& [label, count] : std::vector<std::pair<int, int>>{{3, 7}, {1, 5}, {9, 4}, {0, 9}}) z.insert(z.end(), count, label);
    linfa::Rng rng(0);
    const ms::Split split = ms::stratified_shuffle_split(z, 0.2, rng);
    CHECK(class_counts(z, split.train) == std::map<std::int32_t, std::size_t>{{3, 6}, {1, 4}, {9, 3}, {0, 7}});
    // ties in the remainders are broken at random, totals stay exact: [10, 6, 4] -> 15 of 20
    Ints tied;
    for (const auto& [label, count] : std::vector<std::pair<int, int>>{{0, 10}, {1, 6}, {2, 4}}) tied.insert(tied.end(), count, label);
    std::map<std::size_t, int> class0_sizes;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        linfa::Rng r(seed);
        const ms::Split s = ms::stratified_shuffle_split(tied, 0.25, r);
        CHECK(s.train.size() == 15);
        ++class0_sizes[class_counts(tied, s.train)[0]];
    }
    CHECK(class0_sizes.size() == 2);  // 7 or 8, by the draw
}

// ------------------------------------------------------------------ cross_validate

TEST_CASE("model_selection: cross_validate gives the same scores on 1, 2 and 3 threads") {
    const auto data = linfa::example_dataset<double>(150);
    const auto classifier = linfa::linear::LogisticRegression<double>::params().c(0.5);
    const auto folds = ms::StratifiedKFold(5, true, linfa::Rng(1)).split(data.view());
    const std::vector<double> accuracy = scores_with_threads(1, classifier, data.view(), folds, ms::accuracy);
    CHECK(accuracy.size() == 5);
    CHECK(scores_with_threads(2, classifier, data.view(), folds, ms::accuracy) == accuracy);
    CHECK(scores_with_threads(3, classifier, data.view(), folds, ms::accuracy) == accuracy);
    for (const double a : accuracy) CHECK(a > 0.9);

    const auto regressor = linfa::linear::Ridge<double>::params().alpha(0.5);
    const auto kfolds = ms::KFold(4).split(data.view());
    const std::vector<double> r2 = scores_with_threads(1, regressor, data.view(), kfolds, ms::r2);
    CHECK(scores_with_threads(2, regressor, data.view(), kfolds, ms::r2) == r2);
    CHECK(scores_with_threads(3, regressor, data.view(), kfolds, ms::r2) == r2);
    for (const double s : r2) CHECK(s > 0.9);

    // the same as fitting and scoring each fold by hand
    const auto train = ms::take_rows(data.view(), std::span<const std::size_t>(kfolds[2].train));
    const auto test = ms::take_rows(data.view(), std::span<const std::size_t>(kfolds[2].test));
    CHECK(ms::r2(regressor.fit(train.view()), test.view()) == r2[2]);

    // through a splitter, and the summary
    const ms::CrossValidation result = ms::cross_validate(regressor, data.view(), ms::KFold(4), ms::r2);
    CHECK(result.scores == r2);
    double sum = 0, squares = 0;
    for (const double s : r2) sum += s;
    for (const double s : r2) squares += (s - sum / 4) * (s - sum / 4);
    CHECK(result.mean() == doctest::Approx(sum / 4));
    CHECK(result.std() == doctest::Approx(std::sqrt(squares / 4)));
}

TEST_CASE("model_selection: OpenMP regions inside a fold run on one thread") {
#ifdef _OPENMP
    const auto data = linfa::example_dataset<double>(60);
    const auto params = linfa::linear::Ridge<double>::params();
    const int saved = omp_get_max_threads();
    omp_set_num_threads(3);
    // a metric that reports the size of a team it starts
    const auto team_size = [](const linfa::linear::Ridge<double>&, const linfa::DatasetView<double>&) {
        int size = 0;
#pragma omp parallel
        {
#pragma omp single
            size = omp_get_num_threads();
        }
        return double(size);
    };
    const auto scores = ms::cross_validate(params, data.view(), ms::KFold(3), team_size).scores;
    CHECK(omp_get_max_threads() == 3);  // the caller's setting is untouched
    omp_set_num_threads(saved);
    CHECK(scores == std::vector<double>{1, 1, 1});
#endif
}

// ------------------------------------------------------------------ errors

TEST_CASE("model_selection: bad folds and splits throw clear errors") {
    const Numbered data(10);
    const Ints labels{0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
    test::check_throws<InvalidParams>([] { ms::KFold(1); }, "expected at least 2 folds, found 1");
    test::check_throws<InvalidParams>([] { ms::StratifiedKFold(0); }, "expected at least 2 folds, found 0");
    test::check_throws<InvalidInput>([] { (void)ms::KFold(11).split(10); }, "11 folds need at least 11 samples, found 10");
    test::check_throws<InvalidInput>([] { (void)ms::KFold(2).split(0); }, "need at least one sample, found 0");
    test::check_throws<InvalidInput>([&] { (void)ms::StratifiedKFold(4).split(labels); }, "label 0 has 3");
    test::check_throws<InvalidInput>([] { (void)ms::StratifiedKFold(2).split(Ints{}); }, "need at least one sample");
    const linfa::DatasetView<double> unlabelled(data.records);
    test::check_throws<InvalidInput>([&] { (void)ms::StratifiedKFold(2).split(unlabelled); }, "needs class labels");

    linfa::Rng rng(0);
    for (const double bad : {0.0, 1.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        test::check_throws<InvalidParams>([&] { (void)ms::shuffle_split(10, bad, rng); }, "expected a value in (0, 1)");
    }
    test::check_throws<InvalidInput>([&] { (void)ms::shuffle_split(10, 0.95, rng); }, "leave the training part empty");
    test::check_throws<InvalidInput>([&] { (void)ms::shuffle_split(10, ms::TestSize::count(0), rng); }, "leave the test part empty");
    test::check_throws<InvalidInput>([&] { (void)ms::shuffle_split(10, ms::TestSize::count(10), rng); }, "leave the training part empty");
    test::check_throws<InvalidInput>([&] { (void)ms::shuffle_split(0, 0.5, rng); }, "need at least one sample, found 0");
    test::check_throws<InvalidInput>([&] { (void)ms::train_test_split(unlabelled, 0.5, rng, ms::Stratify::by_labels); },
                                     "stratifying needs class labels");
    test::check_throws<InvalidInput>([&] { (void)ms::stratified_shuffle_split(Ints{0, 0, 0, 1}, 0.5, rng); },
                                     "at least 2 samples of each class");
    test::check_throws<InvalidInput>([&] { (void)ms::stratified_shuffle_split(Ints{0, 0, 1, 1, 2, 2, 3, 3}, 0.25, rng); },
                                     "one training and one test sample per class (4 classes), found 6 training and 2 test");
    test::check_throws<InvalidInput>([&] { (void)ms::take_rows(data.view(), Indices{0, 10}); }, "take_rows: index 10 is out of range");
}

TEST_CASE("model_selection: cross_validate rejects bad folds and passes on fit and metric errors") {
    const auto data = linfa::example_dataset<double>(30);
    const auto params = linfa::linear::Ridge<double>::params();
    const std::vector<ms::Split> none;
    test::check_throws<InvalidInput>([&] { (void)ms::cross_validate(params, data.view(), none, ms::r2); }, "need at least one fold");
    const std::vector<ms::Split> empty_test{{{0, 1, 2}, {}}};
    test::check_throws<InvalidInput>([&] { (void)ms::cross_validate(params, data.view(), empty_test, ms::r2); }, "fold 0 has no test samples");
    const std::vector<ms::Split> out_of_range{{{0, 1, 2}, {30}}};
    test::check_throws<InvalidInput>([&] { (void)ms::cross_validate(params, data.view(), out_of_range, ms::r2); }, "cross_validate: index 30 is out of range");
    // a dataset without targets: Ridge's fit says so, from inside the parallel folds
    const linfa::DatasetView<double> records_only(data.records);
    test::check_throws<InvalidInput>([&] { (void)ms::cross_validate(params, records_only, ms::KFold(3), ms::r2); }, "targets");
    // a bad hyper-parameter reaches the caller as fit throws it
    test::check_throws<InvalidParams>(
        [&] { (void)ms::cross_validate(linfa::linear::Ridge<double>::params().alpha(-1), data.view(), ms::KFold(3), ms::r2); }, "alpha");
}

TEST_SUITE_END();
