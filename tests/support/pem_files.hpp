#pragma once
// Certificates for TLS tests, made by the openssl command in a test's temporary folder (EC P-256, valid
// for a day), so each test has its own and none is committed.
#include <string>

#include "support/child_process.hpp"

namespace cicada::testing {

// Runs `openssl ARGS` in dir; fails the test (with openssl's output) when it does not succeed.
void run_openssl(const TempDir& dir, const std::string& args);

// A self-signed certificate for san (e.g. "IP:127.0.0.1", "DNS:localhost"): NAME.pem and NAME.key.
void make_self_signed_pem(const TempDir& dir, const std::string& san, const std::string& name = "self");

// A CA (ca.pem, ca.key), a server certificate it signs for server_san (server.pem, server.key) and a
// client certificate it signs (client.pem, client.key).
void make_pki(const TempDir& dir, const std::string& server_san);

}  // namespace cicada::testing
