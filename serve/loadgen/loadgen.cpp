// linfa-loadgen: a closed-loop gRPC load generator in the spirit of ghz. `concurrency` calls
// are kept in flight over async CompletionQueues; each finished call immediately starts the
// next until the run ends, and the calls still in flight then are awaited (not counted as
// errors). Prints one JSON object: requests/s, points/s, latency percentiles, status counts.
//   linfa-loadgen --target 127.0.0.1:50051 --call Predict --concurrency 64 --duration 5
//                 [--tls-ca CA.pem [--tls-cert CLIENT.pem --tls-key CLIENT.key]]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "centroids.grpc.pb.h"
#include "grpc_predict_v2.grpc.pb.h"
#include "linfa_serving.grpc.pb.h"
#include "../src/lock_checks.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = linfa::serving::v1;

struct Options {
    std::string target = "127.0.0.1:50051";
    std::string call = "Predict";  // Predict | PredictBatch | linfa.Predict | ModelInfer
    std::string model;             // linfa.Predict, ModelInfer: the model named (empty: the default)
    int concurrency = 64, connections = 1, threads = 1;
    double duration_s = 5, warmup_s = 1, timeout_s = 20;
    std::size_t rows = 1, features = 2, distinct = 256;
    std::uint64_t seed = 1;
    bool f32 = false;
    bool minimal_stack = false;  // drops client filters (deadline enforcement): less client CPU
    std::string output;
    std::string tls_ca, tls_cert, tls_key, tls_server_name;  // TLS when tls_ca is set
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Insecure, or TLS trusting --tls-ca (with a client certificate when --tls-cert is given).
std::shared_ptr<grpc::ChannelCredentials> credentials(const Options& o) {
    if (o.tls_ca.empty()) return grpc::InsecureChannelCredentials();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = read_file(o.tls_ca);
    if (!o.tls_cert.empty()) {
        ssl.pem_cert_chain = read_file(o.tls_cert);
        ssl.pem_private_key = read_file(o.tls_key);
    }
    return grpc::SslCredentials(ssl);
}

/// One gRPC method: how to build its requests and start it on a stub.
struct SeedPredict {
    using Stub = ml::ClusteringService::Stub;
    using Request = ml::PredictRequest;
    using Response = ml::PredictResponse;
    static std::unique_ptr<Stub> stub(std::shared_ptr<grpc::Channel> ch) { return ml::ClusteringService::NewStub(ch); }
    static Request make(const std::vector<double>& v, const Options&) {
        Request r;
        r.mutable_features()->Add(v.begin(), v.end());
        return r;
    }
    static auto start(Stub& s, grpc::ClientContext* c, const Request& r, grpc::CompletionQueue* q) { return s.AsyncPredict(c, r, q); }
};

struct SeedPredictBatch {
    using Stub = ml::ClusteringService::Stub;
    using Request = ml::PredictBatchRequest;
    using Response = ml::PredictBatchResponse;
    static std::unique_ptr<Stub> stub(std::shared_ptr<grpc::Channel> ch) { return ml::ClusteringService::NewStub(ch); }
    static Request make(const std::vector<double>& v, const Options& o) {
        Request r;
        for (std::size_t i = 0; i < o.rows; ++i) {
            r.add_observations()->mutable_features()->Add(v.begin() + long(i * o.features), v.begin() + long((i + 1) * o.features));
        }
        return r;
    }
    static auto start(Stub& s, grpc::ClientContext* c, const Request& r, grpc::CompletionQueue* q) { return s.AsyncPredictBatch(c, r, q); }
};

struct LinfaPredict {
    using Stub = v1::ModelService::Stub;
    using Request = v1::PredictRequest;
    using Response = v1::PredictResponse;
    static std::unique_ptr<Stub> stub(std::shared_ptr<grpc::Channel> ch) { return v1::ModelService::NewStub(ch); }
    static Request make(const std::vector<double>& v, const Options& o) {
        Request r;
        r.set_n_rows(static_cast<std::uint32_t>(o.rows));
        if (o.f32) r.mutable_f32()->Add(v.begin(), v.end());
        else r.mutable_f64()->Add(v.begin(), v.end());
        r.set_model_name(o.model);
        return r;
    }
    static auto start(Stub& s, grpc::ClientContext* c, const Request& r, grpc::CompletionQueue* q) { return s.AsyncPredict(c, r, q); }
};

/// The Open Inference Protocol's ModelInfer: one input tensor of rows x features.
struct ModelInfer {
    using Stub = inference::GRPCInferenceService::Stub;
    using Request = inference::ModelInferRequest;
    using Response = inference::ModelInferResponse;
    static std::unique_ptr<Stub> stub(std::shared_ptr<grpc::Channel> ch) { return inference::GRPCInferenceService::NewStub(ch); }
    static Request make(const std::vector<double>& v, const Options& o) {
        Request r;
        r.set_model_name(o.model);
        auto* input = r.add_inputs();
        input->set_name("input");
        input->set_datatype(o.f32 ? "FP32" : "FP64");
        input->add_shape(static_cast<std::int64_t>(o.rows));
        input->add_shape(static_cast<std::int64_t>(o.features));
        if (o.f32) input->mutable_contents()->mutable_fp32_contents()->Add(v.begin(), v.end());
        else input->mutable_contents()->mutable_fp64_contents()->Add(v.begin(), v.end());
        return r;
    }
    static auto start(Stub& s, grpc::ClientContext* c, const Request& r, grpc::CompletionQueue* q) { return s.AsyncModelInfer(c, r, q); }
};

/// What one worker thread saw during the measured window.
struct Tally {
    std::vector<float> latency_us;
    std::map<int, std::uint64_t> status;  // gRPC status code -> calls
};

/// A slot keeps one call in flight at a time.
template <class M>
struct Slot {
    typename M::Stub* stub = nullptr;
    std::unique_ptr<grpc::ClientContext> ctx;
    typename M::Response response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<typename M::Response>> reader;
    Clock::time_point started;
    std::size_t next_request = 0;
};

template <class M>
class Worker {
public:
    Worker(const Options& o, const std::vector<typename M::Request>& requests, Clock::time_point measure_from,
           Clock::time_point stop_at)
        : o_(o), requests_(requests), from_(measure_from), stop_(stop_at) {}

    void add_slot(typename M::Stub* stub, std::size_t first_request) {
        slots_.push_back(std::make_unique<Slot<M>>());
        slots_.back()->stub = stub;
        slots_.back()->next_request = first_request;
    }

    void run() {
        for (auto& slot : slots_) start(*slot);
        std::size_t active = slots_.size();
        void* tag;
        bool ok;
        while (active > 0 && cq_.Next(&tag, &ok)) {
            auto& slot = *static_cast<Slot<M>*>(tag);
            const auto now = Clock::now();
            if (slot.started >= from_ && slot.started < stop_) record(slot, now);
            if (now < stop_) start(slot);
            else --active;
        }
        cq_.Shutdown();
        while (cq_.Next(&tag, &ok)) {}
    }

    Tally tally;

private:
    void start(Slot<M>& slot) {
        slot.ctx = std::make_unique<grpc::ClientContext>();
        slot.ctx->set_deadline(std::chrono::system_clock::now() +
                               std::chrono::microseconds(static_cast<long>(o_.timeout_s * 1e6)));
        slot.response.Clear();
        const auto& request = requests_[slot.next_request++ % requests_.size()];
        slot.started = Clock::now();
        slot.reader = M::start(*slot.stub, slot.ctx.get(), request, &cq_);
        slot.reader->Finish(&slot.response, &slot.status, &slot);
    }

    void record(const Slot<M>& slot, Clock::time_point now) {
        tally.latency_us.push_back(std::chrono::duration<float, std::micro>(now - slot.started).count());
        ++tally.status[slot.status.error_code()];
    }

    const Options& o_;
    const std::vector<typename M::Request>& requests_;
    Clock::time_point from_, stop_;
    grpc::CompletionQueue cq_;
    std::vector<std::unique_ptr<Slot<M>>> slots_;
};

const char* code_name(int code) {
    static const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                  "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                  "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                  "UNAUTHENTICATED"};
    return code >= 0 && code <= 16 ? names[code] : "OTHER";
}

/// Distinct channels: a per-channel argument keeps grpc from sharing one connection.
std::vector<std::shared_ptr<grpc::Channel>> open_channels(const Options& o) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    const auto creds = credentials(o);
    for (int i = 0; i < o.connections; ++i) {
        grpc::ChannelArguments args;
        args.SetInt("linfa.loadgen.channel", i);
        if (o.minimal_stack) args.SetInt(GRPC_ARG_MINIMAL_STACK, 1);
        args.SetMaxReceiveMessageSize(-1);
        args.SetMaxSendMessageSize(-1);
        if (!o.tls_server_name.empty()) args.SetSslTargetNameOverride(o.tls_server_name);
        channels.push_back(grpc::CreateCustomChannel(o.target, creds, args));
    }
    return channels;
}

nlohmann::json summarise(const Options& o, std::vector<Tally>& tallies) {
    std::vector<float> all;
    std::map<std::string, std::uint64_t> statuses;
    std::uint64_t errors = 0;
    for (auto& t : tallies) {
        all.insert(all.end(), t.latency_us.begin(), t.latency_us.end());
        for (auto [code, n] : t.status) {
            statuses[code_name(code)] += n;
            if (code != 0) errors += n;
        }
    }
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, std::size_t(p * double(all.size())))] / 1e3; };
    double sum = 0;
    for (float v : all) sum += v;
    const double ok = double(all.size() - errors);
    return {{"call", o.call}, {"target", o.target}, {"concurrency", o.concurrency}, {"connections", o.connections},
            {"client_threads", o.threads}, {"minimal_stack", o.minimal_stack},
            {"duration_s", o.duration_s}, {"rows_per_request", o.rows}, {"features", o.features},
            {"requests", all.size()}, {"errors", errors}, {"error_rate", all.empty() ? 0.0 : double(errors) / double(all.size())},
            {"rps", double(all.size()) / o.duration_s}, {"ok_rps", ok / o.duration_s},
            {"points_per_s", ok * double(o.rows) / o.duration_s},
            {"latency_ms", {{"mean", all.empty() ? 0.0 : sum / double(all.size()) / 1e3}, {"p50", pct(0.5)}, {"p90", pct(0.9)},
                            {"p99", pct(0.99)}, {"max", all.empty() ? 0.0 : all.back() / 1e3}}},
            {"status", statuses}};
}

template <class M>
nlohmann::json run_load(const Options& o) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> value(-50, 50);
    std::vector<typename M::Request> requests;
    for (std::size_t i = 0; i < o.distinct; ++i) {
        std::vector<double> v(o.rows * o.features);
        for (auto& x : v) x = value(rng);
        requests.push_back(M::make(v, o));
    }
    const auto channels = open_channels(o);
    std::vector<std::unique_ptr<typename M::Stub>> stubs;
    for (auto& ch : channels) stubs.push_back(M::stub(ch));
    const auto t0 = Clock::now();
    const auto from = t0 + std::chrono::microseconds(static_cast<long>(o.warmup_s * 1e6));
    const auto stop = from + std::chrono::microseconds(static_cast<long>(o.duration_s * 1e6));
    std::vector<std::unique_ptr<Worker<M>>> workers;
    for (int t = 0; t < o.threads; ++t) workers.push_back(std::make_unique<Worker<M>>(o, requests, from, stop));
    for (int s = 0; s < o.concurrency; ++s) {
        workers[std::size_t(s % o.threads)]->add_slot(stubs[std::size_t(s % o.connections)].get(), std::size_t(s) * 7919);
    }
    std::vector<std::thread> threads;
    for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
    for (auto& t : threads) t.join();
    std::vector<Tally> tallies;
    for (auto& w : workers) tallies.push_back(std::move(w->tally));
    return summarise(o, tallies);
}

}  // namespace

int main(int argc, char** argv) {
    linfa::serve::disable_lock_order_checks();
    Options o;
    CLI::App app{"linfa-loadgen: closed-loop gRPC load for linfa-serve and the seed's ml.ClusteringService"};
    app.add_option("--target", o.target, "host:port");
    app.add_option("--call", o.call,
                   "Predict | PredictBatch (ml.ClusteringService) | linfa.Predict (linfa.serving.v1) | ModelInfer (Open Inference Protocol)")
        ->check(CLI::IsMember({"Predict", "PredictBatch", "linfa.Predict", "ModelInfer"}));
    app.add_option("--model", o.model, "linfa.Predict, ModelInfer: the model to call (default: the server's default model)");
    app.add_option("--concurrency,-c", o.concurrency, "calls kept in flight")->check(CLI::Range(1, 100000));
    app.add_option("--connections", o.connections, "HTTP/2 connections")->check(CLI::Range(1, 4096));
    app.add_option("--threads", o.threads, "client threads (one CompletionQueue each)")->check(CLI::Range(1, 256));
    app.add_option("--duration,-z", o.duration_s, "measured seconds")->check(CLI::PositiveNumber);
    app.add_option("--warmup", o.warmup_s, "seconds of load before measuring")->check(CLI::NonNegativeNumber);
    app.add_option("--timeout", o.timeout_s, "per-call deadline, seconds")->check(CLI::PositiveNumber);
    app.add_option("--rows", o.rows, "rows per request (Predict: always 1)")->check(CLI::PositiveNumber);
    app.add_option("--features", o.features, "features per row")->check(CLI::PositiveNumber);
    app.add_option("--seed", o.seed, "seed of the random rows");
    app.add_option("--distinct", o.distinct, "distinct requests cycled through")->check(CLI::PositiveNumber);
    app.add_flag("--f32", o.f32, "linfa.Predict, ModelInfer: send f32 rows");
    app.add_flag("--minimal-stack", o.minimal_stack, "grpc minimal client stack: cheaper calls, no local deadline timer");
    app.add_option("--output,-o", o.output, "also write the JSON here");
    app.add_option("--tls-ca", o.tls_ca, "TLS: PEM CA certificate(s) to trust the server with (plaintext without)")
        ->check(CLI::ExistingFile);
    auto* cert = app.add_option("--tls-cert", o.tls_cert, "TLS: PEM client certificate (mutual TLS)")->check(CLI::ExistingFile);
    auto* key = app.add_option("--tls-key", o.tls_key, "TLS: PEM key of --tls-cert")->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    app.add_option("--tls-server-name", o.tls_server_name, "TLS: name to check the server's certificate against (default: the target's host)");
    CLI11_PARSE(app, argc, argv);
    if (!o.tls_cert.empty() && o.tls_ca.empty()) {
        std::cerr << "--tls-cert needs --tls-ca\n";
        return 2;
    }
    if (o.call == "Predict") o.rows = 1;
    o.connections = std::min(o.connections, o.concurrency);
    o.threads = std::min(o.threads, o.concurrency);

    nlohmann::json result;
    if (o.call == "Predict") result = run_load<SeedPredict>(o);
    else if (o.call == "PredictBatch") result = run_load<SeedPredictBatch>(o);
    else if (o.call == "ModelInfer") result = run_load<ModelInfer>(o);
    else result = run_load<LinfaPredict>(o);
    std::cout << result.dump(2) << std::endl;
    if (!o.output.empty()) std::ofstream(o.output) << result.dump(2) << "\n";
    return 0;
}
