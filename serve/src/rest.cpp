#include "rest.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model_call.hpp"
#include "services.hpp"

#include <sys/socket.h>

#include <httplib.h>  // last: it pulls in resolv.h, whose macros clash with other headers

namespace linfa::serve {
namespace {

using grpc::Status;
using grpc::StatusCode;
using nlohmann::json;

int http_status(StatusCode code) {
    switch (code) {
        case StatusCode::OK: return 200;
        case StatusCode::NOT_FOUND: return 404;
        case StatusCode::PERMISSION_DENIED: return 403;
        case StatusCode::RESOURCE_EXHAUSTED: return 429;
        case StatusCode::DEADLINE_EXCEEDED: return 504;
        case StatusCode::UNIMPLEMENTED: return 501;
        case StatusCode::INTERNAL: return 500;
        default: return 400;
    }
}

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void reply_error(httplib::Response& res, const Status& status) {
    reply(res, http_status(status.error_code()), json{{"error", status.error_message()}});
}

/// Flattens `data` (numbers, or arrays of them nested row-major) into `out`.
bool flatten(const json& data, std::vector<double>& out) {
    if (data.is_number()) {
        out.push_back(data.get<double>());
        return true;
    }
    if (!data.is_array()) return false;
    for (const json& item : data) {
        if (!flatten(item, out)) return false;
    }
    return true;
}

/// The JSON body of an infer request as the gRPC message, or INVALID_ARGUMENT saying what is wrong.
Status to_message(const std::string& body, inference::ModelInferRequest& req) {
    const json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded()) return call::invalid("malformed JSON: the body does not parse");
    if (!doc.is_object()) return call::invalid("the body must be a JSON object with \"inputs\"");
    if (doc.contains("id")) {
        if (!doc["id"].is_string()) return call::invalid("\"id\" must be a string");
        req.set_id(doc["id"].get<std::string>());
    }
    if (!doc.contains("inputs") || !doc["inputs"].is_array()) return call::invalid("\"inputs\" must be an array of tensors");
    std::vector<double> values;
    for (const json& tensor : doc["inputs"]) {
        if (!tensor.is_object()) return call::invalid("each input must be an object with name, shape, datatype and data");
        auto* input = req.add_inputs();
        if (!tensor.contains("name") || !tensor["name"].is_string()) return call::invalid("an input's \"name\" must be a string");
        input->set_name(tensor["name"].get<std::string>());
        if (!tensor.contains("datatype") || !tensor["datatype"].is_string()) {
            return call::invalid("input '" + input->name() + "': \"datatype\" must be a string");
        }
        input->set_datatype(tensor["datatype"].get<std::string>());
        if (!tensor.contains("shape") || !tensor["shape"].is_array()) {
            return call::invalid("input '" + input->name() + "': \"shape\" must be an array of integers");
        }
        for (const json& extent : tensor["shape"]) {
            if (!extent.is_number_integer()) return call::invalid("input '" + input->name() + "': \"shape\" must be an array of integers");
            input->add_shape(extent.get<std::int64_t>());
        }
        values.clear();
        if (!tensor.contains("data") || !flatten(tensor["data"], values)) {
            return call::invalid("input '" + input->name() + "': \"data\" must be an array of numbers (nested arrays allowed)");
        }
        auto* contents = input->mutable_contents();
        if (input->datatype() == "FP32") {
            for (const double v : values) contents->add_fp32_contents(static_cast<float>(v));
        } else {
            contents->mutable_fp64_contents()->Add(values.begin(), values.end());
        }
    }
    if (doc.contains("outputs")) {
        if (!doc["outputs"].is_array()) return call::invalid("\"outputs\" must be an array of {\"name\": ...}");
        for (const json& output : doc["outputs"]) {
            if (!output.is_object() || !output.contains("name") || !output["name"].is_string()) {
                return call::invalid("each output must be an object with a \"name\" string");
            }
            req.add_outputs()->set_name(output["name"].get<std::string>());
        }
    }
    return Status::OK;
}

json to_json(const inference::ModelInferResponse& resp) {
    json outputs = json::array();
    for (const auto& tensor : resp.outputs()) {
        const auto& c = tensor.contents();
        json data = c.int_contents_size() > 0 ? json(std::vector<std::int32_t>(c.int_contents().begin(), c.int_contents().end()))
                                              : json(std::vector<double>(c.fp64_contents().begin(), c.fp64_contents().end()));
        outputs.push_back({{"name", tensor.name()},
                           {"datatype", tensor.datatype()},
                           {"shape", std::vector<std::int64_t>(tensor.shape().begin(), tensor.shape().end())},
                           {"data", std::move(data)}});
    }
    json body{{"model_name", resp.model_name()}, {"model_version", resp.model_version()}, {"outputs", std::move(outputs)}};
    if (!resp.id().empty()) body["id"] = resp.id();
    return body;
}

json to_json(const inference::ModelMetadataResponse& meta) {
    auto tensors = [](const auto& list) {
        json out = json::array();
        for (const auto& t : list) {
            out.push_back({{"name", t.name()}, {"datatype", t.datatype()}, {"shape", std::vector<std::int64_t>(t.shape().begin(), t.shape().end())}});
        }
        return out;
    };
    return {{"name", meta.name()},
            {"versions", std::vector<std::string>(meta.versions().begin(), meta.versions().end())},
            {"platform", meta.platform()},
            {"inputs", tensors(meta.inputs())},
            {"outputs", tensors(meta.outputs())}};
}

/// The body of a repository index request: empty, or {"ready": bool}.
Status optional_body(const std::string& body, inference::RepositoryIndexRequest& req) {
    if (body.empty()) return Status::OK;
    const json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return call::invalid("the body must be empty or a JSON object");
    if (doc.contains("ready")) {
        if (!doc["ready"].is_boolean()) return call::invalid("\"ready\" must be true or false");
        req.set_ready(doc["ready"].get<bool>());
    }
    return Status::OK;
}

json to_json(const inference::RepositoryIndexResponse& index) {
    json models = json::array();
    for (const auto& m : index.models()) {
        json entry{{"name", m.name()}, {"state", m.state()}};
        if (!m.version().empty()) entry["version"] = m.version();
        if (!m.reason().empty()) entry["reason"] = m.reason();
        models.push_back(std::move(entry));
    }
    return models;
}

/// The model name and version of a /v2/models/{name}[/versions/{version}]... path.
std::pair<std::string, std::string> model_of(const httplib::Request& req) {
    return {req.matches[1].str(), req.matches.size() > 2 ? req.matches[2].str() : std::string()};
}

}  // namespace

RestServer::RestServer(const Repository& repository, const InferenceProtocol& protocol, const ModelControl& control, CallGate& gate,
                       const ServeConfig& config)
    : repository_(repository), protocol_(protocol), control_(control), gate_(gate), config_(config) {
    if (config_.tls.enabled()) {
        server_ = std::make_unique<httplib::SSLServer>(config_.tls.cert.c_str(), config_.tls.key.c_str(),
                                                       config_.tls.client_ca.empty() ? nullptr : config_.tls.client_ca.c_str());
        if (!server_->is_valid()) throw std::runtime_error("the HTTP server refused the TLS files");
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    server_->set_payload_max_length(config_.limits.max_message_bytes);
    // httplib serves a keep-alive connection on one pool thread until it closes: the pool
    // bounds the connections served at once, and recycling a connection after 100 requests
    // lets connections beyond the pool take a turn. Answers are small: without TCP_NODELAY,
    // Nagle's algorithm holds each one back until the client's delayed ACK (~40 ms).
    server_->new_task_queue = [threads = config_.http_threads] { return new httplib::ThreadPool(threads); };
    server_->set_keep_alive_max_count(100);
    server_->set_tcp_nodelay(true);
    // httplib's own options set SO_REUSEPORT, which lets a second server bind the same port
    // and take half its connections; like the gRPC port, this one is never shared.
    server_->set_socket_options([this](int socket) {
        const int yes = 1;
        ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_socket_ = socket;
    });
    routes();
}

RestServer::~RestServer() { stop(); }

void RestServer::routes() {
    // Each endpoint runs as a call: counted against the in-flight cap and in the metrics.
    auto endpoint = [this](const char* name, auto handler) {
        return [this, name, handler](const httplib::Request& req, httplib::Response& res) {
            if (!gate_.try_enter()) return reply_error(res, call::refused("rest", name, gate_.busy()));
            const Status status = call::recorded("rest", name, [&] { return handler(req, res); });
            if (!status.ok()) reply_error(res, status);
            gate_.leave();
        };
    };
    const std::string model = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";
    server_->Get("/v2/health/live", endpoint("/v2/health/live", [](const auto&, auto& res) {
                     reply(res, 200, json{{"live", true}});
                     return Status::OK;
                 }));
    server_->Get("/v2/health/ready", endpoint("/v2/health/ready", [this](const auto&, auto& res) {
                     const bool ready = !repository_.served()->models.empty();
                     reply(res, ready ? 200 : 503, json{{"ready", ready}});
                     return Status::OK;
                 }));
    server_->Get("/v2", endpoint("/v2", [this](const auto&, auto& res) {
                     inference::ServerMetadataResponse meta;
                     protocol_.server_metadata({}, meta);
                     reply(res, 200, json{{"name", meta.name()}, {"version", meta.version()}, {"extensions", json::array()}});
                     return Status::OK;
                 }));
    server_->Get(model, endpoint("/v2/models/{name}", [this](const auto& req, auto& res) {
                     inference::ModelMetadataRequest request;
                     std::tie(*request.mutable_name(), *request.mutable_version()) = model_of(req);
                     inference::ModelMetadataResponse meta;
                     if (Status s = protocol_.model_metadata(request, meta); !s.ok()) return s;
                     reply(res, 200, to_json(meta));
                     return Status::OK;
                 }));
    server_->Get(model + "/ready", endpoint("/v2/models/{name}/ready", [this](const auto& req, auto& res) {
                     inference::ModelReadyRequest request;
                     std::tie(*request.mutable_name(), *request.mutable_version()) = model_of(req);
                     inference::ModelReadyResponse ready;
                     if (Status s = protocol_.model_ready(request, ready); !s.ok()) return s;
                     reply(res, ready.ready() ? 200 : 404, json{{"name", request.name()}, {"ready", ready.ready()}});
                     return Status::OK;
                 }));
    server_->Post(model + "/infer", endpoint("/v2/models/{name}/infer", [this](const auto& req, auto& res) {
                      inference::ModelInferRequest request;
                      std::tie(*request.mutable_model_name(), *request.mutable_model_version()) = model_of(req);
                      if (Status s = to_message(req.body, request); !s.ok()) return s;
                      inference::ModelInferResponse answer;
                      if (Status s = protocol_.model_infer(call::Deadline(std::chrono::system_clock::time_point::max()), request, answer);
                          !s.ok()) {
                          return s;
                      }
                      reply(res, 200, to_json(answer));
                      return Status::OK;
                  }));
    // The model repository extension (Triton's REST form): bodies are optional JSON objects.
    server_->Post("/v2/repository/index", endpoint("/v2/repository/index", [this](const auto& req, auto& res) {
                      inference::RepositoryIndexRequest request;
                      if (Status s = optional_body(req.body, request); !s.ok()) return s;
                      inference::RepositoryIndexResponse index;
                      if (Status s = control_.index(request, index); !s.ok()) return s;
                      reply(res, 200, to_json(index));
                      return Status::OK;
                  }));
    // Load and unload: the model named in the path, an empty answer.
    auto model_control = [this]<class Request, class Response>(Status (ModelControl::*call)(const Request&, Response&) const) {
        return [this, call](const httplib::Request& req, httplib::Response& res) {
            Request request;
            request.set_model_name(req.matches[1].str());
            Response response;
            if (Status s = (control_.*call)(request, response); !s.ok()) return s;
            reply(res, 200, json::object());
            return Status::OK;
        };
    };
    server_->Post(R"(/v2/repository/models/([^/]+)/load)", endpoint("/v2/repository/models/{name}/load", model_control(&ModelControl::load)));
    server_->Post(R"(/v2/repository/models/([^/]+)/unload)",
                  endpoint("/v2/repository/models/{name}/unload", model_control(&ModelControl::unload)));
    server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics().render(*repository_.served()), "text/plain; version=0.0.4; charset=utf-8");
    });
    // Anything else, and httplib's own refusals (413 over the body limit), answer JSON too.
    server_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        const std::string why = res.status == 404   ? "no endpoint " + req.method + " " + req.path
                                : res.status == 413 ? "request body over limits.max_message_bytes"
                                                    : "HTTP error " + std::to_string(res.status);
        res.set_content(json{{"error", why}}.dump(), "application/json");
    });
}

int RestServer::start(const std::string& host, int port) {
    const int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
    if (bound <= 0) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + " (HTTP)");
    // Debian's httplib is a compiled library that listens with a backlog of 5: a client that
    // opens 64 connections at once would see most SYNs dropped and retried a second later.
    // Listening again on the bound socket only raises its backlog.
    if (listen_socket_ >= 0 && ::listen(listen_socket_, SOMAXCONN) != 0) {
        throw std::runtime_error("cannot raise the listen backlog of " + host + ":" + std::to_string(bound) + " (HTTP)");
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    return bound;
}

void RestServer::stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
}

}  // namespace linfa::serve
