// Prometheus metrics of the server, rendered in the text exposition format on the HTTP port's
// /metrics: calls by protocol, method, model, version and status, their latency histograms,
// rows predicted, calls in flight, model loads, and the versions served. Recording a call
// costs one uncontended lock: each thread counts into a shard of its own, and a scrape sums
// the shards.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "repository.hpp"

namespace linfa::serve {

/// What the call running on this thread touched, for its metrics: set by the model lookup
/// (model, version) and the row count check (rows) of every protocol.
struct CallLabels {
    std::string model;
    std::int64_t version = 0;
    std::size_t rows = 0;
};
CallLabels& current_call();

class Metrics {
public:
    /// One finished call: `protocol` and `method` are string literals ("grpc",
    /// "/inference.GRPCInferenceService/ModelInfer"); `status` a grpc::StatusCode.
    void observe(const char* protocol, const char* method, const CallLabels& labels, int status, double seconds);
    void enter() { inflight_.fetch_add(1, std::memory_order_relaxed); }
    void leave() { inflight_.fetch_sub(1, std::memory_order_relaxed); }
    void model_loaded(const std::string& model, std::int64_t version, double seconds);
    void model_refused(const std::string& model);
    /// Every metric, with `served` as the versions served now.
    std::string render(const ServedSet& served) const;

    /// Upper bounds of the latency histogram's buckets, seconds.
    static constexpr double bucket_bounds[] = {1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static constexpr std::size_t n_buckets = std::size(bucket_bounds);

    struct Series;
    struct Shard;

private:
    Shard& shard();

    mutable std::mutex shards_mutex_;
    std::vector<std::unique_ptr<Shard>> shards_;  ///< one per thread that recorded a call; never freed
    std::atomic<std::int64_t> inflight_{0};
    mutable std::mutex loads_mutex_;
    struct Load {
        std::string model;
        std::int64_t version;
        double seconds;
    };
    std::vector<Load> last_loads_;                 ///< the latest load of each model version
    std::vector<std::pair<std::string, std::uint64_t>> loads_ok_, loads_refused_;
};

/// The process's metrics (the server records into it; tests and fuzzing may ignore it).
Metrics& metrics();

}  // namespace linfa::serve
