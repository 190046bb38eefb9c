// DBSCAN, density-based clustering: the public face of the algorithm. DBSCAN labels the data it
// is given and leaves no model (`DbscanParams::fit_predict` gives `DbscanClusters`). Parts:
//   params.hpp     builder + validation      algorithm.hpp  fit_predict, DbscanClusters and
//   errors.hpp     exceptions                               label_neighbourhoods (for neighbourhoods
//                                                           known otherwise: precomputed distances)
// Its radius queries go through the shared neighbour index, nn/index.hpp.
//
// A border sample (not core, within eps of a core sample) is labelled with the cluster of its
// first core neighbour in row order, so labels do not depend on the thread count. scikit-learn
// gives a border sample the cluster whose expansion reaches it first; the two agree on core
// samples, on noise and on every border sample with core neighbours in one cluster only.
#pragma once

#include "dbscan/algorithm.hpp"
#include "dbscan/errors.hpp"
#include "dbscan/params.hpp"

#include "../core/instances.hpp"

/// DBSCAN's fit_predict (dense and sparse) for float and double, compiled once
/// (core/instances.hpp).
#define LINFA_DBSCAN_INSTANCES(how)                                                                                      \
    LINFA_INSTANCE_PAIR(how, linfa::clustering::DbscanValidParams)                                                       \
    how linfa::clustering::DbscanClusters linfa::clustering::DbscanValidParams<float>::fit_predict(                       \
        const linfa::SparseDatasetView<float, std::int32_t>&) const;                                                     \
    how linfa::clustering::DbscanClusters linfa::clustering::DbscanValidParams<float>::fit_predict(                       \
        const linfa::SparseDatasetView<float, std::int64_t>&) const;                                                     \
    how linfa::clustering::DbscanClusters linfa::clustering::DbscanValidParams<double>::fit_predict(                      \
        const linfa::SparseDatasetView<double, std::int32_t>&) const;                                                    \
    how linfa::clustering::DbscanClusters linfa::clustering::DbscanValidParams<double>::fit_predict(                      \
        const linfa::SparseDatasetView<double, std::int64_t>&) const;
LINFA_DECLARE_INSTANCES(LINFA_DBSCAN_INSTANCES)
