// What the client sends for a path, header or method that cannot go on the wire as written: a path is
// percent-encoded as Locust's HttpSession (python-requests) encodes it, and named so; a header or method
// that would break the request (CR, LF, NUL, a name or method that is not a token) fails the request
// before anything is sent, with a failure text like requests', instead of writing a header the scenario
// never asked for.
#include "client_fixture.hpp"

namespace cicada::http::test {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

TEST_F(ClientTest, APathWithSpacesOrNonAsciiIsSentAndNamedPercentEncoded) {
  ScriptedServer server;
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response a = co_await client->get("/users/John Smith?q=a b#part");
    EXPECT_EQ(a.status(), 200);
    Response b = co_await client->get("/caf\xc3\xa9/%7euser/100%");
    EXPECT_EQ(b.status(), 200);
    Response c = co_await client->get(server.url() + "/abs path");
    EXPECT_EQ(c.status(), 200);
  }());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/users/John%20Smith?q=a%20b");
  EXPECT_EQ(reqs[1].target, "/caf%C3%A9/~user/100%");
  EXPECT_EQ(reqs[2].target, "/abs%20path");
  EXPECT_EQ(totals("GET", "/users/John%20Smith?q=a%20b").requests, 1u);
  EXPECT_EQ(totals("GET", "/caf%C3%A9/~user/100%").requests, 1u);
  EXPECT_EQ(totals("GET", "/abs%20path").requests, 1u);
  EXPECT_EQ(total_requests(), 3u);
}

TEST_F(ClientTest, ARedirectToALocationWithASpaceIsFollowedEncoded) {
  ScriptedServer server;
  server.push(ScriptedReply::redirect(302, "/next page"));
  server.push(ScriptedReply::redirect(302, "then there"));  // relative to /next%20page's directory
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/start");
    EXPECT_EQ(r.status(), 200);
  }());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].target, "/next%20page");
  EXPECT_EQ(reqs[2].target, "/then%20there");
}

TEST_F(ClientTest, AHeaderOrMethodThatWouldBreakTheRequestFailsWithoutSendingIt) {
  ScriptedServer server;
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    const Header injected[] = {{"X-Test", "a\r\nInjected: 1"}};
    Response a = co_await client->get("/a", with_headers(injected));
    EXPECT_EQ(a.status(), 0);
    EXPECT_EQ(a.error(), "InvalidHeader('Invalid return character or leading space in header: X-Test')");
    const Header lone_lf[] = {{"X-Lf", "a\nb"}};
    Response b = co_await client->get("/b", with_headers(lone_lf));
    EXPECT_EQ(b.error(), "InvalidHeader('Invalid return character or leading space in header: X-Lf')");
    const Header bad_name[] = {{"X Test:", "1"}};
    Response c = co_await client->get("/c", with_headers(bad_name));
    EXPECT_EQ(c.error(), "InvalidHeader('Invalid header name: X Test:')");
    Response d = co_await client->request("GET /x HTTP/1.1\r\n", "/d", {});
    EXPECT_EQ(d.error(), "ValueError('Invalid HTTP method: GET /x HTTP/1.1\\r\\n')");
    client->set_default_header("X-Default", " leading space");
    Response e = co_await client->get("/e");
    EXPECT_EQ(e.error(), "InvalidHeader('Invalid return character or leading space in header: X-Default')");
    client->set_default_header("X-Default", "fine");
    const Header ok[] = {{"X-Ok", "tab\tinside and: colon"}};
    Response f = co_await client->get("/f", with_headers(ok));
    EXPECT_EQ(f.status(), 200);
    EXPECT_EQ(f.error(), "");
  }());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);  // only /f went out
  EXPECT_EQ(reqs[0].target, "/f");
  EXPECT_EQ(reqs[0].header("X-Ok"), "tab\tinside and: colon");
  EXPECT_EQ(reqs[0].header("X-Default"), "fine");
  for (const char* name : {"/a", "/b", "/c", "/e"}) {
    SCOPED_TRACE(name);
    const auto t = totals("GET", name);
    EXPECT_EQ(t.requests, 1u);
    EXPECT_EQ(t.failures, 1u);
  }
  EXPECT_EQ(totals("GET /x HTTP/1.1\r\n", "/d").failures, 1u);
  EXPECT_EQ(total_requests(), 6u);
}

}  // namespace
}  // namespace cicada::http::test
