// The neighbour models' fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/neighbors.hpp>

LINFA_DEFINE_INSTANCES(LINFA_NEIGHBORS_INSTANCES)
