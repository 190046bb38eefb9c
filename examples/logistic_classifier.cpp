// A classifier end to end: fit a multinomial logistic regression on labelled records (a held-out
// quarter for scoring), save it as a model file, load it back, and check that the restored
// model answers exactly as the original (labels and probabilities). `linfa-serve` serves such a
// file as a classifier (task "classification": labels and probabilities).
#include <cstdio>
#include <string>

#include <linfa/linear/logistic_regression.hpp>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "logistic_f64.linfa";
    using Logistic = linfa::linear::LogisticRegression<double>;

    // records around three centres, labelled by centre: rows 0..2249 to fit, the rest to score
    const auto all = linfa::example_dataset<double>(3000, 4, 11);
    const auto rows = [&](Eigen::Index begin, Eigen::Index count) {
        return linfa::DatasetView<double>(linfa::MatrixView<double>(all.records.data() + begin * 4, count, 4))
            .with_labels(std::span<const std::int32_t>(all.labels.data() + begin, std::size_t(count)));
    };
    const linfa::DatasetView<double> train = rows(0, 2250), test = rows(2250, 750);

    const Logistic model = Logistic::params().c(0.5).fit(train);
    std::printf("fitted %zu classes on %zu features in %llu L-BFGS iterations; held-out accuracy %.4f\n",
                model.n_classes(), model.n_features(), static_cast<unsigned long long>(model.n_iter()[0]),
                model.score(test));

    linfa::save(model, path);
    const Logistic restored = linfa::load<Logistic>(path);
    const bool same = restored.predict(test) == model.predict(test) && restored.predict_proba(test) == model.predict_proba(test);
    const linfa::Matrix<double> p = model.predict_proba(rows(2250, 1));
    std::printf("first held-out record: P = [%.4f, %.4f, %.4f], label %d\n", p(0, 0), p(0, 1), p(0, 2),
                model.predict(rows(2250, 1))[0]);
    std::printf("restored model answers identically: %s\n", same ? "yes" : "NO");
    return same && model.score(test) > 0.9 ? 0 : 1;
}
