// HTTP/2 over TLS on the model API's port: with a certificate (cicada-model serve --tls-cert/--tls-key) and
// HTTP/2 on (its default), a client that offers "h2" by ALPN is served HTTP/2, one that does not HTTP/1.1,
// on the same port. Driven by cicada's own --http2 client and curl (both verifying the server's certificate
// against the test's own file), h2load (Debian nghttp2-client) and openssl s_client.
#include "client_fixture.hpp"
#include "model_api_fixture.hpp"
#include "support/child_process.hpp"
#include "support/pem_files.hpp"

namespace cicada::serving::test {
namespace {

using cicada::testing::command_output;
using cicada::testing::have_program;

class Http2TlsServe : public http::test::ClientTest {
 protected:
  void SetUp() override {
    cicada::testing::make_self_signed_pem(dir_, "IP:127.0.0.1");
    http::ServerOptions options;
    options.http2 = true;
    options.tls_cert_file = pem_;
    options.tls_key_file = (dir_.path() / "self.key").string();
    model_.request_timeout = std::chrono::seconds(10);  // a handshake on a busy machine must not race it
    model_.start(options);
    url_ = "https://127.0.0.1:" + std::to_string(model_.server->port());
  }

  // curl's HTTP version and status for a request (curl ARGS URL+path), the certificate verified.
  std::string curl(const std::string& args, const std::string& path) {
    return command_output("curl -sS --cacert " + pem_ + " -o /dev/null -w '%{http_version} %{http_code}' " +
                          args + " " + url_ + path + " 2>&1");
  }

  cicada::testing::TempDir dir_;
  std::string pem_ = (dir_.path() / "self.pem").string();
  ModelServer model_;
  std::string url_;
};

TEST_F(Http2TlsServe, CicadasHttp2ClientIsServedHttp2OverTlsOnOneConnection) {
  auto config = config_for(url_);
  config.http2 = true;  // offers "h2" alone by ALPN: a server that does not choose it fails every request
  config.ca_bundle = pem_;
  use_config(config);
  auto owned = make_client();
  http::UserHttpClient& client = *owned;
  run([&]() -> Task<> {
    Response health = co_await client.get("/health");
    EXPECT_EQ(health.status(), 200) << health.error();
    EXPECT_EQ(health.text(), "OK");
    Response good = co_await client.post_json("/predict", kPayload);
    EXPECT_EQ(good.status(), 200) << good.error();
    EXPECT_NE(good.text().find("\"diagnosis\""), std::string::npos) << good.text();
    Response bad = co_await client.post_json("/predict", payload_with("age", "\"old\""));
    EXPECT_EQ(bad.status(), 400);
    // Past the 64 KiB limit, refused from content-length as over h2c and HTTP/1.1.
    Response large = co_await client.post_json("/predict", std::string(65 * 1024, ' '));
    EXPECT_EQ(large.status(), 413);
    Response after = co_await client.get("/health");
    EXPECT_EQ(after.status(), 200);
    // /metrics counts these requests as it counts HTTP/1.1 ones.
    Response metrics = co_await client.get("/metrics");
    EXPECT_NE(metrics.text().find(R"(cicada_http_requests_total{route="/health",code="200"} 2)"),
              std::string::npos)
        << metrics.text();
    EXPECT_NE(metrics.text().find(R"(cicada_http_requests_total{route="/predict",code="400"} 1)"),
              std::string::npos)
        << metrics.text();
  }());
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(Http2TlsServe, CurlGetsHttp2WhenItAsksAndHttp11WhenItDoesNot) {
  if (!have_program("curl") || command_output("curl --version").find("HTTP2") == std::string::npos)
    GTEST_SKIP() << "no curl with HTTP/2";
  EXPECT_EQ(curl("--http2", "/health"), "2 200");
  EXPECT_EQ(curl("--http2", "/nope"), "2 404");
  const std::string json = "-H 'Content-Type: application/json' --data-binary ";
  EXPECT_EQ(curl("--http2 " + json + "@" + CICADA_SOURCE_DIR + "/data/payload.json", "/predict"), "2 200");
  EXPECT_EQ(curl("--http2 " + json + "'{\"age\": 1}'", "/predict"), "2 400");
  EXPECT_EQ(curl("--http1.1", "/health"), "1.1 200");
  EXPECT_EQ(curl("--http2 --tls-max 1.2", "/health"), "2 200");
}

// HTTP/2 over TLS 1.2 needs a forward-secret AEAD suite (RFC 9113 §9.2.2): the server chooses in its own
// order, so a client that lists a CBC suite first still gets GCM; one that offers only CBC suites gets
// HTTP/1.1, not an h2 its peers may refuse.
TEST_F(Http2TlsServe, OverTls12H2ComesOnlyWithAnAeadSuiteWhichTheServerChoosesFirst) {
  if (!have_program("openssl")) GTEST_SKIP() << "no openssl command";
  const auto handshake = [&](const std::string& ciphers) {
    return command_output("openssl s_client -connect 127.0.0.1:" + std::to_string(model_.server->port()) +
                          " -tls1_2 -alpn h2 -CAfile " + pem_ + " -cipher '" + ciphers +
                          "' < /dev/null 2>&1");
  };
  const std::string gcm_offered = handshake(
      "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-"
      "SHA256");
  EXPECT_NE(gcm_offered.find("ALPN protocol: h2"), std::string::npos) << gcm_offered;
  EXPECT_NE(gcm_offered.find("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), std::string::npos) << gcm_offered;
  const std::string cbc_only = handshake("ECDHE-ECDSA-AES128-SHA");
  EXPECT_NE(cbc_only.find("Cipher is ECDHE-ECDSA-AES128-SHA"), std::string::npos) << cbc_only;
  EXPECT_NE(cbc_only.find("No ALPN negotiated"), std::string::npos) << cbc_only;
}

TEST_F(Http2TlsServe, H2loadMultiplexesStreamsOverTls) {
  if (!have_program("h2load")) GTEST_SKIP() << "no h2load (Debian nghttp2-client)";
  // 400 requests, 2 connections, 20 streams at once on each: a functional check, not a benchmark.
  const std::string out = command_output("h2load -n 400 -c 2 -m 20 " + url_ + "/health 2>&1");
  EXPECT_NE(out.find("Application protocol: h2"), std::string::npos) << out;
  EXPECT_NE(out.find("400 succeeded, 0 failed, 0 errored"), std::string::npos) << out;
}

}  // namespace
}  // namespace cicada::serving::test
