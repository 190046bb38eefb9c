// The gRPC services, in both API styles, as thin shells over Handlers. The callback style
// answers on grpc's own threads with no hand-off (each call is microseconds of work); the
// sync style runs each call on a thread of grpc's sync-server pool. main.cpp picks one
// (config server.api; README explains the measured choice).
#pragma once

#include <memory>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "centroids.grpc.pb.h"
#include "handlers.hpp"
#include "linfa_serving.grpc.pb.h"

namespace linfa::serve {

/// Creates the services of the chosen API style; they must outlive the server.
std::vector<std::unique_ptr<grpc::Service>> make_services(const Handlers& handlers, const std::string& api);

}  // namespace linfa::serve
