// The scalers' fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/preprocessing.hpp>

LINFA_DEFINE_INSTANCES(LINFA_PREPROCESSING_INSTANCES)
