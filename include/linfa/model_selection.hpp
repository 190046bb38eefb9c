// linfa::model_selection: splitting data and cross-validating any fittable parameters.
//
//   model_selection/split.hpp           Split, TestSize, Subset, take_rows, train_test_split
//                                       (plain or stratified), shuffle_split, stratified_shuffle_split
//   model_selection/folds.hpp           KFold, StratifiedKFold (scikit-learn's fold sizes and deal)
//   model_selection/cross_validate.hpp  cross_validate (folds in parallel, scores the same on any
//                                       thread count), the ready metrics accuracy and r2
#pragma once

#include "model_selection/cross_validate.hpp"
#include "model_selection/folds.hpp"
#include "model_selection/split.hpp"
