// K-Means' and mini-batch K-Means' fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/clustering/kmeans.hpp>

LINFA_DEFINE_INSTANCES(LINFA_KMEANS_INSTANCES)
