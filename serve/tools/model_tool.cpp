// linfa-model-tool: fits and saves K-Means models for the server's tests, demo and benchmark,
// and predicts with a saved model (the reference answers the tests compare the server with).
//   linfa-model-tool train OUT [--clusters 100] [--features 2] [--scalar f64] [--seed 42] [--json] [--json-copy OUT.json]
//   linfa-model-tool predict MODEL < rows.txt    (one row per line, features separated by spaces)
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <linfa/linfa.hpp>

namespace {

struct TrainOptions {
    std::string out;
    std::size_t clusters = 100, features = 2, per_cluster = 100;
    std::string scalar = "f64";
    std::uint64_t seed = 42;
    bool json = false;
    std::string json_copy;
};

/// Blob centres: the seed's four 2-D centroids when asked for 4 clusters of 2 features,
/// otherwise uniform in [-50, 50]^d.
template <class F>
linfa::Matrix<F> centres(const TrainOptions& o, linfa::Rng& rng) {
    linfa::Matrix<F> c(static_cast<Eigen::Index>(o.clusters), static_cast<Eigen::Index>(o.features));
    if (o.clusters == 4 && o.features == 2) {
        c << 10, 10, 1, 12, 20, 30, -20, 30;
        return c;
    }
    for (Eigen::Index i = 0; i < c.size(); ++i) c.data()[i] = F(rng.uniform() * 100 - 50);
    return c;
}

template <class F>
int train(const TrainOptions& o) {
    using KMeans = linfa::clustering::KMeans<F>;
    linfa::Rng rng(o.seed);
    const auto data = linfa::datasets::generate_blobs(o.per_cluster, centres<F>(o, rng), rng);
    const KMeans model = KMeans::params_with_rng(o.clusters, rng).max_n_iterations(200).tolerance(1e-5).fit(data);
    linfa::save(model, o.out, o.json ? linfa::FileFormat::json : linfa::FileFormat::binary);
    if (!o.json_copy.empty()) linfa::save(model, o.json_copy, linfa::FileFormat::json);
    std::cout << "saved " << o.out << ": K-Means " << o.clusters << " clusters x " << o.features << " features ("
              << o.scalar << "), inertia " << model.inertia() << "\n";
    return 0;
}

template <class F>
int predict(const std::string& path) {
    const auto model = linfa::load<linfa::clustering::KMeans<F>>(path);
    std::vector<F> values;
    std::string line;
    std::size_t rows = 0;
    while (std::getline(std::cin, line)) {
        std::istringstream fields(line);
        double v;
        while (fields >> v) values.push_back(F(v));
        ++rows;
    }
    const auto d = static_cast<Eigen::Index>(model.n_features());
    const linfa::MatrixView<F> records(values.data(), static_cast<Eigen::Index>(rows), d);
    const linfa::Labels labels = model.predict(linfa::DatasetView<F>(records));
    for (Eigen::Index i = 0; i < labels.size(); ++i) std::cout << labels[i] << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"linfa-model-tool: fit, save and apply K-Means models"};
    app.require_subcommand(1);
    TrainOptions o;
    auto* train_cmd = app.add_subcommand("train", "fit K-Means on Gaussian blobs and save it");
    train_cmd->add_option("out", o.out, "model file to write")->required();
    train_cmd->add_option("--clusters", o.clusters, "clusters (and blobs)");
    train_cmd->add_option("--features", o.features, "features");
    train_cmd->add_option("--per-cluster", o.per_cluster, "points per blob");
    train_cmd->add_option("--scalar", o.scalar)->check(CLI::IsMember({"f32", "f64"}));
    train_cmd->add_option("--seed", o.seed);
    train_cmd->add_flag("--json", o.json, "write the JSON encoding instead of binary");
    train_cmd->add_option("--json-copy", o.json_copy, "also write the same model, JSON-encoded, here");
    std::string model_path;
    auto* predict_cmd = app.add_subcommand("predict", "print the label of each row read from stdin");
    predict_cmd->add_option("model", model_path)->required();
    CLI11_PARSE(app, argc, argv);
    try {
        if (*train_cmd) return o.scalar == "f32" ? train<float>(o) : train<double>(o);
        return linfa::read_header(model_path).scalar == "f32" ? predict<float>(model_path) : predict<double>(model_path);
    } catch (const linfa::Error& e) {
        std::cerr << "linfa-model-tool: " << e.what() << "\n";
        return 1;
    }
}
