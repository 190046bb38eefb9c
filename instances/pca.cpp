// PCA's fit for float and double (include/linfa/core/instances.hpp).
#include <linfa/decomposition/pca.hpp>

LINFA_DEFINE_INSTANCES(LINFA_PCA_INSTANCES)
