// linfa-soak: a long closed-loop run against linfa-serve with a mix of valid requests (checked
// against linfa's own answers), invalid ones and calls the client abandons, over many
// connections. `concurrency` calls are kept in flight (spread round-robin over `connections`
// HTTP/2 connections and `threads` CompletionQueues), each finished call starting the next
// until `duration` ends; the calls in flight then are awaited.
//
// Every call is one of:
//   valid   (the rest)            ml Predict (1 point), ml PredictBatch (8 rows) or linfa Predict
//                                 (64 packed rows, f64 or f32): must be OK with linfa's labels
//   invalid (--invalid-fraction)  a wrong feature count, a NaN, or bytes that are not protobuf:
//                                 must be INVALID_ARGUMENT
//   cancel  (--cancel-fraction)   a valid call cancelled by the client (TryCancel) 0-2 ms after it
//                                 starts, or given a 0-1 ms deadline: CANCELLED, DEADLINE_EXCEEDED
//                                 or OK (when the answer came first)
// Anything else is "unexpected". Prints (and writes with -o) one JSON object: status counts by
// kind, unexpected and wrong-answer counts, and per --window seconds the calls finished and
// the p50/p99/max latency of the valid calls.
//   linfa-soak --target 127.0.0.1:50051 --model km.linfa --connections 1024 -c 1024 --duration 600
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/alarm.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <linfa/clustering/kmeans.hpp>
#include <linfa/io/model_file.hpp>
#include <nlohmann/json.hpp>

#include "centroids.pb.h"
#include "linfa_serving.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = linfa::serving::v1;

struct Options {
    std::string target = "127.0.0.1:50051";
    std::string model;
    int concurrency = 1024, connections = 1024, threads = 2;
    double duration_s = 60, window_s = 10, timeout_s = 30;
    double invalid_fraction = 0.10, cancel_fraction = 0.05;
    std::uint64_t seed = 1;
    std::string output;
};

enum Kind { valid = 0, invalid = 1, cancel = 2 };
const char* kind_names[] = {"valid", "invalid", "cancel"};

/// One prepared request: method, bytes, and for valid ones the labels linfa gives.
struct Prepared {
    std::string method;
    grpc::ByteBuffer bytes;
    int answer = 0;              ///< 0: ml Predict, 1: ml PredictBatch, 2: linfa Predict, -1: none expected
    std::vector<int> labels;
};

grpc::ByteBuffer to_bytes(const google::protobuf::MessageLite& message) {
    const std::string wire = message.SerializeAsString();
    grpc::Slice slice(wire);
    return grpc::ByteBuffer(&slice, 1);
}

/// The request pools: valid requests over random rows (with linfa's labels), invalid ones.
struct Pools {
    std::vector<Prepared> valid, invalid;
};

Pools prepare(const Options& o) {
    const auto model = linfa::load<linfa::clustering::KMeans<double>>(o.model);
    const auto d = static_cast<std::size_t>(model.n_features());
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> value(-60, 60);
    auto rows = [&](std::size_t n) {
        std::vector<double> v(n * d);
        for (auto& x : v) x = value(rng);
        return v;
    };
    auto labels_of = [&](const std::vector<double>& v) {
        const linfa::Labels l = model.predict(
            linfa::DatasetView<double>(linfa::MatrixView<double>(v.data(), Eigen::Index(v.size() / d), Eigen::Index(d))));
        return std::vector<int>(l.data(), l.data() + l.size());
    };
    Pools pools;
    for (int i = 0; i < 256; ++i) {
        {  // ml Predict, one point
            const auto v = rows(1);
            ml::PredictRequest r;
            r.mutable_features()->Add(v.begin(), v.end());
            pools.valid.push_back({"/ml.ClusteringService/Predict", to_bytes(r), 0, labels_of(v)});
        }
        if (i % 2 == 0) {  // ml PredictBatch, 8 rows
            const auto v = rows(8);
            ml::PredictBatchRequest r;
            for (std::size_t row = 0; row < 8; ++row) {
                r.add_observations()->mutable_features()->Add(v.begin() + long(row * d), v.begin() + long((row + 1) * d));
            }
            pools.valid.push_back({"/ml.ClusteringService/PredictBatch", to_bytes(r), 1, labels_of(v)});
        } else {  // linfa Predict, 64 packed rows, f64 or f32
            auto v = rows(64);
            v1::PredictRequest r;
            r.set_n_rows(64);
            if (i % 4 == 1) {
                r.mutable_f64()->Add(v.begin(), v.end());
            } else {
                for (auto& x : v) x = double(float(x));  // what the server will see
                r.mutable_f32()->Add(v.begin(), v.end());
            }
            pools.valid.push_back({"/linfa.serving.v1.ModelService/Predict", to_bytes(r), 2, labels_of(v)});
        }
        // Invalid: a feature too many, a NaN, bytes that are not protobuf.
        ml::PredictRequest too_many;
        for (std::size_t f = 0; f <= d; ++f) too_many.add_features(value(rng));
        pools.invalid.push_back({"/ml.ClusteringService/Predict", to_bytes(too_many), -1, {}});
        auto v = rows(4);
        v[std::size_t(i) % v.size()] = std::numeric_limits<double>::quiet_NaN();
        v1::PredictRequest nan;
        nan.set_n_rows(4);
        nan.mutable_f64()->Add(v.begin(), v.end());
        pools.invalid.push_back({"/linfa.serving.v1.ModelService/Predict", to_bytes(nan), -1, {}});
        const std::string garbage("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
        grpc::Slice slice(garbage);
        pools.invalid.push_back({"/linfa.serving.v1.ModelService/Predict", grpc::ByteBuffer(&slice, 1), -1, {}});
    }
    return pools;
}

/// Latencies in ~2% buckets (log scale), 1 us to ~100 s.
struct Histogram {
    static constexpr double per_e = 50;  // buckets per factor e
    std::vector<std::uint32_t> counts = std::vector<std::uint32_t>(1000, 0);
    std::uint64_t n = 0;
    double max_us = 0;
    void add(double us) {
        const auto i = static_cast<std::size_t>(std::log(std::max(us, 1.0)) * per_e);
        ++counts[std::min(i, counts.size() - 1)];
        ++n;
        max_us = std::max(max_us, us);
    }
    void merge(const Histogram& o) {
        for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += o.counts[i];
        n += o.n;
        max_us = std::max(max_us, o.max_us);
    }
    double quantile_ms(double q) const {
        if (n == 0) return 0;
        const auto rank = static_cast<std::uint64_t>(std::ceil(q * double(n)));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            seen += counts[i];
            if (seen >= rank) return std::min(std::exp((double(i) + 0.5) / per_e), max_us) / 1e3;
        }
        return max_us / 1e3;
    }
};

struct Window {
    Histogram valid_latency;
    std::uint64_t finished = 0, unexpected = 0;
};

struct Tally {
    std::map<int, std::uint64_t> status[3];  // by kind: grpc code -> calls
    std::uint64_t unexpected = 0, wrong_answers = 0;
    Histogram valid_latency;
    std::vector<Window> windows;
    std::vector<std::string> unexpected_samples;
};

struct Slot;
struct Tag {
    Slot* slot;
    bool alarm;
};

struct Slot {
    grpc::GenericStub* stub = nullptr;
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
    std::unique_ptr<grpc::Alarm> alarm;
    grpc::ByteBuffer response;
    grpc::Status status;
    const Prepared* request = nullptr;
    Kind kind = valid;
    Clock::time_point started;
    bool finished = false, alarm_pending = false;
    Tag finish_tag{this, false}, alarm_tag{this, true};
};

class Worker {
public:
    Worker(const Options& o, const Pools& pools, Clock::time_point t0, Clock::time_point stop, std::uint64_t seed)
        : o_(o), pools_(pools), t0_(t0), stop_(stop), rng_(seed) {}

    void add_slot(grpc::GenericStub* stub) {
        slots_.push_back(std::make_unique<Slot>());
        slots_.back()->stub = stub;
    }

    void run() {
        for (auto& slot : slots_) start(*slot);
        std::size_t active = slots_.size();
        void* raw_tag;
        bool ok;
        while (active > 0 && cq_.Next(&raw_tag, &ok)) {
            const Tag& tag = *static_cast<Tag*>(raw_tag);
            Slot& slot = *tag.slot;
            if (tag.alarm) {
                slot.alarm_pending = false;
                if (!slot.finished) {
                    slot.ctx->TryCancel();  // the client gives up mid-flight
                    continue;
                }
            } else {
                slot.finished = true;
                record(slot);
                if (slot.alarm_pending) {
                    slot.alarm->Cancel();  // its event comes next, then the slot moves on
                    continue;
                }
            }
            if (Clock::now() < stop_) start(slot);
            else --active;
        }
        cq_.Shutdown();
        while (cq_.Next(&raw_tag, &ok)) {}
    }

    Tally tally;

private:
    void start(Slot& slot) {
        const double pick = unit_(rng_);
        slot.kind = pick < o_.invalid_fraction ? invalid : pick < o_.invalid_fraction + o_.cancel_fraction ? cancel : valid;
        const auto& pool = slot.kind == invalid ? pools_.invalid : pools_.valid;
        slot.request = &pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng_)];
        slot.ctx = std::make_unique<grpc::ClientContext>();
        const auto now_wall = std::chrono::system_clock::now();
        slot.ctx->set_deadline(now_wall + std::chrono::microseconds(static_cast<long>(o_.timeout_s * 1e6)));
        slot.finished = false;
        slot.response.Clear();
        bool cancel_later = false;
        if (slot.kind == cancel) {
            if (unit_(rng_) < 0.5) {
                slot.ctx->set_deadline(now_wall + std::chrono::microseconds(static_cast<long>(unit_(rng_) * 1000)));
            } else {
                cancel_later = true;
            }
        }
        slot.started = Clock::now();
        slot.reader = slot.stub->PrepareUnaryCall(slot.ctx.get(), slot.request->method, slot.request->bytes, &cq_);
        slot.reader->StartCall();
        slot.reader->Finish(&slot.response, &slot.status, &slot.finish_tag);
        if (cancel_later) {
            slot.alarm = std::make_unique<grpc::Alarm>();
            slot.alarm_pending = true;
            slot.alarm->Set(&cq_, std::chrono::system_clock::now() + std::chrono::microseconds(static_cast<long>(unit_(rng_) * 2000)),
                            &slot.alarm_tag);
        }
    }

    bool labels_match(const Slot& slot) {
        const Prepared& p = *slot.request;
        std::string wire;
        if (!slot.response.Valid()) return false;
        std::vector<grpc::Slice> slices;
        if (!slot.response.Dump(&slices).ok()) return false;
        for (const auto& s : slices) wire.append(reinterpret_cast<const char*>(s.begin()), s.size());
        std::vector<int> got;
        if (p.answer == 0) {
            ml::PredictResponse r;
            if (!r.ParseFromString(wire)) return false;
            got.push_back(r.cluster_index());
        } else if (p.answer == 1) {
            ml::PredictBatchResponse r;
            if (!r.ParseFromString(wire)) return false;
            got.assign(r.cluster_indexes().begin(), r.cluster_indexes().end());
        } else {
            v1::PredictResponse r;
            if (!r.ParseFromString(wire)) return false;
            got.assign(r.labels().begin(), r.labels().end());
        }
        return got == p.labels;
    }

    void record(Slot& slot) {
        const auto now = Clock::now();
        const double us = std::chrono::duration<double, std::micro>(now - slot.started).count();
        const int code = slot.status.error_code();
        ++tally.status[slot.kind][code];
        bool expected = false;
        if (slot.kind == valid) expected = code == grpc::OK;
        else if (slot.kind == invalid) expected = code == grpc::INVALID_ARGUMENT;
        else expected = code == grpc::OK || code == grpc::CANCELLED || code == grpc::DEADLINE_EXCEEDED;
        if (expected && code == grpc::OK && slot.request->answer >= 0 && !labels_match(slot)) {
            ++tally.wrong_answers;
            expected = false;
        }
        // Calls finishing after the end (the awaited tail) count in the last window.
        const auto last = static_cast<std::size_t>(std::max(1.0, std::ceil(o_.duration_s / o_.window_s))) - 1;
        const auto w = std::min(last, static_cast<std::size_t>(std::chrono::duration<double>(now - t0_).count() / o_.window_s));
        if (tally.windows.size() <= w) tally.windows.resize(w + 1);
        Window& window = tally.windows[w];
        ++window.finished;
        if (!expected) {
            ++tally.unexpected;
            ++window.unexpected;
            if (tally.unexpected_samples.size() < 10) {
                tally.unexpected_samples.push_back(std::string(kind_names[slot.kind]) + " " + slot.request->method + ": " +
                                                   std::to_string(code) + " " + slot.status.error_message());
            }
        }
        if (slot.kind == valid) {
            window.valid_latency.add(us);
            tally.valid_latency.add(us);
        }
    }

    const Options& o_;
    const Pools& pools_;
    Clock::time_point t0_, stop_;
    std::mt19937_64 rng_;
    std::uniform_real_distribution<double> unit_{0.0, 1.0};
    grpc::CompletionQueue cq_;
    std::vector<std::unique_ptr<Slot>> slots_;
};

const char* code_name(int code) {
    static const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                  "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                  "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                  "UNAUTHENTICATED"};
    return code >= 0 && code <= 16 ? names[code] : "OTHER";
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"linfa-soak: long mixed load (valid, invalid, cancelled calls) over many connections"};
    app.add_option("--target", o.target, "host:port");
    app.add_option("--model", o.model, "the served model file (f64 K-Means): valid answers are checked against it")->required();
    app.add_option("--concurrency,-c", o.concurrency, "calls kept in flight")->check(CLI::Range(1, 100000));
    app.add_option("--connections", o.connections, "HTTP/2 connections")->check(CLI::Range(1, 16384));
    app.add_option("--threads", o.threads, "client threads (one CompletionQueue each)")->check(CLI::Range(1, 64));
    app.add_option("--duration,-z", o.duration_s, "seconds of load")->check(CLI::PositiveNumber);
    app.add_option("--window", o.window_s, "seconds per reported window")->check(CLI::PositiveNumber);
    app.add_option("--timeout", o.timeout_s, "deadline of valid and invalid calls, seconds")->check(CLI::PositiveNumber);
    app.add_option("--invalid-fraction", o.invalid_fraction, "share of invalid calls")->check(CLI::Range(0.0, 1.0));
    app.add_option("--cancel-fraction", o.cancel_fraction, "share of calls the client abandons")->check(CLI::Range(0.0, 1.0));
    app.add_option("--seed", o.seed, "seed of the rows and of the mix");
    app.add_option("--output,-o", o.output, "also write the JSON here");
    CLI11_PARSE(app, argc, argv);
    o.connections = std::min(o.connections, o.concurrency);
    o.threads = std::min(o.threads, o.concurrency);

    Pools pools;
    try {
        pools = prepare(o);
    } catch (const std::exception& e) {
        std::cerr << "linfa-soak: " << e.what() << "\n";
        return 2;
    }
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
    for (int i = 0; i < o.connections; ++i) {
        grpc::ChannelArguments args;
        args.SetInt("linfa.soak.channel", i);  // distinct arguments: a connection of its own
        channels.push_back(grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
        stubs.push_back(std::make_unique<grpc::GenericStub>(channels.back()));
    }
    const auto t0 = Clock::now();
    const auto stop = t0 + std::chrono::microseconds(static_cast<long>(o.duration_s * 1e6));
    std::vector<std::unique_ptr<Worker>> workers;
    for (int t = 0; t < o.threads; ++t) workers.push_back(std::make_unique<Worker>(o, pools, t0, stop, o.seed * 1000 + std::uint64_t(t)));
    for (int s = 0; s < o.concurrency; ++s) workers[std::size_t(s % o.threads)]->add_slot(stubs[std::size_t(s % o.connections)].get());
    std::vector<std::thread> threads;
    for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();

    // Merge the workers' tallies.
    nlohmann::json by_kind = nlohmann::json::object();
    std::uint64_t requests = 0, unexpected = 0, wrong = 0;
    Histogram all;
    std::vector<Window> windows;
    std::vector<std::string> samples;
    std::map<std::string, std::uint64_t> totals;
    for (int k = 0; k < 3; ++k) {
        std::map<std::string, std::uint64_t> counts;
        for (auto& w : workers) {
            for (auto [code, n] : w->tally.status[k]) {
                counts[code_name(code)] += n;
                totals[code_name(code)] += n;
                requests += n;
            }
        }
        by_kind[kind_names[k]] = counts;
    }
    for (auto& w : workers) {
        unexpected += w->tally.unexpected;
        wrong += w->tally.wrong_answers;
        all.merge(w->tally.valid_latency);
        if (windows.size() < w->tally.windows.size()) windows.resize(w->tally.windows.size());
        for (std::size_t i = 0; i < w->tally.windows.size(); ++i) {
            windows[i].valid_latency.merge(w->tally.windows[i].valid_latency);
            windows[i].finished += w->tally.windows[i].finished;
            windows[i].unexpected += w->tally.windows[i].unexpected;
        }
        for (auto& s : w->tally.unexpected_samples) if (samples.size() < 10) samples.push_back(s);
    }
    nlohmann::json window_list = nlohmann::json::array();
    for (std::size_t i = 0; i < windows.size(); ++i) {
        const double start = double(i) * o.window_s;
        const double span = i + 1 == windows.size() ? elapsed - start : o.window_s;
        window_list.push_back({{"t_start_s", start}, {"t_end_s", start + span}, {"calls", windows[i].finished},
                               {"calls_per_s", span > 0 ? double(windows[i].finished) / span : 0.0},
                               {"valid_calls", windows[i].valid_latency.n}, {"unexpected", windows[i].unexpected},
                               {"p50_ms", windows[i].valid_latency.quantile_ms(0.5)},
                               {"p99_ms", windows[i].valid_latency.quantile_ms(0.99)},
                               {"max_ms", windows[i].valid_latency.max_us / 1e3}});
    }
    const nlohmann::json result = {
        {"target", o.target}, {"concurrency", o.concurrency}, {"connections", o.connections}, {"client_threads", o.threads},
        {"duration_s", o.duration_s}, {"elapsed_s", elapsed}, {"window_s", o.window_s},
        {"invalid_fraction", o.invalid_fraction}, {"cancel_fraction", o.cancel_fraction},
        {"requests", requests}, {"rps", double(requests) / elapsed}, {"status", totals}, {"status_by_kind", by_kind},
        {"unexpected", unexpected}, {"wrong_answers", wrong}, {"unexpected_samples", samples},
        {"valid_latency_ms", {{"p50", all.quantile_ms(0.5)}, {"p99", all.quantile_ms(0.99)}, {"max", all.max_us / 1e3}}},
        {"windows", window_list}};
    std::cout << result.dump(2) << std::endl;
    if (!o.output.empty()) std::ofstream(o.output) << result.dump(2) << "\n";
    return 0;
}
