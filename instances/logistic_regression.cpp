// LogisticRegression's dense fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/linear/logistic_regression.hpp>

LINFA_DEFINE_INSTANCES(LINFA_LOGISTIC_REGRESSION_INSTANCES)
