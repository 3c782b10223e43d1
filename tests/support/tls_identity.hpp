#pragma once
// SelfSignedTls: a ServerTls for ScriptedServer with a throwaway self-signed certificate (EC P-256,
// CN=localhost, valid for a day) made in memory with the OpenSSL API at construction. Links OpenSSL.
#include <memory>
#include <string>

#include "support/scripted_server.hpp"

namespace cicada::testing {

std::shared_ptr<ServerTls> make_self_signed_tls();
// The same with ALPN: the server chooses "h2" when the client offers it (H2Server over TLS).
std::shared_ptr<ServerTls> make_self_signed_tls_h2();

// A ServerTls serving the certificate chain and key of these PEM files (made by a test, e.g. with the
// openssl command). With client_ca_pem, the server asks every client for a certificate signed by it and
// refuses the handshake without one (mutual TLS).
std::shared_ptr<ServerTls> make_tls_from_files(const std::string& cert_pem, const std::string& key_pem,
                                               const std::string& client_ca_pem = {});

}  // namespace cicada::testing
