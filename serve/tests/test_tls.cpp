// TLS: certificates made at test time with the openssl CLI (make_certs.sh, in a temporary
// folder); server-only TLS, mutual TLS with --tls-client-ca, on the gRPC and the REST port, and
// refusals to start on bad files.
#include <cstdlib>
#include <filesystem>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"

#include <httplib.h>  // last: resolv.h's macros clash with Eigen

using namespace serve_test;

namespace {

/// The certificates of make_certs.sh, made once per test process in a fresh temporary folder.
struct Certs {
    std::string dir;
    Certs() {
        char tmpl[] = "/tmp/linfa-serve-tls-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        const std::string command = std::string("bash ") + MAKE_CERTS_SCRIPT + " " + dir;
        REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "openssl could not make the test certificates");
    }
    ~Certs() { std::filesystem::remove_all(dir); }
    std::string operator()(const std::string& name) const { return dir + "/" + name; }
};

const Certs& certs() {
    static const Certs made;
    return made;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A TLS channel trusting `ca`, optionally with a client certificate (`name`.pem/.key).
std::shared_ptr<grpc::Channel> tls_channel(const ServerProcess& server, const std::string& ca,
                                           const std::string& client = "") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = read_text(certs()(ca));
    if (!client.empty()) {
        options.pem_cert_chain = read_text(certs()(client + ".pem"));
        options.pem_private_key = read_text(certs()(client + ".key"));
    }
    static int count = 0;
    grpc::ChannelArguments args;
    args.SetInt("linfa.test.fresh", ++count);  // a connection of its own, not a shared subchannel
    return grpc::CreateCustomChannel(server.address(), grpc::SslCredentials(options), args);
}

grpc::Status one_prediction(const std::shared_ptr<grpc::Channel>& channel) {
    ml::PredictRequest req;
    req.add_features(1);
    req.add_features(2);
    ml::PredictResponse resp;
    auto ctx = context(std::chrono::seconds(10));
    return ml::ClusteringService::NewStub(channel)->Predict(ctx.get(), req, &resp);
}

std::vector<std::string> tls_server_args(bool mutual) {
    std::vector<std::string> args{"--model", model_file<double>(100, 2), "--tls-cert", certs()("server.pem"),
                                  "--tls-key", certs()("server.key")};
    if (mutual) {
        args.push_back("--tls-client-ca");
        args.push_back(certs()("ca.pem"));
    }
    return args;
}

void check_refusal(std::vector<std::string> args, const std::string& name, const std::vector<std::string>& mentions) {
    const Refusal r = run_to_exit(LINFA_SERVE_EXE, std::move(args), work_path(name + ".stderr"));
    CAPTURE(r.stderr_text);
    CHECK(r.exit_code == 2);
    for (const auto& m : mentions) CHECK(r.stderr_text.find(m) != std::string::npos);
}

}  // namespace

TEST_CASE("TLS: a client trusting the CA is served; plaintext and untrusting clients are not") {
    ServerProcess server(LINFA_SERVE_EXE, tls_server_args(false));
    CHECK(one_prediction(tls_channel(server, "ca.pem")).ok());
    const grpc::Status plaintext = one_prediction(channel_to(server));  // insecure credentials
    CHECK(plaintext.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(one_prediction(tls_channel(server, "other_ca.pem")).error_code() == grpc::StatusCode::UNAVAILABLE);
    // A client certificate is not asked for without --tls-client-ca, and does no harm.
    CHECK(one_prediction(tls_channel(server, "ca.pem", "client")).ok());
    CHECK(one_prediction(tls_channel(server, "ca.pem")).ok());  // still serving
    CHECK(server.stop() == 0);
}

TEST_CASE("mutual TLS: without a client certificate signed by --tls-client-ca a client is refused") {
    ServerProcess server(LINFA_SERVE_EXE, tls_server_args(true));
    CHECK(one_prediction(tls_channel(server, "ca.pem")).error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(one_prediction(tls_channel(server, "ca.pem", "other_client")).error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(one_prediction(channel_to(server)).error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(one_prediction(tls_channel(server, "ca.pem", "client")).ok());
    CHECK(server.stop() == 0);
}

TEST_CASE("TLS from the config file, paths relative to the file; linfa-loadgen --tls-ca") {
    namespace fs = std::filesystem;
    const std::string dir = work_path("tls_config");
    fs::create_directories(dir);
    for (const char* name : {"server.pem", "server.key", "ca.pem"}) {
        fs::copy_file(certs()(name), dir + "/" + name, fs::copy_options::overwrite_existing);
    }
    std::ofstream(dir + "/serve.toml") << "[tls]\ncert = \"server.pem\"\nkey = \"server.key\"\nclient_ca = \"ca.pem\"\n";
    ServerProcess server(LINFA_SERVE_EXE, {"--model", model_file<double>(100, 2), "--config", dir + "/serve.toml"});
    CHECK(one_prediction(tls_channel(server, "ca.pem")).error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(one_prediction(tls_channel(server, "ca.pem", "client")).ok());

    const std::string report = work_path("tls_loadgen.json");
    std::filesystem::remove(report);
    const std::string command = std::string(LINFA_LOADGEN_EXE) + " --target " + server.address() +
                                " -c 4 --duration 1 --warmup 0 --tls-ca " + certs()("ca.pem") + " --tls-cert " +
                                certs()("client.pem") + " --tls-key " + certs()("client.key") + " -o " + report +
                                " > /dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    const auto result = nlohmann::json::parse(read_text(report));
    CHECK(result["requests"].get<long>() > 0);
    CHECK(result["errors"].get<long>() == 0);
    CHECK(server.stop() == 0);
}

TEST_CASE("TLS: missing or wrong files stop the server with exit code 2 and a message naming them") {
    const auto model = model_file<double>(100, 2);
    const auto& c = certs();
    const std::string not_pem = config_file("not_a_certificate", "hello");
    check_refusal({"--model", model, "--tls-cert", c("missing.pem"), "--tls-key", c("server.key")}, "tls_missing_cert",
                  {"stage=tls", "certificate", c("missing.pem"), "cannot be read"});
    check_refusal({"--model", model, "--tls-cert", c("server.pem"), "--tls-key", c("missing.key")}, "tls_missing_key",
                  {"stage=tls", "key", c("missing.key"), "cannot be read"});
    check_refusal({"--model", model, "--tls-cert", not_pem, "--tls-key", c("server.key")}, "tls_not_pem",
                  {"stage=tls", not_pem, "holds no PEM certificate"});
    check_refusal({"--model", model, "--tls-cert", c("server.pem"), "--tls-key", c("client.key")}, "tls_wrong_key",
                  {"stage=tls", c("client.key"), "is not the key of the certificate"});
    check_refusal({"--model", model, "--tls-cert", c("server.pem"), "--tls-key", c("server.pem")}, "tls_cert_as_key",
                  {"stage=tls", "no readable unencrypted PEM private key"});
    check_refusal({"--model", model, "--tls-cert", c("server.pem"), "--tls-key", c("server.key"), "--tls-client-ca", not_pem},
                  "tls_bad_client_ca", {"stage=tls", "client CA", not_pem, "holds no PEM certificate"});
    check_refusal({"--model", model, "--tls-cert", c("server.pem")}, "tls_no_key", {"stage=config", "needs both"});
    check_refusal({"--model", model, "--tls-client-ca", c("ca.pem")}, "tls_ca_only", {"stage=config", "a client CA alone"});
}

TEST_CASE("REST over TLS: the HTTP port takes the same certificate, and the same client CA") {
    for (const bool mutual : {false, true}) {
        CAPTURE(mutual);
        auto args = tls_server_args(mutual);
        args.insert(args.end(), {"--http-port", "0"});
        ServerProcess server(LINFA_SERVE_EXE, args);
        auto live = [&](const char* ca, const char* client) {
            httplib::SSLClient https("127.0.0.1", server.http_port(), client ? certs()(std::string(client) + ".pem") : std::string(),
                                     client ? certs()(std::string(client) + ".key") : std::string());
            https.set_ca_cert_path(certs()(ca).c_str());
            https.enable_server_certificate_verification(true);
            https.set_connection_timeout(5);
            https.set_read_timeout(5);
            const auto res = https.Get("/v2/health/live");
            return res && res->status == 200;
        };
        CHECK(live("ca.pem", "client"));
        CHECK(!live("other_ca.pem", "client"));      // the server's certificate is not trusted
        CHECK(live("ca.pem", nullptr) == !mutual);   // no client certificate: refused under mutual TLS
        CHECK(!live("ca.pem", "other_client") == mutual);
        httplib::Client plain("127.0.0.1", server.http_port());
        plain.set_connection_timeout(5);
        plain.set_read_timeout(5);
        const auto res = plain.Get("/v2/health/live");
        CHECK(!(res && res->status == 200));         // plaintext to a TLS port
        CHECK(server.stop() == 0);
    }
}
