#include "metrics.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <tuple>

namespace linfa::serve {
namespace {

const char* status_name(int code) {
    static constexpr const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                            "UNAUTHENTICATED"};
    return code >= 0 && code < int(std::size(names)) ? names[code] : "UNKNOWN";
}

/// A version label: empty when the call found no model.
std::string version_label(std::int64_t version) { return version > 0 ? std::to_string(version) : ""; }

void bump(std::vector<std::pair<std::string, std::uint64_t>>& counts, const std::string& model) {
    const auto found = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == model; });
    if (found == counts.end()) counts.emplace_back(model, 1);
    else ++found->second;
}

}  // namespace

struct Metrics::Series {
    const char* protocol;
    const char* method;
    std::string model;
    std::int64_t version;
    int status;
    std::uint64_t count = 0;
    std::uint64_t rows = 0;
    double seconds = 0;
    std::array<std::uint64_t, n_buckets> buckets{};  ///< per bucket, not cumulative
};

struct Metrics::Shard {
    std::mutex mutex;  ///< taken by its thread per call, and by scrapes
    std::vector<Series> series;
};

CallLabels& current_call() {
    thread_local CallLabels labels;
    return labels;
}

Metrics& metrics() {
    static Metrics instance;
    return instance;
}

Metrics::Shard& Metrics::shard() {
    thread_local Shard* mine = nullptr;
    if (!mine) {
        std::lock_guard lock(shards_mutex_);
        shards_.push_back(std::make_unique<Shard>());
        mine = shards_.back().get();
    }
    return *mine;
}

void Metrics::observe(const char* protocol, const char* method, const CallLabels& labels, int status, double seconds) {
    Shard& s = shard();
    std::lock_guard lock(s.mutex);
    auto found = std::find_if(s.series.begin(), s.series.end(), [&](const Series& x) {
        return x.method == method && x.protocol == protocol && x.status == status && x.version == labels.version && x.model == labels.model;
    });
    if (found == s.series.end()) {
        s.series.push_back(Series{protocol, method, labels.model, labels.version, status});
        found = s.series.end() - 1;
    }
    ++found->count;
    found->rows += status == 0 ? labels.rows : 0;
    found->seconds += seconds;
    const auto bucket = std::lower_bound(std::begin(bucket_bounds), std::end(bucket_bounds), seconds) - std::begin(bucket_bounds);
    if (bucket < std::ptrdiff_t(n_buckets)) ++found->buckets[std::size_t(bucket)];
}

void Metrics::model_loaded(const std::string& model, std::int64_t version, double seconds) {
    std::lock_guard lock(loads_mutex_);
    bump(loads_ok_, model);
    const auto found = std::find_if(last_loads_.begin(), last_loads_.end(),
                                    [&](const Load& l) { return l.model == model && l.version == version; });
    if (found == last_loads_.end()) last_loads_.push_back({model, version, seconds});
    else found->seconds = seconds;
}

void Metrics::model_refused(const std::string& model) {
    std::lock_guard lock(loads_mutex_);
    bump(loads_refused_, model);
}

std::string Metrics::render(const ServedSet& served) const {
    // Summed over shards: counts by (protocol, method, model, version, status); histograms
    // and rows by (protocol, method, model, version).
    using Call = std::tuple<std::string, std::string, std::string, std::int64_t>;
    struct Histogram {
        std::array<std::uint64_t, n_buckets> buckets{};
        std::uint64_t count = 0;
        double seconds = 0;
    };
    std::map<std::tuple<std::string, std::string, std::string, std::int64_t, int>, std::uint64_t> counts;
    std::map<Call, Histogram> histograms;
    std::map<std::pair<std::string, std::int64_t>, std::uint64_t> rows;
    {
        std::lock_guard lock(shards_mutex_);
        for (const auto& s : shards_) {
            std::lock_guard shard_lock(s->mutex);
            for (const Series& x : s->series) {
                counts[{x.protocol, x.method, x.model, x.version, x.status}] += x.count;
                Histogram& h = histograms[{x.protocol, x.method, x.model, x.version}];
                for (std::size_t b = 0; b < n_buckets; ++b) h.buckets[b] += x.buckets[b];
                h.count += x.count;
                h.seconds += x.seconds;
                if (!x.model.empty()) rows[{x.model, x.version}] += x.rows;
            }
        }
    }
    std::ostringstream out;
    out.precision(17);
    out << "# HELP linfa_serve_requests_total Calls finished, by protocol, method, model, version and gRPC status.\n"
           "# TYPE linfa_serve_requests_total counter\n";
    for (const auto& [key, n] : counts) {
        const auto& [protocol, method, model, version, status] = key;
        out << "linfa_serve_requests_total{protocol=\"" << protocol << "\",method=\"" << method << "\",model=\"" << model
            << "\",version=\"" << version_label(version) << "\",status=\"" << status_name(status) << "\"} " << n << "\n";
    }
    out << "# HELP linfa_serve_request_duration_seconds Time in the server from the request read to the answer ready.\n"
           "# TYPE linfa_serve_request_duration_seconds histogram\n";
    for (const auto& [key, h] : histograms) {
        const auto& [protocol, method, model, version] = key;
        const std::string labels = "protocol=\"" + protocol + "\",method=\"" + method + "\",model=\"" + model + "\",version=\"" +
                                   version_label(version) + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < n_buckets; ++b) {
            cumulative += h.buckets[b];
            out << "linfa_serve_request_duration_seconds_bucket{" << labels << ",le=\"" << bucket_bounds[b] << "\"} " << cumulative << "\n";
        }
        out << "linfa_serve_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count << "\n"
            << "linfa_serve_request_duration_seconds_sum{" << labels << "} " << h.seconds << "\n"
            << "linfa_serve_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
    }
    out << "# HELP linfa_serve_rows_predicted_total Rows answered by successful calls.\n"
           "# TYPE linfa_serve_rows_predicted_total counter\n";
    for (const auto& [key, n] : rows) {
        out << "linfa_serve_rows_predicted_total{model=\"" << key.first << "\",version=\"" << key.second << "\"} " << n << "\n";
    }
    out << "# HELP linfa_serve_inflight_calls Calls in the server's handlers now.\n"
           "# TYPE linfa_serve_inflight_calls gauge\n"
           "linfa_serve_inflight_calls "
        << inflight_.load(std::memory_order_relaxed) << "\n";
    out << "# HELP linfa_serve_model_version_served A version served now (1), by model and version.\n"
           "# TYPE linfa_serve_model_version_served gauge\n";
    for (const auto& [name, versions] : served.models) {
        for (const auto& [version, ignored] : versions) {
            out << "linfa_serve_model_version_served{model=\"" << name << "\",version=\"" << version << "\"} 1\n";
        }
    }
    std::lock_guard lock(loads_mutex_);
    out << "# HELP linfa_serve_model_loads_total Model files loaded and checked, or refused, by model.\n"
           "# TYPE linfa_serve_model_loads_total counter\n";
    for (const auto& [model, n] : loads_ok_) out << "linfa_serve_model_loads_total{model=\"" << model << "\",result=\"loaded\"} " << n << "\n";
    for (const auto& [model, n] : loads_refused_) {
        out << "linfa_serve_model_loads_total{model=\"" << model << "\",result=\"refused\"} " << n << "\n";
    }
    out << "# HELP linfa_serve_model_load_seconds Time the latest load of a model version took.\n"
           "# TYPE linfa_serve_model_load_seconds gauge\n";
    for (const Load& l : last_loads_) {
        out << "linfa_serve_model_load_seconds{model=\"" << l.model << "\",version=\"" << l.version << "\"} " << l.seconds << "\n";
    }
    return out.str();
}

}  // namespace linfa::serve
