// ElasticNet's dense and sparse fits for float and double (include/linfa/core/instances.hpp).
#include <linfa/linear/elastic_net.hpp>

LINFA_DEFINE_INSTANCES(LINFA_ELASTIC_NET_INSTANCES)
