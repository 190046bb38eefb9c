// linfa::metrics: scores of predictions and clusterings, computed as scikit-learn's
// sklearn.metrics computes them, every result in double, optionally weighted by sample.
//
//   metrics/regression.hpp        r2_score, mean_squared_error, mean_absolute_error
//   metrics/classification.hpp    accuracy_score, confusion_matrix, log_loss
//   metrics/precision_recall.hpp  precision / recall / f1_score, precision_recall_fscore(_support)
//   metrics/ranking.hpp           roc_auc_score (binary)
//   metrics/clustering.hpp        silhouette_samples, silhouette_score
//
// Shared parts: metrics/input.hpp (input checks), metrics/labels.hpp (label lists).
#pragma once

#include "metrics/classification.hpp"
#include "metrics/clustering.hpp"
#include "metrics/precision_recall.hpp"
#include "metrics/ranking.hpp"
#include "metrics/regression.hpp"
