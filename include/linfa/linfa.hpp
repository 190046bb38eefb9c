// Umbrella header: the core and every algorithm.
#pragma once

#include "clustering/dbscan.hpp"  // fit-predict only: no model, so not in models.hpp
#include "core/concepts.hpp"
#include "core/dataset.hpp"
#include "core/error.hpp"
#include "core/matrix.hpp"
#include "core/model_example.hpp"
#include "core/parallel.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"
#include "core/sparse.hpp"
#include "core/validation.hpp"
#include "datasets/blobs.hpp"
#include "io/model_file.hpp"
#include "model_selection.hpp"
#include "models.hpp"  // every algorithm
