// Clustering text: a small corpus generated from three topics, turned into a TF-IDF matrix in
// CSR form (the layout of scikit-learn's TfidfVectorizer output), clustered by K-Means on the
// sparse rows, with the heaviest terms of each centroid and the share of documents that land
// with their topic. Optional argument: a path to save the model to (linfa-serve serves it and
// answers sparse rows: PredictRequest.sparse).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <linfa/linfa.hpp>

namespace {

/// Three topics' own words, and words every document uses.
const std::vector<std::vector<std::string>> topic_words = {
    {"goal", "match", "league", "striker", "coach", "season", "penalty", "stadium", "referee", "transfer"},
    {"compiler", "kernel", "thread", "memory", "cache", "latency", "template", "pointer", "register", "vector"},
    {"recipe", "oven", "flour", "butter", "garlic", "simmer", "dough", "saucepan", "pepper", "roast"},
};
const std::vector<std::string> common_words = {"the", "a", "new", "week", "people", "time", "good", "first", "last", "long"};

struct Corpus {
    std::vector<std::string> documents;
    std::vector<int> topics;  ///< the topic each document was written from
};

/// Documents of 15-40 words, 60% from their topic's words, the rest common words.
Corpus generate_corpus(std::size_t per_topic, linfa::Rng& rng) {
    Corpus corpus;
    for (std::size_t t = 0; t < topic_words.size(); ++t) {
        for (std::size_t doc = 0; doc < per_topic; ++doc) {
            std::string text;
            const std::size_t length = 15 + rng.below(26);
            for (std::size_t w = 0; w < length; ++w) {
                const auto& words = rng.uniform() < 0.6 ? topic_words[t] : common_words;
                text += (w ? " " : "") + words[rng.below(words.size())];
            }
            corpus.documents.push_back(text);
            corpus.topics.push_back(int(t));
        }
    }
    return corpus;
}

/// TF-IDF rows as scikit-learn's TfidfVectorizer computes them by default: raw counts times
/// the smooth idf ln((1 + n) / (1 + df)) + 1, each row scaled to unit norm; terms in
/// alphabetical order.
struct TfIdf {
    std::vector<std::string> terms;
    linfa::CsrMatrix<double> rows;
};

TfIdf tf_idf(const std::vector<std::string>& documents) {
    std::vector<std::map<std::string, int>> counts(documents.size());
    std::map<std::string, int> document_frequency;
    for (std::size_t d = 0; d < documents.size(); ++d) {
        std::size_t start = 0;
        while (start < documents[d].size()) {
            const std::size_t end = std::min(documents[d].find(' ', start), documents[d].size());
            ++counts[d][documents[d].substr(start, end - start)];
            start = end + 1;
        }
        for (const auto& [term, count] : counts[d]) ++document_frequency[term];
    }
    std::map<std::string, int> column;
    std::vector<std::string> terms;
    for (const auto& [term, df] : document_frequency) column[term] = int(terms.size()), terms.push_back(term);
    const double n = double(documents.size());
    std::vector<int> indptr{0}, indices;
    std::vector<double> values;
    for (const auto& row : counts) {  // a std::map: columns in increasing order
        const std::size_t first = values.size();
        for (const auto& [term, count] : row) {
            indices.push_back(column[term]);
            values.push_back(count * (std::log((1 + n) / (1 + document_frequency[term])) + 1));
        }
        double norm = 0;
        for (std::size_t e = first; e < values.size(); ++e) norm += values[e] * values[e];
        for (std::size_t e = first; e < values.size(); ++e) values[e] /= std::sqrt(norm);
        indptr.push_back(int(values.size()));
    }
    return {terms, linfa::CsrMatrix<double>(documents.size(), terms.size(), indptr, indices, values)};
}

}  // namespace

int main(int argc, char** argv) {
    linfa::Rng rng(7);
    const Corpus corpus = generate_corpus(200, rng);
    const TfIdf features = tf_idf(corpus.documents);
    const linfa::CsrView<double> x = features.rows.view();
    std::printf("%zu documents, %zu terms, %.1f stored values per row (%.1f%% of the matrix)\n", x.rows(), x.cols(),
                double(x.nnz()) / double(x.rows()), 100.0 * double(x.nnz()) / double(x.rows() * x.cols()));

    const auto fitted = linfa::clustering::KMeans<double>::params_with_rng(3, rng).n_runs(3).check().fit_predict(x);
    const auto& centroids = fitted.model.centroids();
    std::size_t agreeing = 0;
    for (Eigen::Index j = 0; j < centroids.rows(); ++j) {
        std::vector<int> by_weight(x.cols());
        std::iota(by_weight.begin(), by_weight.end(), 0);
        std::partial_sort(by_weight.begin(), by_weight.begin() + 5, by_weight.end(),
                          [&](int a, int b) { return centroids(j, a) > centroids(j, b); });
        std::vector<std::size_t> per_topic(topic_words.size(), 0);
        for (std::size_t i = 0; i < x.rows(); ++i) per_topic[std::size_t(corpus.topics[i])] += fitted.labels[Eigen::Index(i)] == j;
        const std::size_t majority = *std::max_element(per_topic.begin(), per_topic.end());
        agreeing += majority;
        std::printf("cluster %ld: %zu documents, %zu of one topic; top terms:", long(j),
                    std::accumulate(per_topic.begin(), per_topic.end(), std::size_t(0)), majority);
        for (int t = 0; t < 5; ++t) std::printf(" %s", features.terms[std::size_t(by_weight[std::size_t(t)])].c_str());
        std::printf("\n");
    }
    const double purity = double(agreeing) / double(x.rows());
    std::printf("purity %.3f (the share of documents clustered with the majority of their cluster's topic)\n", purity);
    if (argc > 1) {
        linfa::save(fitted.model, argv[1]);
        std::printf("saved to %s\n", argv[1]);
    }
    return purity >= 0.95 ? 0 : 1;
}
