// The web UI keeps other web sites out: a page the user visits cannot make the browser start, stop or
// reset a test (Sec-Fetch-Site, Origin), nor reach the UI under a rebound DNS name (Host); reads stay open
// to other pages as Locust's are. Also basic auth's scheme in any case, and user_count in digits only.
#include "webui/site_guard.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "webui/basic_auth.hpp"
#include "webui/route_guard.hpp"
#include "webui_fixture.hpp"

namespace cicada::test {
namespace {

using nlohmann::json;

TEST(SiteGuard, LoopbackListenHosts) {
  for (const char* host : {"127.0.0.1", "127.9.8.7", "localhost", "LocalHost", "::1", "[::1]"})
    EXPECT_TRUE(webui::is_loopback_host(host)) << host;
  for (const char* host : {"0.0.0.0", "::", "", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1"})
    EXPECT_FALSE(webui::is_loopback_host(host)) << host;
  EXPECT_TRUE(webui::RouteGuard::for_server("", "127.0.0.1").loopback_only);
  EXPECT_FALSE(webui::RouteGuard::for_server("", "0.0.0.0").loopback_only);
  EXPECT_EQ(webui::RouteGuard::for_server("a:b", "::1").expected_auth, webui::basic_auth_header("a:b"));
}

TEST(SiteGuard, HostHeadersThatNameLoopback) {
  for (const char* host : {"127.0.0.1", "127.0.0.1:8089", "127.1.2.3:1", "localhost", "LOCALHOST:8089",
                           "app.localhost:3000", "[::1]", "[::1]:8089", "", "localhost.", "localhost.:8089",
                           "app.localhost.", "[::ffff:127.0.0.1]:8089"})
    EXPECT_TRUE(webui::host_header_is_loopback(host)) << host;
  for (const char* host :
       {"evil.example", "evil.example:8089", "127.0.0.1.evil.example", "localhost.evil.example",
        "evilocalhost", "0.0.0.0:8089", "192.168.1.10:8089", "[::1", "[::1]x", "[::2]:80", "::1",
        "127.0.0.1 :80", "localhost..", "[::ffff:10.0.0.1]", "evil.example."})
    EXPECT_FALSE(webui::host_header_is_loopback(host)) << host;
}

// A request's provenance headers; "" for a header not sent.
http::RequestProvenance sent(std::string_view host, std::string_view origin, std::string_view fetch_site,
                             std::string_view referer = "", std::string_view forwarded_host = "") {
  return {host, origin, fetch_site, referer, forwarded_host};
}

TEST(SiteGuard, RequestsFromAnotherOrigin) {
  using webui::from_another_origin;
  const std::string_view ui = "127.0.0.1:8089";
  // Sec-Fetch-Site decides when a browser sends it: only the page's own origin, or the user, may.
  EXPECT_FALSE(from_another_origin(sent(ui, "", "same-origin")));
  EXPECT_FALSE(from_another_origin(sent(ui, "", "none")));
  EXPECT_TRUE(from_another_origin(sent(ui, "", "cross-site")));
  EXPECT_TRUE(from_another_origin(sent(ui, "", "same-site")));  // another port, same host
  EXPECT_TRUE(from_another_origin(sent(ui, "http://127.0.0.1:8089", "cross-site")));
  // Without it (older browsers, plain HTTP to another machine), the Origin must be the Host's.
  EXPECT_FALSE(from_another_origin(sent(ui, "http://127.0.0.1:8089", "")));
  EXPECT_FALSE(from_another_origin(sent("LocalHost:8089", "http://localhost:8089", "")));
  EXPECT_TRUE(from_another_origin(sent(ui, "http://127.0.0.1:3000", "")));
  EXPECT_TRUE(from_another_origin(sent(ui, "https://evil.example", "")));
  EXPECT_TRUE(from_another_origin(sent(ui, "null", "")));
  EXPECT_TRUE(from_another_origin(sent("", "http://127.0.0.1:8089", "")));
  // ... else the Referer's host and port (an image or a link has no Origin).
  EXPECT_FALSE(from_another_origin(sent(ui, "", "", "http://127.0.0.1:8089/?tab=charts")));
  EXPECT_TRUE(from_another_origin(sent(ui, "", "", "http://evil.example/page.html")));
  EXPECT_TRUE(from_another_origin(sent(ui, "", "", "http://127.0.0.1:3000/")));
  EXPECT_TRUE(from_another_origin(sent(ui, "", "", "about:blank")));
  EXPECT_TRUE(from_another_origin(sent(ui, "https://evil.example", "", "http://127.0.0.1:8089/")))
      << "the Origin decides when both are sent";
  // Behind a plain-HTTP reverse proxy that passes a loopback Host, the proxy's own name is the page's.
  EXPECT_FALSE(from_another_origin(sent(ui, "http://ui.lan", "", "", "ui.lan")));
  EXPECT_FALSE(from_another_origin(sent(ui, "", "", "http://ui.lan:8080/", "ui.lan:8080, 10.0.0.1")));
  EXPECT_TRUE(from_another_origin(sent(ui, "http://evil.example", "", "", "ui.lan")));
  // Clients that are not browsers send none of them.
  EXPECT_FALSE(from_another_origin(sent(ui, "", "")));
}

TEST(SiteGuard, ARequestWithoutProvenanceIsRefused) {
  // A transport that keeps no provenance headers (HTTP/2 here) gives nothing to check: nothing passes.
  bool ran = false;
  const auto guarded =
      webui::guard_route(webui::RouteGuard{}, webui::RouteKind::kRead,
                         [&ran](const http::ServerRequest&, http::ServerResponse&) { ran = true; });
  http::ServerRequest request{"GET", "/stats/requests", "/stats/requests", "", "", 0, ""};
  http::ServerResponse out;
  guarded(request, out);
  EXPECT_EQ(out.status, 403);
  EXPECT_FALSE(ran);
  // The same request with its headers (none sent: a script) passes.
  request.provenance_of = [](const void*) { return http::RequestProvenance{}; };
  out = http::ServerResponse{};
  guarded(request, out);
  EXPECT_TRUE(ran);
}

// A raw request with the Host given (make_request's is 127.0.0.1).
std::string request_for_host(const std::string& method, const std::string& target, const std::string& host,
                             const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
  if (method == "POST")
    r += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  return r + "\r\n" + body;
}

TEST_F(WebUiTest, APageOfAnotherSiteCannotStartStopOrResetATest) {
  const std::string form = "user_count=1&spawn_rate=10";
  const std::vector<std::string> foreign = {"Sec-Fetch-Site: cross-site\r\n",
                                            "Sec-Fetch-Site: same-site\r\n",
                                            "Referer: http://evil.example/\r\n",
                                            "Origin: https://evil.example\r\n",
                                            "Origin: null\r\n",
                                            "Origin: http://127.0.0.1\r\nSec-Fetch-Site: cross-site\r\n"};
  for (const auto& headers : foreign) {
    const auto swarm = round_trip(
        port(), make_request("POST", "/swarm", form, "application/x-www-form-urlencoded", headers));
    ASSERT_TRUE(swarm);
    EXPECT_EQ(swarm->status, 403) << headers;
    EXPECT_NE(swarm->body.find("another web site"), std::string::npos) << swarm->body;
    EXPECT_EQ(swarm->header("access-control-allow-origin"), "")
        << "a route that changes things is not shared";
    EXPECT_EQ(get("/stop", headers).status, 403) << headers;
    EXPECT_EQ(get("/stats/reset", headers).status, 403) << headers;
  }
  EXPECT_EQ(json::parse(get("/stats/requests").body)["state"], "ready") << "a refused swarm started nothing";
  EXPECT_EQ(health_served_.load(), 0u);

  // Reads stay open to other pages, with Locust's CORS header.
  const auto read = get("/stats/requests", "Sec-Fetch-Site: cross-site\r\nOrigin: https://evil.example\r\n");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.header("access-control-allow-origin"), "*");

  // The UI's own page (same origin), a request typed by the user, and clients that are not browsers pass.
  const auto own =
      round_trip(port(), make_request("POST", "/swarm", form, "application/x-www-form-urlencoded",
                                      "Origin: http://127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(get("/stop", "Sec-Fetch-Site: none\r\n").status, 200);
  EXPECT_EQ(get("/stats/reset", "Origin: http://127.0.0.1\r\n").status, 200);
  EXPECT_EQ(post_form("/swarm", form).status, 200);
  EXPECT_EQ(get("/stop").status, 200);
}

TEST_F(WebUiTest, ALoopbackUiRefusesAHostThatIsNotLoopback) {
  // A page at http://evil.example:PORT whose name now resolves to 127.0.0.1 is same-origin to the browser,
  // so only its Host header tells it apart.
  const std::string p = std::to_string(port());
  for (const std::string target : {"/", "/stats/requests", "/static/app.js", "/stop"}) {
    const auto r = round_trip(port(), request_for_host("GET", target, "evil.example:" + p));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << target;
    EXPECT_NE(r->body.find("loopback only"), std::string::npos) << r->body;
  }
  const auto swarm = round_trip(
      port(), request_for_host("POST", "/swarm", "evil.example:" + p, "user_count=1&spawn_rate=1"));
  ASSERT_TRUE(swarm);
  EXPECT_EQ(swarm->status, 403);
  EXPECT_EQ(json::parse(get("/stats/requests").body)["state"], "ready");
  for (const std::string& host : std::vector<std::string>{"localhost:" + p, "127.0.0.1:" + p, "LOCALHOST"}) {
    const auto r = round_trip(port(), request_for_host("GET", "/stats/requests", host));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << host;
  }
}

TEST_F(WebUiTest, UserCountIsAWholeNumberInDigits) {
  for (const char* users : {"1e2", "2.0", "0x10", " 3", "-1", "99999999999999999999"}) {
    const auto r = post_form("/swarm", std::string("user_count=") + users + "&spawn_rate=1");
    EXPECT_EQ(r.status, 400) << users;
    EXPECT_NE(r.body.find("user_count must be a whole number"), std::string::npos) << r.body;
  }
  EXPECT_EQ(json::parse(get("/stats/requests").body)["state"], "ready");
}

class WebUiAuthSchemeTest : public WebUiTest {
 protected:
  void SetUp() override { start("admin:s3cret"); }
};

TEST_F(WebUiAuthSchemeTest, TheBasicSchemeIsReadInAnyCase) {
  // RFC 9110 §11.1: the scheme is case-insensitive; the credentials are not.
  for (const char* scheme : {"Basic ", "basic ", "BASIC ", "Basic   "})
    EXPECT_EQ(get("/stats/requests", std::string("Authorization: ") + scheme + "YWRtaW46czNjcmV0\r\n").status,
              200)
        << scheme;
  for (const char* value :
       {"Basic ywrtaw46czNjcmV0", "Bearer YWRtaW46czNjcmV0", "BasicYWRtaW46czNjcmV0", "Basic"})
    EXPECT_EQ(get("/stats/requests", std::string("Authorization: ") + value + "\r\n").status, 401) << value;
  // Another site's request is refused before auth is asked for: a 401 would have the browser prompt.
  const auto stop = get("/stop", "Sec-Fetch-Site: cross-site\r\n");
  EXPECT_EQ(stop.status, 403);
  EXPECT_EQ(stop.header("www-authenticate"), "");
}

}  // namespace
}  // namespace cicada::test
