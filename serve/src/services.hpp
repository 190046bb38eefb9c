// The gRPC services, in both API styles, as thin shells over Handlers. The callback style
// answers on grpc's own threads with no hand-off (each call is microseconds of work); the
// sync style runs each call on a thread of grpc's sync-server pool. main.cpp picks one
// (config server.api; README explains the measured choice).
//
// Both styles take each request as bytes and parse it themselves, so bytes that are not the
// method's message get INVALID_ARGUMENT with a reason (grpc's own parser would answer
// INTERNAL with an empty message), and both count the calls in flight against
// limits.max_inflight_calls.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include "config.hpp"
#include "handlers.hpp"
#include "inference_protocol.hpp"
#include "model_control.hpp"

namespace linfa::serve {

/// Counts the calls in flight, all connections together, and refuses those beyond a cap.
/// Callback API: a call is in flight from its handler's start until grpc has sent its
/// answer (OnDone), so a client that does not read its answers keeps holding its slots;
/// sync API: while its handler runs.
class CallGate {
public:
    explicit CallGate(std::uint32_t cap) : cap_(cap) {}
    bool limited() const { return cap_ > 0; }
    /// Takes a slot; false when `cap` calls are in flight already (nothing taken).
    bool try_enter() {
        if (cap_ == 0) return true;
        if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= cap_) {
            in_flight_.fetch_sub(1, std::memory_order_relaxed);
            return false;
        }
        return true;
    }
    void leave() {
        if (cap_ != 0) in_flight_.fetch_sub(1, std::memory_order_relaxed);
    }
    /// RESOURCE_EXHAUSTED, saying why.
    grpc::Status busy() const;

private:
    const std::uint32_t cap_;
    std::atomic<std::uint32_t> in_flight_{0};
};

/// The services of one server and what they share; must outlive the server.
struct Services {
    std::unique_ptr<CallGate> gate;
    std::vector<std::unique_ptr<grpc::Service>> list;
};

/// Creates the services of the chosen API style (config.api) with the config's call cap.
Services make_services(const Handlers& handlers, const InferenceProtocol& protocol, const ModelControl& control,
                       const ServeConfig& config);

}  // namespace linfa::serve
