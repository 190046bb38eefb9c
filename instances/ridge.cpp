// Ridge's dense and sparse fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/linear/ridge.hpp>

LINFA_DEFINE_INSTANCES(LINFA_RIDGE_INSTANCES)
