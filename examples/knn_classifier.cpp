// k-nearest-neighbours classification and the neighbour index behind it: fit a
// KNeighborsClassifier (distance-weighted votes over a KD-tree) on records around three centres,
// score it on held-out rows, look at one row's neighbours, save the model (it holds its
// training rows) and load it back. Then the index on its own: the neighbours within a radius.
#include <cstdio>
#include <string>

#include <linfa/neighbors.hpp>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "knn_f64.linfa";
    using Classifier = linfa::neighbors::KNeighborsClassifier<double>;

    // records around three centres, labelled by centre: rows 0..2249 to fit, the rest to score
    const auto all = linfa::example_dataset<double>(3000, 4, 5);
    const auto rows = [&](Eigen::Index begin, Eigen::Index count) {
        return linfa::DatasetView<double>(linfa::MatrixView<double>(all.records.data() + begin * 4, count, 4))
            .with_labels(std::span<const std::int32_t>(all.labels.data() + begin, std::size_t(count)));
    };
    const linfa::DatasetView<double> train = rows(0, 2250), test = rows(2250, 750);

    const Classifier model = Classifier::params().n_neighbors(7).weights(linfa::neighbors::Weights::distance).fit(train);
    const linfa::Labels predicted = model.predict(test);
    long right = 0;
    for (Eigen::Index i = 0; i < predicted.size(); ++i) right += predicted[i] == test.labels()[std::size_t(i)];
    const double accuracy = double(right) / double(predicted.size());
    std::printf("%s index over %zu training rows; held-out accuracy %.4f\n",
                linfa::nn::algorithm_name(model.index().algorithm()).c_str(), model.n_samples(), accuracy);

    const auto first = linfa::Matrix<double>(test.records().topRows(1));
    const auto near = model.kneighbors(first);
    std::printf("held-out row 0: nearest training rows");
    for (Eigen::Index j = 0; j < near.indices.cols(); ++j) std::printf(" %lld (%.3f)", (long long)near.indices(0, j), near.distances(0, j));
    std::printf("\n");

    linfa::save(model, path);
    const auto restored = linfa::load<Classifier>(path);
    const bool same = restored.predict(test) == predicted && restored.predict_proba(test) == model.predict_proba(test);
    std::printf("saved to %s; the restored model answers identically: %s\n", path.c_str(), same ? "yes" : "NO");

    // The index alone: which training rows lie within distance 1 of held-out row 0?
    const auto within = model.index().radius_neighbors(linfa::MatrixView<double>(first.data(), 1, 4), 1.0);
    std::printf("%zu training rows within distance 1 of held-out row 0\n", within.indices.size());
    return same && accuracy > 0.9 ? 0 : 1;
}
