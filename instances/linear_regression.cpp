// LinearRegression's dense and sparse fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/linear/linear_regression.hpp>

LINFA_DEFINE_INSTANCES(LINFA_LINEAR_REGRESSION_INSTANCES)
