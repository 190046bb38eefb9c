// DBSCAN's fit for float and double (include/linfa/core/instances.hpp).
#include <linfa/clustering/dbscan.hpp>

LINFA_DEFINE_INSTANCES(LINFA_DBSCAN_INSTANCES)
