// TLS for linfa-serve: reads and checks the PEM files named by the config (the certificate
// parses, the key is the certificate's, the client CA holds certificates, nothing expired)
// so a bad file stops the server with a message naming it, before grpc sees it.
#pragma once

#include <memory>

#include <grpcpp/security/server_credentials.h>

#include "config.hpp"

namespace linfa::serve {

/// Server credentials for `tls`: TLS with its certificate and key; with a client CA, clients
/// must present a certificate signed by it (REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY).
/// Throws std::runtime_error naming the file and the problem.
std::shared_ptr<grpc::ServerCredentials> tls_server_credentials(const TlsFiles& tls);

}  // namespace linfa::serve
