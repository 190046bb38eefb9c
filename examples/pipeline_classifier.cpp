// A pipeline served as one model: scale the records, keep three principal components, classify
// with a logistic regression; fit the three together, save them as one model file, load it
// back and check that it answers exactly as before. Serve the file with
//   linfa-serve --model pipeline_f64.linfa
// and it is a classifier (labels and probabilities) whose metadata lists the three steps; rows
// reach it in the original feature space, and bad rows are refused by the step they reach first.
#include <cstdio>
#include <string>

#include <linfa/pipeline.hpp>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "pipeline_f64.linfa";
    using Logistic = linfa::linear::LogisticRegression<double>;

    // records around three centres, labelled by centre: rows 0..2249 to fit, the rest to score
    const auto all = linfa::example_dataset<double>(3000, 6, 5);
    const auto rows = [&](Eigen::Index begin, Eigen::Index count) {
        return linfa::DatasetView<double>(linfa::MatrixView<double>(all.records.data() + begin * 6, count, 6))
            .with_labels(std::span<const std::int32_t>(all.labels.data() + begin, std::size_t(count)));
    };
    const linfa::DatasetView<double> train = rows(0, 2250), test = rows(2250, 750);

    const auto pipeline = linfa::make_pipeline(linfa::preprocessing::StandardScaler<double>::params(),
                                               linfa::decomposition::Pca<double>::params(linfa::Rng(1)).n_components(3),
                                               Logistic::params().c(0.5))
                              .fit(train);
    std::printf("steps:");
    for (const auto& kind : pipeline.step_kinds()) std::printf(" %s", kind.c_str());
    std::printf("\nheld-out accuracy %.4f\n", pipeline.score(test));

    linfa::save(pipeline, path);
    const auto restored = linfa::load<linfa::Pipeline<Logistic>>(path);
    const bool same = restored.predict(test) == pipeline.predict(test) && restored.predict_proba(test) == pipeline.predict_proba(test);
    std::printf("saved as one '%s' model file; restored answers identically: %s\n", linfa::read_header(path).kind.c_str(),
                same ? "yes" : "NO");

    const linfa::Matrix<double> five_features = linfa::Matrix<double>::Zero(1, 5);
    try {
        (void)pipeline.predict(five_features);
    } catch (const linfa::InvalidInput& e) {
        std::printf("a row of 5 features: %s\n", e.what());
    }
    return same && pipeline.score(test) > 0.9 ? 0 : 1;
}
