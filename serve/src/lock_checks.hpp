// Debian builds abseil without NDEBUG, so every absl::Mutex (all of grpc's locks) records its
// lock order in a process-wide graph to detect deadlocks. In a profile of unary calls that was
// the largest single cost after the kernel's (bench/serving/README.md). Release programs (the
// server, the load generator) turn the debugging aid off before they start grpc.
#pragma once

#include <absl/synchronization/mutex.h>

namespace linfa::serve {

inline void disable_lock_order_checks() { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); }

}  // namespace linfa::serve
