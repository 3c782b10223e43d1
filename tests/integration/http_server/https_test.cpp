// HTTPS on the generic server (ServerOptions::tls_cert_file/tls_key_file), over real loopback sockets
// with OpenSSL as the client: requests on a kept-alive TLS connection, the limits and timeouts answered
// over TLS, a plain HTTP request to the HTTPS port, handshakes that never come or fail, and start()'s
// messages for identities it cannot use; with HTTP/2 on, ALPN: "h2" chosen when offered (HTTP/2 frames,
// a GOAWAY and a close_notify at stop), "http/1.1" otherwise. The certificates are made by the openssl
// command per test.
#include <gtest/gtest.h>

#include <fstream>

#include "h2_frames.hpp"
#include "http/server/http_server.hpp"
#include "raw_http.hpp"
#include "server_fixture.hpp"
#include "support/eventually.hpp"
#include "support/pem_files.hpp"

namespace cicada::http {
namespace {

using namespace std::chrono_literals;
using test::frames_of;
using test::goaway_code;
using test::kH2EmptySettings;
using test::kH2Preface;
using test::make_request;
using test::RawConnection;
using test::round_trip;

class HttpsTest : public ServerTest {
 protected:
  void SetUp() override { testing::make_self_signed_pem(dir_, "IP:127.0.0.1"); }
  std::string path(const char* name) const { return (dir_.path() / name).string(); }
  // Roomy timeouts: a handshake on a busy machine must not race them (the tests of timeouts set theirs).
  ServerOptions tls_options() {
    ServerOptions o = test_options();
    o.request_timeout = 10s;
    o.first_request_timeout = 10s;
    o.tls_cert_file = path("self.pem");
    o.tls_key_file = path("self.key");
    return o;
  }
  ServerOptions h2_tls_options() {
    ServerOptions o = tls_options();
    o.http2 = true;
    return o;
  }
  // The status of the answer to request (GET /hello) on a new TLS connection that trusts the server's
  // certificate (0: none), offering alpn (ALPN's wire form); chosen: what the server chose by ALPN.
  int status_over_tls(std::string_view alpn = {}, std::string* chosen = nullptr,
                      const std::string& request = make_request("GET", "/hello")) {
    RawConnection c(port_);
    if (!c.start_tls(path("self.pem"), alpn) || !c.send(request)) return 0;
    if (chosen != nullptr) *chosen = c.alpn_chosen();
    auto r = c.read_response();
    return r ? r->status : 0;
  }
  // Why start() refused options (empty when it started).
  static std::string start_error(ServerOptions o) {
    HttpServer server(std::move(o), test_router());
    auto started = server.start();
    return started ? std::string() : started.error().message;
  }
  testing::TempDir dir_;
};

TEST_F(HttpsTest, AnswersRequestsOnAKeptAliveTlsConnection) {
  start(tls_options());
  EXPECT_EQ(server_->url(), "https://127.0.0.1:" + std::to_string(port_));
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem")));  // the certificate verifies, for 127.0.0.1
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send(make_request("GET", "/hello")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hi");
    EXPECT_EQ(r->header("connection"), "");
  }
  const std::string body(1000, 'x');
  ASSERT_TRUE(c.send(make_request("POST", "/echo", body, "text/plain")));
  auto echoed = c.read_response();
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->status, 200);
  EXPECT_EQ(echoed->body, body);
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(HttpsTest, PlainHttpToTheHttpsPortIsAnswered400WithTheAddressToUse) {
  start(tls_options());
  auto r = round_trip(port_, make_request("GET", "/hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("use https://"), std::string::npos) << r->body;
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(status_over_tls(), 200);  // and the next client, over TLS, is served
}

TEST_F(HttpsTest, ABodyOverTheLimitIs413AndTheConnectionEndsWithACloseNotify) {
  start(tls_options());
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem")));
  ASSERT_TRUE(c.send(make_request("POST", "/echo", std::string(5000, 'x'), "text/plain")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed(5s));
  EXPECT_TRUE(c.got_close_notify());
  // The client answers nothing: the server still ends the connection (its closing grace), not only TLS.
  EXPECT_TRUE(testing::eventually([&] { return server_->connections() == 0; }));
}

TEST_F(HttpsTest, AStreamedResponseIsWrittenOverTlsAndEndsWithTheStream) {
  Router router;
  router.add("GET", "/events", [](const ServerRequest&, ServerResponse& out) {
    out.content_type = "text/event-stream";
    out.body = "data: first\n\n";
    out.on_stream = [](std::shared_ptr<ResponseStream> stream) {
      stream->write("data: second\n\n");
      stream->write("data: third\n\n");
      stream->close();
    };
  });
  HttpServer server(tls_options(), std::move(router));
  ASSERT_TRUE(server.start());
  RawConnection c(server.port());
  ASSERT_TRUE(c.start_tls(path("self.pem")));
  ASSERT_TRUE(c.send(make_request("GET", "/events")));
  auto got = c.read_until_closed(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->rfind("HTTP/1.1 200", 0), 0u) << *got;
  EXPECT_NE(got->find("\r\n\r\ndata: first\n\ndata: second\n\ndata: third\n\n"), std::string::npos) << *got;
  // The body ends with the connection: a close_notify says it is whole, not cut.
  EXPECT_TRUE(c.got_close_notify());
}

// One TLS record per 64 bytes: the server reads the head in pieces far below the limit, as a probe's 32 MB
// head of short lines was read (and answered 200) before the server counted the whole head.
TEST_F(HttpsTest, AHeadOfManyShortLinesInSmallRecordsIs431) {
  start(tls_options());  // max_header_bytes 2048
  std::string lines;
  for (int i = 0; i < 320; ++i) lines += "X-A: b\r\n";  // 2,560 bytes: just past the limit
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem")));
  ASSERT_TRUE(c.send_in_pieces(make_request("GET", "/hello", {}, {}, lines), 64, 0ms));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
}

TEST_F(HttpsTest, ARequestCutShortIsAnswered408OverTls) {
  ServerOptions o = tls_options();
  o.request_timeout = 1s;  // from the accept: the handshake and the first request share it
  start(o);
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem")));
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  auto r = c.read_response(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
}

TEST_F(HttpsTest, AHandshakeThatNeverEndsIsClosedAtTheFirstRequestTimeout) {
  ServerOptions o = tls_options();
  o.first_request_timeout = 200ms;
  start(o);
  RawConnection silent(port_);
  RawConnection partial(port_);
  ASSERT_TRUE(partial.send(std::string("\x16\x03\x01\x02\x00\x01", 6)));  // a ClientHello's first bytes
  EXPECT_TRUE(silent.wait_closed(10s));
  EXPECT_TRUE(partial.wait_closed(10s));
}

TEST_F(HttpsTest, AFailedHandshakeEndsOnlyItsConnection) {
  start(tls_options());  // 10 s timeouts: a close within the test's wait is the failed handshake's
  RawConnection garbage(port_);
  ASSERT_TRUE(garbage.send(std::string("\x16\x03\x01\x00\x05hello", 10)));  // a record that is no ClientHello
  EXPECT_TRUE(garbage.wait_closed(5s));
  RawConnection untrusting(port_);
  testing::TempDir other;
  testing::make_self_signed_pem(other, "IP:127.0.0.1");
  EXPECT_FALSE(untrusting.start_tls((other.path() / "self.pem").string()));  // another certificate's trust
  EXPECT_EQ(status_over_tls(), 200);
}

TEST_F(HttpsTest, StopClosesIdleTlsConnections) {
  start(tls_options());
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem")));
  ASSERT_TRUE(c.send(make_request("GET", "/hello")));
  ASSERT_TRUE(c.read_response());
  server_->stop();
  EXPECT_TRUE(c.wait_closed(10s));
  EXPECT_TRUE(c.got_close_notify());  // an end, not a cut
  server_->wait();
}

// Every end the server gives an idle kept-alive TLS connection is marked by a close_notify (OpenSSL 3
// clients read a bare close as an unexpected EOF): its request timeout here, the cap's eviction below.
TEST_F(HttpsTest, AnIdleTlsConnectionPastItsRequestTimeoutEndsWithACloseNotify) {
  ServerOptions o = tls_options();
  o.request_timeout = 1s;  // the handshake and the first request share it from the accept
  start(o);
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem")));
  ASSERT_TRUE(c.send(make_request("GET", "/hello")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.wait_closed(10s));
  EXPECT_TRUE(c.got_close_notify());
  EXPECT_TRUE(testing::eventually([&] { return server_->connections() == 0; }));
}

TEST_F(HttpsTest, AnIdleTlsConnectionTheCapEvictsEndsWithACloseNotify) {
  ServerOptions o = tls_options();
  o.threads = 1;
  o.max_connections = 1;
  start(o);
  RawConnection idle(port_);
  ASSERT_TRUE(idle.start_tls(path("self.pem")));
  ASSERT_TRUE(idle.send(make_request("GET", "/hello")));
  ASSERT_TRUE(idle.read_response());
  EXPECT_EQ(status_over_tls(), 200) << "a new client must get in at the cap";
  EXPECT_TRUE(idle.wait_closed(10s));
  EXPECT_TRUE(idle.got_close_notify());
}

constexpr std::string_view kOffersH2AndHttp11("\x02h2\x08http/1.1");

TEST_F(HttpsTest, WithHttp2OnAClientThatOffersH2IsServedHttp2AndStopEndsItWithGoawayAndCloseNotify) {
  start(h2_tls_options());
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem"), kOffersH2AndHttp11));
  EXPECT_EQ(c.alpn_chosen(), "h2");
  ASSERT_TRUE(c.send(std::string(kH2Preface) + kH2EmptySettings));
  auto first = c.read_some(5s);
  ASSERT_TRUE(first);
  ASSERT_FALSE(frames_of(*first).empty());
  EXPECT_EQ(frames_of(*first).front().first, NGHTTP2_SETTINGS);
  server_->stop();
  auto rest = c.read_until_closed(10s);
  ASSERT_TRUE(rest);
  const auto code = goaway_code(*rest);
  ASSERT_TRUE(code) << "no GOAWAY";
  EXPECT_EQ(*code, 0u) << "NO_ERROR";
  EXPECT_TRUE(c.got_close_notify());
  server_->wait();
}

TEST_F(HttpsTest, AlpnChoosesHttp11WhenH2IsNotOfferedOrHttp2IsOff) {
  start(h2_tls_options());
  std::string chosen;
  EXPECT_EQ(status_over_tls(std::string_view("\x08http/1.1"), &chosen), 200);
  EXPECT_EQ(chosen, "http/1.1");
  // Neither protocol offered: no ALPN in the answer, and HTTP/1.1.
  EXPECT_EQ(status_over_tls(std::string_view("\x06spdy/3"), &chosen), 200);
  EXPECT_EQ(chosen, "");
  EXPECT_EQ(status_over_tls({}, &chosen), 200);
  EXPECT_EQ(chosen, "");
  start(tls_options());  // HTTP/2 off: "h2" is never chosen
  EXPECT_EQ(status_over_tls(kOffersH2AndHttp11, &chosen), 200);
  EXPECT_EQ(chosen, "http/1.1");
}

// Over TLS, HTTP/2 is chosen by ALPN only (RFC 9113 §3.2): the preface on a connection that did not choose
// it is a malformed HTTP/1.1 request.
TEST_F(HttpsTest, ThePrefaceWithoutAlpnH2IsAnHttp11BadRequest) {
  start(h2_tls_options());
  EXPECT_EQ(status_over_tls({}, nullptr, std::string(kH2Preface)), 400);
}

TEST_F(HttpsTest, AnHttp2ConnectionOverTlsWithoutARequestIsClosedAtTheFirstRequestTimeout) {
  ServerOptions o = h2_tls_options();
  o.first_request_timeout = 1s;  // from the accept: the handshake and the first request share it
  start(o);
  const auto connected = std::chrono::steady_clock::now();
  RawConnection c(port_);
  ASSERT_TRUE(c.start_tls(path("self.pem"), kOffersH2AndHttp11));
  ASSERT_EQ(c.alpn_chosen(), "h2");
  ASSERT_TRUE(c.send(std::string(kH2Preface) + kH2EmptySettings));
  auto got = c.read_until_closed(10s);
  ASSERT_TRUE(got);
  ASSERT_FALSE(frames_of(*got).empty());
  EXPECT_EQ(frames_of(*got).front().first, NGHTTP2_SETTINGS);
  // Ended as stop ends it: a GOAWAY (NO_ERROR), then a close_notify, not a bare close.
  const auto code = goaway_code(*got);
  ASSERT_TRUE(code) << "no GOAWAY";
  EXPECT_EQ(*code, 0u);
  EXPECT_TRUE(c.got_close_notify());
  // Never before the deadline, which runs from after the connect (when it ends is the machine's business).
  EXPECT_GE(std::chrono::steady_clock::now() - connected, 1s);
  EXPECT_TRUE(testing::eventually([&] { return server_->connections() == 0; }));
}

TEST_F(HttpsTest, StartRefusesAnIdentityItCannotUseAndSaysWhy) {
  ServerOptions missing = tls_options();
  missing.tls_cert_file = path("missing.pem");
  const std::string no_file = start_error(missing);
  EXPECT_NE(no_file.find("cannot read the TLS certificate " + path("missing.pem") + ": No such file"),
            std::string::npos)
      << no_file;

  ServerOptions half = tls_options();
  half.tls_key_file.clear();
  EXPECT_NE(start_error(half).find("needs both a certificate and its private key"), std::string::npos)
      << start_error(half);

  std::ofstream(dir_.path() / "junk.pem") << "not a certificate\n";
  ServerOptions junk = tls_options();
  junk.tls_cert_file = path("junk.pem");
  EXPECT_NE(start_error(junk).find("cannot use " + path("junk.pem") + " as the TLS certificate"),
            std::string::npos)
      << start_error(junk);

  testing::make_self_signed_pem(dir_, "IP:127.0.0.1", "other");
  ServerOptions mismatched = tls_options();
  mismatched.tls_key_file = path("other.key");
  EXPECT_NE(start_error(mismatched).find("is not the key of the certificate"), std::string::npos)
      << start_error(mismatched);

  // A key under a passphrase fails at once: nothing waits for one on a terminal.
  testing::run_openssl(dir_, "pkey -in self.key -aes256 -passout pass:secret -out locked.key");
  ServerOptions locked = tls_options();
  locked.tls_key_file = path("locked.key");
  EXPECT_NE(start_error(locked).find(path("locked.key") + " is protected by a passphrase"), std::string::npos)
      << start_error(locked);

  ServerOptions directory = tls_options();
  directory.tls_cert_file = dir_.path().string();
  EXPECT_NE(start_error(directory).find("cannot read the TLS certificate " + dir_.path().string() +
                                        ": it is a directory"),
            std::string::npos)
      << start_error(directory);

  EXPECT_EQ(start_error(tls_options()), "");
}

}  // namespace
}  // namespace cicada::http
