// The one list of every model type a model file can hold, one entry per algorithm and scalar
// type, then a pipeline ending in each model that predicts. Everything that handles models
// generically iterates it: linfa-serve's registry, Python's `linfa.load`, the fuzzers, the
// determinism fingerprints and the conformance suite. Adding an algorithm adds its two entries
// to `Estimators` (see CONTRIBUTING.md), and its pipelines follow; nothing else lists models.
#pragma once

#include <type_traits>

#include "clustering/gmm.hpp"
#include "clustering/kmeans.hpp"
#include "core/model_list.hpp"
#include "decomposition/pca.hpp"
#include "linear/elastic_net.hpp"
#include "linear/linear_regression.hpp"
#include "linear/logistic_regression.hpp"
#include "linear/ridge.hpp"
#include "naive_bayes.hpp"
#include "neighbors.hpp"
#include "pipeline/model.hpp"
#include "pipeline/model_example.hpp"
#include "pipeline/params.hpp"
#include "pipeline/serialization.hpp"
#include "preprocessing.hpp"

namespace linfa {

/// Every algorithm's model x scalar type: what a pipeline's steps (the transformers among
/// them) and final model may be.
struct Estimators {
    /// The model types.
    using list = ModelList<clustering::KMeans<float>, clustering::KMeans<double>,
                           linear::LinearRegression<float>, linear::LinearRegression<double>,
                           linear::Ridge<float>, linear::Ridge<double>,
                           linear::LogisticRegression<float>, linear::LogisticRegression<double>,
                           linear::ElasticNet<float>, linear::ElasticNet<double>,
                           decomposition::Pca<float>, decomposition::Pca<double>,
                           preprocessing::StandardScaler<float>, preprocessing::StandardScaler<double>,
                           preprocessing::MinMaxScaler<float>, preprocessing::MinMaxScaler<double>,
                           preprocessing::MaxAbsScaler<float>, preprocessing::MaxAbsScaler<double>,
                           naive_bayes::GaussianNb<float>, naive_bayes::GaussianNb<double>,
                           neighbors::KNeighborsClassifier<float>, neighbors::KNeighborsClassifier<double>,
                           neighbors::KNeighborsRegressor<float>, neighbors::KNeighborsRegressor<double>,
                           clustering::GaussianMixture<float>, clustering::GaussianMixture<double>>;
};

/// Whether M predicts (labels, values or probabilities), and so ends a listed pipeline.
template <class M>
struct predicts : std::bool_constant<Predict<M, DatasetView<typename model_io<M>::scalar_type>> ||
                                     PredictProba<M, DatasetView<typename model_io<M>::scalar_type>>> {};

/// The pipeline ending in M, through any listed transformers.
template <class M>
using PipelineTo = Pipeline<M>;

/// Every loadable model: each algorithm's, then a pipeline ending in each that predicts.
using Models = decltype(Estimators::list{} + list_filter<Estimators::list, predicts>::type::map<PipelineTo>{});

}  // namespace linfa
