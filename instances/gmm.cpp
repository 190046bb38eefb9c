// The Gaussian mixture's fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/clustering/gmm.hpp>

LINFA_DEFINE_INSTANCES(LINFA_GMM_INSTANCES)
