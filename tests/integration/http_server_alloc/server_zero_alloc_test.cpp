// The server's steady state allocates nothing: after warm-up, keep-alive GET and POST requests on one
// connection make no call to operator new on the worker thread (parse, route, handler, response, write,
// deadlines). Issue 19: the per-request allocations were a measurable share of the server's CPU.
//
// Global operator new is replaced in this test binary only (tests/support/counting_new.hpp); it counts
// calls made on a thread that asked to be counted: the worker thread, between the /count/start and
// /count/stop handlers.
#include <gtest/gtest.h>

#include "http/server/http_server.hpp"
#include "raw_http.hpp"
#include "support/counting_new.hpp"

namespace cicada::http {
namespace {

using ::cicada::test::counting_new::allocations;
using ::cicada::test::counting_new::counting;

constexpr std::string_view kBody =
    R"({"age":63,"sex":1,"cp":3,"trestbps":145,"chol":233,"fbs":1,"thalach":150})";

Router counting_router() {
  Router r;
  r.add("GET", "/count/start", [](const ServerRequest&, ServerResponse& out) {
    allocations = 0;
    counting = true;
    out.body = "counting";
  });
  r.add("GET", "/count/stop", [](const ServerRequest&, ServerResponse& out) {
    counting = false;
    out.body = "stopped";
  });
  r.add("GET", "/health", [](const ServerRequest&, ServerResponse& out) { out.body = "OK"; });
  r.add("POST", "/predict", [](const ServerRequest& req, ServerResponse& out) {
    out.content_type = "application/json";
    out.body = req.body.size() == kBody.size() ? R"({"diagnosis":"yes"})" : "wrong body";
  });
  return r;
}

std::string request(std::string_view method, std::string_view path, std::string_view body = {}) {
  std::string r = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n";
  if (!body.empty()) {
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return r + "\r\n" + std::string(body);
}

void expect_none_per_request(bool http2) {
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.http2 = http2;
  options.request_timeout = std::chrono::milliseconds(2000);  // a sweep every 250 ms runs in the window too
  HttpServer server(options, counting_router());
  ASSERT_TRUE(server.start().ok());
  test::RawConnection c(server.port());
  ASSERT_TRUE(c.connected());
  const std::string get = request("GET", "/health");
  const std::string post = request("POST", "/predict", kBody);
  auto exchange = [&](const std::string& bytes, std::string_view expected) {
    ASSERT_TRUE(c.send(bytes));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    ASSERT_EQ(r->body, expected);
  };
  for (int i = 0; i < 200; ++i) {  // warm-up: buffers, the response strings, Asio's handler memory
    exchange(get, "OK");
    exchange(post, R"({"diagnosis":"yes"})");
  }
  exchange(request("GET", "/count/start"), "counting");
  for (int i = 0; i < 1000; ++i) {
    exchange(get, "OK");
    exchange(post, R"({"diagnosis":"yes"})");
  }
  exchange(request("GET", "/count/stop"), "stopped");
  EXPECT_EQ(allocations.load(), 0u) << "operator new calls on the worker thread over 2,000 requests";
}

TEST(ServerAllocations, NonePerRequestOnAWarmKeepAliveConnection) { expect_none_per_request(false); }

// With HTTP/2 on (cicada-model serve's default), only a connection's first read looks for the HTTP/2
// preface: an HTTP/1.1 connection's requests cost what they cost without it.
TEST(ServerAllocations, NonePerRequestWithHttp2OnToo) { expect_none_per_request(true); }

TEST(ServerAllocations, TheCounterSeesAnAllocationOnTheWorker) {
  // The test above must be able to fail: a handler that allocates is counted.
  Router r = counting_router();
  r.add("GET", "/allocates", [](const ServerRequest&, ServerResponse& out) {
    out.body = std::string(4096, 'x');  // past any capacity kept from earlier requests
  });
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  HttpServer server(options, std::move(r));
  ASSERT_TRUE(server.start().ok());
  test::RawConnection c(server.port());
  ASSERT_TRUE(c.send(request("GET", "/count/start")));
  ASSERT_TRUE(c.read_response());
  ASSERT_TRUE(c.send(request("GET", "/allocates")));
  ASSERT_TRUE(c.read_response());
  ASSERT_TRUE(c.send(request("GET", "/count/stop")));
  ASSERT_TRUE(c.read_response());
  EXPECT_GE(allocations.load(), 1u);
}

}  // namespace
}  // namespace cicada::http
