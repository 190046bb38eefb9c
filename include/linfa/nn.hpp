// Nearest-neighbour search: the public face. NeighbourIndex (nn/index.hpp) answers k nearest
// neighbours and radius queries by brute force, a KD-tree or a ball tree, the same bit for bit;
// its parts:
//   nn/metric.hpp       Metric: euclidean, manhattan, chebyshev, minkowski; the one distance function
//   nn/top_k.hpp        the k best candidates by (distance, row)
//   nn/brute_force.hpp  blocked brute force with an exact GEMM filter
//   nn/trees.hpp        KD-tree and ball tree
#pragma once

#include "nn/index.hpp"
