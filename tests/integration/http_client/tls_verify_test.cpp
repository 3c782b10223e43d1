// TLS verification is on by default (as in Python requests and k6): a self-signed certificate, or one for
// another host, fails with a plain message that mentions --insecure; a CA bundle makes a private CA
// trusted; a client certificate and key answer a server that asks for one (mutual TLS). The
// certificates are made by the openssl command in a temporary folder for each test.

#include <fstream>

#include "client_fixture.hpp"
#include "support/child_process.hpp"
#include "support/pem_files.hpp"
#include "support/tls_identity.hpp"

namespace cicada::http::test {
namespace {

using testing::make_pki;
using testing::ScriptedServer;
using testing::TempDir;

class TlsVerifyTest : public ClientTest {
 protected:
  std::string path(const char* name) const { return (dir_.path() / name).string(); }
  // One GET against `server` with `config`; returns the response's error ("" when it succeeded).
  std::string get_error(const ScriptedServer& server, ClientConfig config) {
    config.base_url = server.url();
    use_config(config);
    auto client = make_client();
    std::string error;
    run([&]() -> Task<> {
      Response r = co_await client->get("/");
      error = std::string(r.error());
      if (error.empty()) {
        EXPECT_EQ(r.status(), 200);
      }
    }());
    return error;
  }
  TempDir dir_;
};

TEST_F(TlsVerifyTest, ASelfSignedCertificateForTheWrongHostFailsByDefault) {
  testing::make_self_signed_pem(dir_, "DNS:wrong.example");
  ScriptedServer server(testing::make_tls_from_files(path("self.pem"), path("self.key")));
  const std::string error = get_error(server, ClientConfig{});
  EXPECT_EQ(error.rfind("SSLError('certificate verify failed: ", 0), 0u) << error;
  EXPECT_NE(error.find("self"), std::string::npos) << error;  // OpenSSL: "self-signed certificate"
  EXPECT_NE(error.find("pass --insecure to skip verification"), std::string::npos) << error;
  EXPECT_EQ(totals("GET", "/").failures, 1u);

  ClientConfig insecure;
  insecure.tls_verify = false;
  EXPECT_EQ(get_error(server, insecure), "");
}

TEST_F(TlsVerifyTest, ATrustedCaStillNeedsTheRightHost) {
  make_pki(dir_, "DNS:wrong.example");
  ScriptedServer server(testing::make_tls_from_files(path("server.pem"), path("server.key")));
  ClientConfig config;
  config.ca_bundle = path("ca.pem");
  const std::string error = get_error(server, config);
  EXPECT_EQ(error.rfind("SSLError('certificate verify failed: ", 0), 0u) << error;
  EXPECT_NE(error.find("mismatch (127.0.0.1)"), std::string::npos) << error;
}

TEST_F(TlsVerifyTest, ACaBundleAndAMatchingCertificatePass) {
  make_pki(dir_, "IP:127.0.0.1");
  ScriptedServer server(testing::make_tls_from_files(path("server.pem"), path("server.key")));
  ClientConfig config;
  config.ca_bundle = path("ca.pem");
  EXPECT_EQ(get_error(server, config), "");
  // Without the bundle the private CA is unknown.
  EXPECT_NE(get_error(server, ClientConfig{}).find("certificate verify failed"), std::string::npos);
}

TEST_F(TlsVerifyTest, MutualTlsSendsTheClientCertificate) {
  make_pki(dir_, "IP:127.0.0.1");
  ScriptedServer server(testing::make_tls_from_files(path("server.pem"), path("server.key"), path("ca.pem")));
  ClientConfig config;
  config.ca_bundle = path("ca.pem");
  // The server refuses a client without a certificate (the handshake fails, or the first read does).
  EXPECT_NE(get_error(server, config), "");
  config.client_cert = path("client.pem");
  config.client_key = path("client.key");
  EXPECT_EQ(check_tls_files(config), "");
  EXPECT_EQ(get_error(server, config), "");
}

TEST_F(TlsVerifyTest, UnusableFilesAreReportedBeforeAnyRequest) {
  ClientConfig config;
  config.ca_bundle = path("missing.pem");
  // The OS's words, not OpenSSL's "asio.ssl error" (a probe found that said for a typo in the path).
  EXPECT_EQ(check_tls_files(config),
            "cannot read the CA bundle " + path("missing.pem") + ": No such file or directory");
  ClientConfig no_key;
  no_key.client_cert = path("present.pem");
  std::ofstream(no_key.client_cert) << "a file";
  no_key.client_key = path("nope.key");
  EXPECT_EQ(check_tls_files(no_key),
            "cannot read the client key " + path("nope.key") + ": No such file or directory");
  ClientConfig garbage;  // there, but not PEM: OpenSSL's refusal
  garbage.ca_bundle = path("not.pem");
  std::ofstream(garbage.ca_bundle) << "not a certificate";
  EXPECT_NE(check_tls_files(garbage).find("cannot load the CA bundle"), std::string::npos);
  ClientConfig half;
  half.client_cert = path("client.pem");
  EXPECT_EQ(check_tls_files(half), "a client certificate needs both --client-cert and --client-key");
}

}  // namespace
}  // namespace cicada::http::test
