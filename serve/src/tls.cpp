#include "tls.hpp"

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace linfa::serve {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, const std::string& why) {
    throw std::runtime_error("tls " + what + " " + path + ": " + why);
}

/// OpenSSL's own reason for the last failure, or `fallback`.
std::string openssl_reason(const char* fallback) {
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0) return fallback;
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return std::string(fallback) + " (" + text + ")";
}

std::string read_file(const std::string& what, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(what, path, "cannot be read (missing, or no permission)");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().empty()) fail(what, path, "is empty");
    return text.str();
}

struct BioDeleter { void operator()(BIO* b) const { BIO_free(b); } };
struct X509Deleter { void operator()(X509* x) const { X509_free(x); } };
struct KeyDeleter { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
using Bio = std::unique_ptr<BIO, BioDeleter>;
using Cert = std::unique_ptr<X509, X509Deleter>;

Bio memory_bio(const std::string& pem) { return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))); }

/// Every certificate in a PEM file; fails unless there is at least one, each valid now.
std::vector<Cert> read_certificates(const std::string& what, const std::string& path, const std::string& pem) {
    std::vector<Cert> certs;
    Bio bio = memory_bio(pem);
    ERR_clear_error();
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(x);
    ERR_clear_error();  // the end of the file reads as an error
    if (certs.empty()) fail(what, path, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    for (const auto& cert : certs) {
        if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) fail(what, path, "holds an expired certificate");
        if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0) fail(what, path, "holds a certificate not valid yet");
    }
    return certs;
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> tls_server_credentials(const TlsFiles& tls) {
    const std::string cert_pem = read_file("certificate", tls.cert);
    const std::string key_pem = read_file("key", tls.key);
    const auto chain = read_certificates("certificate", tls.cert, cert_pem);

    Bio key_bio = memory_bio(key_pem);
    ERR_clear_error();
    std::unique_ptr<EVP_PKEY, KeyDeleter> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key) fail("key", tls.key, openssl_reason("holds no readable unencrypted PEM private key"));
    if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
        ERR_clear_error();
        fail("key", tls.key, "is not the key of the certificate in " + tls.cert);
    }

    grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    options.pem_key_cert_pairs.push_back({key_pem, cert_pem});
    if (!tls.client_ca.empty()) {
        options.pem_root_certs = read_file("client CA", tls.client_ca);
        read_certificates("client CA", tls.client_ca, options.pem_root_certs);
        options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    return grpc::SslServerCredentials(options);
}

}  // namespace linfa::serve
