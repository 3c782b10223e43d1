// Redirects (methods, other hosts, the hop limit), the per-user cookie jar, and https to a self-signed
// server.
#include "client_fixture.hpp"
#include "support/tls_identity.hpp"

namespace cicada::http::test {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

TEST_F(ClientTest, RedirectsAreFollowedAndNamedByTheRequestedPath) {
  ScriptedServer server;
  ScriptedServer other;
  other.push(ScriptedReply::respond(200, "landed"));
  server.push(ScriptedReply::redirect(302, "/step2"));
  server.push(ScriptedReply::redirect(307, "step3"));                 // relative to /step2's directory
  server.push(ScriptedReply::redirect(301, other.url() + "/final"));  // another host
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/start");
    EXPECT_EQ(r.status(), 200);
    EXPECT_EQ(r.text(), "landed");
  }());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].target, "/step2");
  EXPECT_EQ(reqs[2].target, "/step3");
  EXPECT_EQ(other.requests().at(0).target, "/final");
  EXPECT_EQ(totals("GET", "/start").requests, 1u);  // one sample for the whole chain
  EXPECT_EQ(total_requests(), 1u);
}

TEST_F(ClientTest, PostBecomesGetOn303And302ButNotOn307) {
  ScriptedServer server;
  server.push(ScriptedReply::redirect(307, "/keep"));
  server.push(ScriptedReply::redirect(303, "/see-other"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->post("/form", "a=1");
    EXPECT_EQ(r.status(), 200);
  }());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].body, "a=1");
  EXPECT_EQ(reqs[2].method, "GET");
  EXPECT_EQ(reqs[2].body, "");
  EXPECT_EQ(reqs[2].header("Content-Length"), std::nullopt);
}

TEST_F(ClientTest, RedirectLoopStopsAtTheLimit) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::redirect(302, "/loop"));
  auto config = config_for(server.url());
  config.max_redirects = 3;
  use_config(config);
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/loop");
    EXPECT_EQ(r.error(), "TooManyRedirects('exceeded 3 redirects')");
    RequestOptions no_follow;
    no_follow.follow_redirects = false;
    Response raw = co_await client->get("/loop", no_follow);
    EXPECT_EQ(raw.status(), 302);
    EXPECT_EQ(raw.header("Location"), "/loop");
  }());
  EXPECT_EQ(server.request_count(), 5u);  // 1 + 3 hops, then 1 not followed
  EXPECT_EQ(totals("GET", "/loop").failures, 1u);
}

TEST_F(ClientTest, CookiesAreStoredPerUserAndSentBack) {
  ScriptedServer server;
  server.push(ScriptedReply::respond(200)
                  .with_header("Set-Cookie", "sid=abc; Path=/; HttpOnly")
                  .with_header("Set-Cookie", "theme=dark"));
  server.push(ScriptedReply::respond(200).with_header("Set-Cookie", "theme=; Max-Age=0"));
  use_config(config_for(server.url()));
  auto alice = make_client();
  auto bob = make_client();
  run([&]() -> Task<> {
    (void)co_await alice->get("/login");
    (void)co_await alice->get("/logout-theme");
    (void)co_await alice->get("/me");
    (void)co_await bob->get("/me");
  }());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].header("Cookie"), std::nullopt);
  EXPECT_EQ(reqs[1].header("Cookie"), "sid=abc; theme=dark");
  EXPECT_EQ(reqs[2].header("Cookie"), "sid=abc");
  EXPECT_EQ(reqs[3].header("Cookie"), std::nullopt);  // bob has his own jar
}

TEST_F(ClientTest, CookieSetOnARedirectIsSentToTheTarget) {
  ScriptedServer server;
  server.push(ScriptedReply::redirect(302, "/home").with_header("Set-Cookie", "sid=xyz"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> { (void)co_await client->post("/login", "user=a"); }());
  EXPECT_EQ(server.requests().at(1).header("Cookie"), "sid=xyz");
}

TEST_F(ClientTest, HttpsAgainstASelfSignedServerWithKeepAlive) {
  ScriptedServer server(testing::make_self_signed_tls());
  server.set_handler(
      [](const testing::RecordedRequest& req) { return ScriptedReply::respond(200, "tls:" + req.target); });
  auto config = config_for(server.url());
  config.tls_verify = false;  // --insecure: its certificate is for "localhost", self-signed
  use_config(config);
  auto client = make_client();
  run([&]() -> Task<> {
    for (int i = 0; i < 5; ++i) {
      Response r = co_await client->get("/secure");
      EXPECT_EQ(r.status(), 200);
      EXPECT_EQ(r.text(), "tls:/secure");
    }
  }());
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(totals("GET", "/secure").requests, 5u);
  EXPECT_EQ(totals("GET", "/secure").failures, 0u);
}

TEST_F(ClientTest, TlsHandshakeFailureIsReportedAndTheClientGoesOn) {
  ScriptedServer plain;  // speaks HTTP, not TLS: the handshake gets an HTTP answer back
  plain.answer_on_connect("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  use_config(config_for("https://127.0.0.1:" + std::to_string(plain.port())));
  auto client = make_client();
  run([&]() -> Task<> {
    for (int i = 0; i < 2; ++i) {
      Response r = co_await client->get("/");
      EXPECT_EQ(r.status(), 0);
      EXPECT_EQ(r.error().substr(0, 32), "SSLError('TLS handshake failed: ") << r.error();
    }
  }());
  EXPECT_EQ(totals("GET", "/").failures, 2u);
}

}  // namespace
}  // namespace cicada::http::test
