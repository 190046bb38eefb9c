// The one list of every model type a model file can hold, one entry per algorithm and scalar
// type. Everything that handles models generically iterates it: linfa-serve's registry,
// Python's `linfa.load`, the fuzzers, the determinism fingerprints and the conformance suite.
// Adding an algorithm adds its two entries here (see CONTRIBUTING.md); nothing else lists
// models.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>

#include "clustering/kmeans.hpp"
#include "decomposition/pca.hpp"
#include "linear/elastic_net.hpp"
#include "linear/linear_regression.hpp"
#include "linear/logistic_regression.hpp"
#include "linear/ridge.hpp"
#include "naive_bayes.hpp"
#include "preprocessing.hpp"

namespace linfa {

/// A list of model types. Each must have a `model_io` specialisation (loadable, savable) and
/// a `model_example` one (fittable by generic tests).
template <class... Ms>
struct ModelList {
    /// Number of model types in the list.
    static constexpr std::size_t size = sizeof...(Ms);
    /// The same types as a std::tuple (doctest's TEST_CASE_TEMPLATE_APPLY takes one).
    using tuple = std::tuple<Ms...>;

    /// Calls `fn(std::type_identity<M>{})` for every model type M, in list order.
    template <class Fn>
    static void for_each(Fn&& fn) {
        (fn(std::type_identity<Ms>{}), ...);
    }
};

/// Every loadable model x scalar type.
using Models = ModelList<clustering::KMeans<float>, clustering::KMeans<double>,
                         linear::LinearRegression<float>, linear::LinearRegression<double>,
                         linear::Ridge<float>, linear::Ridge<double>,
                         linear::LogisticRegression<float>, linear::LogisticRegression<double>,
                         linear::ElasticNet<float>, linear::ElasticNet<double>,
                         decomposition::Pca<float>, decomposition::Pca<double>,
                         preprocessing::StandardScaler<float>, preprocessing::StandardScaler<double>,
                         preprocessing::MinMaxScaler<float>, preprocessing::MinMaxScaler<double>,
                         preprocessing::MaxAbsScaler<float>, preprocessing::MaxAbsScaler<double>,
                         naive_bayes::GaussianNb<float>, naive_bayes::GaussianNb<double>>;

}  // namespace linfa
