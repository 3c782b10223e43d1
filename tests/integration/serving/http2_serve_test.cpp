// HTTP/2 with prior knowledge (h2c) on the model API's port (ServerOptions::http2, cicada-model serve's
// default): cicada's own --http2 client, curl and h2load (Debian nghttp2-client) when installed, against
// the same routes, limits and /metrics as HTTP/1.1; protocol errors end one connection (GOAWAY) and
// nothing else; a stream whose request never completes is timed out; with HTTP/2 off the preface is an
// HTTP/1.1 400.
#include <nghttp2/nghttp2.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include "client_fixture.hpp"
#include "h2_frames.hpp"
#include "model_api_fixture.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"

namespace cicada::serving::test {
namespace {

using cicada::test::frames_of;
using cicada::test::goaway_code;
using cicada::test::kH2EmptySettings;
using cicada::test::kH2Preface;
using cicada::test::RawConnection;
using cicada::testing::command_output;
using cicada::testing::have_program;
using namespace std::chrono_literals;

class Http2Serve : public http::test::ClientTest {
 protected:
  void SetUp() override { start(true); }

  void start(bool http2) {
    http::ServerOptions options;
    options.http2 = http2;
    model_.start(options);
    port_ = model_.server->port();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    auto config = config_for(url_);
    config.http2 = true;
    use_config(config);
  }

  std::string metrics_text() {
    auto r = cicada::test::round_trip(port_, cicada::test::make_request("GET", "/metrics"));
    return r ? r->body : std::string();
  }

  ModelServer model_;
  std::uint16_t port_ = 0;
  std::string url_;
};

TEST_F(Http2Serve, CicadasHttp2ClientGetsTheSameAnswersAsOverHttp11OnOneConnection) {
  auto owned = make_client();
  http::UserHttpClient& client = *owned;
  run([&]() -> Task<> {
    Response health = co_await client.get("/health");
    EXPECT_EQ(health.status(), 200);
    EXPECT_EQ(health.text(), "OK");
    Response good = co_await client.post_json("/predict", kPayload);
    EXPECT_EQ(good.status(), 200);
    EXPECT_NE(good.text().find("\"diagnosis\""), std::string::npos) << good.text();
    Response bad = co_await client.post_json("/predict", payload_with("age", "\"old\""));
    EXPECT_EQ(bad.status(), 400);
    EXPECT_NE(bad.text().find("\"age\""), std::string::npos) << bad.text();
    Response wrong_type = co_await client.post("/predict", kPayload);  // no content type
    EXPECT_EQ(wrong_type.status(), 415);
    const std::string infer = R"({"id":"h2","inputs":[)" + [] {
      std::string t;
      for (const auto& [name, value] : payload_row()) {
        if (!t.empty()) t += ",";
        t += R"({"name":")" + name + R"(","shape":[1],"datatype":"FP64","data":[)" + std::to_string(value) +
             "]}";
      }
      return t;
    }() + "]}";
    Response v2 = co_await client.post_json("/v2/models/heart-disease/infer", infer);
    EXPECT_EQ(v2.status(), 200) << v2.text();
    EXPECT_NE(v2.text().find("\"id\":\"h2\""), std::string::npos) << v2.text();
    Response missing = co_await client.get("/nope");
    EXPECT_EQ(missing.status(), 404);
    Response method = co_await client.del("/predict");
    EXPECT_EQ(method.status(), 405);
    EXPECT_EQ(method.header("allow"), "POST");
    // 65 KiB over a 64 KiB limit: refused from content-length, as on HTTP/1.1.
    Response large = co_await client.post_json("/predict", std::string(65 * 1024, ' '));
    EXPECT_EQ(large.status(), 413);
    Response after = co_await client.get("/health");
    EXPECT_EQ(after.status(), 200);
  }());
  EXPECT_EQ(client.connections_opened(), 1u);
  // /metrics counts the HTTP/2 requests as it counts HTTP/1.1 ones, nothing is left in flight.
  const std::string m = metrics_text();
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="/health",code="200"} 2)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="/predict",code="200"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="/predict",code="400"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="/predict",code="415"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="/predict",code="405"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="unmatched",code="404"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(cicada_http_requests_total{route="unmatched",code="413"} 1)"), std::string::npos) << m;
  EXPECT_NE(m.find("cicada_http_requests_in_flight 1\n"), std::string::npos) << m;  // the scrape itself
}

TEST_F(Http2Serve, CurlWithPriorKnowledgeGetsEveryAnswer) {
  if (!have_program("curl") || command_output("curl --version").find("HTTP2") == std::string::npos)
    GTEST_SKIP() << "no curl with HTTP/2";
  const std::string curl = "curl -sS --http2-prior-knowledge -o /dev/null -w '%{http_version} %{http_code}' ";
  EXPECT_EQ(command_output(curl + url_ + "/health"), "2 200");
  EXPECT_EQ(command_output(curl + url_ + "/nope"), "2 404");
  const std::string json = "-H 'Content-Type: application/json' --data-binary ";
  EXPECT_EQ(command_output(curl + json + "@" + CICADA_SOURCE_DIR + "/data/payload.json " + url_ + "/predict"),
            "2 200");
  EXPECT_EQ(command_output(curl + json + "'{\"age\": 1}' " + url_ + "/predict"), "2 400");
  // The body as curl gets it, and HEAD: the GET head, no body.
  EXPECT_EQ(command_output("curl -sS --http2-prior-knowledge " + url_ + "/health"), "OK");
  EXPECT_EQ(command_output(curl + "-I " + url_ + "/health"), "2 200");
  // And HTTP/1.1 still, on the same port.
  EXPECT_EQ(
      command_output("curl -sS --http1.1 -o /dev/null -w '%{http_version} %{http_code}' " + url_ + "/health"),
      "1.1 200");
}

TEST_F(Http2Serve, H2loadMultiplexesManyStreamsPerConnection) {
  if (!have_program("h2load")) GTEST_SKIP() << "no h2load (Debian nghttp2-client)";
  // 400 requests, 2 connections, 20 streams at once on each: a functional check, not a benchmark.
  const std::string out = command_output("h2load -n 400 -c 2 -m 20 " + url_ + "/health 2>&1");
  EXPECT_NE(out.find("400 succeeded, 0 failed, 0 errored"), std::string::npos) << out;
  EXPECT_NE(out.find("status codes: 400 2xx"), std::string::npos) << out;
}

TEST_F(Http2Serve, NghttpSeesA413ThenTheStreamEndedWithoutError) {
  if (!have_program("nghttp")) GTEST_SKIP() << "no nghttp (Debian nghttp2-client)";
  cicada::testing::TempDir dir;
  const auto body = dir.path() / "big.json";
  { std::ofstream(body) << std::string(200 * 1024, ' '); }
  const std::string out = command_output("nghttp -v -d " + body.string() +
                                         " -H 'content-type: application/json' " + url_ + "/predict 2>&1");
  EXPECT_NE(out.find(":status: 413"), std::string::npos) << out;
  EXPECT_NE(out.find("larger than the limit of 65536 bytes"), std::string::npos) << out;
  // The client is told to stop sending the rest (RFC 9113 §8.1), not that anything failed.
  EXPECT_NE(out.find("error_code=NO_ERROR"), std::string::npos) << out;
}

TEST_F(Http2Serve, GarbageAfterThePrefaceGetsGoawayAndTheServerServesOthers) {
  for (std::string_view garbage : {std::string_view("garbage-garbage-garbage-garbage"),
                                   // A DATA frame on stream 0: a connection error (RFC 9113 §6.1).
                                   std::string_view("\x00\x00\x01\x00\x00\x00\x00\x00\x00x", 10)}) {
    RawConnection c(port_);
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send(std::string(kH2Preface) + std::string(garbage)));
    auto got = c.read_until_closed(5s);
    ASSERT_TRUE(got) << "the connection stayed open";
    const auto code = goaway_code(*got);
    ASSERT_TRUE(code) << "no GOAWAY";
    EXPECT_NE(*code, 0u) << "an error code";
  }
  auto health = cicada::test::round_trip(port_, cicada::test::make_request("GET", "/health"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto owned = make_client();
  run([&]() -> Task<> {
    Response r = co_await owned->get("/health");
    EXPECT_EQ(r.status(), 200);
  }());
  EXPECT_EQ(metrics_text().find("code=\"5"), std::string::npos);
}

// A header block cut into CONTINUATION frames past nghttp2's limit (the 2024 CONTINUATION flood,
// CVE-2024-28182 in nghttp2): the connection ends with a GOAWAY that says why (ENHANCE_YOUR_CALM), not a
// bare close.
TEST_F(Http2Serve, AContinuationFloodEndsTheConnectionWithGoaway) {
  const auto frame = [](std::uint8_t type, std::uint8_t flags, std::string_view payload) {
    std::string f{static_cast<char>(payload.size() >> 16),
                  static_cast<char>(payload.size() >> 8),
                  static_cast<char>(payload.size()),
                  static_cast<char>(type),
                  static_cast<char>(flags),
                  '\0',
                  '\0',
                  '\0',
                  '\1'};  // stream 1
    return f + std::string(payload);
  };
  std::string flood = std::string(kH2Preface) + kH2EmptySettings + frame(NGHTTP2_HEADERS, 0, "\x82");
  for (int i = 0; i < 10; ++i) flood += frame(NGHTTP2_CONTINUATION, 0, "");
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(flood));
  auto got = c.read_until_closed(5s);
  ASSERT_TRUE(got) << "the connection stayed open";
  const auto code = goaway_code(*got);
  ASSERT_TRUE(code) << "no GOAWAY";
  EXPECT_EQ(*code, static_cast<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
}

// The client half of a request from libnghttp2 directly: the preface, SETTINGS and a HEADERS frame that
// leaves the stream open (a body that never comes).
std::string open_stream_bytes(std::uint16_t port) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session* session = nullptr;
  nghttp2_session_client_new(&session, callbacks, nullptr);
  nghttp2_session_callbacks_del(callbacks);
  nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, nullptr, 0);
  const std::string authority = "127.0.0.1:" + std::to_string(port);
  const auto nv = [](std::string_view n, std::string_view v) {
    return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                      reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                      NGHTTP2_NV_FLAG_NONE};
  };
  const nghttp2_nv head[] = {nv(":method", "POST"), nv(":scheme", "http"), nv(":authority", authority),
                             nv(":path", "/predict"), nv("content-type", "application/json")};
  nghttp2_submit_headers(session, NGHTTP2_FLAG_NONE, -1, nullptr, head, std::size(head), nullptr);
  std::string out;
  const std::uint8_t* data = nullptr;
  for (ssize_t n; (n = nghttp2_session_mem_send(session, &data)) > 0;)
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  nghttp2_session_del(session);
  return out;
}

// A libnghttp2 client session over a raw connection, for what no polite client does: request bodies that
// stop short (the stream stays open), many at once. Records each stream's :status and close code.
class StubbornClient {
 public:
  // initial_window: the receive window it gives each stream (SETTINGS_INITIAL_WINDOW_SIZE); 0 lets no
  // response body through.
  explicit StubbornClient(std::uint16_t port, std::uint32_t initial_window = 65'535)
      : connection_(port), authority_("127.0.0.1:" + std::to_string(port)) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(
        callbacks,
        [](nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
           const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* p) {
          if (std::string_view(reinterpret_cast<const char*>(name), namelen) == ":status")
            static_cast<StubbornClient*>(p)->status[frame->hd.stream_id] =
                std::stoi(std::string(reinterpret_cast<const char*>(value), valuelen));
          return 0;
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(
        callbacks, [](nghttp2_session*, std::int32_t id, std::uint32_t code, void* p) {
          static_cast<StubbornClient*>(p)->closed[id] = code;
          return 0;
        });
    nghttp2_session_client_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    const nghttp2_settings_entry window{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, initial_window};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, &window, 1);
  }
  ~StubbornClient() { nghttp2_session_del(session_); }

  // POST /predict whose body sends `bytes` and then nothing more (no END_STREAM); or a GET with bytes 0.
  std::int32_t request(std::string_view method, std::string_view path, std::size_t bytes) {
    const auto nv = [](std::string_view n, std::string_view v) {
      return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                        reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                        NGHTTP2_NV_FLAG_NONE};
    };
    const nghttp2_nv head[] = {nv(":method", method), nv(":scheme", "http"), nv(":authority", authority_),
                               nv(":path", path), nv("content-type", "application/json")};
    left_.push_back(std::make_unique<std::size_t>(bytes));
    nghttp2_data_provider provider{};
    provider.source.ptr = left_.back().get();
    provider.read_callback = [](nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                                std::uint32_t*, nghttp2_data_source* source, void*) -> ssize_t {
      auto& left = *static_cast<std::size_t*>(source->ptr);
      if (left == 0) return NGHTTP2_ERR_DEFERRED;  // the rest of the body never comes
      const std::size_t n = std::min(left, length);
      std::memset(buf, ' ', n);
      left -= n;
      return static_cast<ssize_t>(n);
    };
    return nghttp2_submit_request(session_, nullptr, head, std::size(head), bytes > 0 ? &provider : nullptr,
                                  nullptr);
  }

  // Sends what the session has and feeds it what arrives, until done() or the server closes or 10 s pass.
  template <class Done>
  bool pump(Done done) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < until) {
      const std::uint8_t* data = nullptr;
      for (ssize_t n; (n = nghttp2_session_mem_send(session_, &data)) > 0;)
        if (!connection_.send(
                std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n))))
          return false;
      auto got = connection_.read_some(20ms);
      if (got && nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(got->data()),
                                          got->size()) < 0)
        return false;
    }
    return done();
  }

  std::map<std::int32_t, int> status;
  std::map<std::int32_t, std::uint32_t> closed;

 private:
  RawConnection connection_;
  std::string authority_;
  nghttp2_session* session_ = nullptr;
  std::vector<std::unique_ptr<std::size_t>> left_;
};

TEST_F(Http2Serve, RequestBodiesHeldPerConnectionAreBoundedAndTheConnectionServesOn) {
  model_.request_timeout = 10s;  // the stalled uploads must not end the connection during the test
  start(true);
  StubbornClient client(port_);
  // Four uploads of 60,000 bytes that never finish: 240,000 bytes against 2 x 64 KiB held at most.
  std::vector<std::int32_t> uploads;
  for (int i = 0; i < 4; ++i) uploads.push_back(client.request("POST", "/predict", 60'000));
  const auto refused = [&] {
    return std::count_if(uploads.begin(), uploads.end(), [&](std::int32_t id) {
      auto it = client.closed.find(id);
      return it != client.closed.end() && it->second == NGHTTP2_REFUSED_STREAM;
    });
  };
  ASSERT_TRUE(client.pump([&] { return refused() >= 2; })) << "refused: " << refused();
  // The two that fit are still open, and the connection answers a new stream beside them.
  const std::int32_t health = client.request("GET", "/health", 0);
  ASSERT_TRUE(client.pump([&] { return client.closed.count(health) > 0; }));
  EXPECT_EQ(client.status[health], 200);
  EXPECT_EQ(refused(), 2);
  EXPECT_EQ(model_.server->inflight(), 0u);
}

// A client that opens streams with a receive window of 0 holds their answers back as long as it likes.
// Those answers must not hold --max-inflight: before, a dozen such connections (100 streams each against
// the default 1,024) got every other client 503, /health included, until the request timeout.
TEST_F(Http2Serve, AnswersAClientHoldsBackByFlowControlDoNotCountAsInFlight) {
  http::ServerOptions options;
  options.http2 = true;
  options.max_inflight = 4;
  model_.request_timeout = 10s;  // the held answers must not end the connection during the test
  model_.start(options);
  port_ = model_.server->port();
  StubbornClient client(port_, 0);
  std::vector<std::int32_t> streams;
  for (int i = 0; i < 8; ++i) streams.push_back(client.request("GET", "/health", 0));
  // Every stream is answered (a HEADERS frame is not flow-controlled); no body can follow.
  ASSERT_TRUE(client.pump([&] { return client.status.size() == streams.size(); }))
      << client.status.size() << " of " << streams.size() << " answered";
  for (const auto id : streams) EXPECT_EQ(client.status[id], 200) << "stream " << id;
  EXPECT_TRUE(client.closed.empty()) << "the answers' bodies are held back, so no stream has ended";
  EXPECT_EQ(model_.server->inflight(), 0u);
  const auto r = cicada::test::round_trip(port_, cicada::test::make_request("GET", "/health"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << "another client is served beside the held answers";
}

TEST_F(Http2Serve, AStreamWhoseRequestNeverCompletesIsTimedOutWhileOthersAreServed) {
  RawConnection slow(port_);
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send(open_stream_bytes(port_)));
  // Another connection is served meanwhile.
  auto health = cicada::test::round_trip(port_, cicada::test::make_request("GET", "/health"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // Closed by the 500 ms request timeout; the bound only tells a missing timeout apart.
  EXPECT_TRUE(slow.read_until_closed(10s));
  EXPECT_EQ(model_.server->inflight(), 0u);
}

TEST_F(Http2Serve, AnIdleConnectionAfterThePrefaceIsClosedLikeAnIdleHttp11One) {
  RawConnection idle(port_);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.send(std::string(kH2Preface) + kH2EmptySettings));
  auto got = idle.read_until_closed(10s);  // the first-request timeout (500 ms here)
  ASSERT_TRUE(got);
  ASSERT_FALSE(frames_of(*got).empty());
  EXPECT_EQ(frames_of(*got).front().first, NGHTTP2_SETTINGS);
  // Ended as stop ends it: a GOAWAY (NO_ERROR) says nothing the client sent was lost (it was a bare close).
  const auto code = goaway_code(*got);
  ASSERT_TRUE(code) << "no GOAWAY";
  EXPECT_EQ(*code, 0u) << "NO_ERROR";
  // Counted once, uncounted once: each HTTP/2 connection left one counted for the cap before.
  EXPECT_TRUE(cicada::testing::eventually([&] { return model_.server->connections() == 0; }));
}

TEST_F(Http2Serve, StopSendsGoawayToAnIdleConnectionAndEndsWithoutWaitingForTheGrace) {
  RawConnection idle(port_);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.send(std::string(kH2Preface) + kH2EmptySettings));
  // The server's SETTINGS: the connection is HTTP/2 before stop() comes.
  auto first = idle.read_some(5s);
  ASSERT_TRUE(first);
  ASSERT_FALSE(frames_of(*first).empty());
  EXPECT_EQ(frames_of(*first).front().first, NGHTTP2_SETTINGS);
  std::thread stopper([this] {
    model_.server->stop();
    model_.server->wait();
  });
  auto got = idle.read_until_closed(5s);  // the shutdown grace is 10 s: closed well before it
  stopper.join();
  ASSERT_TRUE(got);
  const auto code = goaway_code(*got);
  ASSERT_TRUE(code) << "no GOAWAY";
  EXPECT_EQ(*code, 0u) << "NO_ERROR";
}

// --max-inflight counts HTTP/2 streams with HTTP/1.1 requests: a stream past it is answered 503 with
// retry-after, from the same dispatch.
TEST_F(Http2Serve, AStreamPastTheInFlightLimitGets503WithRetryAfter) {
  std::atomic<bool> entered{false}, release{false};
  http::Router router;
  router.add("GET", "/hold", [&](const http::ServerRequest&, http::ServerResponse& out) {
    entered = true;
    const auto until = std::chrono::steady_clock::now() + 10s;  // only a hang guard
    while (!release && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    out.body = "held";
  });
  router.add("GET", "/health",
             [](const http::ServerRequest&, http::ServerResponse& out) { out.body = "OK"; });
  http::ServerOptions options;
  options.port = 0;
  options.threads = 2;  // the held request blocks one worker; the HTTP/2 connection lands on the other
  options.max_inflight = 1;
  options.http2 = true;
  http::HttpServer server(options, std::move(router));
  ASSERT_TRUE(server.start().ok());
  RawConnection held(server.port());
  ASSERT_TRUE(held.send(cicada::test::make_request("GET", "/hold")));
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!entered && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(entered);
  auto config = config_for(server.url());
  config.http2 = true;
  use_config(config);
  auto owned = make_client();
  run([&]() -> Task<> {
    Response r = co_await owned->get("/health");
    EXPECT_EQ(r.status(), 503);
    EXPECT_EQ(r.header("retry-after"), "1");
  }());
  release = true;
  auto answer = held.read_response();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "held");
  // The held request leaves the count when its write completes on the server, which can be after the
  // client has read the answer: wait for that, not for the bytes.
  ASSERT_TRUE(cicada::testing::eventually([&] { return server.inflight() == 0; }));
  run([&]() -> Task<> {
    Response r = co_await owned->get("/health");  // the limit is free again
    EXPECT_EQ(r.status(), 200);
  }());
}

TEST_F(Http2Serve, WithHttp2OffThePrefaceIsAnHttp11BadRequest) {
  start(false);
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(kH2Preface));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

}  // namespace
}  // namespace cicada::serving::test
