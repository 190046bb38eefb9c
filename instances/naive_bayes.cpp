// Gaussian naive Bayes' fit for float and double (include/linfa/core/instances.hpp).
#include <linfa/naive_bayes.hpp>

LINFA_DEFINE_INSTANCES(LINFA_NAIVE_BAYES_INSTANCES)
