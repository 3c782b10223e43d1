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
    Response b = co_await client->get("/caf\xc3\xa9/%7euser/100%/x/../y");
    EXPECT_EQ(b.status(), 200);
    Response c = co_await client->get(server.url() + "/abs path");
    EXPECT_EQ(c.status(), 200);
  }());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/users/John%20Smith?q=a%20b");
  EXPECT_EQ(reqs[1].target, "/caf%C3%A9/%257Euser/100%25/y");  // one '%' starting no escape: each is %25
  EXPECT_EQ(reqs[2].target, "/abs%20path");
  EXPECT_EQ(totals("GET", "/users/John%20Smith?q=a%20b").requests, 1u);
  EXPECT_EQ(totals("GET", "/caf%C3%A9/%257Euser/100%25/y").requests, 1u);
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

// python-requests 2.34's text, with the value or name as Python's repr shows it.
std::string invalid_header(std::string_view part, std::string_view repr) {
  return "InvalidHeader(\"Invalid leading whitespace, reserved character(s), or return character(s) in "
         "header " +
         std::string(part) + ": " + std::string(repr) + "\")";
}

TEST_F(ClientTest, AHeaderOrMethodThatWouldBreakTheRequestFailsWithoutSendingIt) {
  ScriptedServer server;
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    const Header injected[] = {{"X-Test", "a\r\nInjected: 1"}};
    Response a = co_await client->get("/a", with_headers(injected));
    EXPECT_EQ(a.status(), 0);
    EXPECT_EQ(a.error(), invalid_header("value", R"('a\\r\\nInjected: 1')"));
    const Header lone_lf[] = {{"X-Lf", "a\nb"}};
    Response b = co_await client->get("/b", with_headers(lone_lf));
    EXPECT_EQ(b.error(), invalid_header("value", R"('a\\nb')"));
    const Header bad_name[] = {{"X Test:", "1"}};
    Response c = co_await client->get("/c", with_headers(bad_name));
    EXPECT_EQ(c.error(), invalid_header("name", "'X Test:'"));
    Response d = co_await client->request("GET /x HTTP/1.1\r\n", "/d", {});
    EXPECT_EQ(d.error(), R"(ValueError("Invalid HTTP method: 'GET /x HTTP/1.1\\r\\n'"))");
    client->set_default_header("X-Default", " leading space");
    Response e = co_await client->get("/e");
    EXPECT_EQ(e.error(), invalid_header("value", "' leading space'"));
    client->set_default_header("X-Default", "fine");
    RequestOptions bad_type;
    bad_type.content_type = "text/plain\r\nX-Evil: 1";
    Response g = co_await client->post("/g", "x", bad_type);
    EXPECT_EQ(g.error(), invalid_header("value", R"('text/plain\\r\\nX-Evil: 1')"));
    const std::string big_value = std::string(300, 'v') + "\n";
    const Header big[] = {{"X-Big", big_value}};
    Response h = co_await client->get("/h", with_headers(big));
    EXPECT_EQ(h.error(), invalid_header("value", "'" + std::string(200, 'v') + "...'"));  // cut to 200 bytes
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
  for (const char* name : {"/a", "/b", "/c", "/e", "/h"}) {
    SCOPED_TRACE(name);
    const auto t = totals("GET", name);
    EXPECT_EQ(t.requests, 1u);
    EXPECT_EQ(t.failures, 1u);
  }
  EXPECT_EQ(totals("POST", "/g").failures, 1u);
  EXPECT_EQ(totals("GET /x HTTP/1.1\r\n", "/d").failures, 1u);
  EXPECT_EQ(total_requests(), 8u);
}

// As Locust: a relative path goes after the host's own path, and is named with it.
TEST_F(ClientTest, ARelativePathGoesAfterTheHostsPath) {
  ScriptedServer server;
  use_config(config_for(server.url() + "/api/"));
  auto client = make_client();
  run([&]() -> Task<> {
    for (const char* path : {"/x", "y", "?q=1", "/z w"})
      EXPECT_EQ((co_await client->get(path)).status(), 200);
    EXPECT_EQ((co_await client->get(server.url() + "/abs")).status(), 200);  // a full URL is its own
  }());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 5u);
  EXPECT_EQ(reqs[0].target, "/api/x");
  EXPECT_EQ(reqs[1].target, "/api/y");
  EXPECT_EQ(reqs[2].target, "/api?q=1");
  EXPECT_EQ(reqs[3].target, "/api/z%20w");
  EXPECT_EQ(reqs[4].target, "/abs");
  EXPECT_EQ(totals("GET", "/api/x").requests, 1u);
  EXPECT_EQ(totals("GET", "/api/z%20w").requests, 1u);
}

// requests' HTTPError names response.url: the last hop's URL as it was sent.
TEST_F(ClientTest, AnHttpErrorNamesTheUrlOfTheLastHop) {
  ScriptedServer server;
  server.push(ScriptedReply::redirect(302, "/gone away"));
  server.push(ScriptedReply::respond(404, "no"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/start");
    EXPECT_EQ(r.status(), 404);
  }());
  const auto t = totals("GET", "/start");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].first,
            "HTTPError('404 Client Error: Not Found for url: " + server.url() + "/gone%20away')");
}

}  // namespace
}  // namespace cicada::http::test
