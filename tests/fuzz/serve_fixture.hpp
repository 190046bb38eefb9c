// What the server fuzz targets (and the corpus generator) share: two small K-Means models
// fitted at start-up, f32 with 2 features and f64 with 3 (different shapes, so that requests
// shaped for one are wrong for the other), each behind the server's ModelAdapter with a
// config whose row limit is small enough for a fuzz input to reach it, served as a repository
// of one model.
#pragma once

#include <cstddef>
#include <memory>

#include <linfa/linfa.hpp>

#include "config.hpp"
#include "handlers.hpp"
#include "inference_protocol.hpp"
#include "repository.hpp"
#include "servable_adapter.hpp"

namespace linfa_fuzz {

inline constexpr std::uint32_t max_rows = 64;

template <class F>
linfa::clustering::KMeans<F> small_kmeans(std::size_t k, std::size_t d) {
    linfa::Rng rng(7);
    linfa::Matrix<F> centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = F(rng.uniform() * 100 - 50);
    const auto data = linfa::datasets::generate_blobs(20, centres, rng);
    return linfa::clustering::KMeans<F>::params_with_rng(k, rng).fit(data);
}

template <class F>
struct Served {
    linfa::clustering::KMeans<F> model;
    std::shared_ptr<const linfa::serve::ModelAdapter<linfa::clustering::KMeans<F>>> adapter;
    linfa::serve::ServeConfig config;
    linfa::serve::Repository repository;  ///< of this one model, as `linfa-serve --model` serves it
    linfa::serve::Handlers handlers;
    linfa::serve::InferenceProtocol protocol;

    Served(std::size_t k, std::size_t d)
        : model(small_kmeans<F>(k, d)),
          adapter(std::make_shared<const linfa::serve::ModelAdapter<linfa::clustering::KMeans<F>>>(model)),
          config(make_config(d)),
          repository(config, adapter),
          handlers(repository, config),
          protocol(repository) {}

    static linfa::serve::ServeConfig make_config(std::size_t d) {
        linfa::serve::ServeConfig c;
        c.name = "fuzz";
        c.limits.max_rows_per_request = max_rows;
        for (std::size_t i = 0; i < d; ++i) c.model.feature_names.push_back(std::string("x").append(std::to_string(i)));
        return c;
    }
};

/// The f32 model (3 clusters x 2 features) and the f64 model (4 clusters x 3 features).
inline Served<float>& served_f32() {
    static auto* served = new Served<float>(3, 2);  // never destroyed: handlers outlive every input
    return *served;
}
inline Served<double>& served_f64() {
    static auto* served = new Served<double>(4, 3);
    return *served;
}

}  // namespace linfa_fuzz
